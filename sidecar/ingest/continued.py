"""The rest of a line a rotation cut: read from where the writer went on writing (issue 16, round 15).

The class (tests/ingest/test_unterminated_line.py has the writers): a writer left a line without its newline
(a `print(..., end="")` on a logging handler's stream, a handler whose `terminator` is "", a non-Python
writer's buffered write), the generation ended, and the writer's NEXT bytes went to the start of the next
generation:
- RotatingFileHandler / TimedRotatingFileHandler.doRollover (CPython 3.11 Lib/logging/handlers.py: close the
  stream, rename the file, open a new stream on the name): the new live file;
- logrotate(8) copytruncate (and a plain truncation): the writer's O_APPEND descriptor writes at the new end of
  the truncated file, offset 0 of its new content.
"Exactly once, whole" (decided round 15): the record counts once, in the generation where it started (its
offsets and receipt stream name are unchanged), and its text is the partial line joined with the next
generation's first line when that line starts no record - no header of the file's dialect, no traceback, no
JSON object, not blank: the writer's continuation. That line is no record of the next generation either (a
first line with no header never is: multiline.TextScanner), so nothing counts twice.
Not joined (near-miss twins that must NOT change): a next generation that starts with a header (a crash
mid-write, then a restarted process; a reopen by name after a rename, the rest having gone to the renamed
file, where it is read); the rest not written yet when the generation ends (the partial line is then the
record's whole text, as before); logrotate `copy` (the live file finishes the line: copies.live_goes_on).
"""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING

from .encoding import strip_bom
from .generations import live_name
from .handle import FileHandle

if TYPE_CHECKING:
    from .parser import FileParser
    from .tracked import Tracked

MAX_CONTINUATION = 64 * 1024  # bytes of the next generation looked at for the end of the cut line
_NOT_CONTINUED = (b"Traceback (most recent call last):", b"Exception Group Traceback", b"{", b"Fatal Python error")


def continuation(parser: FileParser, nxt: FileHandle) -> bytes:
    """The next generation's first line (raw bytes, its newline included) if it continues the line
    `parser`'s generation left without a newline (the module's rule); b"" otherwise."""
    enc = parser.encoding
    if enc is None or not parser.cut_line():
        return b""
    body = strip_bom(nxt.pread(min(parser.limit, MAX_CONTINUATION), 0), enc.codec)
    unit = 2 if enc.codec.startswith("utf-16") else 4 if enc.codec.startswith("utf-32") else 1
    body = body[:len(body) // unit * unit]
    text = body.decode(enc.codec, "replace")
    i = text.find("\n")
    if i < 0:
        return b""
    raw = text[:i + 1].encode(enc.codec)
    probe = text[:i + 1].encode()
    if not body.startswith(raw) or not probe.strip() or parser.dialect.header_at(probe, 0) or probe.lstrip().startswith(
            _NOT_CONTINUED):
        return b""
    return raw


def continued_in_live(f: Tracked) -> bytes:
    """The continuation (above) of a rotated file's cut last line at the start of its family's live
    file, when that is another file (the rollover's new generation); b"" otherwise."""
    if not f.origin:
        return b""
    try:  # the open file's own inode, not a stat of the name before it (one look, no race between two)
        h = FileHandle.open(live_name(f.origin, f.src.cfg.paths, f.src.cfg.exclude, f.src.cfg.rotated_dirs))
    except OSError:
        return b""
    with closing(h):
        st = h.fstat()
        if (st.st_dev, st.st_ino) == f.ident:
            return b""
        return continuation(f.parser, h)
