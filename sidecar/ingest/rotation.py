"""File discovery and rotation for the tailer: which descriptor reads which file, from where.

What can happen to a log between two looks, and what decides it. A look sees, per name, the file's
(device, inode), its size, its first bytes (the head: hash of up to HEAD_BYTES, taken at our last
look) and our read offset O; siblings (`name.1`, `name.<time suffix>`) are seen by name and inode.
- append: same inode, size > O, head unchanged -> read [O, size). Decidable.
- partial line at the cut: the parser keeps it and the checkpoint stays before it; writers (logging
  handlers, logrotate) rotate between records, so its rest lands in the same file. Decidable. A
  process that printed without a newline and was then rotated (copytruncate: the rest goes to the
  live file; a rename: after ROTATE_WAIT, when the file was let go): the partial line is the generation's
  last line, read as such when the generation ends (FileParser.end, at `restart` and `finish`). A write
  into a generation after we let it go is read when its family is looked at again (recovery.resume_grown),
  and by the scan's look at let-go generations (letgowatch.py: within a rescan interval, QUIET_LOOK once quiet
  5 minutes, while it has a name); a cut line's rest there starts no record: stored once, never in two halves.
- rename (RotatingFileHandler, TimedRotatingFileHandler, logrotate create): the name holds another
  inode -> the old descriptor is drained to its end (and kept ROTATE_WAIT for late writes), the new
  file read from 0. Decidable by inode.
- several renames between looks: generations we never saw are siblings no checkpoint knows, written
  since we started -> read from 0 (`_probe_unseen`). Decidable while they exist; one renamed AND
  deleted before we looked (backupCount exceeded) is gone unread: counted as `overrun`, said in a
  warning and on /api/status; how much it held is undecidable (no name, no descriptor). Also when
  a look lands mid-rollover (live name missing, our file deleted) with never-seen generations
  beside it; a plain delete-and-recreate has none. Not said when nothing newer can have gone
  unread: a newer generation was open at an earlier look (retention deleting one we had read), or
  the file's compressed copy is beside it (overrun.py).
- delete (+ create): st_nlink 0 on our descriptor -> drained through it; the new file read from 0.
- copytruncate: same inode, size < O (or head changed: regrown) -> the copy is a sibling with
  another inode, our head and size >= O: its [O, end) is read (the gap), then the file from 0; a
  copy shorter than O (we read past its end in time) is registered as read. A copy the glob
  matches waits (ROTATE_WAIT at most) for the truncation, then counts as read. When
  the file was empty at our last look (no head), or copytruncated more than once between looks,
  the copies are siblings no checkpoint knows: read from 0 (`look_behind`). A truncation landing
  around a read: the read is kept only if proven to predate it (provenance.py), else dropped.
  UNDECIDABLE, lost: what the writer appended between the copy and the truncation is in neither
  file ("some logging data might be lost", logrotate(8)); no tailer can read it, and since nothing
  saw those bytes they cannot even be counted. (Fluent Bit's tail docs go further and forbid a
  glob matching the copies, to avoid duplicates; here such a copy is recognised, above.)
- truncate in place (no copy): size < O -> read from 0; bytes written past O before the truncation
  were destroyed unread (counted as `truncate`).
- truncate and rewrite past O: the head changed -> as truncate (`regrown`). Undecidable only if the
  new content repeats the old first min(O, HEAD_BYTES) bytes exactly (timestamps make that rare).
- create: a new name the glob matches -> read from 0 (from its end on a first run, start_at: end).
- inode reuse: a checkpoint's (device, inode) with other first bytes is a new file (read from 0);
  a checkpoint of an empty file identifies nothing and is used only when nothing better matches.
- compressed generations (`.gz`, ...): read decompressed, once, past what a checkpoint of the same content
  read (compressed.py, compressedgens.py; met by the running scan: compressedwatch.py); a damaged one is
  counted `compressed_skipped` once, its verdict kept by its identity.
- generations moved to another directory (logrotate `olddir`, a handler `namer` returning another
  directory's path): while we hold the file, its descriptor drains it as after a rename; the
  generations between looks (and, at start, the checkpointed file) are searched in the source's
  `rotated_dirs` and in a subdirectory proven to hold one of ours (recovery.py `proven_subdirs`).
  UNDECIDABLE without `rotated_dirs`: a generation moved outside the log directory's subdirectories,
  or one nothing of ours proves the directory of (empty at our last look, and the first to go there).
- any of these while the sidecar is down: the same decisions, by checkpoint (recovery.py).

`FileSet` is the tailer's collaborator for all of this (it owns the file table and the checkpoints of
closed files; copies.py holds its copytruncate half, opening.py where an opened file is read from,
compressedwatch.py the compressed files its scan meets, letgowatch.py the let-go generations it watches, unseen.py
the generations no look saw); `Ingest` (tail.py) owns reading (servicing.py: one file's pass), delivery and
writing checkpoints.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .bounded import put_bounded
from .checkpoint import Checkpoint
from .compressedwatch import CompressedWatch
from .continued import continuation, continued_in_live
from .copies import CopySearch
from .discovery import base_dir, expand, matches
from .generations import COMPRESSED, family
from .handle import FileHandle
from .letgowatch import LetGoWatch
from .opening import FileOpening
from .overrun import loss_possible, say_overrun
from .parser import FileParser
from .record import ErrorEvent
from .recovery import StartupRecovery
from .tracked import ROTATE_WAIT, FileTable, SourceState, Tracked
from .unseen import UnseenGenerations

MAX_READ_HEADS = 4096  # FileSet.read_heads

if TYPE_CHECKING:

    from ..clock import Clock

Deliver = Callable[[Tracked, list[ErrorEvent], tuple[int, int]], Awaitable[Any]]

log = logging.getLogger(__name__)

class FileSet(CopySearch, FileOpening, CompressedWatch, LetGoWatch, UnseenGenerations):
    """Which files are tailed, from where: discovery, identity, rotation, recovery at start.

    A collaborator of the tailer (tail.Ingest), owning its state: the file table, the checkpoints
    of files not open (`saved`), copies waiting for their truncation and names being probed. It
    reads nothing but what rotation needs (identities, a copy's unread gap); the tailer reads and
    delivers, and hands in how to deliver events, count bytes read and mark checkpoints changed.
    """

    def __init__(self, sources: list[SourceState], clock: Clock, telemetry: Any, deliver: Deliver,
                 count_read: Callable[[Tracked, int], None], on_dirty: Callable[[], None],
                 wall: Callable[[], float] = time.time) -> None:
        self.sources = sources
        self.clock = clock
        self.telemetry = telemetry
        self.deliver = deliver
        self.count_read = count_read
        self.on_dirty = on_dirty
        self.table = FileTable()
        self.saved: dict[str, Checkpoint] = {}  # checkpoints of files not open (closed or not seen yet)
        # File mtimes come from the kernel's real clock: generations written after this are "new".
        self.wall = wall  # that clock (tail.Ingest's `wall`): before started_wall and looked_wall are taken from it
        self.started_wall = self.wall() - 1.0
        self.looked_wall = self.started_wall  # when the last look (scan) began, on that clock
        self.watched_dirs: set[str] = set()  # what the directory watcher should watch (set by scan)
        self.watch_recursive = False
        self._deferred: dict[str, float] = {}  # possible copytruncate copies: first seen
        # Receipt streams the store held at start under each live name's inode (copystreams.py)
        self.live_streams: dict[tuple[int, int], list[str]] = {}
        self._probing: dict[str, tuple[SourceState, float]] = {}  # rotated names to look at for a while
        self._overrun_said: dict[str, float] = {}  # source -> when an overrun was last logged
        self.scans = 0  # looks so far (a file opened at an earlier look: overrun.newer_one_was_open)
        self._unseen_families: set[str] = set()  # live names whose never-seen generations the last scan opened
        self._olddirs: dict[str, set[str]] = {}  # family -> subdirectories a file of it we held was seen in
        CompressedWatch.__init__(self)
        LetGoWatch.__init__(self)
        # Content read, by its first bytes (head_len, hash): the checkpoints at start and every file read to its
        # end since. A checkpoint in `saved` is dropped when its inode is reused (opening._checkpoint_for), and a
        # compressed copy of that content (delaycompress: `.1` read, compressed into `.2.gz` at the next rotation
        # while the new live file takes `.1`'s inode) would then look unread. Bounded: MAX_READ_HEADS newest.
        self.read_heads: dict[tuple[int, str], Checkpoint] = {}

    @staticmethod
    def source_error(src: SourceState, message: str) -> None:
        """Say a source's problem (a warning once per message, and `last_error` for /readyz); the
        file is tried again on every scan, so nothing in it is lost once it can be read."""
        src.last_error = message
        if message not in src.errors_said and len(src.errors_said) < 100:  # bounded under a flood
            src.errors_said.add(message)
            log.warning("ingest: a source's file cannot be read; retried on every scan",
                        extra={"source": src.name, "error": message})

    def entry(self, f: Tracked) -> Checkpoint:
        """The checkpoint of a tailed file: where to resume (what the sink accepted), and its identity."""
        # A rotated file keeps the last name it was seen under: after a restart, recovery finds it
        # among that name's family (without a path its unread part would be lost).
        return Checkpoint(key=f.key, source=f.src.name, path=f.path or f.origin, dev=f.dev, ino=f.ino,
                          head_len=f.head_len, head_hash=f.head_hash, offset=f.acked[0], line=f.acked[1],
                          size=f.size, updated=self.clock.time(), format=f.parser.format,
                          csize=f.handle.compressed_size)

    def wanted(self, path: str) -> bool:
        return any(matches(path, src.cfg.paths, src.cfg.exclude) for src in self.sources)

    @staticmethod
    def same_file(path: str, f: Tracked) -> bool:
        try:
            st = os.stat(path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == f.ident

    def scan(self, startup: bool = False) -> None:
        """Glob every source; open new files, notice renamed/deleted ones."""
        self._unseen_families = set()
        self._compressed_met = set()
        self.scans += 1
        self.looked_wall = self.wall()  # before the glob: a file written after this may be one this look missed
        seen: set[str] = set()
        dirs: set[str] = set()
        recursive = False
        for src in self.sources:
            src_dirs = [base_dir(g) for g in src.cfg.paths]
            dirs.update(src_dirs)
            recursive |= any("**" in g for g in src.cfg.paths)
            src.missing = sorted(d for d in set(src_dirs) if not os.path.isdir(d))
            try:
                paths = expand(src.cfg.paths, src.cfg.exclude)
            except OSError as exc:
                self.source_error(src, f"cannot list files: {exc}")
                continue
            for path in paths:
                if path in seen:
                    continue  # first source that matches a file owns it
                seen.add(path)
                self._visit(src, path, startup)
            if not startup:
                self._probe_missing(src, paths)
        now = self.clock.monotonic()
        for path, (src, until) in list(self._probing.items()):
            if now > until:
                del self._probing[path]
            else:
                self._probe_unseen(src, path)
        self.look_at_let_go(now)
        for path, f in list(self.table.by_path.items()):
            if path not in seen:
                try:
                    gone = f.handle.fstat().st_nlink == 0
                except OSError:
                    gone = True
                self.detach(f, "deleted" if gone else "rename")
        self._ask_waiting_again()
        self.watched_dirs, self.watch_recursive = dirs, recursive

    def _visit(self, src: SourceState, path: str, startup: bool) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return
        ident = (st.st_dev, st.st_ino)
        cur = self.table.by_path.get(path)
        if cur is not None and cur.ident == ident:
            if cur.head_len == 0 and st.st_size == 0 and st.st_mtime_ns != cur.empty_mtime:
                # Empty at our last look, written since and empty again: only a copy (copytruncate)
                # can hold what was written. (Not while it has content: a copy of that is the
                # copy of a file not yet truncated, read through the file itself.)
                cur.empty_mtime = st.st_mtime_ns
                self.look_behind(cur)
            return
        if cur is not None:
            self.detach(cur, "rename")
        if path.endswith(COMPRESSED):  # a glob matching `app.log*`: never tailed as text
            self._compressed(src, path, st)
            return
        known = self.table.by_ident.get(ident)
        if known is not None:  # a tracked file reappeared under another matching name (.1)
            self.table.rename(known, path)
            known.draining_since = None
            return
        try:
            h = FileHandle.open(path)
        except OSError as exc:
            self.source_error(src, f"cannot open {path}: {exc.strerror}")
            return
        fst = h.fstat()
        if (fst.st_dev, fst.st_ino) != ident:
            h.close()  # replaced between stat and open: the next scan sees the new one
            return
        if not startup and self._copy_candidate(path, h, fst.st_size):
            h.close()  # looked at again on the next scan
            return
        f = self.open_file(src, path, h, fst.st_size, startup)
        if not startup:
            self.look_behind(f)  # created since our last look: it may have been copytruncated already
            if family(path) != path:  # a rotated generation (the glob matches them) we never saw
                self._unseen_families.add(family(path))
        if src.last_error and src.last_error.startswith("cannot open"):
            src.errors_said.discard(src.last_error)
            src.last_error = None

    def recover_rotated_while_down(self, alive: dict[str, float] | None = None) -> None:
        """Run before the first scan: see recovery.StartupRecovery (`alive`: source -> last watched)."""
        for cp in self.saved.values():
            self.remember_read(cp)
        StartupRecovery(self).run(alive or {})

    def detach(self, f: Tracked, kind: str) -> None:
        """The file lost its name: keep reading what it still holds, then close it."""
        if f.path is not None:
            # Probe now and for a while: a probe racing a rename cascade (.1 -> .2 ...) can miss one.
            # Deleted too: copied (copytruncate) after our last look and then deleted, its copy is
            # a sibling no checkpoint knows.
            self._probing[f.path] = (f.src, self.clock.monotonic() + 2 * ROTATE_WAIT)
            unseen = self._probe_unseen(f.src, f.path) or family(f.path) in self._unseen_families
            # Deleted, with generations we never saw beside it: rotated away and deleted too (its
            # name may be missing for a moment mid-rollover), not a delete-and-recreate.
            if ((kind == "rename" or unseen) and f.handle.fstat().st_nlink == 0
                    and loss_possible(f, self.table, self.scans)):
                self.count_rotation(f.src, "overrun")
                say_overrun(f, self._overrun_said, self.clock.monotonic())
        self.table.rename(f, None)
        if f.draining_since is None:
            f.draining_since = self.clock.monotonic()
            f.last_data = self.clock.monotonic()
            self.count_rotation(f.src, kind)

    def remember_read(self, cp: Checkpoint) -> None:
        """Content read up to `cp.offset` (see `read_heads`)."""
        if cp.head_len > 0:
            put_bounded(self.read_heads, (cp.head_len, cp.head_hash), cp, MAX_READ_HEADS)

    def _close(self, f: Tracked) -> None:
        """Done with a drained file: remember where it ended, then retire it (closes the handle)."""
        self.saved[f.key] = self.entry(f)
        self.remember_read(self.saved[f.key])
        self.held_closed(f, self.saved[f.key])
        self.watch_let_go(f)
        log.debug("ingest: close", extra={"origin": f.origin, "ino": f.ino, "key": f.key, "offset": f.acked[0]})
        self.table.retire(f)
        self.on_dirty()

    def count_rotation(self, src: SourceState, kind: str) -> None:
        log.debug("ingest: rotation", extra={"source": src.name, "kind": kind})
        if kind in ("truncate", "copytruncate", "regrown"):
            src.truncations += 1
        else:
            src.rotations += 1
        self.telemetry.rotations.labels(src.name, kind).inc()

    async def restart(self, f: Tracked, kind: str) -> None:
        """The file under our descriptor was truncated or replaced in place: finish, then read from 0."""
        events: list[ErrorEvent] = []
        copy = self._copy_of(f)
        if copy is not None:
            kind = "copytruncate"
            events += self._read_gap(f, copy)
        elif self._consume_read_copies(f):
            kind = "copytruncate"
        # The old content is over: its last line too, if written without a newline - with its rest when the
        # writer went on at the start of the new content (continued.py)
        events += f.parser.end(continuation(f.parser, f.handle))
        await self.deliver(f, events, f.parser.resume_point())
        self.count_rotation(f.src, kind)
        st = f.handle.fstat()
        f.head_len, f.head_hash = f.handle.head_identity(st.st_size)
        old_key = f.key
        self.held_closed(f, None)  # the content compressed files were judged held by is gone: their verdicts too
        f.key = self._fresh_key(f.dev, f.ino, f.head_hash)
        self.saved.pop(old_key, None)
        f.parser = FileParser(f.src.name, f.path or "", f.src.options, 0, 1, file_key=f.key)
        f.counted = {"lines": 0, "trunc": 0, "bad": 0}
        f.acked = (0, 1)
        f.gen += 1  # reads of the old content still queued no longer move the checkpoint
        f.empty_mtime = st.st_mtime_ns
        self.on_dirty()
        if f.path is not None:  # copytruncated more than once since our last look: the later copies
            self.look_behind(f)

    async def finish(self, f: Tracked) -> None:
        """A rotated/deleted file was read to its end and stayed quiet: close its open record and it."""
        # Its partial last line too (parser.end): nothing more will be read from this file - unless the
        # live file holds that line's bytes at the same place and goes on (a snapshot, logrotate `copy`):
        # the live file's reader reads it whole.
        events = f.parser.flush() if self.live_goes_on(f) else f.parser.end(continued_in_live(f))
        if events:
            await self.deliver(f, events, f.parser.resume_point())
        if f.inflight == 0:  # everything read from it was stored: its final position is its checkpoint
            self._close(f)
