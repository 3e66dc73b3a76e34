"""Log formats: which lines start a record, which records are errors, and how to read their fields.

Speed is the point of this module's shape. A text log is scanned as bytes with a few compiled
regular expressions that run in C over a whole chunk: `anchor` finds only the lines that can make
an error event (a header whose level field is ERROR/CRITICAL/FATAL, or the first line of a
traceback), `header` finds record boundaries. Ordinary INFO lines never reach Python code, which
is what lets replay run at tens of MiB/s on one core. The level is read from its position in the
header only: a message that contains the word CRITICAL does not match, because the anchor
requires the word right after the timestamp (format 1), between ` - ` separators (format 2) or at
the start of the line (`LEVEL:name:` format).

Everything that builds an event (timestamp, logger, message) works on `str` and runs only for the
rare records that are errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from typing import NamedTuple

from .deaths import FATAL, death_starts
from .levels import is_error_level, normalize_level
from .timestamps import ISO_TIME, parse_timestamp

# --- text dialects ----------------------------------------------------------------------------------

_TIME = ISO_TIME
_ZONE = r"(?: [A-Z]{2,5}| [+-]\d\d:?\d\d)?"
_LEVELS = r"DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|NOTSET|Level \d+"
_ERRORS = r"ERROR|CRITICAL|FATAL"
_TB = r"Traceback \(most recent call last\):"
_EG = r"[ |]*\+ Exception Group Traceback \(most recent call last\):"

# Record boundaries: format 1 `TIME [ZONE] LEVEL name: msg`, format 2 `TIME - name - LEVEL - msg`,
# logging.basicConfig's default `LEVEL:name:msg`, and the stdio shim's `HH:MM:SS [LEVEL   ] name: msg`.
_SHIM = r"\d\d:\d\d:\d\d(?:[.,]\d{1,6})? \["
_HEADER_BODY = (rf"(?:{_TIME}{_ZONE}(?: (?:{_LEVELS}) | - \S+ - (?:{_LEVELS}) - )|(?:{_LEVELS}):[^\s:]*:"
                rf"|{_SHIM}(?:{_LEVELS}) *\] )")
_ANCHOR_BODY = (
    rf"(?:{_TIME}{_ZONE}(?: (?:{_ERRORS}) | - \S+ - (?:{_ERRORS}) - )|(?:{_ERRORS}):[^\s:]*:"
    rf"|{_SHIM}(?:{_ERRORS}) *\] |(?P<tb>{_TB}|{_EG}))"
)


# Parsing a header line into fields (str, run once per event).
_F1 = re.compile(
    rf"(?P<time>{_TIME})(?: (?P<zone>[A-Z]{{2,5}}|[+-]\d\d:?\d\d))? (?P<level>{_LEVELS}) (?P<logger>\S+?):(?: |$)(?P<message>.*)"
)
_F2 = re.compile(rf"(?P<time>{_TIME})(?: (?P<zone>[A-Z]{{2,5}}))? - (?P<logger>\S+) - (?P<level>{_LEVELS}) - (?P<message>.*)")
_F3 = re.compile(rf"(?P<level>{_LEVELS}):(?P<logger>[^\s:]*):(?P<message>.*)")
_F4 = re.compile(rf"{_SHIM}(?P<level>{_LEVELS}) *\] (?P<logger>\S+?):(?: |$)(?P<message>.*)")


def _has_all_fields(rx: re.Pattern[str]) -> bool:
    """Whether a header pattern has every field parse_header reads (then one group() call reads them)."""
    return {"level", "logger", "message", "time", "zone"} <= set(rx.groupindex)


_ANCHOR_WORDS = (b"ERROR", b"CRITICAL", b"FATAL", b"Traceback (most recent call last):")
TB_BYTES = b"Traceback (most recent call last):"
_CHAIN_SENTENCES = frozenset({
    b"During handling of the above exception, another exception occurred:",
    b"The above exception was the direct cause of the following exception:",
})


_DEATH_HINT = re.compile(FATAL + rb"|(?:Syntax|Indentation|Tab)Error: ")  # deaths.py's shapes without a header
_EG_TOP = b"  + Exception Group "  # a top-level exception group's first line (nested ones carry `|`)


def _tb_line_start(buf: bytes, i: int) -> int:
    """The line start of a traceback whose header text is at `i`, or -1 (quoted inside a line).

    At column 0, or after `  + Exception Group ` (the excepthook's exception group: two groups
    in a row are two crashes, as two tracebacks in a row are).
    """
    if buf[i - 1:i] == b"\n":
        return i
    j = i - len(_EG_TOP)
    if j >= 0 and buf[j:i] == _EG_TOP and (j == 0 or buf[j - 1] == 10):
        return j
    return -1


def _prev_nonblank(buf: bytes, start: int, i: int) -> tuple[int, int] | None:
    """(start, end) of the last non-blank line before line start `i`, not before `start`; or None."""
    j = i - 1  # the newline that ends the previous line
    while j > start:
        k = buf.rfind(b"\n", start, j)
        ls = k + 1 if k >= 0 else start
        if buf[ls:j].strip():
            return ls, j
        if k < 0:
            break
        j = k
    return None


class Header(NamedTuple):
    """A header line's fields. A NamedTuple, not a frozen dataclass: one is made per event, and a
    frozen dataclass's __init__ sets each field through object.__setattr__ (measured in bench/RESULTS.md)."""

    level: str
    logger: str | None
    message: str
    timestamp: datetime | None


class TextDialect:
    """How to find records and errors in a Python-logging text log (bytes in, positions out).

    The regexes are `\\n`-prefixed so that the C search jumps from newline to newline instead of
    trying a match at every byte; position 0 of a buffer is checked separately.
    """

    def __init__(self, pattern: str | None = None, tz: tzinfo | None = UTC) -> None:
        self.tz = tz  # zone of timestamps printed without one
        self._seconds: dict[str, datetime | None] = {}  # _asctime's memo
        self.custom = pattern is not None
        self._tb_line = re.compile(_TB.encode())
        if pattern is None:
            self._header_nl = re.compile(("\n" + _HEADER_BODY).encode())
            self._header_at = re.compile(_HEADER_BODY.encode())
            self._anchor_nl = re.compile(("\n" + _ANCHOR_BODY).encode())
            self._anchor_at = re.compile(_ANCHOR_BODY.encode())
            self._fields: tuple[tuple[re.Pattern[str], bool], ...] = tuple(
                (rx, _has_all_fields(rx)) for rx in (_F1, _F2, _F3, _F4))
        else:
            body = pattern[1:] if pattern.startswith("^") else pattern
            custom = re.compile(body)
            self._fields = ((custom, _has_all_fields(custom)),)
            self._header_nl = re.compile(b"\n(?:" + body.encode() + b")")
            self._header_at = re.compile(b"(?:" + body.encode() + b")")
            self._tb_nl = re.compile(("\n(?:" + _TB + "|" + _EG + ")").encode())
            self._tb_at = re.compile(("(?:" + _TB + "|" + _EG + ")").encode())
            self._custom_bytes = re.compile(body.encode())

    # -- boundaries (bytes) --
    def header_at(self, buf: bytes, pos: int) -> bool:
        return self._header_at.match(buf, pos) is not None

    def next_header(self, buf: bytes, pos: int, end: int) -> int:
        """Start of the first header line at or after line start `pos` (before `end`), or -1."""
        if pos < end and self._header_at.match(buf, pos, end) is not None:
            return pos
        m = self._header_nl.search(buf, pos, end)
        return m.start() + 1 if m is not None else -1

    def headers(self, buf: bytes, pos: int, end: int) -> Iterator[int]:
        """Line starts at or after `pos` (and before `end`) where a header begins."""
        if pos == 0 and self._header_at.match(buf, 0, end) is not None:
            yield 0
        for m in self._header_nl.finditer(buf, max(pos - 1, 0), end):
            yield m.start() + 1

    def anchors(self, buf: bytes, pos: int, end: int) -> Iterator[tuple[int, bool]]:
        """(line start, is_traceback) of every line in [pos, end) that can make an error event.

        `pos` must be a line start. A header anchor is an error-level header; a traceback anchor
        is the first line of a traceback (the record around it is an event whatever its level).
        """
        if self.custom:
            yield from self._custom_anchors(buf, pos, end)
            return
        # Literal searches (memchr speed) for the words an anchor must contain, then one anchored
        # regex match at the start of each hit's line. A hit inside a message (an INFO payload
        # quoting "ERROR") fails the match at its line start and costs one call.
        found: dict[int, bool] = {}
        match = self._anchor_at.match
        find = buf.find
        rfind = buf.rfind
        for word in _ANCHOR_WORDS:
            i = find(word, pos, end)
            while i >= 0:
                ls = rfind(b"\n", pos, i) + 1 or pos
                # Cheap position test before the regex: a level word sits within the first ~48
                # bytes (format 1), after " - " (format 2) or at the line start (LEVEL:name:); a
                # traceback line starts with it (or with exception-group prefixes).
                off = i - ls
                if ls not in found and (off <= 48 or buf[i - 3:i] == b" - "):
                    m = match(buf, ls, end)
                    if m is not None:
                        found[ls] = m.group("tb") is not None
                nl = find(b"\n", i, end)
                if nl < 0:
                    break
                i = find(word, nl + 1, end)
        for ls in death_starts(buf, pos, end):  # a crash report with no header at a line start
            if ls not in found and self._header_at.match(buf, ls, end) is None:
                found[ls] = True
        for ls in sorted(found):
            yield ls, found[ls]

    def _custom_anchors(self, buf: bytes, pos: int, end: int) -> Iterator[tuple[int, bool]]:
        found: list[tuple[int, bool]] = []
        has_level = "level" in self._custom_bytes.groupindex
        for start in self.headers(buf, pos, end):
            if not has_level:
                continue
            m = self._custom_bytes.match(buf, start, end)
            lvl = m.group("level") if m is not None else None
            if lvl is not None and is_error_level(normalize_level(lvl.decode("ascii", "replace"))):
                found.append((start, False))
        if self._tb_at.match(buf, pos, end) is not None:
            found.append((pos, True))
        for m in self._tb_nl.finditer(buf, pos, end):
            found.append((m.start() + 1, True))
        found.extend((ls, True) for ls in death_starts(buf, pos, end) if not self.header_at(buf, ls))
        found.sort()
        yield from found

    def is_error_header(self, buf: bytes, pos: int) -> bool:
        """Whether the line at `pos` is a header whose level is ERROR/CRITICAL."""
        if self.custom:
            m = self._custom_bytes.match(buf, pos)
            if m is None or "level" not in self._custom_bytes.groupindex or m.group("level") is None:
                return False
            return is_error_level(normalize_level(m.group("level").decode("ascii", "replace")))
        m = self._anchor_at.match(buf, pos)
        return m is not None and m.group("tb") is None

    def next_unintroduced_traceback(self, buf: bytes, start: int, pos: int, end: int) -> int:
        """Where, in the record starting at `start`, a crash no log record introduced begins, or -1.

        A traceback (below) or another death report (deaths.py: a fatal error, a compiler report,
        a header glued after text): two fault dumps in a row are two crashes.
        """
        lo = max(pos, start)  # a line start
        i = buf.find(TB_BYTES, lo, end)
        if i < 0 and _DEATH_HINT.search(buf, lo, end) is None:
            return -1  # the usual case: one literal search, one regex of literals
        u = self._next_unintroduced_tb(buf, start, pos, end) if i >= 0 else -1
        for d in death_starts(buf, lo, end):
            if d > start and (u < 0 or d < u) and not self.header_at(buf, d):
                u = d
        return u

    def _next_unintroduced_tb(self, buf: bytes, start: int, pos: int, end: int) -> int:
        """Where, in the record starting at `start`, a traceback no log record introduced begins, or -1.

        Searched from line start `pos` to `end`. A traceback belongs to the record when it is the
        first traceback of an ERROR/CRITICAL record (`logger.exception`) or continues a chain
        ("During handling of the above exception...", "The above exception was the direct
        cause..."). Any other `Traceback (most recent call last):` at column 0 is Python's
        excepthook writing to stderr (an uncaught exception, often interleaved with stdout
        records in `docker logs`): it starts its own record. Under INFO/WARNING records too,
        by decision: a crash must never be filed under the INFO line printed just before it.
        """
        first_end = buf.find(b"\n", start, end)
        if first_end < 0:
            return -1  # one line: nothing after the line that opened the record
        # Searched after the record's first line: its header text there is what opened the record
        # (or, in a header line, words of a message), never a traceback inside it.
        i = buf.find(TB_BYTES, max(pos, first_end + 1), end)
        if i < 0:
            return -1  # the usual case: one cheap search
        error = self.is_error_header(buf, start)
        # Opened by a traceback: at column 0, a top-level exception group, or glued after text that
        # is not a header (deaths.py). A header line whose message ends with the header text is not
        # one: logging prints a record's exc_info on the line AFTER its message, so that text
        # introduces nothing - an ERROR record still owns the traceback that comes next, an
        # INFO/WARNING record none (issue 16: counting it made an over-size INFO record swallow the
        # crash after it, while _scan, which never saw it as an anchor, filed the crash alone).
        has_tb = (not error and buf[start:first_end].rstrip(b"\r").endswith(TB_BYTES)
                  and not self.header_at(buf, start))
        if not has_tb and not error:
            # A record no error header or traceback opened (INFO/WARNING, or lines with no header):
            # its first traceback at a line start is a crash of its own even after a chain sentence
            # (the chain's earlier traceback was not in this record), as TextScanner._scan files it.
            # One rule for both of the scanner's paths, or where reads split the file decides the event.
            while i >= 0:
                ls = _tb_line_start(buf, i)
                if ls >= 0:
                    return ls
                i = buf.find(TB_BYTES, i + len(TB_BYTES), end)
            return -1
        introduced = not has_tb and error
        while i >= 0:
            ls = _tb_line_start(buf, i)
            if ls > start and not self.chained(buf, start, ls):
                if introduced:
                    introduced = False  # the record's own traceback; later unchained ones are not
                else:
                    return ls
            introduced = False
            i = buf.find(TB_BYTES, i + len(TB_BYTES), end)
        return -1

    @staticmethod
    def chained(buf: bytes, start: int, i: int) -> bool:
        """Whether the traceback at line start `i` continues a chain: the last non-blank line before
        it (within the record) is a chain sentence, and the last one before the sentence is not a
        bare traceback header.

        CPython (Lib/traceback.py, TracebackException.format) prints a chain as the earlier
        exception in full - its traceback down to the exception line, or the exception line alone
        when it was never raised - then the sentence, then the next `Traceback ...:`. A header with
        nothing under it before the sentence (a cut or interleaved stream, or a message ending in
        the header text) printed no first exception: the traceback after the sentence chains to
        nothing and is a crash of its own. A line before the sentence that lies outside `buf`
        (an over-size record's compacted start) is taken as printed: a bare header is short.
        """
        prev = _prev_nonblank(buf, start, i)
        if prev is None or buf[prev[0]:prev[1]].strip() not in _CHAIN_SENTENCES:
            return False
        before = _prev_nonblank(buf, start, prev[0])
        return before is None or not buf[before[0]:before[1]].rstrip().endswith(TB_BYTES)

    def has_traceback(self, buf: bytes, pos: int, end: int) -> bool:
        return any(tb for _, tb in self.anchors(buf, pos, end))

    # -- fields (str) --
    def parse_header(self, line: str) -> Header | None:
        for rx, all_fields in self._fields:
            m = rx.match(line)
            if m is None:
                continue
            # One group() call for the five fields when the pattern has them all (format 1 and 2:
            # this runs for every event). The flag is kept beside the pattern: hashing a Pattern
            # (a set lookup) costs 0.4 us.
            if all_fields:
                word, logger, message, time, zone = m.group("level", "logger", "message", "time", "zone")
            else:
                g = m.groupdict()
                word, logger, message, time, zone = (g.get("level"), g.get("logger"), g.get("message"),
                                                     g.get("time"), g.get("zone"))
            word = word or "INFO"
            level = _HEADER_LEVELS.get(word) or normalize_level(word)
            message = (message or "").rstrip("\r")
            if (time is not None and zone is None and len(time) == 23 and time[19] in ",." and not self.custom
                    and time[20:].isdigit() and time.isascii()):
                ts = self._asctime(time)
            else:
                ts = parse_timestamp(time, zone, self.tz)
            return _new_header(Header, (level, logger or None, message, ts))  # Header(...) without its Python __new__
        return None

    def _asctime(self, time: str) -> datetime | None:
        """Python logging's default time, `YYYY-MM-DD HH:MM:SS,mmm` (no zone): its second, memoised, plus the ms.

        The milliseconds make each time distinct, so timestamps.parse_timestamp's memo never hit and
        every event paid a whole parse (1.75 us; this is 1.2). The same result: the header pattern
        makes the first 19 characters a strict `YYYY-MM-DD HH:MM:SS`, and zone offsets are whole
        seconds, so the milliseconds pass through the conversion to UTC unchanged.
        """
        head = time[:19]
        try:
            base = self._seconds[head]
        except KeyError:  # once per second of log time
            base = parse_timestamp(head, None, self.tz)
            if len(self._seconds) >= 4096:
                self._seconds.clear()
            self._seconds[head] = base
        # `base` has no fraction (parsed from the first 19 characters, in UTC): adding the milliseconds
        # is the same datetime as replace(microsecond=...), without parsing a keyword call per event.
        return None if base is None else base + _MILLIS[int(time[20:])]


_new_header = tuple.__new__  # a NamedTuple's generated __new__ is a Python function doing just this
_MILLIS = tuple(timedelta(milliseconds=i) for i in range(1000))  # _asctime's fractions, made once

# The level words a header pattern matches, normalised once (parse_header runs for every event).
_HEADER_LEVELS = {w: normalize_level(w) for w in ("DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL",
                                                  "NOTSET")}
