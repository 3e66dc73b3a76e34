"""Recovery at start: files whose checkpointed content left its name while the sidecar was down.

Also the helpers rotation shares with it: the siblings a rotated file goes to (`name.1`,
`name.<time suffix>`), and whether a checkpoint describes a file (inode AND first bytes).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Protocol

from ..clock import Clock
from .checkpoint import Checkpoint
from .handle import FileHandle
from .tracked import FileTable, SourceState, Tracked

log = logging.getLogger(__name__)

COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".zip")


def siblings(path: str) -> Iterator[tuple[str, os.stat_result]]:
    """(path, stat) of the files named `path` + suffix (`app.log.1`, `app.log-2026...`), sorted by name.

    Where rotated generations of `path` go. Each name is stat'ed only when its turn comes (a
    rename cascade may be running: a stat taken early can describe another file by the time it
    is opened); names that vanished are skipped.
    """
    d, base = os.path.split(path)
    try:
        names = sorted(n for n in os.listdir(d or ".") if n.startswith(base) and n != base)
    except OSError:
        return
    for n in names:
        p = os.path.join(d, n)
        try:
            st = os.stat(p)
        except OSError:
            continue
        yield p, st


def is_known(h: FileHandle, st: os.stat_result, known: dict[tuple[int, int], list[Checkpoint]]) -> bool:
    """Whether a checkpoint describes this very file: same inode AND same first bytes.

    The inode alone is not enough: a rotation that deletes the oldest generation frees its
    inode, and the next new file often gets it back (TimedRotatingFileHandler, backupCount)."""
    return any(h.head_matches(st.st_size, cp.head_len, cp.head_hash)
               for cp in known.get((st.st_dev, st.st_ino), ()))


def known_idents(saved: dict[str, Checkpoint]) -> dict[tuple[int, int], list[Checkpoint]]:
    out: dict[tuple[int, int], list[Checkpoint]] = {}
    for c in saved.values():
        out.setdefault((c.dev, c.ino), []).append(c)
    return out


def _still_in_place(cp: Checkpoint) -> bool:
    try:
        h = FileHandle.open(cp.path)
    except OSError:
        return False
    try:
        st = h.fstat()
        return ((st.st_dev, st.st_ino) == (cp.dev, cp.ino) and st.st_size >= cp.offset
                and h.head_matches(st.st_size, cp.head_len, cp.head_hash))
    finally:
        h.close()


class RecoveryHost(Protocol):
    """What recovery needs from the file set (rotation.FileSet): its state and how to open a file.

    A protocol, not an import of FileSet: rotation uses this module, so naming FileSet here
    would close an import circle."""

    sources: list[SourceState]
    saved: dict[str, Checkpoint]
    table: FileTable
    clock: Clock

    def open_file(self, src: SourceState, path: str | None, h: FileHandle, size: int, startup: bool,
                  resume: Checkpoint | None = None) -> Tracked: ...

    def count_rotation(self, src: SourceState, kind: str) -> None: ...


def adopt_unseen(fs: RecoveryHost, src: SourceState, path: str, ident: tuple[int, int],
                 known: dict[tuple[int, int], list[Checkpoint]]) -> None:
    """Read from its start a sibling that no checkpoint knows: a generation that lived and rotated
    away while we were not looking (down, or between two scans)."""
    try:
        h = FileHandle.open(path)
    except OSError:
        return
    fst = h.fstat()
    if (fst.st_dev, fst.st_ino) != ident or is_known(h, fst, known):
        # renamed again between stat and open (found under its new name), or read already
        h.close()
        return
    f = fs.open_file(src, None, h, fst.st_size, startup=False)
    f.draining_since = fs.clock.monotonic()
    fs.count_rotation(src, "unseen_generation")


class StartupRecovery:
    """One pass over the checkpoints at start, before the first scan (see `run`)."""

    def __init__(self, fs: RecoveryHost) -> None:
        self.fs = fs

    def run(self) -> None:
        """Files whose checkpointed content left its name while we were down: find it among siblings.

        Run before the first scan. For each checkpoint whose path no longer holds its file intact
        (gone, another inode, truncated, first bytes changed), the siblings (`name.1`, `name.2`,
        `name.<time suffix>`) are matched in this order, and the match is drained from the
        checkpoint's offset:
        - same (device, inode) and first bytes: renamed (RotatingFileHandler, logrotate create,
          TimedRotatingFileHandler);
        - another inode, same first bytes, at least as long: a copy (logrotate copytruncate);
        Siblings written after the checkpoint that no checkpoint knows are generations that
        lived and rotated entirely while we were down: read from their start. Compressed ones
        (`.gz`, ...) cannot be tailed: counted as `compressed_skipped` and named in a warning.
        """
        known = known_idents(self.fs.saved)
        done_paths: set[str] = set()
        for cp in sorted(self.fs.saved.values(), key=lambda c: c.updated, reverse=True):
            src = next((s for s in self.fs.sources if s.name == cp.source), None)
            if src is None or not cp.path or _still_in_place(cp):
                continue
            found = list(siblings(cp.path))
            self._claim_moved(src, cp, found)
            if cp.path in done_paths:
                continue
            done_paths.add(cp.path)
            for p, st in found:
                ident = (st.st_dev, st.st_ino)
                if ident in self.fs.table.by_ident or st.st_mtime < cp.updated - 1.0:
                    continue
                if p.endswith(COMPRESSED):
                    log.warning("ingest: %s was rotated and compressed while the sidecar was down; "
                                "compressed files are not read (counted in sidecar_rotations_total"
                                "{kind=\"compressed_skipped\"})", p)
                    self.fs.count_rotation(src, "compressed_skipped")
                    continue
                adopt_unseen(self.fs, src, p, ident, known)

    def _claim_moved(self, src: SourceState, cp: Checkpoint, found: list[tuple[str, os.stat_result]]) -> None:
        """Open the sibling holding `cp`'s file (renamed) or its copy (copytruncate), drain from cp."""
        by_inode = [(p, st) for p, st in found if (st.st_dev, st.st_ino) == (cp.dev, cp.ino)]
        others = [(p, st) for p, st in found if (st.st_dev, st.st_ino) != (cp.dev, cp.ino)]
        for kind, candidates in (("rotated_while_down", by_inode), ("copytruncate_while_down", others)):
            for p, st in candidates:
                if p.endswith(COMPRESSED) or st.st_size < cp.offset or (st.st_dev, st.st_ino) in self.fs.table.by_ident:
                    continue
                try:
                    h = FileHandle.open(p)
                except OSError:
                    continue
                fst = h.fstat()
                if fst.st_size < cp.offset or not h.head_matches(fst.st_size, cp.head_len, cp.head_hash):
                    h.close()
                    continue
                if kind == "copytruncate_while_down":
                    # The copy is a new file: its own identity, resuming where the original was read to.
                    cp = Checkpoint(key=cp.key, source=cp.source, path=p, dev=fst.st_dev, ino=fst.st_ino,
                                    head_len=cp.head_len, head_hash=cp.head_hash, offset=cp.offset,
                                    line=cp.line, size=fst.st_size, updated=cp.updated, format=cp.format)
                    self.fs.saved.pop(cp.key, None)
                f = self.fs.open_file(src, None, h, fst.st_size, startup=False, resume=cp)
                f.draining_since = self.fs.clock.monotonic()
                self.fs.count_rotation(src, kind)
                return
