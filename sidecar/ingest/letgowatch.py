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
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from ..clock import Clock
from .bounded import put_bounded
from .checkpoint import Checkpoint
from .generations import family, siblings
from .recovery import known_idents, resume_grown
from .tracked import FileTable, SourceState, Tracked

if TYPE_CHECKING:
    from .filesethost import RecoveryHost

# Let-go generations looked at (FileSet.look_at_let_go): how often, how many, for how long.
# Vector's file source keeps a renamed file's reader (and its descriptor) until `rotate_wait` (default: unlimited) and
# polls a file quiet for 10 s only every 10 s; Fluent Bit's tail keeps it `rotate_wait` = 5 s. We let a renamed
# generation go after ROTATE_WAIT quiet and hold no descriptor on it (a deleted generation's space is freed, descriptors
# stay bounded), so a late write through the writer's old descriptor is found by a look: a stat of the name it was last
# seen under, no open or read unless it grew past where we let it go.
# Who writes into a renamed file, and for how long (the class, round 18): a postrotate reopen that comes late or a
# writer's pause between bursts (seconds to minutes); logrotate `create` with no reopen signal, or `nocreate`, and a
# second process logging to the same file through its own RotatingFileHandler (the other process renamed the file
# under it: this one writes into `.1` until its OWN size check rolls it over, or until it exits) - hours, for the
# writer's whole life. No time bound is right for that class, so none is set: a generation is watched until it is
# gone (deleted by retention, compressed - its plain name gone; compressedwatch.py reads the compressed file) or
# until MAX_LETGO newer ones push it out. LETGO_WATCH after its let-go it is stat'ed every scan (a late reopen, a
# pause); after that every QUIET_LOOK (Vector's quiet-file poll): a write hours later is read within QUIET_LOOK.
# 64: the newest let-go generations (a rotation every few seconds across many families still keeps the last
# minute's). The cost: one stat per watched generation per scan (per QUIET_LOOK once quiet LETGO_WATCH), and a
# directory listing plus a stat per sibling for a family only when a generation's name now holds another file (a
# rename cascade): the listing finds its new name, stat'ed alone on the next scans, or finds it gone (forgotten).
LETGO_WATCH = 300.0
QUIET_LOOK = 10.0
MAX_LETGO = 64


@dataclass(slots=True)
class LetGo:
    """A let-go generation watched for late writes."""

    src: SourceState
    name: str  # the name it was read under (its family's)
    size: int  # where we let it go (read to)
    at: float  # when let go (monotonic)
    where: str = ""  # the name a look last found it under ("" before the first look: stat'ed under `name`)
    due: float = 0.0  # next look once quiet past LETGO_WATCH
    mtime_ns: int = -1  # its mtime when let go (`untouched`)


class LetGoWatch:
    """Renamed generations let go and watched for late writes (rotation.FileSet's own state: a mixin)."""

    table: FileTable
    saved: dict[str, Checkpoint]
    clock: Clock
    _olddirs: dict[str, set[str]]

    def __init__(self) -> None:
        # Let-go generations (renamed, read to their end, closed), oldest first: ident -> what the look needs
        self._let_go: dict[tuple[int, int], LetGo] = {}

    def watch_let_go(self, f: Tracked) -> None:
        """A drained file being closed: watched (look_at_let_go) when it was let go after a rename and still has a
        name (a deleted generation cannot be written again by anyone who finds it)."""
        if f.path is not None or not f.origin or not f.handle.holds_inode:
            return
        try:
            fst: os.stat_result | None = f.handle.fstat()
        except OSError:
            fst = None
        if fst is not None and fst.st_nlink > 0:  # renamed, not deleted
            self._watch(f.ident, LetGo(f.src, f.origin, f.parser.offset, self.clock.monotonic(),
                                       mtime_ns=fst.st_mtime_ns))

    def untouched(self, st: os.stat_result) -> bool:
        """`st` is a let-go generation nobody wrote since we let it go: same inode, size and mtime as then. Its
        content is read to its end, and a write into it is this watch's to find (look_at_let_go): a scan's probe of
        its family (unseen._probe_unseen, for 2 x ROTATE_WAIT after a rename) need not open it to compare first
        bytes - it did on every scan of that window. The mtime, not the size alone: a reused inode holds a new file,
        written after (a RotatingFileHandler's generations are often the same size)."""
        g = self._let_go.get((st.st_dev, st.st_ino))
        return g is not None and st.st_size == g.size and st.st_mtime_ns == g.mtime_ns

    def _watch(self, ident: tuple[int, int], g: LetGo) -> None:
        put_bounded(self._let_go, ident, g, MAX_LETGO)

    def look_at_let_go(self, now: float) -> int:
        """Let-go generations written again since (recovery.resume_grown): read from where their checkpoint ended
        within one rescan interval for LETGO_WATCH after their let-go, within QUIET_LOOK after that, not only at the
        family's next look (a reopen by name, a rotation, the probe window, a restart: rounds 17-18). A stat of the
        name each generation was last found under; the family's siblings listed and stat'ed only when that name holds
        another file now (the new name remembered; not found: gone, forgotten); a generation that did not grow is
        never opened. Returns how many opened."""
        for ident in [i for i in self._let_go if i in self.table.by_ident]:
            del self._let_go[ident]  # read again (reopened by a rename back, a scan, a resume): watched when let go
        grown: list[tuple[SourceState, str, os.stat_result]] = []
        families: dict[str, tuple[SourceState, str]] = {}
        looked: list[tuple[int, int]] = []  # not under the name it was last found under
        for ident, g in self._let_go.items():
            if now - g.at > LETGO_WATCH:
                if now < g.due:
                    continue
                g.due = now + QUIET_LOOK
            try:
                st: os.stat_result | None = os.stat(g.where or g.name)
            except OSError:
                st = None
            if st is not None and (st.st_dev, st.st_ino) == ident and stat.S_ISREG(st.st_mode):
                g.where = g.where or g.name
                if st.st_size > g.size:
                    grown.append((g.src, g.where, st))
            else:  # moved on (a rename cascade) or gone
                looked.append(ident)
                families.setdefault(family(g.name), (g.src, g.name))
        found: set[tuple[int, int]] = set()
        for fam, (src, name) in families.items():
            dirs = [*src.cfg.rotated_dirs, *sorted(self._olddirs.get(fam, ()))]
            for p, st in siblings(name, dirs):
                watched = self._let_go.get((st.st_dev, st.st_ino))
                if watched is None:
                    continue
                found.add((st.st_dev, st.st_ino))
                if watched.where == p:  # looked at under this name already
                    continue
                watched.where = p
                if st.st_size > watched.size:
                    grown.append((src, p, st))
        for ident in set(looked) - found:
            # Under no name of its family: deleted (retention), compressed (its compressed file is compressedwatch's),
            # or moved where nothing of ours points - nobody can find what is written into it, nor can we.
            del self._let_go[ident]
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
