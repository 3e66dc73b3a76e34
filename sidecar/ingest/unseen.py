"""Generations that lived between two looks (a mixin of rotation.FileSet): siblings of a name that no look saw.

Split out of rotation.py (round 20: 404 lines, two ideas - which descriptor reads which file, and the search for
files nothing of ours ever held). A rename cascade faster than our looks (RotatingFileHandler with a small maxBytes,
several rollovers between two scans), a name created, written and rotated away between two looks, a copytruncate of a
file we saw only empty: each leaves generations we never opened. They are siblings of the name (`name.1`,
`name.<time suffix>`, in the source's `rotated_dirs` or a subdirectory proven to hold one of ours) that no checkpoint
knows, modified since we started: read from their start (recovery.adopt_unseen; a copy of a tailed file is that
file's gap, read by its reader). A let-go generation written again is resumed (recovery.resume_grown); one unchanged
since its let-go is not even opened (letgowatch.untouched).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from .checkpoint import Checkpoint
from .generations import COMPRESSED, family, proven_subdirs, siblings
from .recovery import adopt_unseen, known_idents, resume_grown
from .tracked import FileTable, SourceState, Tracked

if TYPE_CHECKING:
    from .filesethost import RecoveryHost

_WILDCARDS = frozenset("*?[")


class UnseenGenerations:
    """The search for generations no look saw (rotation.FileSet's own state: a mixin)."""

    table: FileTable
    saved: dict[str, Checkpoint]
    started_wall: float  # mtimes before this are recovery's at start
    _olddirs: dict[str, set[str]]  # family -> subdirectories a file of it we held was seen in
    entry: Callable[[Tracked], Checkpoint]  # a tailed file's checkpoint now (FileSet.entry)
    _compressed: Callable[[SourceState, str, os.stat_result], int]  # compressedwatch.CompressedWatch
    untouched: Callable[[os.stat_result], bool]  # letgowatch.LetGoWatch

    def _probe_missing(self, src: SourceState, found: list[str]) -> None:
        """A configured name (no wildcard) that is missing now may have been created, written and
        rotated away between two looks (delay=True or a gateway started after us, then logrotate
        nocreate or a rename rollover): its generations are siblings nothing tracks (generated
        seed logrotate-605, round 8: lost). Read like never-seen generations."""
        for g in src.cfg.paths:
            path = os.path.abspath(os.path.expanduser(g))
            if _WILDCARDS & set(g) or path in found or path in self.table.by_path:
                continue
            self._probe_unseen(src, path)

    def look_behind(self, f: Tracked) -> None:
        """Read generations of a live file that came and went before we knew what it held.

        Called when a file is new to us (created since our last look) and when a file tailed
        while empty gets content. Nothing identified it then (no first bytes), so a copytruncate
        between two looks (written, copied to `name.1`, truncated, maybe written again) leaves no
        trace on the file itself: the copy, a sibling no checkpoint knows, is the only one.
        """
        if f.path is not None:
            self._probe_unseen(f.src, f.path)

    def _probe_unseen(self, src: SourceState, path: str) -> int:
        """Files that lived under `path` only between two scans (rotated again before we saw them).

        After a rename rotation, siblings named `path.*` that we never tracked, have no checkpoint
        and were modified since this process started can only be such generations: read them from
        the start. Compressed ones are decided by compressedwatch (read decompressed, once). Returns how many it
        opened.
        """
        host = cast("RecoveryHost", self)
        known = known_idents(self.saved)
        opened = 0
        # An olddir nobody configured: a subdirectory where a file we hold went (its inode cannot be reused while we
        # hold it open) is where the generations between our looks went too, also once that file is closed or
        # deleted by the cascade (remembered per family: fresh seed 73902, round 16).
        fam = family(path)
        held = self._olddirs.get(fam, set()) | proven_subdirs(
            fam, lambda _p, st: (st.st_dev, st.st_ino) in self.table.by_ident)
        if held:  # only non-empty: a family a day (date-named live files) grew the dict without bound (re-read r16)
            self._olddirs[fam] = held
        for p, st in siblings(path, [*src.cfg.rotated_dirs, *sorted(held)]):
            if p.endswith(COMPRESSED):
                opened += self._compressed(src, p, st)
                continue
            if st.st_size == 0:  # nothing to read (and not written after a rename)
                continue
            ident = (st.st_dev, st.st_ino)
            if ident in self.table.by_ident or st.st_mtime < self.started_wall:
                continue
            if p in self.table.by_path:
                continue
            if ident in known and resume_grown(host, src, p, st, known[ident]):
                opened += 1
                continue
            if self.untouched(st):  # let go, unchanged since: read, and watched for writes (letgowatch)
                continue
            opened += adopt_unseen(host, src, p, ident, known, [self.entry(f) for f in self.table],
                                   resume_copies=False)
        return opened
