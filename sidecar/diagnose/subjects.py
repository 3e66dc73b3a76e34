"""What an error names as its SUBJECT, so that a record naming the same subject is read as bearing on it.

Issue 17, round 16: the word an on-call engineer must say - the key, the attribute, the column, the host, the
resource, the other actor - sits in most missed cases in a record OTHER than the error (evals/RESULTS.md "Round 16":
held-out 12-15, 31 of 59 missing words; gen-dev 146 of 214), and deciding_facts.py left most of those records
unquoted because nothing tied them to the error: its link (class 1) reads only tokens distinctive by their SHAPE (a
digit, `_`, a dot), and the subject of an error is often a plain word (`KeyError: 'messages'`, `column "email"`,
`fcntl.flock`) or a remote the record names by another spelling (the error says `glm`, the record `open.bigmodel.cn`).

The error's subjects, each by the grammar of what wrote it (never by a case's words):
1. SLOTS of the raised exception's own message format - the value the library puts in its slot:
   - CPython: KeyError's str is repr(key) (Objects/exceptions.c KeyError_str); AttributeError "'%.100s' object has
     no attribute '%U'" / "module '%U' has no attribute '%U'" (Objects/object.c, moduleobject.c); NameError
     "name '%.200s' is not defined" (Python/ceval.c); "No module named '%U'" (Python/import.c), "cannot import name
     '%U' from '%U'" (ceval.c import_from); "%U() got an unexpected keyword argument '%S'" and "missing %i required
     positional argument: '%U'" (Python/ceval.c); OSError "[Errno %S] %S: %R" (Objects/exceptions.c OSError_str).
   - PostgreSQL's messages quote an identifier after the object's kind: 'column "%s" does not exist', 'relation
     "%s" does not exist', 'violates unique constraint "%s"', 'null value in column "%s" of relation "%s"'
     (src/backend/parser/parse_relation.c, access/nbtree/nbtinsert.c, executor/execMain.c), as psycopg/asyncpg and
     PostgREST's `message` carry them; PostgREST's own "Could not find the '%s' column of '%s' in the schema cache"
     and "Could not find the table '%s' in the schema cache" (src/PostgREST/Error.hs, PGRST204/PGRST205).
   - A host the client names: a URL's (httpx raise_for_status "... for url '%s'", httpx/_models.py), aiohttp's
     "Cannot connect to host %s:%s" (client_exceptions.py ClientConnectorError), redis-py's "Error %s connecting to
     %s:%s." (redis/connection.py).
2. THE STATEMENTS of its traceback: CPython prints each frame's source line (traceback.py StackSummary.format); the
   identifiers the code used there (a setting, a module-level SESSION, an env key) are what a later record explains,
   and the callee of the LAST frame's statement (the system call or library entry that failed: `fcntl.flock(...)`).
   Only linked, never quoted (own_record.py's measure: a calling statement's words quoted read as causes).
3. THE REMOTE it concerns (situation.py's tables: host, model name, the remote's own words, its logger): a record
   naming the same remote - a route trace to its host, its status mail, its own node's failover - bears on it.
A subject only LINKS a record (deciding_facts' class 1, divided by the number of records naming it); it is never
quoted by itself, so an id or a time in a slot says nothing the record does not.
"""

from __future__ import annotations

import re

from ..redaction import redact
from .model import DiagnosisInput, one_line

REMOTE = "remote:"  # a remote's mark among the tokens (no token of a log line carries a ':' - deciding_facts._TOKEN)
SCAN = 8192  # the message and the traceback's tail: a 10 MB record is not scanned whole
MAX_NAMED = 3  # slot values named in the answer's text
NAMED_CHARS = 120
# an id or a time says nothing an engineer searches for (a request's uuid in a KeyError, a stamp in a path): not named
_ID_LIKE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-|\d{6,}|[0-9a-f]{16,}|\d{4}-\d\d-\d\d", re.I)

_V = r"(?P<v>[^'\"\s]{1,80})"  # a key, not a sentence: KeyError('conversation state missing: conv:6d1a') is none
# (what the slot holds, its grammar): the kind names the value in the answer's text (named_clause)
_SLOTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(p)) for k, p in (
    ("key", rf"^KeyError: (['\"]){_V}\1\s*$"),  # KeyError_str: the whole message is repr(key)
    ("attribute", r"\bhas no attribute '(?P<v>\w+)'"),
    ("name", r"\bname '(?P<v>\w+)' is not defined"),
    ("module", r"\bNo module named '(?P<v>[\w.]+)'"),
    ("name", r"\bcannot import name '(?P<v>\w+)'"),
    ("argument", r"\bunexpected keyword argument '(?P<v>\w+)'"),
    ("argument", r"\brequired (?:positional|keyword-only) arguments?: '(?P<v>\w+)'"),
    ("path", r"\[Errno -?\d+\] [^:\n]{1,80}: '(?P<v>[^'\n]{1,200})'"),
    ("", r'\b(?P<k>column|relation|table|constraint|index|schema|function|type|role|database|sequence|view|trigger|'
         r'extension|publication|channel) "(?P<v>[\w.$]{1,80})"'),
    ("column", r"\bCould not find the '(?P<v>\w+)' column of '(?P<w>[\w.]+)'"),
    ("table", r"\bCould not find the (?:table|relation|function) '(?P<v>[\w.]+)'"),
    ("host", r"\b(?:https?|wss?|rediss?|postgres(?:ql)?|amqps?)://(?:[^@/\s'\"]+@)?(?P<v>[\w.\-]+)"),
    ("host", r"\bCannot connect to host (?P<v>[\w.\-]+):\d+"),
    ("host", r"\bconnecting to (?P<v>[\w.\-]+):\d+"),
))
# a library's pointer to its documentation (httpx's "For more information check: https://developer.mozilla.org/...",
# pydantic's "For further information visit https://errors.pydantic.dev/..."): no subject of the failure
_FURTHER = re.compile(r"^\s*For (?:more|further) information\b")
# ...and one inside a sentence, after a pointer phrase (OpenAI's "read the docs: https://platform.openai.com/docs/...",
# SQLAlchemy's "(Background on this error at: https://sqlalche.me/e/20/f405)" - sqlalchemy/exc.py, a vendor's "see
# https://<docs>", "visit ..."): no subject of the failure either. The phrase decides, never the URL's spelling: a
# failing call to docs.googleapis.com or a support.<co>.com API names its host (review r16)
_POINTER = re.compile(r"(?:\bsee|\bvisit|\bdocs?|\bdocumentation|\binformation|\berror at|\bmore at|\bdetails at)\W{0,4}$",
                      re.I)


def _documentation(line: str, at: int) -> bool:
    """Whether the URL at `at` of `line` points to documentation: the pointer phrase just before it."""
    return bool(_POINTER.search(line[max(0, at - 40):at]))


_FRAME_SOURCE = re.compile(r'^\s*File "[^"\n]*", line \d+, in [^\n]*\n[ \t]*(?P<src>[^\s][^\n]*)$', re.M)
_CALLEE = re.compile(r"^(?:\w+ = )?(?:await )?[a-z_]\w*\.(?P<fn>[a-z_]\w*)\(")  # `fcntl.flock(fd, ...)`


def slots(text: str) -> list[tuple[str, str]]:
    """(kind, value) of each slot the library grammars above fill in `text` (part 1), in order; PostgREST's column
    slot names its table too."""
    out: list[tuple[str, str]] = []
    for line in text[:SCAN].splitlines():
        if _FURTHER.match(line):
            continue
        for kind, rx in _SLOTS:
            for m in rx.finditer(line):
                if kind == "host" and _documentation(line, m.start()):
                    continue
                found = m.groupdict()
                out.append((found.get("k") or kind, found["v"]))  # each slot bounds its length
                if found.get("w"):
                    out.append(("table", found["w"]))
    return list(dict.fromkeys(out))


def slot_values(text: str) -> list[str]:
    """The values of `text`'s slots (slots), in order."""
    return list(dict.fromkeys(v.lower() for _, v in slots(text)))


def statements(traceback: str) -> list[str]:
    """The source lines CPython printed under the frames of `traceback`'s tail (part 2), in order."""
    return [m.group("src").strip() for m in _FRAME_SOURCE.finditer(traceback[-SCAN:])]


def _said_parts(inp: DiagnosisInput) -> list[str]:
    """What the error says of itself: its messages and its exception line (`Type: message`)."""
    return [*inp.messages(), *(f"{t.rsplit('.', 1)[-1]}: {inp.exception_message or ''}"
                               for t in inp.exception_types()[:1])]


def _parts_slots(parts: list[str]) -> list[tuple[str, str]]:
    """slots of each part, each read to its own SCAN (in order, distinct): a joined text cut to SCAN lost every part
    after a message of SCAN characters - the traceback's tail with it (re-read r16)."""
    return list(dict.fromkeys(kv for part in parts for kv in slots(part)))


def error_subjects(inp: DiagnosisInput, remotes: set[str]) -> frozenset[str]:
    """The error's subjects (module docstring): its slot values, the callee of its last frame's statement, and a
    mark for each remote of `remotes` (the ones its own record names); lower-cased words, matched whole."""
    out = {v.lower() for _, v in _parts_slots([*_said_parts(inp), inp.traceback[-SCAN:]])}
    stmts = statements(inp.traceback)
    if stmts and not stmts[-1].startswith("raise") and (m := _CALLEE.match(stmts[-1])) is not None:
        out.add(m.group("fn"))
    if len(remotes) == 1:  # an error of two remotes (a fallback from one to the other) has no one remote subject
        out.update(REMOTE + r for r in remotes)
    return frozenset(s for s in out if len(s) >= 3 or s.startswith(REMOTE))


def another_witness(source: str | None, logger: str | None) -> bool:
    """Whether a record of `source` is another observer than the error's component (`logger`): its logger's package
    (the first two segments: src.providers of src.providers.kimi_chat) differs. A record of the error's own component
    naming its remote is the client's own step - its set-up (`Using extended timeouts for custom endpoint: <url>`),
    an earlier call - not a second witness of the remote's state (cases 109: a set-up line quoted beside a DNS
    failure read as a timeout)."""
    if source is None or logger is None:
        return True
    return source.split(".")[:2] != logger.split(".")[:2]


def named(text: str, remotes: set[str], subjects: frozenset[str]) -> set[str]:
    """The `subjects` a record's `text` names: a word whole (not inside a longer name), a remote's mark when the
    record names that remote (`remotes`: situation.remotes_named of the record; empty for a record of the error's
    own component, another_witness)."""
    low = text.lower()
    out = {REMOTE + r for r in remotes if REMOTE + r in subjects}
    for s in subjects:
        if s.startswith(REMOTE) or s not in low:
            continue
        # a plain word (a key `status`, a callee `flock`) ties only where the record too holds it as a NAME - quoted
        # or a field's key; a plain word in prose ('healthcheck status ok') is no evidence (review r16)
        word = re.escape(s)
        shape = (rf"(['\"`]){word}\1|(?<![\w.\-]){word}\s?[=:]" if s.isalpha() else
                 rf"(?<![\w.\-]){word}(?![\w\-])")
        if re.search(shape, low):
            out.add(s)
    return out


def named_clause(inp: DiagnosisInput, already: str) -> str:
    """' It names the key "x" and the path "/y".': the values the error's own message puts in its slots (part 1) that
    `already` (the answer's text) does not carry - the answer names what it rests on (issue 17, round 16); at most
    MAX_NAMED, each cut to NAMED_CHARS, redacted; an id-like value is not named; '' when nothing is left."""
    low = already.lower()
    # a value the redactor masks (a random session key, a token) would read '[REDACTED:...]': it names nothing (review r16)
    left = [(k, v) for k, v in _parts_slots(_said_parts(inp))
            if v.lower() not in low and not _ID_LIKE.search(v) and redact(_said(k, v)) == _said(k, v)][:MAX_NAMED]
    if not left:
        return ""
    return redact(" It names " + " and ".join(_said(k, v) for k, v in left) + ".")


def _said(kind: str, value: str) -> str:
    """How the clause names one slot value: its kind and the value quoted, bounded."""
    return f'the {kind} "{one_line(value, NAMED_CHARS)}"'
