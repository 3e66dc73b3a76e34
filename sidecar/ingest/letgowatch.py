"""Let-go generations watched for late writes (a mixin of rotation.FileSet): a renamed generation we read to its
end and closed after ROTATE_WAIT quiet is looked at again on every scan for a while, and read on from where it
ended if its writer wrote into it through the descriptor it still held.

Split out of rotation.py (round 17: 448 lines with this, two ideas). Reading the grown generation is
recovery.resume_grown's (the same read a start does); this is which generations are watched, for how long, and the
look that finds one grown: a stat of each watched generation's name per scan (a listing of its family only when that
name holds another file now), never an open of a quiet file.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING, cast

from ..clock import Clock
from .checkpoint import Checkpoint
from .generations import family, siblings
from .recovery import known_idents, resume_grown
from .tracked import FileTable, SourceState, Tracked

if TYPE_CHECKING:
    from .filesethost import RecoveryHost

# Let-go generations looked at on every scan (FileSet.look_at_let_go): for how long after the let-go, how many.
# Vector's file source keeps a renamed file's reader (and its descriptor) until `rotate_wait`; we let a renamed
# generation go after ROTATE_WAIT quiet and must hold no descriptor on it (a deleted generation's space is freed,
# descriptors stay bounded), so a late write through the writer's old descriptor (logrotate `create` with a late or
# no reopen, a writer paused longer than ROTATE_WAIT) is found by a look: a stat of the name it was last seen under per
# scan, no open or read unless it grew past where we let it go. 5 minutes covers a postrotate reopen that comes late and
# a writer's pause between bursts; later writes are read at the family's next rotation or at a restart (recovery).
# 64: the newest let-go generations (a rotation every few seconds across many families still keeps the last
# minute's); the cost per scan is one stat per generation watched, and a directory listing plus a stat per sibling
# for a family only when a generation's name now holds another file (its first look after the let-go: it lost the name
# it was read under; a rename cascade since): the listing finds its new name, stat'ed alone on the next scans.
LETGO_WATCH = 300.0
MAX_LETGO = 64


class LetGoWatch:
    """Renamed generations let go and watched for late writes (rotation.FileSet's own state: a mixin)."""

    table: FileTable
    saved: dict[str, Checkpoint]
    clock: Clock
    _olddirs: dict[str, set[str]]

    def __init__(self) -> None:
        # Let-go generations (renamed, read to their end, closed): ident -> (source, last name, size read, when let go,
        # the name a look last found it under, "" before the first: stat'ed first)
        self._let_go: dict[tuple[int, int], tuple[SourceState, str, int, float, str]] = {}

    def watch_let_go(self, f: Tracked) -> None:
        """A drained file being closed: watched (look_at_let_go) when it was let go after a rename and still has a
        name (a deleted generation cannot be written again by anyone who finds it)."""
        if f.path is not None or not f.origin or not f.handle.holds_inode:
            return
        try:
            renamed = f.handle.fstat().st_nlink > 0
        except OSError:
            renamed = False
        if renamed:
            self._let_go.pop(f.ident, None)
            self._let_go[f.ident] = (f.src, f.origin, f.parser.offset, self.clock.monotonic(), "")
            if len(self._let_go) > MAX_LETGO:
                del self._let_go[next(iter(self._let_go))]

    def look_at_let_go(self, now: float) -> int:
        """Let-go generations written again since (recovery.resume_grown), looked at on every scan for LETGO_WATCH
        after their let-go: read from where their checkpoint ended within one rescan interval, not only at the
        family's next look (a reopen by name, a rotation, the probe window, a restart: round 17). A stat of the
        name each generation was last found under; the family's siblings listed and stat'ed only when that name holds
        another file now (the new name remembered); a generation that did not grow is never opened. Returns how many
        opened."""
        for ident, (_src, _name, _size, at, _where) in list(self._let_go.items()):
            if now - at > LETGO_WATCH or ident in self.table.by_ident:
                del self._let_go[ident]
        grown: list[tuple[SourceState, str, os.stat_result]] = []
        families: dict[str, tuple[SourceState, str]] = {}
        for ident, (src, name, size, _at, where) in self._let_go.items():
            try:
                st: os.stat_result | None = os.stat(where)
            except OSError:
                st = None
            if st is not None and (st.st_dev, st.st_ino) == ident and stat.S_ISREG(st.st_mode):
                if st.st_size > size:
                    grown.append((src, where, st))
            else:  # moved on (a rename cascade) or its first look since it lost the name it was read under
                families.setdefault(family(name), (src, name))
        for fam, (src, name) in families.items():
            dirs = [*src.cfg.rotated_dirs, *sorted(self._olddirs.get(fam, ()))]
            for p, st in siblings(name, dirs):
                ident = (st.st_dev, st.st_ino)
                watched = self._let_go.get(ident)
                if watched is None or watched[4] == p:  # not watched, or already looked at under this name
                    continue
                self._let_go[ident] = (*watched[:4], p)
                if st.st_size > watched[2]:
                    grown.append((src, p, st))
        known: dict[tuple[int, int], list[Checkpoint]] | None = None
        opened = 0
        for src, p, st in grown:
            ident = (st.st_dev, st.st_ino)
            if ident not in self._let_go or p in self.table.by_path:  # read already (two names of one file)
                continue
            if known is None:
                known = known_idents(self.saved)
            if ident in known and resume_grown(cast("RecoveryHost", self), src, p, st, known[ident]):
                del self._let_go[ident]
                opened += 1
        return opened
