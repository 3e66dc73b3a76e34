"""Tail the configured log files into error events: resumable, back-pressured, rotation-safe.

One asyncio task reads every file (reads of regular files do not block meaningfully, and one
task keeps ordering and checkpoints simple). A file is identified by (device, inode, hash of its
first bytes) and read through a descriptor held open (rotation.py). The checkpoint of a file
advances only after the sink accepted every event before it (see `FileParser.resume_point`), and
is written atomically at most every `checkpoint_interval` and at shutdown (checkpointing.py). If the sink raises, the
batch is kept and retried with backoff and the file is not read further: memory stays bounded
and a slow store slows reading, nothing else. What the tailer reports about itself (problems,
status, gauges) is tailreport.py; what one pass does with one file - its lifecycle - is servicing.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from ..clock import Clock
from ..config import Config
from . import tailreport
from .checkpoint import Checkpoint, CheckpointError
from .checkpointing import CheckpointWriter
from .compressedgens import decompressed_held, read_pending, still_known
from .copystreams import load_streams
from .delivery import Delivery
from .discovery import DirWatcher
from .generations import live_families
from .record import ErrorEvent
from .rotation import FileSet
from .servicing import FileService
from .tracked import ROTATE_WAIT, SETTLE, EventSink, SourceState, Tracked, parser_options, source_name

KEEP_UP_INTERVAL = 0.02  # at most this often a scan in the middle of a pass (glob + stat of the sources)

__all__ = ["EventSink", "Ingest", "parser_options", "source_name"]

log = logging.getLogger(__name__)


class Ingest(FileService):
    """The ingest component: tails `config.sources`, delivers error events to `sink`."""

    name = "ingest"

    def __init__(self, config: Config, sink: EventSink, clock: Clock, telemetry: Any, store: Any = None,
                 wall: Callable[[], float] = time.time) -> None:
        """`wall`: the kernel's clock, compared with file mtimes (a test moves it like the sidecar's `clock`)."""
        self.config = config
        self.sink = sink
        self.clock = clock
        self.telemetry = telemetry
        self.store = store
        self.ckpt = CheckpointWriter(config.ingest.checkpoint_dir, config.ingest.checkpoint_interval, clock, telemetry,
                                     store)
        self.sources = [
            SourceState(cfg=s, name=source_name(s), options=parser_options(s), first_run=True) for s in config.sources
        ]
        self.ckpt.sources = [s.name for s in self.sources]
        self._wake = asyncio.Event()
        self._dirty: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._watcher = DirWatcher(self._on_change)
        self._next_scan = 0.0
        self.delivery = Delivery(sink, clock, config.ingest.queue_size, self.ckpt.mark_dirty)
        self.fs = FileSet(self.sources, clock, telemetry, self._deliver, self._count_read, self.ckpt.mark_dirty,
                          wall)
        self._next_gauges = 0.0
        self._next_keep_up = 0.0

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        self.fs.started_wall = self.fs.wall() - 1.0  # the kernel's clock: compared with file mtimes
        self.fs.looked_wall = self.fs.started_wall  # no look yet (alive if a checkpoint is written before one)
        alive: dict[str, float] = {}
        try:
            self.fs.saved, alive = self.ckpt.file.load_all()
        except CheckpointError as exc:
            # A corrupted document is moved aside (kept for inspection, never overwritten) and the
            # sources start as on a first run; the problem is reported until a good write.
            kept = self.ckpt.file.quarantine()
            log.error("ingest: starting without checkpoints (the bad file is kept)", extra={"error": str(exc), "kept_as": str(kept)})
            self.ckpt.error = str(exc)
            self.fs.saved = {}
        names = {c.source for c in self.saved.values()} | set(alive)
        for src in self.sources:
            src.first_run = src.name not in names  # a source watched before (even with no file yet) is not
        # Before the scan: the scan would read a truncated original from 0 and drop its checkpoint,
        # which recovery needs to find the copy holding the unread part.
        self.delivery.start()
        families = {fam for src in self.sources for fam in live_families(src.cfg.paths, src.cfg.exclude)}
        self.fs.live_streams = await load_streams(self.store, families)
        self.fs.recover_rotated_while_down(alive)
        self.ckpt.mark_dirty()  # record that these sources are watched, even before any file appears
        self._rescan(startup=True)
        self._task = asyncio.create_task(self._run(), name="ingest")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        await self._watcher.close()
        if self._task is not None:
            try:
                # With the sink failing the loop may wait on a full queue: nothing to wait for then.
                await asyncio.wait_for(self._task, timeout=10 if self.delivery.error is None else 0.5)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            except Exception:
                log.exception("ingest loop failed during stop")
        if self.delivery.error is None:
            with contextlib.suppress(TimeoutError):  # what was read gets stored, and its position saved
                await asyncio.wait_for(self.delivery.drain(), timeout=5)
        await self.delivery.close()
        self.fs.held_at_stop()  # before the checkpoints are written: the verdicts go with them
        if self.sources:  # the files' positions, and until when each source was watched
            self._write_checkpoints(force=True)
        await self.ckpt.mirror(self.files)
        self.fs.table.retire_all()

    @property
    def files(self) -> list[Tracked]:
        return list(self.fs.table)

    @property
    def saved(self) -> dict[str, Checkpoint]:
        return self.fs.saved

    def _rescan(self, startup: bool = False) -> None:
        self.fs.scan(startup)
        if not self._stopping:
            self._watcher.update(self.fs.watched_dirs, self.fs.watch_recursive)

    def problems(self) -> list[str]:
        stopped = self._task is not None and self._task.done() and not self._stopping
        return tailreport.problems(self.sources, self.ckpt.error, self.delivery.error, stopped)

    def degraded(self) -> list[str]:
        return tailreport.degraded(self.sources, self.clock.monotonic())

    def status(self) -> dict[str, Any]:
        return tailreport.status(self.sources, self.files, self.clock.monotonic(), self.ckpt,
                                 self.delivery.error, self._watcher.error)

    # -- main loop ----------------------------------------------------------------------------
    def _on_change(self, paths: set[str]) -> None:
        self._dirty |= paths
        self._wake.set()

    async def _run(self) -> None:
        rescan = self.config.ingest.rescan_interval
        while not self._stopping:
            self._wake.clear()
            now = self.clock.monotonic()
            dirty, self._dirty = self._dirty, set()
            if now >= self._next_scan or any(p not in self.fs.table.by_path for p in dirty if self.fs.wanted(p)):
                self._rescan()
                self._next_scan = now + rescan
                check = list(self.files)
            else:
                # Only what was touched or still has work: idle files cost nothing between scans.
                check = list(self.fs.table.active)
                for p in dirty:
                    t = self.fs.table.by_path.get(p)
                    if t is None:
                        continue
                    if not self.fs.same_file(p, t):  # replaced under its name: rescan now
                        self._rescan()
                        check = list(self.files)
                        break
                    if t not in self.fs.table.active:
                        check.append(t)
            progressed = False
            try:
                # A queued compressed generation (compressedgens.read_pending): decompressed off the loop, one at a
                # time; opened, it is active and read from the next pass.
                progressed = await read_pending(self.fs)
                for f in check:
                    if self._stopping:
                        break
                    if f not in self.fs.table:  # retired earlier in this pass (closed): never serviced again
                        continue
                    progressed |= await self._service(f)
                    self.fs.table.note(f)
                await self._timeouts()
            except Exception:  # a bug must not silently stop tailing: log, back off, continue
                log.exception("ingest: unexpected error in the tail loop")
                await self.clock.sleep(1.0)
            if self.clock.monotonic() >= self._next_gauges:
                self._update_gauges()
                self._next_gauges = self.clock.monotonic() + rescan
            if self.ckpt.due():
                self._write_checkpoints()
                await self.ckpt.mirror(self.files)
            if self.fs.compressed_pending and not decompressed_held(self.fs):
                progressed = True  # the next queued one can be taken now
            if not progressed and not self._stopping:
                await self._idle(self._next_deadline())

    def _next_deadline(self) -> float:
        now = self.clock.monotonic()
        t = self._next_scan
        if self.ckpt.dirty:
            t = min(t, self.ckpt.next_at)
        for f in self.fs.table.active:
            if f.parser.pending():
                t = min(t, f.last_data + (SETTLE if not f.settled else f.src.cfg.multiline_timeout))
            if f.draining_since is not None:
                t = min(t, f.last_data + ROTATE_WAIT)
        return max(0.0, t - now)

    async def _idle(self, delay: float) -> None:
        if delay <= 0 or self._wake.is_set():
            await asyncio.sleep(0)
            return
        sleeper = asyncio.ensure_future(self.clock.sleep(delay))
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waiter.cancel()

    # -- delivering ------------------------------------------------------------------------------
    async def _deliver(self, f: Tracked, events: list[ErrorEvent], resume: tuple[int, int]) -> bool:
        """Queue events for the sink (blocks while the queue is full); the checkpoint moves when stored."""
        self._keep_up()
        put = asyncio.ensure_future(self.delivery.put(f, events, resume))
        try:
            while not put.done():  # the queue is full: the store is behind; keep opening new files
                await asyncio.wait({put}, timeout=KEEP_UP_INTERVAL)
                self._keep_up()
        finally:
            if not put.done():
                put.cancel()
        put.result()
        return True

    def _keep_up(self) -> None:
        """In the middle of a long pass (a backlog, a store slower than the writer), still open new
        and rotated files as the watcher reports them: a descriptor held open keeps a generation
        readable after the writer's rotation deletes it, so reading may lag but nothing is lost."""
        now = self.clock.monotonic()
        if not self._dirty or now < self._next_keep_up or self._stopping:
            return
        self._next_keep_up = now + KEEP_UP_INTERVAL
        table = self.fs.table
        if any((t := table.by_path.get(p)) is None and self.fs.wanted(p) or t is not None and not self.fs.same_file(p, t)
               for p in self._dirty):
            self.fs.scan()

    async def _timeouts(self) -> None:
        """Close open records of quiet files: early if they look complete, else after the timeout."""
        now = self.clock.monotonic()
        for f in list(self.fs.table.active):
            if not f.parser.pending() or f.size > f.parser.offset:
                continue
            quiet = now - f.last_data
            events: list[ErrorEvent] | None = None
            if quiet >= f.src.cfg.multiline_timeout:
                events = f.parser.flush()
                f.settled = True
            elif not f.settled and quiet >= SETTLE:
                events = f.parser.settle()
                f.settled = True
            if events is not None:
                await self._deliver(f, events, f.parser.resume_point())
                self.fs.table.note(f)

    # -- checkpoints ----------------------------------------------------------------------------
    def _write_checkpoints(self, force: bool = False) -> None:
        self.ckpt.write(self.saved, lambda: [self.fs.entry(f) for f in self.files], self.fs.looked_until(), force,
                        lambda cp: still_known(self.fs, cp))

    def _update_gauges(self) -> None:
        tailreport.update_gauges(self.telemetry, self.sources, self.files, self.clock.monotonic())
