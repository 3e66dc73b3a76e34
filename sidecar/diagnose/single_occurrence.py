"""A failure that happened ONCE and whose record does not say why: an honest unknown that says so (issue 17, round 18).

The doctrine's `unknown` is "the record does not say" (evals/TAXONOMY.md). For one occurrence that means every field
that could say is empty - written down here before the rule, field by field:
- ONCE: the group counted one event (DiagnosisInput.count, from the grouping stage) and no other record of the excerpt
  is a failure (a repeat of it is a second record: the pattern, not the record, would then decide);
- NO CAUSE: the traceback chains no other exception (CPython's "The above exception was the direct cause of the
  following exception" / "During handling of the above exception, another exception occurred": traceback.py);
- NO DETAIL: the error's own text, past the operation it names ("chat request failed: ..."), holds only words that
  name no cause - an empty message, a bare raise (`RuntimeError()`), or a generic phrase ("Internal Server Error",
  "unexpected error", "an error occurred", "something went wrong"). HTTP 500's documented meaning is this very absence:
  "the server encountered an unexpected condition that prevented it from fulfilling the request" (RFC 9110 s.15.6.1);
  so a 500 is no deciding code, every other status is (a 503, a 429, a 404 say what happened);
- NO DECIDING FACT: no code in a namespace but HTTP 500 (situation.py), no remote the record itself names (a remote's
  own 5xx is the provider's or the storage service's failure by the doctrine, whatever the detail), no known library's
  exception class (its documentation says what it means: class layer), not an `AssertionError` (the statement that
  failed is the invariant: code);
- NO SECOND RECORD: every other record of the excerpt is the operation's own start or progress (no WARNING or worse, no
  failure, change or limit word), so nothing around it bears on it.
Then the rules' catch-all is right and the situation model's guess (category_model.py: a 500 was "most often
provider" in the reviewed cases) is a guess on words: the answer is unknown at the catch-all's "the record says
nothing" (honest_unknown.RECORD_SAYS_NOTHING, 0.3), severity low, and it says it happened once and what would decide it.
The twins that keep their answers: the same record twice (a repeat), a chained cause, a specific message (a KeyError's
key, a named value), a documented code (23505, PGRST116, a 503), a remote's 500, an AssertionError, a warning before it.
"""

from __future__ import annotations

import re

from .excerpt import split_records
from .honest_unknown import RECORD_SAYS_NOTHING
from .model import Diagnosis, DiagnosisInput
from .situation import KNOWN_PACKAGES, Situation

RULE = "catch-all+once"
_CHAINED = re.compile(r"The above exception was the direct cause|During handling of the above exception")
# the exception classes that carry no meaning of their own: Python's generic bases and a web framework's HTTP error
# (whose status decides: only 500 is no detail, checked with the codes)
_GENERIC_TYPES = frozenset({"Exception", "RuntimeError", "error", "HTTPException", "HTTPError", "HTTPStatusError",
                            "InternalServerError", "InternalError", "ServerError"})
# the words that name no cause: the failure itself, HTTP 500's reason phrase, apologies, a retry hint, fillers
_NO_CAUSE = frozenset("""
a an the this that your our we it its has have had was were is be been while during when in on for of to with please
error errors failed failure fail fails exception unexpected unexpectedly unknown internal server occurred occur
something went wrong try again later sorry oops unhandled uncaught status code http https 500 request processing
problem issue encountered condition prevented from fulfilling could not be completed none null
""".split())
# an operation's name before its failure ("summarize task t-88 failed: ..."): what failed, not why
_OPERATION = re.compile(r"^.{0,120}?\b(?:failed|failure|error|errored|crashed|aborted)\b\s*(?:[:\-]|with|on\b[^:]*:)\s*",
                        re.I)
# ids and routes the record carries: they name which request, not why (request_id=r-99, POST /v1/messages, u-19)
_IDS = re.compile(r"\b[\w.-]*(?:id|request|user|job|task|trace)[\w.-]*\s*[=:]\s*\S+|\b(?:GET|POST|PUT|PATCH|DELETE)\s+/"
                  r"\S*|\b[a-z]{1,4}-[0-9a-f]{1,32}\b|[{}()\[\]\"'.,;:!?=/-]", re.I)
# a word of a cause or a change (not of the failure itself): in the operation's name before "failed:" it says why
# ("read timeout failed: error"), in a record around the error it bears on it
_CAUSE = re.compile(r"\b(?:refused|timed? ?out|timeout|denied|unable|cannot|could not|retry\w*|gave up|exhaust\w*|"
                    r"abort\w*|cancel\w*|unreachable|disconnect\w*|lost|closed|reset|restart\w*|reload\w*|"
                    r"deploy\w*|rollout|migrat\w*|config\w*|setting|changed?|updated?|maintenance|shut\w*|"
                    r"terminat\w*|kill\w*|slow\w*|latency|limit\w*|full|evict\w*|overload\w*|degraded|unhealthy|"
                    r"down|memory|oom|disk|quota|throttl\w*|warn\w*|crash\w*|panic|invalid|missing|denied|"
                    r"expired|not found|too (?:large|long|many))\b", re.I)
# a record around it that bears on the failure: any level above INFO, or a failure, cause or change word
_BEARS = re.compile(r"\b(?:fail\w*|errors?|exception)\b|" + _CAUSE.pattern, re.I)
_QUIET_LEVELS = frozenset({"DEBUG", "INFO", "NOTICE", "TRACE"})


def _detail(inp: DiagnosisInput) -> str:
    """The error's own text past the operation it names: the exception's message when it raised, else the log
    message after "<operation> failed:" (or the whole message when no operation is named)."""
    if inp.exception_type:
        return inp.exception_message or ""
    m = _OPERATION.match(inp.message)
    if m is None:
        return inp.message
    # the operation's own name saying why ("upstream timeout failed: error") is a detail too
    return inp.message if _CAUSE.search(m.group(0)) else inp.message[m.end():]


def says_nothing(text: str) -> bool:
    """Whether `text` (an error's detail) holds only words that name no cause (module docstring)."""
    words = re.findall(r"[A-Za-z]+|\d+", _IDS.sub(" ", text[:2000]))
    return all(w.lower() in _NO_CAUSE for w in words)


def _second_record(inp: DiagnosisInput) -> bool:
    """Whether a record of the excerpt other than the error's own bears on it (module docstring)."""
    for header, lines in split_records([*inp.context, *inp.after]):
        if header.level.upper() not in _QUIET_LEVELS or _BEARS.search(" ".join(lines)[:4096]):
            return True
    # lines of no record (another program's output) are a record of their own
    return any(ln.strip() for ln in [*inp.context, *inp.after]) and not split_records([*inp.context, *inp.after])


def record_says_nothing(inp: DiagnosisInput, sit: Situation) -> bool:
    """The module docstring's five conditions: once, no cause, no detail, no deciding fact, no second record."""
    if inp.count != 1 or _CHAINED.search(inp.traceback):
        return False
    types = inp.exception_types()
    if any(t.rsplit(".", 1)[-1] not in _GENERIC_TYPES for t in types):
        return False
    if any(ns != "http" or set(codes) - {"500", "5xx"} for ns, codes in sit.codes.items()):
        return False
    if (sit.remote is not None and sit.remote_named_by_record) or sit.components & KNOWN_PACKAGES:
        return False
    if not says_nothing(_detail(inp)) or (inp.exception_type and not says_nothing(inp.message.split(": ", 1)[-1])
                                          and ": " in inp.message):
        return False
    return not _second_record(inp)


def once_unknown(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """`d`, or - when it is the plain catch-all and the record says nothing (module docstring) - the catch-all said
    so: unknown, low, RECORD_SAYS_NOTHING, with what would decide it. Runs before the situation model's guess, which
    then leaves it (category_model.guessed reads only the plain catch-all)."""
    if d.rule != "catch-all" or not record_says_nothing(inp, sit):
        return d
    note = (" It happened once: the excerpt holds a single occurrence of this failure, its own text gives no detail "
            "(no code, no specific message, no chained cause) and no other record of the operation says why - the "
            "record does not say. If it recurs, the records logged around the next occurrence (the same request's, "
            "the same component's) are what would decide it.")
    return d.model_copy(update={"category": "unknown", "severity": "low", "confidence": RECORD_SAYS_NOTHING,
                                "rule": RULE, "root_cause": d.root_cause + note})
