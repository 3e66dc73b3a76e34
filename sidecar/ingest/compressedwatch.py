"""Compressed generations met while running (a mixin of rotation.FileSet): asked once, asked again while a
compressor may still be writing one, and what they hold back of the sources' `alive` time.

Split out of rotation.py (round 17: 455 lines, two ideas). Deciding a compressed file's content and reading it
is compressedgens.py's; this is when the running scan asks it, and the bookkeeping of the undecided ones: an
entry kept waiting holds `alive` (looked_until) at its mtime in every checkpoint, and the next start reads again
every generation since - so every waiting entry is decided or forgotten (e0399725, and round 17's early return).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from .checkpoint import Checkpoint
from .compressedgens import adopt_compressed, held_read
from .filesethost import PendingCompressed
from .tracked import FileTable, SourceState, Tracked

if TYPE_CHECKING:
    from .filesethost import RecoveryHost


class CompressedWatch:
    """Compressed files met by the running scan (rotation.FileSet's own state: a mixin)."""

    table: FileTable
    started_wall: float  # mtimes before this are recovery's at start
    looked_wall: float  # when the last look began
    entry: Callable[[Tracked], Checkpoint]  # a tailed file's checkpoint now (FileSet.entry)

    def __init__(self) -> None:
        # Compressed files (compressedgens.adopt_compressed): ident -> ((size, mtime), decided).
        self.compressed_seen: dict[tuple[int, int], tuple[tuple[int, int], bool]] = {}
        # The undecided ("wait") ones met while running: where to ask again; and the ones met in the current look.
        self._compressed_waiting: dict[tuple[int, int], tuple[SourceState, str]] = {}
        self._compressed_met: set[tuple[int, int]] = set()
        # Compressed generations to read, decompressed off the loop one at a time (compressedgens.read_pending).
        self.compressed_pending: dict[tuple[int, int], PendingCompressed] = {}
        # Compressed files judged "nothing to read" because a file tailed now holds their content: until that file is
        # closed, when its checkpoint is written under their own identity too (compressedgens.hold, held_read).
        self.compressed_held: dict[tuple[int, int], tuple[PendingCompressed, Tracked]] = {}

    def _ask_waiting_again(self) -> None:
        """Compressed files undecided at an earlier look ("wait": a compressor may still be writing them) and not
        met in this one are asked again under the name they were met by; one no longer there (deleted by `rotate N`,
        moved) is forgotten. Kept, its mtime held `alive` (looked_until) at that time in every checkpoint, and the
        next start read again every generation since (re-read r16)."""
        for ident, (src, path) in list(self._compressed_waiting.items()):
            seen = self.compressed_seen.get(ident)
            if seen is None or seen[1] or ident in self._compressed_met:
                if seen is None or seen[1]:
                    del self._compressed_waiting[ident]  # decided (or forgotten by the cap)
                continue
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is None or (st.st_dev, st.st_ino) != ident:
                del self._compressed_waiting[ident]
                del self.compressed_seen[ident]
                continue
            self._compressed(src, path, st)

    def _compressed(self, src: SourceState, path: str, st: os.stat_result) -> int:
        """A compressed generation met while running (compressed.py): read once through
        compressedgens.adopt_compressed if written since we started (older ones were recovery's at start);
        one a compressor may still be writing is asked again at the next look. 1 if it was opened."""
        ident = (st.st_dev, st.st_ino)
        if ident in self.table.by_ident:  # a file we tail holds this inode (a hard link, compressed in place)
            seen = self.compressed_seen.get(ident)
            if self._compressed_waiting.pop(ident, None) is not None and seen is not None and not seen[1]:
                del self.compressed_seen[ident]  # its reader reads that inode: nothing to decide
            return 0
        # Older than our start: recovery's at start - unless met undecided since (gzip, xz and zstd give what they
        # wrote its source's mtime when they finish: a generation last written before our start, compressed after
        # it). Skipped, a waiting entry stayed waiting for ever, holding `alive` at its old mtime (round 17).
        if st.st_mtime < self.started_wall and ident not in self._compressed_waiting:
            return 0
        self._compressed_met.add(ident)
        kind = adopt_compressed(cast("RecoveryHost", self), src, path, st, final=False)
        if kind == "wait":
            self._compressed_waiting[ident] = (src, path)
        else:
            self._compressed_waiting.pop(ident, None)
        return int(kind == "pending")

    def held_closed(self, f: Tracked, cp: Checkpoint | None) -> None:
        """`f` closed (read to `cp`) or truncated (None): the compressed files judged held by it are told
        (compressedgens.held_read)."""
        if self.compressed_held:
            held_read(cast("RecoveryHost", self), f, cp)

    def held_at_stop(self) -> None:
        """The sidecar stops: each open file's life ends here as a close ends it (FileSet._close), so the compressed
        files judged held by one (its plain file still draining when the `.gz` appeared) get their verdict as of
        its position now, written with the stop's checkpoints. Kept in memory only, a stop within ROTATE_WAIT of
        the compression lost it, and once the plain file's checkpoint was dropped (its inode reused by a later live
        log) the next start read the `.gz` from 0: its records stored twice (re-read r18)."""
        holders = {id(holder): holder for _job, holder in self.compressed_held.values()}
        for f in holders.values():  # only the files some compressed file is judged held by: their checkpoint now
            self.held_closed(f, self.entry(f))

    def looked_until(self) -> float:
        """The sources' `alive` (kernel clock, compared with mtimes by recovery at the next start): when the last
        look began - a generation created and rotated away after it was seen by no one (with `alive` = the stop,
        recovery skipped it as older than that, and it was lost: a fast writer, a loaded machine) - or earlier,
        while a compressed generation found is not read yet (queued, or not yet readable)."""
        waiting = [job.st.st_mtime for job in self.compressed_pending.values()]
        waiting += [shape[1] / 1e9 for shape, decided in self.compressed_seen.values() if not decided]
        return min([self.looked_wall, *waiting])
