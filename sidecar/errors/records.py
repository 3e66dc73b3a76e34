"""A structured log record (a logfmt line, a JSON object) read as the statement that printed it.

Class (bench/GROUPING_CLASSES3.md H28-H31, H36, T16, V2; GROUPING_CLASSES2.md S23): structured logging
moves the values OUT of the message. A call `level.Error(logger).Log("msg", "W W", "err", err)`
(go-kit/log), `logrus.WithFields(...).Error("W W")`, `slog.Error("W W", "k", v)`, `zap.Error("W W",
zap.String("k", v))`, `pino.error({k: v}, "W W")` prints a CONSTANT message and key/value pairs whose
NAMES come from the call and whose VALUES are its arguments. So the statement is the message plus its
key set, and every value is a parameter, whatever its length or spelling (a quoted phrase, a Go `%v`
of a struct, an error chain of any depth: V2, V4). Two call sites with the same message and different
key sets are two statements (H28 twin b); the same call site printing a 1-item and a 5-item list in a
value is one (V1 twin a).

The grammars, from the libraries' own encoders:
* logfmt (brandur.org/logfmt; go-logfmt `encodeKeyval`: a value is quoted, with Go escapes, exactly
  when it holds a blank, `=`, `"` or a control character; logrus `TextFormatter.needsQuoting`; slog
  `TextHandler`): `key=value` pairs separated by blanks, keys without blanks, `=` or `"`. A line is
  read as a record only when EVERY token is such a pair and its first key is one those libraries put
  first (a time, a level, a caller, or `msg` itself once a header cut took the time and level:
  `_FIRST_KEYS`), so a message that merely ends in pairs (`W W pid=1 uid=0`, S23, `kvlists.py`) or an
  audit record (`type=W msg=audit(...): ...`) is not one.
* a JSON object per line (zap production, logrus `JSONFormatter`, slog `JSONHandler`, pino, bunyan,
  winston `format.json`): the message key by library (`ingest.jsonl.MESSAGE_KEYS`: `msg` for zap,
  logrus, slog, pino, bunyan; `message` for winston and GCP-style loggers).

What is header, not statement (cut, as a syslog header is): the time (`ts`, `time`, ...), which varies
on every line. What names the call site and so joins the identity by VALUE: the level (fixed per call:
`level.Error`), the sub-logger label set by `log.With`/`WithGroup`/`logger.Named` (`component`,
`logger`, `name`), and the caller's FILE (`caller=file.go:NN`, slog `source=/abs/file.go:NN` or its
JSON `{"function":..., "file":..., "line":...}`) without the line number, so that a deploy that shifts
lines keeps the group (as traceback frames keep the function, not the line). Every other key joins the
identity by NAME only. The identity is returned as the record's logger: the learner never compares
messages of two loggers (`templates.py`), so two key sets never merge, while messages of one key set
are still masked and learned (a `msg` built with `fmt.Sprintf` still has its slots learned).

Why this holds across restarts and replicas: the result is a pure function of the line.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from ..ingest.jsonl import LEVEL_KEYS, LOGGER_KEYS, MESSAGE_KEYS, TIME_KEYS
from .console_records import console_pairs
from .logfmt import PAIR, unquote
from .masking_rules import PLACEHOLDER
from .token_forms import variable_like

__all__ = ["RECORD_STARTS", "Record", "constant_message", "read_record"]

# What every record identity starts with (`_identity`), so the learner knows a record's bucket.
RECORD_MARK = "record["


class Record(NamedTuple):
    """What a record says: the message the learner groups, and the statement identity (as a logger)."""

    message: str
    logger: str


# Keys whose value names the call site (kept by value): the sub-logger labels (go-kit `log.With(l,
# "component", ...)` in Prometheus/Alertmanager, zap `Named` as `logger`). Not `name`: a common
# argument key (`msg="W" name=x`), and bunyan's `name` is one constant per program anyway.
_LABEL_KEYS = frozenset({*LOGGER_KEYS, "component"}) - {"name"}
# The caller, printed by the library: go-kit `DefaultCaller`, zap `caller`, slog `AddSource`.
_CALLER_KEYS = frozenset({"caller", "source"})
_TIME = frozenset(TIME_KEYS)
_LEVEL = frozenset(LEVEL_KEYS)
_MESSAGE = frozenset(MESSAGE_KEYS) - {"log", "event"}
# What a logfmt record's first key is in the libraries above (go-kit: `ts`/`level`/`caller`, with the
# `With` order of the program; logrus and slog: `time`; a header cut: `msg`).
_FIRST_KEYS = frozenset({*TIME_KEYS, "level", "lvl", "caller", "source", "msg", "message", "component"})
# First two characters of a line that may be a record: a caller tests `line[:2] in RECORD_STARTS`.
# ... and the console layouts (`console_records.py`): logrus's level word, an ANSI colour, zap's time.
_CONSOLE_STARTS = frozenset({"PA", "FA", "ER", "WA", "IN", "DE", "TR", "\x1b["})
RECORD_STARTS = frozenset({(k + "=")[:2] for k in _FIRST_KEYS} | {"{\""} | _CONSOLE_STARTS | {"19", "20"})

_LINE = re.compile(rf"{PAIR}(?: +{PAIR})*\s*")
_PAIRS = re.compile(PAIR)
_LINE_NO = re.compile(r":\d+$")


def _caller_file(value: Any) -> str:
    """The caller's file without its line (`pkg/file.go:88` -> `pkg/file.go`; slog's JSON source
    object -> its function and file): constant per call site across deploys."""
    if isinstance(value, dict):
        return f"{value.get('function', '')}@{_LINE_NO.sub('', str(value.get('file', '')))}"
    return _LINE_NO.sub("", str(value))


def _identity(pairs: list[tuple[str, Any]]) -> Record | None:
    message: str | None = None
    labels: list[str] = []
    keys: set[str] = set()
    for key, value in pairs:
        if key in _TIME:
            continue
        if message is None and key in _MESSAGE:
            message = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        elif key in _LEVEL or key in _LABEL_KEYS:
            labels.append(f"{key}={str(value).lower() if key in _LEVEL else value}")
        elif key in _CALLER_KEYS:
            labels.append(f"{key}={_caller_file(value)}")
        else:
            keys.add(key)
    if message is None and not keys:
        return None  # header fields only (a time, a level): nothing that names a statement
    names = " ".join(sorted(keys))
    logger = f"{RECORD_MARK}{' '.join(sorted(labels))}]{{{names}}}"
    # No message key (go-kit `Log("err", err)`): the key set alone is the statement.
    return Record(message if message is not None else names, logger)


def constant_message(logger_or_bucket: str) -> bool:
    """Whether a learner bucket (or its logger) holds structured records' messages (`templates.py`
    asks, then vetoes by `words_differ`). The command's logger may prefix the identity."""
    return RECORD_MARK in logger_or_bucket


def words_differ(template: list[str], tokens: list[str]) -> bool:
    """Whether two same-count records' messages differ somewhere in two plain words (neither a value
    by its form: no `<*>`, not `variable_like`). A record's message is the call's constant (T16), so
    such a pair names two statements, never a value (the learner's positional-unannounced slot,
    `slots.py` class 3, is for printf messages, which put their values in the text). A word against a
    value by its form (`W abc W` / `W <*> W`: a `msg` built with `Sprintf` or logrus `Errorf`) and typed
    values (`variable_like`: numbers, ids, paths) stay slots. A plain word after a key-like word does NOT
    (`user root` / `user bob` are two statements here): a record puts its values in pairs, so a
    letters-only value formatted into `msg` splits - the accepted cost of T16 (bench/RESULTS.md, round 12)."""
    for t, m in zip(template, tokens, strict=False):
        if t != m and PLACEHOLDER not in t and PLACEHOLDER not in m and not variable_like(t) and not variable_like(m):
            return True
    return False


def read_record(text: str) -> Record | None:
    """The record a line is (its message and statement identity), or None when it is not one."""
    if text[:2] == '{"':
        return _json_record(text)
    if "=" not in text[:12] or _LINE.fullmatch(text) is None:
        console = console_pairs(text) if text[:2] in _CONSOLE_STARTS or "\t" in text else None
        return _identity(console) if console is not None else None
    pairs = [(k, unquote(v)) for k, v in _PAIRS.findall(text)]
    if len(pairs) < 2 and not (pairs and pairs[0][0] in _MESSAGE):
        return None
    if pairs[0][0] not in _FIRST_KEYS:
        return None
    return _identity(pairs)


def _json_record(text: str) -> Record | None:
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    if not isinstance(obj, dict) or not any(isinstance(obj.get(k), str) for k in _MESSAGE):
        return None
    return _identity(list(obj.items()))
