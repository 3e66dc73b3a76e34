"""How a dying Python process starts its report when no `Traceback (most recent call last):` opens a line.

The excepthook's traceback at a line start is found by the text dialect's anchors. These other
shapes are CPython's own (found by the writer taxonomy, tests/ingest/test_writer_taxonomy.py):
- `Fatal Python error: ...` (Python/pylifecycle.c's fatal_error, faulthandler's dump on SIGSEGV,
  SIGABRT, SIGFPE, SIGBUS, SIGILL): then `Current thread 0x... (most recent call first):` and frames
  as `  File "f", line N in func`, blank lines between parts;
- a SyntaxError (IndentationError, TabError) of the main module: the compiler reports it with no
  traceback header - `  File "f", line N` (no `, in`), the source line, carets, `SyntaxError: msg`;
- the header after other text on its line: stdout unbuffered (PYTHONUNBUFFERED, Docker images)
  held a `print(..., end="")` with no newline when stderr's traceback began.
Each is one uncaught event (logger `uncaught`, CRITICAL), never part of the record before it.
"""

from __future__ import annotations

import re

FATAL = b"Fatal Python error: "
TB_BYTES = b"Traceback (most recent call last):"
_SYNTAX_WORDS = (b"SyntaxError: ", b"IndentationError: ", b"TabError: ")
_LOCATION = re.compile(rb'  File "[^"\n]*", line \d+\r?$', re.M)
_FAULT_FRAME = re.compile(rb'  File "[^"\n]*", line \d+ in \S')  # Python/traceback.c dump_frame
_LOCATION_STR = re.compile(r'  File "[^"\n]*", line \d+\r?$')
_SYNTAX_STR = re.compile(r"^(?:SyntaxError|IndentationError|TabError): ", re.M)
_REPORT_LINES = 5  # location, source, caret lines (3.11+: one; 3.13: up to two) before the error line


def _line_start(buf: bytes, lo: int, i: int) -> int:
    return max(buf.rfind(b"\n", lo, i) + 1, lo)


def _syntax_report_start(buf: bytes, lo: int, i: int) -> int:
    """Start of the headerless compiler report whose error line starts at `i`, or -1 (a traceback's own)."""
    s = i
    for _ in range(_REPORT_LINES):
        if s <= lo:
            return -1
        s = _line_start(buf, lo, s - 1)
        if _LOCATION.match(buf, s) is not None:
            if s <= lo:
                return s
            prev = buf[_line_start(buf, lo, s - 1):s - 1].rstrip(b"\r")
            # Under a traceback header or after a frame's source line (indented) it is the last
            # frame of an excepthook traceback (an imported module that does not compile). Not after
            # a faulthandler frame (`  File "f", line N in func`: no comma, no source line under it):
            # that dump ended and a new process's compiler report starts (Docker's stderr stream
            # holds one crash after the other; generated class round9, seed 908).
            # Nor after an exception group's closing border (`    +------...`, Lib/traceback.py).
            if _FAULT_FRAME.match(prev) is not None or prev.lstrip().startswith(b"+--"):
                return s
            return -1 if prev[:1].isspace() or prev.endswith(TB_BYTES) else s
    return -1


def death_starts(buf: bytes, pos: int, end: int) -> list[int]:
    """Line starts in [pos, end) (pos a line start) where one of the shapes above begins."""
    out: list[int] = []
    i = buf.find(FATAL, pos, end)
    while i >= 0:
        if i == pos or buf[i - 1] == 10:
            out.append(i)
        i = buf.find(FATAL, i + 1, end)
    for word in _SYNTAX_WORDS:
        i = buf.find(word, pos, end)
        while i >= 0:
            if i == pos or buf[i - 1] == 10:
                s = _syntax_report_start(buf, pos, i)
                if s >= 0:
                    out.append(s)
            i = buf.find(word, i + 1, end)
    i = buf.find(TB_BYTES, pos, end)
    while i >= 0:
        ls = _line_start(buf, pos, i)
        after = i + len(TB_BYTES)
        # not an exception group's (`  + Exception Group Traceback`, `    | Traceback` nested in one)
        if (ls < i and buf[i - 16:i] != b"Exception Group " and buf[ls:i].strip(b" |+")
                and (after >= end or buf[after] == 10 or buf[after:after + 2] == b"\r\n")):
            out.append(ls)
        i = buf.find(TB_BYTES, after, end)
    return out


def death_report(text: str) -> tuple[str, str] | None:
    """(kind, text to parse as a traceback) of a record no header opened, when it is one of the shapes."""
    first, _, rest = text.partition("\n")
    if first.startswith("Fatal Python error: "):
        return "fatal", ""
    if _LOCATION_STR.match(first) is not None and _SYNTAX_STR.search(rest) is not None:
        return "syntax", "Traceback (most recent call last):\n" + text
    if (first.endswith("Traceback (most recent call last):") and not first.startswith("Traceback")
            and not first.endswith("Exception Group Traceback (most recent call last):")
            and first[:-len("Traceback (most recent call last):")].strip(" |+")):
        return "glued", "Traceback (most recent call last):\n" + rest
    return None
