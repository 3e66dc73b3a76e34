"""Whether a rotated file is a copy of what the live file still holds (logrotate copytruncate's slice).

One decision, used by recovery (startup) to leave such a copy to the live file's reader.
"""

from __future__ import annotations

from .checkpoint import identifies_content
from .handle import FileHandle

COPY_TAIL = 4096  # bytes at a copy's end compared with the live file at the same offset (copy_of_live)


def copy_of_live(path: str, ident: tuple[int, int], live: str) -> bool:
    """Whether the file at `path` (inode `ident`) is a copy of what the live file at `live` holds NOW.

    logrotate(8) `copytruncate` copies, then truncates: a sidecar started between the two (or a
    writer paused by neither) finds the copy under a rotated name - in the log directory or in an
    olddir - AND the live file still holding the same bytes. When no checkpoint knows that content
    (written since our last checkpoint), both were read from 0: every record twice (review of round
    10, dev seed logrotate-326, `olddir`). A copy is another inode, no longer than the live file,
    starting with the same first bytes (checkpoint.head_identity, as copies.py recognises copies)
    and holding the same bytes at its end (COPY_TAIL) at the same offset: the live file holds all
    of it. Not a copy: a generation the live file was truncated BEFORE (the live file starts with
    other bytes, or is shorter), an empty file (an empty identity matches every file)."""
    got = FileHandle.open_as(path, ident)  # None: gone, or another file under that name now
    if got is None:
        return False
    h, st = got[0], got[1]
    try:
        lh = FileHandle.open(live)
    except OSError:
        h.close()
        return False
    try:
        lst = lh.fstat()
        size = st.st_size
        if (lst.st_dev, lst.st_ino) == ident or not 0 < size <= lst.st_size:
            return False
        head_len, head_hash = h.head_identity(size)
        if not identifies_content(head_len, head_hash) or not lh.head_matches(lst.st_size, head_len, head_hash):
            return False
        at = max(0, size - COPY_TAIL)
        return h.pread(size - at, at) == lh.pread(size - at, at)
    finally:
        h.close()
        lh.close()
