"""Where in the traceback an error was raised: a library's frame, or the application's own.

A builtin exception (KeyError, IndexError, ValueError, TypeError) names no component by its class: the same
KeyError is a missing dict key in the gateway's code or a library tripping over the answer it parsed. The
frames say which: the last frame is where it was raised; a `site-packages/<pkg>/` frame is a library's code,
any other is the application's. This module only reads that (the catch-all says it); it never raises the
confidence of an answer - the frame names *where*, not *why*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FRAME = re.compile(r'^\s*File "(?P<path>[^"]{1,400})", line (?P<line>\d+), in (?P<func>[^\s]{1,120})', re.M)
_LIBRARY = re.compile(r"(?:site|dist)-packages/(?P<pkg>[A-Za-z_]\w*)")
# CPython's own modules (/usr/local/lib/python3.11/email/utils.py, a venv's lib/python3.11/...): a frame
# there is the standard library's code, not the application's - a ValueError from email.utils is a library
# refusing its input, said as such
_STDLIB = re.compile(r"/lib/python3\.\d+/(?!(?:site|dist)-packages/)[A-Za-z_]")
STDLIB = "Python standard"
TAIL = 64 * 1024  # the raising frames are at the end of a traceback; a 10 MB record is not scanned whole


@dataclass(frozen=True, slots=True)
class RaisedAt:
    """The raising frame (`library` is the package when it is a library's), the last application frame and the
    library function that frame called."""

    library: str | None
    frame: str  # "path:line in func" of the raising frame
    app_frame: str | None  # the last frame outside site-packages, where the application called in
    called: str | None = None  # the function of the frame right under app_frame (the library call made)


def raised_at(traceback: str) -> RaisedAt | None:
    """The frames of the *last* traceback in `traceback` (the raised exception's), or None without frames."""
    frames = list(_FRAME.finditer(traceback[-TAIL:]))
    if not frames:
        return None

    def where(m: re.Match[str]) -> str:
        return f"{m.group('path')}:{m.group('line')} in {m.group('func')}"

    def library(m: re.Match[str]) -> str | None:
        lib = _LIBRARY.search(m.group("path"))
        return lib.group("pkg") if lib else (STDLIB if _STDLIB.search(m.group("path")) else None)

    last = frames[-1]
    app = next((i for i in range(len(frames) - 1, -1, -1) if library(frames[i]) is None), None)
    # the library function the application called: the first frame under the last application frame (the
    # entry point is what the engineer finds in the code: proc.kill(), set_start_method(), not _check_proc)
    called = frames[app + 1].group("func") if app is not None and app + 1 < len(frames) else None
    return RaisedAt(library(last), where(last), where(frames[app]) if app is not None else None, called)


def app_source_line(traceback: str) -> str | None:
    """The source line CPython printed under the last application frame of the last traceback (the statement of the
    gateway's code that raised or called into the library), or None."""
    tail = traceback[-TAIL:]
    app = None
    for m in _FRAME.finditer(tail):
        if not _LIBRARY.search(m.group("path")) and not _STDLIB.search(m.group("path")):
            app = m
    if app is None:
        return None
    rest = tail[app.end():].split("\n", 2)
    line = rest[1].strip() if len(rest) > 1 else ""
    return line if line and not line.startswith(("File ", "Traceback", "^")) else None
