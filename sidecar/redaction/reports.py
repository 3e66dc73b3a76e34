"""Validation reports that name the field on one line and echo its value on another (taxonomy class c).

SQLAlchemy's StatementError (sqlalchemy/exc.py) appends `[SQL: <statement>] [parameters: <params>]`; with positional
placeholders (`?`, `%s`, `$1`: sqlite3, psycopg2 paramstyle format, asyncpg) the column a value belongs to is named
only in the statement (`INSERT INTO keys (owner, secret) VALUES (?, ?)`, `UPDATE users SET password=? WHERE id=?`),
and the parameters tuple holds the value at the same position.

pydantic v2's `str(ValidationError)` (pydantic_core's error display) prints each error as the field's location,
a newline, then `  <message> [type=<type>, input_value=<repr of the input>, input_type=<type>]`; FastAPI's 422
body and `ValidationError.json()` carry `"loc": [..., "<field>"]` and `"input": <value>` in one object. When the
field is a secret name the echoed input is the secret (a password that failed `min_length`, an API key that
failed a pattern). The name rule never sees them: the name and the value are apart.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from .entropy import ID_PREFIXES
from .keep import keeps_value
from .providers import generated, provider_secret
from .secret_names import is_secret_name

# The location line (`password`, `body.password`, `db.0.api_key`), a newline (raw or escaped in a JSON log),
# the message, then the input's repr: a quoted string (escapes kept), or a bare value up to `,` / `]`.
PYDANTIC_INPUT = re.compile(
    r"(?P<loc>[A-Za-z_][\w.\[\]-]{0,80})(?:\r?\n|\\{1,3}n)[ \t]+[^\n\[]{0,300}\[type=[\w.]+,[ \t]*input_value="
    r"(?:(?P<q>\\{0,3}[\"'])(?P<qval>(?:(?!(?P=q)).){1,512}?)(?P=q)|(?P<val>[^,\]\s]{1,512}))")
# A JSON error object: `"loc": ["body", "password"]` then, in the same object, `"input": "<v>"`.
JSON_INPUT = re.compile(
    r"(?P<q1>\\{0,3}\")loc(?P=q1)[ \t]*:[ \t]*\[(?P<loc>[^\]{}]{1,200})\][^{}]{0,400}?(?P=q1)input(?P=q1)[ \t]*:[ \t]*"
    r"(?P<q>\\{0,3}\")(?P<qval>(?:(?!(?P=q)).){1,512}?)(?P=q)")
HINTS = ("input_value=", "input", "[parameters:")
# pydantic-core shows an input longer than 50 characters cut in the middle (`<head>...<tail>`, ~24 each, its repr's
# quotes counted)
_HEX = re.compile(r"[0-9a-fA-F]+")
CUT_INPUT = re.compile(r"input_value=(?P<q>\\{0,3}[\"'])(?P<val>(?:\[REDACTED:\w+\]|[^\"'\s]{20,25})\.\.\.[^\"'\s]{20,24})(?P=q)")


def cut_repl(mark: str, m: re.Match[str]) -> str:
    """A generated token pydantic cut in the middle, whatever its field: the head and the tail go together (a rule
    that saw the head alone has marked it; the tail is the rest of the same secret). Hex stays (digests)."""
    head, _, tail = m.group("val").partition("...")
    if "[REDACTED:" not in head and (not generated(head + tail) or _HEX.fullmatch(head + tail) or ID_PREFIXES.match(head)):
        return m.group(0)
    return m.group(0)[:m.start("val") - m.start()] + mark + m.group(0)[m.end("val") - m.start():]


# reprlib.repr's cut of a long str (stdlib reprlib.Repr.repr_str: `'<head>...<tail>'`, maxstring 30) and rich's
# max_string (`'<head>'+N`, rich/pretty.py) show a generated token's head and tail apart (CLASSES10.md A5).
ELIDED = re.compile(r"(?<![\w])(?P<q>\\{0,3}[\"'])(?P<val>[^\"'\s.]{8,30}\.\.\.[^\"'\s.]{8,30})(?P=q)"
                    r"|(?P<q2>\\{0,3}[\"'])(?P<val2>[A-Za-z0-9_\-+/=]{20,})(?P=q2)\+\d+")


def _elided_repl(mark: str, m: re.Match[str]) -> str:
    if m.group("val2") is not None:
        val = m.group("val2")
        keep = not generated(val) or _HEX.fullmatch(val) is not None or ID_PREFIXES.match(val) is not None
        return m.group(0) if keep else m.group("q2") + mark + m.group(0)[m.end("val2") - m.start():]
    return cut_repl(mark, m)


def cut_sub(mark: str) -> Callable[[str], str]:
    """Not gated by a secret name: the field of a cut token may be any (`item`, `value`)."""
    def sub(text: str) -> str:
        if "..." in text:
            text = CUT_INPUT.sub(lambda m: cut_repl(mark, m), text)
        if "..." in text or "+" in text:
            text = ELIDED.sub(lambda m: _elided_repl(mark, m), text)
        return text
    return sub

SQL_PARAMS = re.compile(r"\[SQL: (?P<sql>[^\n]*?)\]\s*\[parameters: (?P<params>\((?:[^()\n]|\([^()\n]*\))*\))\]")
_PLACEHOLDER = re.compile(r"\?|%s|\$\d+")
_INSERT = re.compile(r"(?is)\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+[\w.\"`\[\]]+\s*\((?P<cols>[^()]*)\)\s*VALUES\s*\((?P<vals>[^()]*)\)")
_ASSIGNED = re.compile(r"(?P<col>[\w.\"`\[\]]+)\s*(?:=|<>|!=|\bLIKE\b)\s*(?P<ph>\?|%s|\$\d+)", re.IGNORECASE)


def _columns(sql: str) -> list[str | None]:
    """The column each positional placeholder of `sql` binds, in placeholder order (None: not known)."""
    cols: dict[int, str] = {}
    ins = _INSERT.search(sql)
    if ins is not None:
        names = [c.strip().strip('"`[]') for c in ins.group("cols").split(",")]
        values = [v.strip() for v in ins.group("vals").split(",")]
        base = ins.start("vals")
        offset = 0
        for name, value in zip(names, values, strict=False):
            at = ins.group("vals").find(value, offset)
            offset = at + len(value)
            if _PLACEHOLDER.fullmatch(value):
                cols[base + at] = name
    for a in _ASSIGNED.finditer(sql):
        cols[a.start("ph")] = a.group("col").strip('"`[]').split(".")[-1]
    return [cols.get(p.start()) for p in _PLACEHOLDER.finditer(sql)]


def _sql_params(mark: str, m: re.Match[str]) -> str:
    params = m.group("params")
    try:
        values = ast.literal_eval(params)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return m.group(0)
    if not isinstance(values, tuple):
        return m.group(0)
    out, pos = params, 0
    for col, value in zip(_columns(m.group("sql")), values, strict=False):
        if col is None or not isinstance(value, str) or not value or not is_secret_name(col):
            continue
        shown = repr(value)
        at = out.find(shown, pos)
        if at < 0:
            continue
        out = out[:at] + repr(mark) + out[at + len(shown):]
        pos = at + len(repr(mark))
    return m.group(0)[:m.start("params") - m.start()] + out + m.group(0)[m.end("params") - m.start():]


def _field(loc: str) -> str:
    """The last element of a location: `body.password` -> `password`, `"body", "password"` -> `password`."""
    return re.split(r"[.,\s\"'\\\[\]]+", loc.strip(" \"'\\[]"))[-1] if loc.strip(" \"'\\[]") else ""


def input_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        group = "qval" if m.group("qval") is not None else "val"
        val = m.group(group)
        field = _field(m.group("loc"))
        if not is_secret_name(field) and not provider_secret(field, val) or keeps_value(m.string, m.start(group), val):
            return m.group(0)
        if val in ("None", "null", "''", '""') or val.startswith("[REDACTED:"):
            return m.group(0)
        start, end = m.start(group) - m.start(), m.end(group) - m.start()
        return m.group(0)[:start] + mark + m.group(0)[end:]

    def sub(text: str) -> str:
        if "input_value=" in text:
            text = PYDANTIC_INPUT.sub(repl, text)

        if "input" in text and "loc" in text:
            text = JSON_INPUT.sub(repl, text)
        if "[parameters:" in text:
            text = SQL_PARAMS.sub(lambda m: _sql_params(mark, m), text)
        return text
    return sub
