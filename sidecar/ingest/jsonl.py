"""JSON-lines logs: one object per line; errors by level field or by an exception/stack field.

A cheap C-level prefilter (one regex over the whole chunk) finds the only lines that can be
errors; only those are decoded with `json.loads`. Keys are matched by the usual aliases of Python
logging, structlog, python-json-logger, pino/bunyan and GCP-style loggers.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from .levels import is_error_level, normalize_level
from .rawrecord import TAIL_BYTES, Limits, Piece, clip
from .record import ExceptionInfo, Frame
from .timestamps import timestamp_from_value
from .tracebacks import Traceback, parse_traceback_text

LEVEL_KEYS = ("level", "levelname", "severity", "lvl", "log.level", "loglevel", "level_name")
MESSAGE_KEYS = ("message", "msg", "event", "log")
LOGGER_KEYS = ("logger", "name", "logger_name", "log.logger")
EXC_KEYS = ("exc_info", "exception", "exc_text", "stack", "stack_trace", "stacktrace", "traceback", "error.stack")
TIME_KEYS = ("timestamp", "time", "ts", "@timestamp", "asctime", "datetime", "t")

_PREFILTER = re.compile(
    rb'"(?:level|levelname|severity|lvl|log\.level|loglevel|level_name)"\s*:\s*'
    rb'(?:"(?:error|err|critical|crit|fatal|alert|emerg|emergency|severe|exception)"|[4-9]\d\b)'
    rb'|"(?:exc_info|exception|exc_text|stack|stack_trace|stacktrace|traceback|error\.stack)"\s*:\s*[^\snf\]]'
    rb"|Traceback \(most recent call last\)",
    re.IGNORECASE,
)


# Finding candidate lines fast. `_PREFILTER` is exact but starts with an alternation under
# IGNORECASE, so `re` tries it at every byte (a third of the text path's speed). Instead the chunk
# is lowercased once (C, ASCII) and searched, without IGNORECASE, for what every match of
# `_PREFILTER` must contain: an error word as a string value (after `:`), an exception key, a
# numeric level key with 40-99, or the traceback sentence (a literal `find`). Only lines with a
# hit are confirmed with `_PREFILTER` and parsed, so the records found are exactly the plain scan's.
_VALUE = re.compile(rb':\s*"(?:err|crit|fatal|alert|emerg|severe|exception)')
_KEY = re.compile(rb'"(?:exc_|stack|traceback"|exception|error\.stack)')
_NUMERIC = re.compile(rb'"(?:l(?:evel(?:name|_name)?|vl|og\.level|oglevel)|severity)"\s*:\s*[4-9]\d\b')
_TB_LOWER = b"traceback (most recent call last)"


def candidate_lines(data: bytes) -> list[int]:
    """Sorted start offsets of the lines of `data` that can hold an error record."""
    low = data.lower()
    rfind = low.rfind
    starts: set[int] = set()
    for rx in (_VALUE, _KEY, _NUMERIC):
        for m in rx.finditer(low):
            starts.add(rfind(b"\n", 0, m.start()) + 1)
    i = low.find(_TB_LOWER)
    while i >= 0:
        starts.add(rfind(b"\n", 0, i) + 1)
        nl = low.find(b"\n", i)
        if nl < 0:
            break
        i = low.find(_TB_LOWER, nl + 1)
    return sorted(starts)


@dataclass(slots=True)
class JsonRecord:
    """An error record from a JSON line, with its file position."""

    offset: int
    end_offset: int
    line: int
    raw: str
    level: str
    logger: str | None
    message: str
    timestamp: datetime | None
    traceback: Traceback | None
    truncated: bool


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        v = obj.get(k)
        if v is not None and v != "":
            return v
    return None


def _exception_from_struct(value: Any) -> Traceback | None:
    """structlog's dict tracebacks / {type, message, frames} objects -> Traceback."""
    items = value if isinstance(value, list) else [value]
    chain = []
    for it in items:
        if not isinstance(it, dict):
            continue
        etype = it.get("exc_type") or it.get("type") or it.get("class")
        if not etype:
            continue
        msg = it.get("exc_value") or it.get("value") or it.get("message") or ""
        frames = []
        for f in it.get("frames") or it.get("stacktrace") or []:
            if isinstance(f, dict):
                ln = f.get("lineno", f.get("line"))
                frames.append(Frame(str(f.get("filename") or f.get("file") or ""),
                                    int(ln) if isinstance(ln, int) else None,
                                    str(f.get("name") or f.get("function") or "")))
        chain.append(ExceptionInfo(str(etype), str(msg), tuple(frames)))
    return Traceback(tuple(chain), chain[-1].frames) if chain else None


def interpret(obj: Any, tz: tzinfo | None = UTC) -> tuple[str, str | None, str, datetime | None, Traceback | None] | None:
    """(level, logger, message, timestamp, traceback) when the object is an error record, else None."""
    if not isinstance(obj, dict):
        return None
    raw_level = _first(obj, LEVEL_KEYS)
    level = normalize_level(raw_level) if raw_level is not None else "INFO"
    message = _first(obj, MESSAGE_KEYS)
    message = message if isinstance(message, str) else ("" if message is None else json.dumps(message))
    tb: Traceback | None = None
    exc = _first(obj, EXC_KEYS)
    if isinstance(exc, str) and exc.strip():
        tb = parse_traceback_text(exc.replace("\r\n", "\n"))
        if tb is None and exc.strip() not in ("True", "true", "None"):
            # A one-line exception text such as "ValueError: bad"; keep it as the exception.
            head, _, rest = exc.strip().partition(": ")
            if head.replace(".", "").replace("_", "").isalnum() and head[:1].isalpha():
                tb = Traceback((ExceptionInfo(head, rest),), ())
    elif isinstance(exc, dict | list):
        tb = _exception_from_struct(exc)
    if tb is None and "Traceback (most recent call last)" in message:
        tb = parse_traceback_text(message)
    if not is_error_level(level) and tb is None:
        return None
    logger = _first(obj, LOGGER_KEYS)
    ts = timestamp_from_value(_first(obj, TIME_KEYS), tz)
    return level, (str(logger) if logger is not None else None), message, ts, tb


_TRUNCATED = re.compile(rb" \[line truncated by sidecar: \d+ bytes\]\r?\n?$")
_STR_FIELD = re.compile(rb'"([A-Za-z_.@]+)"\s*:\s*"((?:[^"\\]|\\.)*)"?')


def _salvage(line: bytes) -> dict[str, Any] | None:
    """The string fields readable in a JSON line truncated by the line limit (else None).

    A record longer than the limit is cut and marked; its level/message/logger fields usually sit
    before the long part, so an error record stays an event (marked truncated) instead of a parse error.
    """
    if _TRUNCATED.search(line) is None:
        return None
    out: dict[str, Any] = {}
    for m in _STR_FIELD.finditer(line):
        key = m.group(1).decode("ascii", "replace")
        if key not in out:
            raw = m.group(2).decode("utf-8", "replace")
            try:
                out[key] = json.loads('"' + raw + '"')
            except ValueError:
                out[key] = raw
    return out or None


class JsonScanner:
    """JSON lines fed as complete lines; returns the error records among them."""

    def __init__(self, limits: Limits, tz: tzinfo | None = UTC) -> None:
        self.limits = limits
        self.tz = tz  # zone of timestamps written without one
        self.end_off = 0
        self.end_line = 1
        self.bad_lines = 0

    def feed(self, data: bytes, pieces: list[Piece], end_off: int, end_line: int) -> list[JsonRecord]:
        self.end_off, self.end_line = end_off, end_line
        out: list[JsonRecord] = []
        starts = [p.vstart for p in pieces]
        lc = (-1, 0, 0)
        for s in candidate_lines(data):
            e = data.find(b"\n", s) + 1 or len(data)
            if _PREFILTER.search(data, s, e) is None:
                continue
            line_bytes = data[s:e]
            try:
                obj = json.loads(line_bytes)
            except (ValueError, UnicodeDecodeError):
                obj = _salvage(line_bytes)  # an over-long record cut by the line limit
                if obj is None:
                    self.bad_lines += 1
                    continue
            got = interpret(obj, self.tz)
            if got is None:
                continue
            i = bisect_right(starts, s) - 1 if len(pieces) > 1 else 0
            p = pieces[i]
            if p.exact:
                if lc[0] == i and lc[1] <= s:
                    line = lc[2] + data.count(b"\n", lc[1], s)
                else:
                    line = p.line + data.count(b"\n", p.vstart, s)
                lc = (i, s, line)
                off, end = p.off + (s - p.vstart), p.off + (e - p.vstart)
            else:
                off, end, line = p.off, p.end, p.line
            text, truncated = clip(line_bytes, line_bytes[-TAIL_BYTES:], len(line_bytes), self.limits)
            truncated = truncated or not p.exact  # an inexact piece is a line cut by the line limit
            level, logger, message, ts, tb = got
            out.append(JsonRecord(off, end, line, text.decode("utf-8", "replace").rstrip("\r\n"),
                                  level, logger, message, ts, tb, truncated))
        return out

    def flush(self) -> list[JsonRecord]:
        return []

    def pending(self) -> bool:
        return False

    def resume(self) -> tuple[int, int]:
        return self.end_off, self.end_line
