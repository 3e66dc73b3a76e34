"""A text the database evaluated as an expression and refused (CLASSES10 H1): whose text was it.

The class, from PostgreSQL's errcodes appendix and its sources: a value the server parses as a small language and
refuses - a regular expression (2201B invalid_regular_expression, regc_*.c: "invalid regular expression: ..."), a LIKE
pattern with its escape (22025 invalid_escape_sequence, like_match.c "LIKE pattern must not end with escape
character"), a full-text query (42601 with tsquery.c's "syntax error in tsquery"). The same codes arrive through
PostgREST's filters (postgrest base_request_builder.py `match`/`imatch`/`like`/`ilike`/`text_search` put the text
into the query string unchanged). The class layer reads a data exception as a value our code sent (code). The ORIGIN
of the text decides (doctrine): the same request's tools/call record carrying arguments -> the user's text (unknown,
0.35), as is an earlier record of the same request ([req:] id) quoting, verbatim, the text the refusal quotes
(tsquery.c quotes it: the request's input logged by its tool); a setting printed before whose value holds the expression syntax -> config (0.45); neither -> unchanged.
A general 42601 (our SQL's own syntax) is not this class: only tsquery's wording of it is read.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE
from .tool_calls import REQUEST_ID, tool_call_before

USER_TEXT = 0.35
SETTING_TEXT = 0.45
_REFUSED = re.compile(r"invalid regular expression:|LIKE pattern must not end with escape character"
                      r"|invalid escape string|syntax error in tsquery|(?:2201B|22025)\b")
# the language the server parsed the text as (named in the answer: the class's component)
_KINDS = ((re.compile(r"tsquery"), "full-text query (tsquery)"),
          (re.compile(r"regular expression|2201B"), "regular expression"),
          (re.compile(r"LIKE pattern|escape|22025"), "LIKE pattern"))
# the text a refusal quotes: tsquery.c's syntax error in tsquery: "TEXT" (the only one of the three that quotes it)
_QUOTED = re.compile(r"syntax error in tsquery: \\?\"(?P<t>[^\"\\\n]{1,300})\\?\"")
_EXPRESSION = re.compile(r"[()\[\]{}\\*+?|&!~^$<>]")
_QUOTED_ARGS = re.compile(r"'([^'\n]{1,300})'|\"([^\"\n]{1,300})\"")
# NAME=value with the value up to the line's next blank: setting_lines' value stops at parentheses, which an
# expression setting starts with often
_RAW_SETTING = re.compile(r"(?<![\w.])(?P<name>[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){1,6})\s*=\s*(?P<value>\S{1,300})")


def user_expression_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or the refused expression's origin (module docstring)."""
    text = f"{inp.exception_message or ''}\n{inp.traceback[-3000:]}"
    if not _REFUSED.search(text) or d.category not in ("code", "unknown", "storage"):
        return d
    kind = next((k for pat, k in _KINDS if pat.search(text)), "search expression")
    found = tool_call_before(inp)
    # the call's arguments must hold a text with expression syntax: a plain 'disk full' the user searched for is not
    # the pattern the server refused - our code built that one around it (CLASSES10 H1's twin, round 11's generator)
    quoted_args = _QUOTED_ARGS.findall(found[0].split(found[1], 1)[-1]) if found is not None else []
    if found is not None and any(_EXPRESSION.search(a or b) for a, b in quoted_args):
        line, tool = found
        return _answer(d, "unknown", "low", USER_TEXT, line,
                       f"The database refused a {kind} a user gave the {tool} tool",
                       f"The tool call's arguments carried the text; PostgreSQL parsed it as a {kind} and "
                       "refused its syntax. The user's input: nothing in the gateway is broken.",
                       "Answer the user with the refusal; escape or validate user text before it becomes a pattern.")
    quoted = _request_record_quoting(inp, text)
    if quoted is not None:
        return _answer(d, "unknown", "low", USER_TEXT, quoted,
                       f"The database refused a {kind} this request received",
                       f"The refused text is quoted verbatim by an earlier record of the same request (not a "
                       f"setting): the request's input, which PostgreSQL parsed as a {kind} and refused. The user's "
                       "input: nothing in the gateway is broken.",
                       "Answer the user with the refusal; escape or validate user text before it becomes a pattern "
                       "(plainto_tsquery / websearch_to_tsquery for search text).")
    setting = next(((m.group("name"), line.strip()) for line in reversed([c[:LINE] for c in inp.context[-CONTEXT:]])
                    for m in _RAW_SETTING.finditer(line) if _EXPRESSION.search(m.group("value"))), None)
    if setting is not None:
        name, shown = setting
        return _answer(d, "config", "medium", SETTING_TEXT, shown,
                       f"The database refused the expression the setting {name} holds",
                       f"{name} is printed with an expression PostgreSQL cannot parse; every query using it "
                       "fails the same way.",
                       f"Fix the syntax of {name} (test it with a SELECT against the database) and restart.")
    return d


def _request_record_quoting(inp: DiagnosisInput, refused: str) -> str | None:
    """The earlier record of the same request (its [req:] id; without ids, the failing logger's own) that quotes the
    text the refusal quotes (tsquery.c: syntax error in tsquery: "TEXT"), when it is neither a client's request line
    nor a NAME=value setting; else None."""
    m = _QUOTED.search(refused)
    if m is None or len(m.group("t").strip()) < 2:
        return None
    quoted, ours = m.group("t"), REQUEST_ID.search(inp.message)
    for raw in reversed([c[:LINE] for c in inp.context[-CONTEXT:]]):
        if quoted not in raw or "HTTP Request:" in raw or _RAW_SETTING.search(raw):
            continue
        theirs = REQUEST_ID.search(raw)
        if ours is not None and theirs is not None and ours.group("id") == theirs.group("id"):
            return raw.strip()
        if ours is None and theirs is None and inp.logger and f" {inp.logger}: " in raw:
            return raw.strip()
    return None


def _answer(d: Diagnosis, category: str, severity: str, confidence: float, line: str, summary: str, root_cause: str,
            fix: str) -> Diagnosis:
    return d.reanswered(
        category=category, severity=severity, confidence=confidence,
        rule=f"{d.rule}+expression-origin", summary=summary, root_cause=root_cause, suggested_fix=[fix],
        evidence=[line])
