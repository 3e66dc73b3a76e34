"""Whether a rotated-and-deleted file means generations were deleted unread (the `overrun` warning).

Our file A was renamed and deleted (or deleted with never-seen generations beside it) before we
saw it under another name. A itself is never lost: we read it through the descriptor we hold.
What may be lost is a generation NEWER than A that we never opened and that is gone too. That
cannot have happened (round 8: the warning fired in scenarios that lost nothing) when
- a newer file of A's family was already open at an earlier look (A was not the newest we knew:
  the retention cascade deleted an old generation we had read, glob `app.log*`, `rotate N`,
  Docker's max-file; every generation between A and that file existed at that look - a cascade
  keeps them in order - and was opened then, by the glob or the never-seen probe), or
- A's own compressed copy is beside it (`compress`, the cookbook's gzip rotator, Docker's
  compress: A was deleted by its compression, not pushed out of the family: the newer generations
  are still there).
Otherwise a loss is possible and undecidable (no name, no descriptor: how many generations
came and went between two looks is not on disk): said, as before.
"""

from __future__ import annotations

from .compressed import Unreadable, decompressed_head, head_is
from .generations import COMPRESSED, family, siblings
from .tracked import FileTable, Tracked


def newer_one_was_open(f: Tracked, table: FileTable, scan: int) -> bool:
    """Another file of f's family, opened at an earlier look, written at or after f's last write."""
    fam = family(f.path or f.origin)
    try:
        mtime = f.handle.fstat().st_mtime_ns
    except OSError:
        return False
    for g in table:
        if g is f or g.opened_scan >= scan or family(g.path or g.origin) != fam:
            continue
        try:
            if g.handle.fstat().st_mtime_ns >= mtime:
                return True
        except OSError:
            continue
    return False


def compressed_copy_beside(f: Tracked) -> bool:
    """A compressed sibling of f's family whose first bytes are f's (its head hash, checkpoint.head_identity)."""
    if f.head_len == 0:
        return False
    for p, _st in siblings(f.path or f.origin, f.src.cfg.rotated_dirs):
        if not p.endswith(COMPRESSED):
            continue
        try:
            if head_is(decompressed_head(p, f.head_len), f.head_len, f.head_hash):
                return True
        except Unreadable:
            continue
    return False


def loss_possible(f: Tracked, table: FileTable, scan: int) -> bool:
    return not newer_one_was_open(f, table, scan) and not compressed_copy_beside(f)
