"""Recovery at start: files whose checkpointed content left its name while the sidecar was down.

Also the helper rotation shares with it: whether a checkpoint describes a file (inode AND first bytes). Where the
generations are by name is generations.py's; compressed generations are adopted by compressedgens.py.
"""

from __future__ import annotations

import logging
import os

from .checkpoint import Checkpoint, content_identity, file_key, vouches_for
from .compressedgens import adopt_compressed
from .filesethost import RecoveryHost
from .generations import (
    COMPRESSED,
    family,
    infix_shape,
    live_families,
    live_name,
    proven_subdirs,
    siblings,
    subdirs,
)
from .handle import FileHandle
from .livecopy import copy_of_live
from .receiptstream import ReceiptStream, alias_key
from .tracked import SourceState

log = logging.getLogger(__name__)


def is_known(h: FileHandle, st: os.stat_result, known: dict[tuple[int, int], list[Checkpoint]]) -> bool:
    """Whether a checkpoint describes this very file: same inode AND same first bytes.

    The inode alone is not enough: a rotation that deletes the oldest generation frees its
    inode, and the next new file often gets it back (TimedRotatingFileHandler, backupCount).
    A checkpoint of a file that was empty (no first bytes) identifies nothing, and nothing was
    read from it: it knows the file only while that is still empty."""
    return any(vouches_for(cp, st.st_size) and h.head_matches(st.st_size, cp.head_len, cp.head_hash)
               for cp in known.get((st.st_dev, st.st_ino), ()))


def known_idents(saved: dict[str, Checkpoint]) -> dict[tuple[int, int], list[Checkpoint]]:
    out: dict[tuple[int, int], list[Checkpoint]] = {}
    for c in saved.values():
        out.setdefault((c.dev, c.ino), []).append(c)
    return out


def _open_in_place(cp: Checkpoint) -> FileHandle | None:
    """A handle on the file at `cp.path` if it is still the checkpoint's file, intact; else None.

    A checkpoint of an empty file (no first bytes) vouches for its file only while that is still
    empty: with content, the inode may be a reused one (a copy, another generation), decided by
    the sibling search like any file that left its name."""
    # open_as: the inode checked and the first bytes compared inside it - an EIO on a failing disk closes the handle and
    # says None (the checkpoint is then looked for among the siblings), never an OSError out of the start.
    got = FileHandle.open_as(cp.path, (cp.dev, cp.ino), cps=[cp])
    if got is None:
        return None
    h, st, starts = got
    if starts and st.st_size >= cp.offset and vouches_for(cp, st.st_size):
        return h
    h.close()
    return None


def adopt_unseen(fs: RecoveryHost, src: SourceState, path: str, ident: tuple[int, int],
                 known: dict[tuple[int, int], list[Checkpoint]], heads: list[Checkpoint],
                 resume_copies: bool) -> bool:
    """Read a sibling that no checkpoint knows: a generation that lived and rotated away while we
    were not looking (down, or between two scans), from its start.

    Unless it is a copytruncate copy of a file in `heads` (its first bytes): what was read of
    that file is not new. At start (`resume_copies`) such a copy is read from that file's offset;
    while running it is skipped, since the tailed original reads its unread gap from the copy
    when it sees the truncation. True if it was opened (a generation, or a copy resumed)."""
    mine = known.get(ident, [])
    # One open (open_as): the inode checked, and every first-bytes comparison made through it - an EIO on a failing
    # disk closes the handle and says None (before, this site's own fstat/head reads leaked the descriptor into the
    # scan); None also when renamed again between stat and open (found under its new name).
    heads = [cp for cp in heads if content_identity(cp)]  # copies are told by content
    got = FileHandle.open_as(path, ident, cps=[*mine, *heads])
    if got is None:
        return False
    h, fst, starts = got
    starts_with = {id(cp) for cp in starts}
    # read already (is_known, from the comparisons made): a checkpoint of an empty file knows it while still empty
    if any(id(cp) in starts_with and vouches_for(cp, fst.st_size) for cp in mine):
        h.close()
        return False
    copied = next((cp for cp in heads if id(cp) in starts_with), None)
    if copied is not None and (not resume_copies or fst.st_size <= copied.offset):
        h.close()
        return False
    resume = None
    if copied is not None:
        # Resumed from OUR checkpoint of the original: its events before and after are the original's
        # stream, as the replica that read past our offset named them (not the copy's inode).
        key = alias_key(file_key(fst.st_dev, fst.st_ino, copied.head_hash),
                        ReceiptStream.prefix_of(copied.key, ""))
        resume = Checkpoint(key=key, source=copied.source,
                            path=path, dev=fst.st_dev, ino=fst.st_ino, head_len=copied.head_len,
                            head_hash=copied.head_hash, offset=copied.offset, line=copied.line,
                            size=fst.st_size, updated=copied.updated, format=copied.format)
    f = fs.open_file(src, None, h, fst.st_size, startup=False, resume=resume, origin=path)
    f.draining_since = fs.clock.monotonic()
    fs.count_rotation(src, "unseen_generation" if copied is None else "copytruncate_while_down")
    return True



def resume_grown(fs: RecoveryHost, src: SourceState, path: str, st: os.stat_result, cps: list[Checkpoint]) -> bool:
    """A generation we read to its end and let go (ROTATE_WAIT quiet after its rename) that was written again
    since: a late write through the descriptor the writer still held (logrotate `create` with a late or no
    postrotate reopen, a writer whose unflushed buffer or cut line's rest went out after the rename). Read
    from where its checkpoint ended, as recovery at start resumes such a file (`run`: "a rotated generation we
    were draining at shutdown"); while running it was never looked at again, and the records lost (round 17).
    Only a generation read to its end (`cp.offset >= cp.size`), and only past it: a snapshot's partial line left
    for the live file to read (copies.live_goes_on) ends its checkpoint before its end, and what a snapshot gains
    (a copy still being written) is the live file's, read there; resumed from `cp.offset`, its partial line was
    read a second time (round 17). A cut line's rest past the end has no header: no record of its own
    (multiline), so a record ended at the let-go is never stored in two halves. True if it was opened."""
    grown = [cp for cp in cps if cp.head_len > 0 and cp.offset >= cp.size and st.st_size > cp.offset]
    if not grown:
        return False
    got = FileHandle.open_as(path, (st.st_dev, st.st_ino), cps=grown)  # `cps`: this inode's checkpoints
    if got is None:
        return False
    h, fst, matched = got
    cp = next(iter(matched), None)
    if cp is None:
        h.close()
        return False
    f = fs.open_file(src, None, h, fst.st_size, startup=False, resume=cp, origin=path)
    f.draining_since = fs.clock.monotonic()
    fs.count_rotation(src, "late_write")
    log.debug("ingest: a generation let go was written again", extra={"path": path, "offset": cp.offset})
    return True


class StartupRecovery:
    """One pass over the checkpoints at start, before the first scan (see `run`)."""

    def __init__(self, fs: RecoveryHost) -> None:
        self.fs = fs
        # family -> directories outside the configured ones where a claim found one of its files by
        # its own identity: its olddir, searched for the family's unseen generations too.
        self.proven: dict[str, set[str]] = {}

    def run(self, alive: dict[str, float] | None = None) -> None:
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
        (`.gz`, `.bz2`, `.xz`) are read decompressed past what a checkpoint of the same content read
        (adopt_compressed); one that cannot be read is counted `compressed_skipped` and named.
        """
        moved: list[tuple[SourceState, Checkpoint]] = []
        empty: list[tuple[SourceState, Checkpoint]] = []  # intact, but empty at our last look
        for cp in sorted(self.fs.saved.values(), key=lambda c: c.updated, reverse=True):
            src = next((s for s in self.fs.sources if s.name == cp.source), None)
            if src is None or not cp.path:
                continue
            h = _open_in_place(cp)
            if h is None:
                moved.append((src, cp))
            elif cp.head_len == 0:
                # Empty when we stopped and empty again now: written and copytruncated while we were
                # down, its copy is a sibling nothing identifies (generated seed logrotate-501: 4
                # records lost) - read below with the family's never-seen generations.
                empty.append((src, cp))
                h.close()
            elif self.fs.wanted(cp.path) or h.fstat().st_size <= cp.offset:
                h.close()  # the scan resumes it; or nothing left to read
            else:
                # A rotated generation we were draining at shutdown, still under the name it had
                # then (which the glob does not match): drain the rest.
                f = self.fs.open_file(src, None, h, h.fstat().st_size, startup=False, resume=cp, origin=cp.path)
                f.draining_since = self.fs.clock.monotonic()
        # Every checkpoint claims its own file (or copy) first; only then are the rest of the
        # siblings generations nobody read (else a copy could be read from 0 as one of them).
        for src, cp in moved:
            if cp.head_len > 0:  # an empty file's checkpoint cannot tell its file from a reused inode
                # Its own identity (inode and first bytes) cannot be another file's: looked for in the
                # log directory's subdirectories too (an olddir nobody configured).
                self._claim_moved(src, cp, list(siblings(cp.path, [*src.cfg.rotated_dirs, *subdirs(cp.path)])))
        families: dict[str, tuple[SourceState, float]] = {}
        for src, cp in moved + empty:
            fam = family(cp.path)
            # Compared with file mtimes: the kernel's clock (`alive`) when recorded, else ours
            seen = (alive or {}).get(src.name, cp.updated)
            last = max(seen, families[fam][1]) if fam in families else seen
            families[fam] = (src, last)
        for fam, (src, last) in families.items():
            self._prove_dirs(fam)
            self._read_unseen(src, fam, last)
        # A family no checkpoint knows, of a source we were watching (`alive`): its log appeared, or
        # was never looked at, before the stop; what it wrote and rotated away while we were down
        # (a file created and rotated, delay=True between records) is read like any unseen generation.
        known = {family(cp.path) for cp in self.fs.saved.values() if cp.path} | set(families)
        for src in self.fs.sources:
            since = (alive or {}).get(src.name)
            if since is None:
                continue
            for fam in sorted(live_families(src.cfg.paths, src.cfg.exclude) - known):
                known.add(fam)
                self._read_unseen(src, fam, since)

    def _prove_dirs(self, fam: str) -> None:
        """A generation we read to its end went to a subdirectory after we let it go (an olddir the
        configuration does not name): the family's unseen generations are looked for there too."""
        known = known_idents(self.fs.saved)

        def ours(p: str, st: os.stat_result) -> bool:
            if (st.st_dev, st.st_ino) not in known:
                return False
            try:
                h = FileHandle.open(p)
            except OSError:
                return False
            try:
                return is_known(h, h.fstat(), known)
            except OSError:
                return False  # EIO reading its first bytes: proves nothing (and stays out of the start)
            finally:
                h.close()

        self.proven.setdefault(fam, set()).update(proven_subdirs(fam, ours))

    def _read_unseen(self, src: SourceState, fam: str, alive: float) -> None:
        """Generations of `fam` written after we last wrote a checkpoint that no checkpoint knows."""
        known = known_idents(self.fs.saved)
        heads = [cp for cp in self.fs.saved.values() if content_identity(cp) and cp.offset > 0]
        live = live_name(fam, src.cfg.paths, src.cfg.exclude, src.cfg.rotated_dirs)  # the name the scan reads
        found = list(siblings(fam, [*src.cfg.rotated_dirs, *sorted(self.proven.get(fam, ()))]))
        ours = known.keys() | self.fs.table.by_ident.keys()  # a checkpoint's file, or one already claimed by inode
        shapes = {p: infix_shape(p, fam) for p, _ in found}  # once per sibling (a regex each)
        proven = {shape for p, st in found if (st.st_dev, st.st_ino) in ours and (shape := shapes[p])}
        for p, st in found:
            ident = (st.st_dev, st.st_ino)
            if ident in self.fs.table.by_ident or st.st_mtime < alive - 1.0:
                continue
            shape = shapes[p]
            if shape is not None and shape not in proven:
                # A name with the token INSIDE (`app-2.log`) is also how a second writer's own live log is named
                # beside ours (review r11: another instance's app-2.log, a per-port app.8443.log). Such a name is
                # a generation only once a file we read (a checkpoint's inode) was found under that same shape:
                # the configured writer's namer then makes it (`app.1.log` proves `app.2.log`, not `app-2.log`).
                continue
            if p.endswith(COMPRESSED):
                adopt_compressed(self.fs, src, p, st)
                continue
            if copy_of_live(p, ident, live):
                # Copied from the live file's content no checkpoint knows yet (a restart between
                # logrotate's copy and its truncation): the scan reads that content from the live
                # file; the copy is its gap once the truncation is seen (copies.py), as while running.
                log.debug("ingest: a copy of the live file's unread content, read from the live file",
                          extra={"path": p, "live": live})
                continue
            adopt_unseen(self.fs, src, p, ident, known, heads, resume_copies=True)

    def _claim_moved(self, src: SourceState, cp: Checkpoint, found: list[tuple[str, os.stat_result]]) -> None:
        """Open the sibling holding `cp`'s file (renamed) or its copy (copytruncate), drain from cp."""
        moved_from = cp.path
        by_inode = [(p, st) for p, st in found if (st.st_dev, st.st_ino) == (cp.dev, cp.ino)]
        others = [(p, st) for p, st in found if (st.st_dev, st.st_ino) != (cp.dev, cp.ino)]
        # A copy is recognised by the original's first bytes: there must be some (an empty file's
        # identity matches every file), and something read that a copy would have to resume after.
        copyable = content_identity(cp) and cp.offset > 0
        known = known_idents(self.fs.saved)
        log.debug("ingest: recovery candidates", extra={
            "path": cp.path, "ino": cp.ino, "offset": cp.offset, "same_inode": [p for p, _ in by_inode],
            "others": [p for p, _ in others] if copyable else "(not copyable)"})
        for kind, candidates in (("rotated_while_down", by_inode), ("copytruncate_while_down", others)):
            if kind == "copytruncate_while_down" and not copyable:
                break
            for p, st in candidates:
                if p.endswith(COMPRESSED):
                    # Compressed after the rotation (logrotate `compress`, a gzip rotator), or a compressed
                    # generation we were reading at the stop: read past the checkpoint of its content.
                    got = adopt_compressed(self.fs, src, p, st, of=cp)
                    if got == "pending" or got == "" and kind == "rotated_while_down":
                        return  # its content: read (queued); or this checkpoint's own file, read to its end
                    continue
                if st.st_size < cp.offset or (st.st_dev, st.st_ino) in self.fs.table.by_ident:
                    continue
                try:
                    h = FileHandle.open(p)
                except OSError:
                    continue
                try:
                    fst = h.fstat()
                    other = fst.st_size < cp.offset or not h.head_matches(fst.st_size, cp.head_len, cp.head_hash) or (
                        kind == "copytruncate_while_down" and is_known(h, fst, known))  # a file of its own
                except OSError:
                    other = True  # EIO on a failing disk: not claimed (the next sibling may be), the handle closed
                if other:
                    h.close()
                    continue
                if kind == "copytruncate_while_down":
                    # The copy is a new file: its own identity, resuming where the original was read to.
                    cp = Checkpoint(key=cp.key, source=cp.source, path=p, dev=fst.st_dev, ino=fst.st_ino,
                                    head_len=cp.head_len, head_hash=cp.head_hash, offset=cp.offset,
                                    line=cp.line, size=fst.st_size, updated=cp.updated, format=cp.format)
                    self.fs.saved.pop(cp.key, None)
                f = self.fs.open_file(src, None, h, fst.st_size, startup=False, resume=cp, origin=p)
                f.draining_since = self.fs.clock.monotonic()
                self.fs.count_rotation(src, kind)
                fam = family(moved_from)
                if os.path.dirname(p) != os.path.dirname(fam):
                    self.proven.setdefault(fam, set()).add(os.path.dirname(p))
                return
