"""The text of an answer: a rule's templates filled, the record's own words quoted, the things it names.

A diagnosis is read by the on-call engineer at 3 a.m.: it must say the exact thing to look at (the log's own
words, the host/schema/request id the record names, entities.py) and never show an unfilled placeholder
(`on ?`). Every quote of the log is redacted here, before a diagnosis is stored, shown or forwarded. The
catch-all answer (no rule, no class) lives here too: it says where the error was raised, not why.
"""

from __future__ import annotations

import re
from typing import Any

from ..redaction import redact
from .entities import entities_clause
from .frames import raised_at
from .model import Diagnosis, DiagnosisInput, one_line
from .quote_words import in_our_words
from .rulefile import BUILTIN_FIELDS, RuleDiagnosis
from .setting_lines import settings_before
from .situation import Situation
from .verdict import Verdict

MAX_EVIDENCE = 5
EVIDENCE_CHARS = 1000  # an evidence line is a prefix of the log line: a 10 MB line is not redacted whole
MAX_SEARCH_CHARS = 64 * 1024  # a regex never scans more than this per target (32 KB payload lines exist)


class Fields(dict[str, Any]):
    """Template values; a missing one is never shown as a placeholder (see `_fill`)."""


_MISSING_CLAUSE = r"(?:\s+(?:on|for|in|of|at|to|from|after|with|by|column|table|model))?\s*[\'\"(`]?\{%s\}[\'\")`]?"


def fill(template: str, fields: Fields) -> str:
    """Format `template`; a field no regex captured is dropped with its little preposition, never `on ?`."""
    for _ in range(8):
        try:
            return template.format_map(fields)
        except KeyError as exc:
            name = str(exc.args[0])
            template = re.sub(_MISSING_CLAUSE % re.escape(name), "", template)
    return template.format_map(Fields({k: "" for k in BUILTIN_FIELDS}))


LOGGED_CHARS = 200


def logged(inp: DiagnosisInput, sit: Situation) -> str:
    """The record's own words after a diagnosis's root cause (redacted, one line each): the names in them
    (table, column, model, file) are what the on-call engineer searches for next. Both the log message and
    the exception's message when they differ: the first often names the operation and object ("Failed to
    record upload for provider_file_uploads"), the second the library's reason."""
    said = [m for m in inp.messages()[:2] if m.strip()]
    if not said:
        return ""
    if len(said) == 2 and said[1].strip() in said[0]:
        said = said[:1]
    said += [m for m in unsaid(inp) if not any(m in s for s in said)]
    # a code in the library's format words is said by its namespace (quote_words.py)
    quoted = " / ".join(redact(one_line(in_our_words(m[:4096], sit), LOGGED_CHARS)) for m in said)
    return f' Logged: "{quoted}"'


# the lines the exception's own message continues on (pydantic's "  Input should be a valid integer ..." under
# the field name; the ingest parser stops the message at the first indented line) and the errno/reason of the
# chain's innermost cause ("httpx.ConnectError: [Errno 113] No route to host" under zhipuai's "Connection error.")
_CHAIN_CAUSE = re.compile(r"^(?P<t>[A-Za-z_][\w.]{0,120}): (?P<m>[^\n]{1,400})\n\n(?:The above exception was the direct "
                          r"cause|During handling of the above exception)", re.M)
_FURTHER = re.compile(r"^\s*(?:For further information|Traceback \(most recent call last\)|File \")")


def unsaid(inp: DiagnosisInput) -> list[str]:
    """What the exception says beyond its first lines: its indented continuation lines and its innermost cause."""
    tail = inp.traceback[-16384:]
    out: list[str] = []
    first = (inp.exception_message or "").strip().splitlines()
    if inp.exception_type and first:
        at = tail.rfind(f"{inp.exception_type}: {first[0]}")
        if at >= 0:
            after = tail[at:].splitlines()[len(first):len(first) + 4]
            more = [ln.strip() for ln in after if ln.strip() and not _FURTHER.match(ln)]
            if more:
                out.append(" ".join(more))
    causes = list(_CHAIN_CAUSE.finditer(tail))
    if causes and (inner := f"{causes[0].group('t')}: {causes[0].group('m').strip()}") not in inp.messages():
        if causes[0].group("m").strip() not in (inp.exception_message or ""):
            out.append(inner)
    return out


def named(inp: DiagnosisInput, already: str) -> str:
    """The things the record names (entities.py: host, port, schema, request id...) that the text does not quote
    yet, redacted like every quote of the log."""
    return redact(entities_clause(inp, already))


def concerns(sit: Situation, d: RuleDiagnosis) -> str:
    """Name the remote the record concerns when the rule's text does not (a generic rule answering for
    a Kimi record should still say Kimi) - only when the record itself names it (host, package, logger,
    model), never from a context line or a word in passing."""
    if not sit.remote_named_by_record or sit.remote not in REMOTE_NAMES or len(sit.remotes) > 1:
        return ""
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    if "{remote}" in text or any(w in text for w in _REMOTE_WORDS[sit.remote]):
        return ""
    return f" This concerns {REMOTE_NAMES[sit.remote]}."


_REMOTE_WORDS = {"kimi": ("Kimi", "Moonshot"), "glm": ("GLM", "Z.ai"), "supabase": ("Supabase", "PostgREST"),
                 "redis": ("Redis",)}


def from_verdict(v: Verdict, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """A class-level verdict (taxonomy.py) as a diagnosis; its evidence is the lines naming the class."""
    bare = v.evidence_class.rsplit(".", 1)[-1]
    evidence = [ln.strip()[:EVIDENCE_CHARS] for ln in inp.lines() if bare in ln[:MAX_SEARCH_CHARS]][:MAX_EVIDENCE]
    if not evidence and inp.message.strip():
        evidence = [inp.message.strip()[:EVIDENCE_CHARS].splitlines()[0]]
    summary, cause = redact(v.summary), redact(v.root_cause) + logged(inp, sit)
    return Diagnosis(
        summary=summary, root_cause=cause + named(inp, summary + cause), suggested_fix=list(v.suggested_fix),
        severity=v.severity, category=v.category, confidence=v.confidence, evidence=evidence,
        source="rules", model="rules", rule=f"class:{v.family}",
    )


REMOTE_NAMES = {"kimi": "Kimi (Moonshot)", "glm": "GLM (Z.ai)", "supabase": "Supabase (PostgREST/Postgres)",
                "redis": "Redis"}


CATCH_ALL_CONFIDENCE = 0.3
_LEVEL_SEVERITY = {"CRITICAL": "high", "FATAL": "high", "ERROR": "medium"}


def _exception_says(inp: DiagnosisInput, shown: str, sit: Situation) -> str:
    """The exception's own message, quoted when the summary does not already show it.

    Sentry titles an unknown issue `Type: value` because the value is usually what names the failing thing (the file,
    the option, the uid, the host); the record's message (`cannot read packaging metadata`) rarely does. Quoted, not
    interpreted, so the answer stays "not known" (held-out 10: 21 of 42 misses were the catch-all, and its text named
    neither the exception's value nor anything the engineer could search for)."""
    said = (inp.exception_message or "").strip()
    if not said or not inp.exception_type:
        return ""
    line = one_line(redact(in_our_words(said.splitlines()[0], sit)), 240)
    # both sides in our words (quote_words.py): `shown` is the summary's quote, rewritten the same way, so a message
    # the summary already shows is not quoted twice
    if " ".join(line.split()) in " ".join(in_our_words(shown, sit).split()):
        return ""
    return f" The exception says: {inp.exception_type}: {line}."


_READS = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]{2,60})\b|(?:environ(?:\.get)?[\[(]|getenv\()\s*['\"]([A-Z][A-Z0-9_]{2,60})")


def _settings_in_error(inp: DiagnosisInput) -> str:
    """Settings printed before the error that the failing lines read, named (not judged).

    A value the failing call was given usually came from a setting; when a startup record printed `NAME=value` and a
    frame's source line reads that field (`settings.ca_file`, `os.environ["NAME"]`), the setting is where to look
    first even though the error does not carry its value (`[Errno 2] No such file or directory`). Named as a lead,
    not a cause: the answer stays "not known", so a coincidence costs a sentence, not a wrong verdict."""
    # the frames' source lines name what they read: `settings.ca_file` (pydantic-settings maps a field to the
    # environment variable of the same name, case-insensitively, after an optional env_prefix) or os.environ["X"]
    source = [ln for ln in inp.traceback[-8192:].splitlines() if ln.startswith("    ") and not ln.lstrip().startswith('File "')]
    read = {(a or b).lower() for ln in source for a, b in _READS.findall(ln)}
    names: list[str] = []
    for s in settings_before(inp):
        lowered = s.name.lower()
        # a setting whose VALUE the error carries is origin.py's (catch-all+origin:setting); here only the field read
        if any(lowered == f or (len(f) >= 6 and lowered.endswith("_" + f)) for f in read) and s.name not in names:
            names.append(s.name)
    if not names:
        return ""
    return f" Its value comes from the setting {', '.join(names[:3])} printed before it (the failing line reads it)."


def catch_all(inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """The answer when no rule matches: honest about knowing little (category unknown, low confidence)."""
    what = inp.exception_type or f"{inp.level} log record"
    where = f" from logger {inp.logger}" if inp.logger else ""
    first = redact(inp.message.strip()[:EVIDENCE_CHARS].splitlines()[0]) if inp.message.strip() else what
    # the summary quotes the record in our words like every other quote (quote_words.py); the evidence stays the log's
    # own line verbatim (it is what the engineer greps for)
    said = redact(in_our_words(inp.message.strip()[:EVIDENCE_CHARS].splitlines()[0], sit)) if inp.message.strip() else what
    at = raised_at(inp.traceback)
    if at is not None and at.library is not None:
        # a builtin raised inside a library names the component, not the cause: said, not scored
        frames = (f" It was raised inside the {at.library} library ({one_line(at.frame, 160)})"
                  + (f", called from the application at {one_line(at.app_frame, 160)}." if at.app_frame else "."))
    elif at is not None:
        frames = f" It was raised in the application's own code at {one_line(at.frame, 160)}."
    else:
        frames = ""
    return Diagnosis(
        summary=f"Unrecognised {what}{where}: {one_line(said, 140)}",
        root_cause=(
            "No built-in rule matches this error, so the cause is not known from the text alone."
            + _exception_says(inp, said, sit)
            + _settings_in_error(inp)
            + redact(frames)
            + " Read the traceback's last application frame and the lines logged just before it."
        ),
        suggested_fix=[
            "Open the latest sample and its traceback; find the last frame in the gateway's own code (src/, tools/, utils/).",
            "Compare the group's first-seen time with what changed then (the change log, the other groups that began with it).",
            "If it recurs, add a rule for it to rules/diagnoses.yaml so the next occurrence is recognised.",
        ],
        severity=_LEVEL_SEVERITY.get(inp.level.upper(), "low"),  # type: ignore[arg-type]
        category="unknown",
        # how often "not known from the text" is the right answer when no rule matches (about half the
        # time on the dev and held-out sets; the bar for an unknown is <= 0.4)
        confidence=CATCH_ALL_CONFIDENCE,
        evidence=[first],
        source="rules",
        model="rules",
        rule="catch-all",
    )
