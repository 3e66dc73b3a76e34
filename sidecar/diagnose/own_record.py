"""The error record's own facts the answer does not quote yet: its fields, its message's continuation, and the
statement that raised.

Round 13 left (issue 17, class 2): the deciding value is often INSIDE the error's own record, in a part no answer
quotes - deciding_facts.py reads the records around the error, `Logged:` (render.logged) quotes only the record's
messages and only in a rule's text. The parts, each by the grammar of what writes it:
1. FIELDS: a JSON-lines record's other keys (python-json-logger's `extra`, structlog's bound values, pino/bunyan
   fields: `model`, `channel`, `response.error`, `attempt`, `timeout`, `setting`), which `sidecar run` keeps in the
   record's raw text (ingest/jsonl.py) and `sidecar eval` writes as a JSON object line under the header
   (excerpt_shapes.py); inside Docker's json-file the object is the `log` string's. The keys the reader already
   shows (message, level, time, logger, exception: ingest/jsonl.py's key lists) are left out.
2. CONTINUATION: what the exception says past its first line (render.unsaid: aiohttp's "400, message:\\n
   Received HTTPS traffic on an HTTP port", pydantic's per-field lines, the chain's innermost cause) - the catch-all
   and the guesses do not carry `Logged:`.
3. THE STATEMENT THAT RAISED: CPython's traceback prints each frame's source line under `File "...", line N, in f`
   (traceback.py StackSummary.format); the last application frame's is the gateway's statement that failed or called
   the library (frames.app_source_line: `chunk.usage.prompt_tokens`, `kv.split("=")`) - quoted when it raised
   there, or when the answer is config and the statement reads a setting (`self.settings.x`, `os.getenv("X")`).
   The statement that CALLED a library which raised is not quoted: measured on the spent sets, its words (a
   variable `secret` beside a JWT answer, a file `conversation_memory.py` beside a code answer) read as causes in
   more answers than it named the deciding thing in; nor is its location (the catch-all names it). A string literal
   holding a space is elided, a comment cut (_statement). When a library raised, its `raise` statement is quoted only when it
   builds the exception from the state it checked (`raise HTTPRequestEntityTooLarge(self._client_max_size)`, an
   attribute read in the arguments); a re-raise (`raise ex.with_traceback(None)`, `raise response from None`) or a
   constant message says nothing the message does not.
A field that reports a thing ABSENT (false, null, 0, empty: `"oom_killed": false`) is left out: it is evidence against
a cause, and its name in the answer reads as the cause it denies (issue 17, class 1). Like
deciding_facts it QUOTES, it never judges; a setting's name is quoted only when the answer's category is config (the
gate and its measure: deciding_facts.py's docstring). Bounded and redacted by the caller like every quote.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..ingest.jsonl import EXC_KEYS, LEVEL_KEYS, LOGGER_KEYS, MESSAGE_KEYS, TIME_KEYS
from .excerpt_shapes import docker_log, json_object
from .frames import app_source_line, raised_at
from .model import DiagnosisInput, one_line
from .render import unsaid
from .setting_lines import SETTING_NAME

MAX_FIELDS = 5
FIELD_CHARS = 90
LINE_CHARS = 140
SCAN = 16384  # the record's fields and frames sit in its first/last lines; a 10 MB record is not scanned whole

_SHOWN = frozenset(k.lower() for k in (*MESSAGE_KEYS, *LEVEL_KEYS, *LOGGER_KEYS, *TIME_KEYS, *EXC_KEYS))
# Docker json-file's own keys (ingest/docker.py): the container runtime's, not the application's
_DOCKER = frozenset({"log", "stream", "time", "attrs"})
# a value reporting a thing absent: JSON false/null, a zero, an empty string, list or object
_ABSENT: tuple[object, ...] = (None, False, 0, "", [], {})
# ...except what is LEFT or READY (available, remaining, free, idle, healthy, quota, balance...): at zero or false it is
# the exhaustion itself, the deciding fact of a pool/quota/disk/capacity error, not a denial (review r14)
LEFT_KEY = re.compile(r"avail|remain|free|ready|idle|left|spare|healthy|capacity|quota|balance|credit|headroom|slots",
                      re.I)
# `raise Name(... obj.attr ...)`: an exception built from the state the library checked (module docstring, part 3)
_RAISE_STATE = re.compile(r"^raise\s+[A-Z]\w*\((?=[^)]*\b[A-Za-z_]\w*\.[A-Za-z_]\w*)")
# a statement reading a setting: an attribute of settings/config/options, os.environ / os.getenv, an UPPER_CASE name
_READS_SETTING = re.compile(r"\b(?:settings|config|conf|cfg|options|opts)\.\w|\benviron\b|\bgetenv\(|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
# a string literal holding a space is prose (a log format, a message, a template's text), not a name the statement
# uses (a key, a setting, a path): elided, its words are no fact of the failure (held-out 6's 6066: a commit
# template's text naming a provider)
_LITERAL = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")  # each literal whole, left to right
_FRAME_SOURCE = re.compile(r'^\s*File "[^"\n]*", line \d+, in [^\n]*\n\s*(?P<src>[^\s\n][^\n]*)$', re.M)


def _object(line: str) -> dict[str, Any] | None:
    inner = docker_log(line)  # Docker json-file (excerpt_shapes' test): the application's record is the `log` string
    return _object(inner) if inner is not None else json_object(line)


def _flat(obj: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out += _flat(v, key + ".")
        else:
            out.append((key, v))
    return out


def record_fields(inp: DiagnosisInput, category: str = "unknown") -> list[str]:
    """The error record's JSON fields as `key=value` (module docstring, part 1), at most MAX_FIELDS, without the
    keys every record carries, the ones reporting a thing absent, and a setting's name unless `category` is config."""
    out: list[str] = []
    for line in inp.traceback[:SCAN].splitlines()[:4]:
        obj = _object(line)
        if obj is None:
            continue
        for key, value in _flat(obj):
            top = key.split(".", 1)[0].lower()
            if top in _SHOWN or top in _DOCKER or any(value == a and type(value) is type(a) for a in _ABSENT) \
                    and LEFT_KEY.search(key) is None:
                continue
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            pair = f"{key}={one_line(shown, FIELD_CHARS)}"
            if category != "config" and SETTING_NAME.search(pair):
                continue
            out.append(pair)
    return list(dict.fromkeys(out))[:MAX_FIELDS]


def raising_statements(inp: DiagnosisInput, category: str = "unknown") -> list[str]:
    """The last application frame's statement and, when a library raised, the library's `raise` statement (module
    docstring, part 3), each cut to LINE_CHARS; a setting's name only when `category` is config."""
    tail = inp.traceback[-SCAN:]
    at = raised_at(tail)
    if at is None:
        return []
    out = []
    app = app_source_line(tail)
    if app and at.app_frame and (at.library is None or (category == "config" and _READS_SETTING.search(app))):
        out.append(f'"{one_line(_statement(app), LINE_CHARS)}"')
    sources = [m.group("src").strip() for m in _FRAME_SOURCE.finditer(tail)]
    if at.library is not None and sources and _RAISE_STATE.match(sources[-1]) and sources[-1] != app:
        out.append(f'"{one_line(_statement(sources[-1]), LINE_CHARS)}" (in {at.library})')
    return [s for s in out if category == "config" or not SETTING_NAME.search(s)]


def _statement(source: str) -> str:
    """A printed source line with its prose literals elided and its trailing `# comment` cut (a comment is the
    author's note, not the statement: `# noqa: B018 - ...`)."""
    out: list[str] = []
    at = 0
    for m in _LITERAL.finditer(source):
        code = source[at:m.start()]
        if "#" in code:
            return "".join(out) + code[:code.index("#")].rstrip()
        out += [code, _elided(m)]
        at = m.end()
    rest = source[at:]
    return "".join(out) + (rest[:rest.index("#")].rstrip() if "#" in rest else rest)


def _elided(m: re.Match[str]) -> str:
    lit = m.group(0)
    return lit[0] + "…" + lit[0] if any(c.isspace() for c in lit) else lit


def own_record_clause(inp: DiagnosisInput, already: str, category: str = "unknown") -> str:
    """' Its own record: its fields k=v; ...; the statement that raised: "...".' for the parts `already` does
    not quote ('' if none); the caller redacts it."""
    said = " ".join(already.split()).lower()
    fields = [f for f in record_fields(inp, category) if f.split("=", 1)[1].lower() not in said]
    more = [m for m in unsaid(inp) if " ".join(m.split()).lower() not in said]
    statements = [s for s in raising_statements(inp, category) if s[1:].split('" (', 1)[0].lower() not in said]
    parts = []
    if fields:
        parts.append("its fields " + ", ".join(fields))
    if more:
        parts.append("the exception goes on: " + " / ".join(f'"{one_line(m, LINE_CHARS)}"' for m in more[:2]))
    if statements:
        parts.append("the statement that raised: " + "; ".join(statements))
    return (" Its own record: " + "; ".join(parts) + ".") if parts else ""
