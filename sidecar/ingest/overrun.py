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

import logging

from .checkpoint import identifies_content
from .compressed import Unreadable, decompressed_head, head_is
from .generations import COMPRESSED, family, siblings
from .tracked import FileTable, Tracked

log = logging.getLogger(__name__)
SAID_EVERY = 60.0  # the overrun warning, at most this often per source (seconds)


def say_overrun(f: Tracked, said: dict[str, float], now: float) -> None:
    """The file was renamed AND deleted before we saw it under its next name: the writer's
    rotation (backupCount exceeded) outran us. Ours is read through the descriptor we hold;
    generations created and deleted between two of our looks can have been lost unread, and
    no name is left to count them by: counted on the source (the caller counts the rotation
    kind `overrun`) and said (a warning a minute; `said`: source -> when last said)."""
    f.src.overruns += 1
    f.src.last_overrun = now
    if now >= said.get(f.src.name, -1e18) + SAID_EVERY:
        said[f.src.name] = now
        log.warning("ingest: rotation outran the tailer: a file was rotated away and deleted before "
                    "it was seen under another name; generations rotated in between may have been deleted "
                    "unread (sidecar_rotations_total{kind=\"overrun\"}; raise backupCount or maxBytes)",
                    extra={"source": f.src.name, "path": str(f.path)})


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
    if not identifies_content(f.head_len, f.head_hash):
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
