"""Other programs' logs tailed by `sidecar run`: records and errors by the header cut `sidecar fingerprint` uses.

A file whose first lines are not the gateway's Python-logging headers but lines of a documented
non-Python grammar (syslog RFC 3164/5424, journald, klog, postgres, log4j/logback, logcat, GLib,
Apache, nginx, BGL: `sysheaders.cut_header`) is read with `SystemDialect` instead of `TextDialect`.
One code path: the record's message is `cut_header(line).message`, exactly what `sidecar fingerprint`
fingerprints for that line, so a syslog/journald/klog line groups the same way in both.

Which records are errors: the level the grammar PRINTS, by position (DESIGN: never a substring
search of the message), mapped to Python's names by `system_level`. A grammar without a level
field (journalctl -o short, RFC 3164 without `<PRI>`, Go's `log`) makes no error event: nothing
in the line says it is one. A traceback at a line start, and Python's other death reports, are
events as in any text file.

Record boundaries: a line the cut matches starts a record; any other line (a Java stack's
`\tat ...`, a wrapped message) continues the one before, and so do postgres's DETAIL / HINT /
CONTEXT / STATEMENT / QUERY / LOCATION lines, which elog.c writes after the ERROR they explain.

Logger and timestamp: none. A syslog tag or Java class is a constant of the source, not the Python
logger groups are keyed on (sysheaders' docstring: keying on it splits one message printed by
`sshd` and `sshd(pam_unix)`); the time is not parsed here (the event counts at its receipt time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, tzinfo

from .deaths import death_starts
from .formats import _EG, _TB, Header, TextDialect
from .levels import is_error_level, normalize_level
from .sysheaders import NO_HEADER, Cut, cut_header

# postgres elog.c: lines that explain the message before them (send_message_to_server_log).
_CONTINUATION = frozenset({"DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"})

# Level words of the grammars that Python's names (levels.normalize_level) do not already cover.
# klog/glog severity letters (klog.go severityChar "IWEF"); Android logcat priorities
# (android/log.h: V D I W E F, and A for assert); postgres elog.h (DEBUG1-5, LOG, PANIC); Apache
# LogLevel / nginx error_log levels (emerg alert crit error warn notice info debug trace1-8); BGL
# RAS severities (INFO WARNING SEVERE ERROR FATAL FAILURE; FAILURE above FATAL); GLib GLogLevelFlags
# (`Message` = G_LOG_LEVEL_MESSAGE, between WARNING and INFO); Windows CBS `Perf`.
_WORDS = {
    "V": "DEBUG", "D": "DEBUG", "I": "INFO", "W": "WARNING", "E": "ERROR", "F": "CRITICAL", "A": "CRITICAL",
    "LOG": "INFO", "PANIC": "CRITICAL", "FAILURE": "CRITICAL", "MESSAGE": "INFO", "PERF": "INFO",
    **{f"DEBUG{i}": "DEBUG" for i in range(1, 6)}, **{f"TRACE{i}": "DEBUG" for i in range(1, 9)},
}
# RFC 5424 §6.2.1 Table 2 (RFC 3164 §4.1.1 the same): severity = PRI mod 8; 0 Emergency, 1 Alert,
# 2 Critical, 3 Error, 4 Warning, 5 Notice, 6 Informational, 7 Debug.
_SEVERITY = ("CRITICAL", "CRITICAL", "CRITICAL", "ERROR", "WARNING", "INFO", "INFO", "DEBUG")


def system_level(word: str | None) -> str | None:
    """Python's name for a level a system grammar printed (`E`, `crit`, `PANIC`, a `<PRI>`), or None."""
    if not word:
        return None
    if word.isdigit():
        return _SEVERITY[int(word) % 8]
    upper = word.upper()
    return _WORDS.get(upper) or normalize_level(upper)


def system_header(line: str) -> tuple[Cut, str | None] | None:
    """(the cut, its Python level or None) when `line` starts a record of another program's log."""
    cut = None if line[:2] in NO_HEADER else cut_header(line)
    if cut is None or cut.level in _CONTINUATION:
        return None
    return cut, system_level(cut.level)


def looks_system(head: bytes, dialect: TextDialect, lines: int = 8) -> bool:
    """Whether a text file's first lines are another program's log, not the gateway's.

    None of the first non-blank `lines` may be a gateway header (the log4j grammar also matches
    `2025-11-03 17:00:04 ERROR src.x: msg`, which must stay the gateway's), and at least half of
    them must start a record of a documented grammar.
    """
    sample = [ln.rstrip(b"\r") for ln in head.split(b"\n")[:-1] if ln.strip()][:lines]
    if not sample or any(dialect.header_at(ln, 0) for ln in sample):
        return False
    cut = sum(system_header(ln.decode("utf-8", "replace")) is not None for ln in sample)
    return cut * 2 >= len(sample)


class SystemDialect(TextDialect):
    """`TextDialect`'s record/error interface for another program's log (see the module docstring).

    The byte-level methods decode one line at a time and ask `system_header`: slower than the
    gateway dialect's one C regex over a chunk, and used only for files detected as such.
    """

    def __init__(self, tz: tzinfo | None = UTC) -> None:
        super().__init__(None, tz)
        self.custom = True  # not the gateway's header layout (formats.parse_header's asctime shortcut)
        self._tb_start = re.compile(("(?:" + _TB + "|" + _EG + ")").encode())

    @staticmethod
    def _line(buf: bytes, pos: int, end: int | None = None) -> str:
        stop = len(buf) if end is None else end
        nl = buf.find(b"\n", pos, stop)
        return buf[pos:nl if nl >= 0 else stop].rstrip(b"\r").decode("utf-8", "replace")

    def _starts(self, buf: bytes, pos: int, end: int) -> Iterator[int]:
        """Line starts in [pos, end) (pos a line start)."""
        s = pos
        while s < end:
            yield s
            nl = buf.find(b"\n", s, end)
            if nl < 0:
                return
            s = nl + 1

    def header_at(self, buf: bytes, pos: int) -> bool:
        return system_header(self._line(buf, pos)) is not None

    def next_header(self, buf: bytes, pos: int, end: int) -> int:
        return next(self.headers(buf, pos, end), -1)

    def headers(self, buf: bytes, pos: int, end: int) -> Iterator[int]:
        if pos > 0 and buf[pos - 1:pos] != b"\n":  # callers pass 1 for "after the first line"
            nl = buf.find(b"\n", pos, end)
            if nl < 0:
                return
            pos = nl + 1
        for s in self._starts(buf, pos, end):
            if system_header(self._line(buf, s, end)) is not None:
                yield s

    def anchors(self, buf: bytes, pos: int, end: int) -> Iterator[tuple[int, bool]]:
        found: dict[int, bool] = {}
        for s in self._starts(buf, pos, end):
            if self._tb_start.match(buf, s, end) is not None:
                found[s] = True
                continue
            got = system_header(self._line(buf, s, end))
            if got is not None and is_error_level(got[1]):
                found[s] = False
        for s in death_starts(buf, pos, end):
            if s not in found and not self.header_at(buf, s):
                found[s] = True
        for s in sorted(found):
            yield s, found[s]

    def is_error_header(self, buf: bytes, pos: int) -> bool:
        got = system_header(self._line(buf, pos))
        return got is not None and is_error_level(got[1])

    def parse_header(self, line: str) -> Header | None:
        got = system_header(line.rstrip("\r"))
        if got is None:
            return None
        cut, level = got
        return Header(level or "INFO", None, cut.message, None)
