"""Tail the configured log files into error events: rotation-safe, resumable, back-pressured.

One asyncio task reads every file (reads of regular files do not block meaningfully, and one
task keeps ordering and checkpoints simple). A file is identified by (device, inode, hash of its
first bytes) and read through a descriptor held open, so a renamed file is read to its end while
the new file under the old name is read from its start. The checkpoint of a file advances only
after the sink accepted every event before it (see `FileParser.resume_point`), and is written
atomically at most every `checkpoint_interval` and at shutdown. If the sink raises, the batch is
kept and retried with backoff and the file is not read further: memory stays bounded and the
slow store slows reading, nothing else.

Rotation cases, and how each is recognised:
- rename (RotatingFileHandler, logrotate create): the path now names another inode; the old
  descriptor is drained to EOF (and kept `ROTATE_WAIT` seconds for late writes), the new file is
  read from offset 0.
- copytruncate / truncation: size < our read offset; a sibling copy (`name.1`, ...) with the same
  first bytes is read from our offset to its end first (the gap), then the file from 0.
- truncated and regrown past our offset, inode reused: the first bytes no longer hash the same.
- rotation while stopped: checkpoints of files no longer under their path are looked up among
  siblings (`name.*`) by identity and drained from their offset.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ..clock import Clock, utc
from ..config import Config, SourceConfig
from .checkpoint import (
    HEAD_BYTES,
    Checkpoint,
    CheckpointError,
    CheckpointFile,
    file_key,
    head_identity,
    head_matches,
)
from .discovery import DirWatcher, base_dir, expand
from .multiline import Limits
from .parser import FileParser, ParserOptions
from .record import ErrorEvent

log = logging.getLogger(__name__)

EventSink = Callable[[list[ErrorEvent]], Awaitable[None]]

READ_CHUNK = 256 * 1024
READ_BUDGET = 4 * 1024 * 1024  # per file per pass, for fairness between files
ROTATE_WAIT = 5.0  # keep a rotated/deleted file open this long after its last growth
SETTLE = 0.01  # a quiet file's open record that looks complete is closed after this (a logging
# record is one write(); a later continuation of a record that looked complete would become its own record)
RETRY_MIN, RETRY_MAX = 0.5, 10.0
RETAIN_CLOSED = 7 * 24 * 3600.0  # keep checkpoints of closed files this long (rotated copies may reappear)


def source_name(src: SourceConfig) -> str:
    return src.name or ",".join(src.paths)


def parser_options(src: SourceConfig) -> ParserOptions:
    fmt = "json" if src.format == "jsonl_metrics" else src.format
    return ParserOptions(
        format=fmt,
        pattern=src.pattern,
        max_line_bytes=src.max_line_bytes,
        limits=Limits(max_lines=src.max_record_lines, max_bytes=src.max_record_bytes),
    )


@dataclass(eq=False)  # identity semantics: kept in sets
class Tracked:
    """One open file."""

    src: _Source
    path: str | None  # None once it no longer has its name (rotated away, deleted)
    fd: int
    dev: int
    ino: int
    key: str
    head_len: int
    head_hash: str
    parser: FileParser
    acked: tuple[int, int]  # (offset, line) of the checkpoint
    size: int = 0
    last_data: float = 0.0
    settled: bool = True
    behind_since: float | None = None
    undelivered: list[ErrorEvent] = field(default_factory=list)
    undelivered_resume: tuple[int, int] = (0, 1)
    retry_at: float = 0.0
    retry_delay: float = RETRY_MIN
    draining_since: float | None = None
    counted: dict[str, int] = field(default_factory=lambda: {"lines": 0, "trunc": 0, "bad": 0})

    @property
    def ident(self) -> tuple[int, int]:
        return self.dev, self.ino


@dataclass
class _Source:
    cfg: SourceConfig
    name: str
    options: ParserOptions
    first_run: bool
    last_error: str | None = None
    rotations: int = 0
    truncations: int = 0
    events: int = 0
    missing: list[str] = field(default_factory=list)  # base directories that do not exist


class Ingest:
    """The ingest component: tails `config.sources`, delivers error events to `sink`."""

    name = "ingest"

    def __init__(self, config: Config, sink: EventSink, clock: Clock, telemetry: Any, store: Any = None) -> None:
        self.config = config
        self.sink = sink
        self.clock = clock
        self.telemetry = telemetry
        self.store = store
        self.ckfile = CheckpointFile(config.ingest.checkpoint_dir)
        self.sources = [
            _Source(cfg=s, name=source_name(s), options=parser_options(s), first_run=True) for s in config.sources
        ]
        self.files: list[Tracked] = []
        self.by_ident: dict[tuple[int, int], Tracked] = {}
        self.by_path: dict[str, Tracked] = {}
        self.saved: dict[str, Checkpoint] = {}  # checkpoints of files not open (closed or not seen yet)
        self._wake = asyncio.Event()
        self._dirty: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._watcher = DirWatcher(self._on_change)
        self._next_scan = 0.0
        self._next_ckpt = 0.0
        self._ckpt_dirty = False
        self._ckpt_error: str | None = None
        self._ckpt_last_ok: float | None = None
        self._mirrored: dict[str, tuple[int, int]] = {}
        self._sink_error: str | None = None
        self._scan_error: str | None = None
        self._started_wall = 0.0
        self._probing: dict[str, tuple[_Source, float]] = {}
        self._active: set[Tracked] = set()
        self._deferred: dict[str, float] = {}  # possible copytruncate copies: first seen
        self._next_gauges = 0.0

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        # File mtimes are set by the kernel's real clock, so this one comparison uses it too.
        self._started_wall = time.time() - 1.0
        try:
            self.saved = self.ckfile.load()
        except CheckpointError as exc:
            # A corrupted document is not silently replaced by an empty one: start like a first
            # run but report it, and keep the bad file for inspection until the next good write.
            log.error("ingest: %s; starting without checkpoints", exc)
            self._ckpt_error = str(exc)
            self.saved = {}
        names = {c.source for c in self.saved.values()}
        for src in self.sources:
            src.first_run = src.name not in names
        self._scan(startup=True)
        self._recover_rotated_while_down()
        self._task = asyncio.create_task(self._run(), name="ingest")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        await self._watcher.close()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            except Exception:
                log.exception("ingest loop failed during stop")
        if self.files or self.saved or self._ckpt_dirty:  # nothing to record: do not create the directory
            self._write_checkpoints(force=True)
        await self._mirror()
        for f in self.files:
            with contextlib.suppress(OSError):
                os.close(f.fd)
        self.files.clear()
        self._active.clear()
        self.by_ident.clear()
        self.by_path.clear()

    def problems(self) -> list[str]:
        out = []
        if self._ckpt_error:
            out.append(f"checkpoints not saved ({self._ckpt_error}); tailing continues, a restart would re-read")
        if self._sink_error:
            out.append(f"event sink failing ({self._sink_error}); reading paused until it accepts")
        if self._task is not None and self._task.done() and not self._stopping:
            out.append("tail loop stopped unexpectedly")
        for src in self.sources:
            if src.last_error:
                out.append(f"source {src.name}: {src.last_error}")
            if src.missing:
                out.append(f"source {src.name}: directory {', '.join(src.missing)} does not exist")
        return out

    def status(self) -> dict[str, Any]:
        now = self.clock.monotonic()
        sources = []
        for src in self.sources:
            files = []
            for f in self.files:
                if f.src is not src:
                    continue
                lag_b = max(0, f.size - f.parser.offset)
                files.append({
                    "path": f.path, "key": f.key, "format": f.parser.format, "offset": f.acked[0],
                    "read_offset": f.parser.offset, "line": f.acked[1], "size": f.size, "lag_bytes": lag_b,
                    "lag_seconds": round(now - f.behind_since, 3) if f.behind_since is not None else 0.0,
                    "rotated": f.path is None, "undelivered": len(f.undelivered),
                })
            sources.append({
                "name": src.name, "paths": list(src.cfg.paths), "format": src.cfg.format, "files": files,
                "rotations": src.rotations, "truncations": src.truncations, "events": src.events,
                "last_error": src.last_error, "missing_dirs": list(src.missing),
            })
        return {
            "sources": sources,
            "checkpoint_dir": str(self.ckfile.dir),
            "checkpoint_error": self._ckpt_error,
            "checkpoint_last_write": self._ckpt_last_ok,
            "sink_error": self._sink_error,
            "watcher_error": self._watcher.error,
        }

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
            if now >= self._next_scan or any(p not in self.by_path for p in dirty if self._wanted(p)):
                self._scan()
                self._next_scan = now + rescan
                check = list(self.files)
            else:
                # Only what was touched or still has work: idle files cost nothing between scans.
                check = list(self._active)
                for p in dirty:
                    t = self.by_path.get(p)
                    if t is not None and t not in self._active:
                        check.append(t)
                for p in dirty:
                    t = self.by_path.get(p)
                    if t is not None and not self._same_file(p, t):
                        self._scan()
                        check = list(self.files)
                        break
            progressed = False
            try:
                for f in check:
                    if self._stopping:
                        break
                    progressed |= await self._service(f)
                    self._note(f)
                await self._timeouts()
            except Exception:  # a bug must not silently stop tailing: log, back off, continue
                log.exception("ingest: unexpected error in the tail loop")
                await self.clock.sleep(1.0)
            if self.clock.monotonic() >= self._next_gauges:
                self._update_gauges()
                self._next_gauges = self.clock.monotonic() + rescan
            if self.clock.monotonic() >= self._next_ckpt:
                self._write_checkpoints()
                await self._mirror()
            if not progressed and not self._stopping:
                await self._idle(self._next_deadline())

    def _next_deadline(self) -> float:
        now = self.clock.monotonic()
        t = self._next_scan
        if self._ckpt_dirty:
            t = min(t, self._next_ckpt)
        for f in self._active:
            if f.parser.pending():
                t = min(t, f.last_data + (SETTLE if not f.settled else f.src.cfg.multiline_timeout))
            if f.undelivered:
                t = min(t, f.retry_at)
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

    # -- discovery ------------------------------------------------------------------------------
    def _wanted(self, path: str) -> bool:
        return any(self._matches(src, path) for src in self.sources)

    @staticmethod
    def _matches(src: _Source, path: str) -> bool:
        import fnmatch

        ap = os.path.abspath(path)
        if not any(fnmatch.fnmatch(ap, os.path.abspath(os.path.expanduser(g))) for g in src.cfg.paths):
            return False
        return not any(fnmatch.fnmatch(ap, x) or fnmatch.fnmatch(os.path.basename(ap), x) for x in src.cfg.exclude)

    @staticmethod
    def _same_file(path: str, f: Tracked) -> bool:
        try:
            st = os.stat(path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == f.ident

    def _scan(self, startup: bool = False) -> None:
        """Glob every source; open new files, notice renamed/deleted ones."""
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
                src.last_error = f"cannot list files: {exc}"
                continue
            for path in paths:
                if path in seen:
                    continue  # first source that matches a file owns it
                seen.add(path)
                self._visit(src, path, startup)
        now = self.clock.monotonic()
        for path, (src, until) in list(self._probing.items()):
            if now > until:
                del self._probing[path]
            else:
                self._probe_unseen(src, path)
        for path, f in list(self.by_path.items()):
            if path not in seen:
                try:
                    gone = os.fstat(f.fd).st_nlink == 0
                except OSError:
                    gone = True
                self._detach(f, "deleted" if gone else "rename")
        if not self._stopping:
            self._watcher.update(dirs, recursive)

    def _visit(self, src: _Source, path: str, startup: bool) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return
        ident = (st.st_dev, st.st_ino)
        cur = self.by_path.get(path)
        if cur is not None and cur.ident == ident:
            return
        if cur is not None:
            self._detach(cur, "rename")
        known = self.by_ident.get(ident)
        if known is not None:  # a tracked file reappeared under another matching name (.1)
            if known.path is not None and self.by_path.get(known.path) is known:
                del self.by_path[known.path]
            known.path = path
            known.draining_since = None
            self.by_path[path] = known
            return
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            src.last_error = f"cannot open {path}: {exc.strerror}"
            return
        fst = os.fstat(fd)
        if (fst.st_dev, fst.st_ino) != ident:
            os.close(fd)  # replaced between stat and open: the next scan sees the new one
            return
        if not startup and self._copy_candidate(path, fd, fst.st_size):
            os.close(fd)  # looked at again on the next scan
            return
        self._open(src, path, fd, fst.st_size, startup)
        if src.last_error and src.last_error.startswith("cannot open"):
            src.last_error = None

    def _open(self, src: _Source, path: str | None, fd: int, size: int, startup: bool,
              resume: Checkpoint | None = None) -> Tracked:
        st = os.fstat(fd)
        dev, ino = st.st_dev, st.st_ino
        cp = resume or self._checkpoint_for(dev, ino, fd, size)
        head_len, head_hash = head_identity(fd, size)
        offset, line = 0, 1
        if cp is not None:
            if size >= cp.offset:
                offset, line = cp.offset, cp.line
                head_len, head_hash = cp.head_len, cp.head_hash
            else:
                self._count_rotation(src, "truncate")
            self.saved.pop(cp.key, None)
        elif startup and src.first_run and src.cfg.start_at == "end":
            offset, line = self._end_position(fd, size)
        key = file_key(dev, ino, head_hash) if cp is None or size < cp.offset else cp.key
        parser = FileParser(src.name, path or "", src.options, offset=offset, line=line, file_key=key)
        f = Tracked(src=src, path=path, fd=fd, dev=dev, ino=ino, key=key, head_len=head_len, head_hash=head_hash,
                    parser=parser, acked=(offset, line), size=size, last_data=self.clock.monotonic())
        self.files.append(f)
        self.by_ident[f.ident] = f
        if path is not None:
            self.by_path[path] = f
        self._active.add(f)  # checked on the next pass
        self._ckpt_dirty = True
        return f

    def _copy_candidate(self, path: str, fd: int, size: int) -> bool:
        """A new file that starts with the same bytes as a tracked one: a copytruncate copy?

        logrotate copies first and truncates after; if the copy matches the glob it must not be
        read from 0 (duplicates): its unread part is read as the original's gap when the
        truncation is seen, and it is then registered as consumed. Until then (at most
        ROTATE_WAIT) the new file waits; a genuine file with an identical head is read after that.
        """
        now = self.clock.monotonic()
        hashes: dict[int, str] = {}
        for f in self.files:
            if f.path is None or f.head_len == 0 or size < f.head_len:
                continue
            h = hashes.get(f.head_len)
            if h is None:
                _, h = head_identity(fd, f.head_len)
                hashes[f.head_len] = h
            if h != f.head_hash:
                continue
            first = self._deferred.setdefault(path, now)
            if now - first > ROTATE_WAIT:
                break  # the original was never truncated: a genuine file
            self._active.add(f)  # look at the original now
            return True
        self._deferred.pop(path, None)
        return False

    def _end_position(self, fd: int, size: int) -> tuple[int, int]:
        """Start after the last complete line (line numbers: counted once, so events say the truth)."""
        if size == 0:
            return 0, 1
        lines = 0
        pos = 0
        last_nl = -1
        while pos < size:
            chunk = os.pread(fd, min(1 << 20, size - pos), pos)
            if not chunk:
                break
            lines += chunk.count(b"\n")
            i = chunk.rfind(b"\n")
            if i >= 0:
                last_nl = pos + i
            pos += len(chunk)
        return last_nl + 1, lines + 1

    def _checkpoint_for(self, dev: int, ino: int, fd: int, size: int) -> Checkpoint | None:
        for cp in list(self.saved.values()):
            if cp.dev == dev and cp.ino == ino:
                if head_matches(fd, size, cp.head_len, cp.head_hash):
                    return cp
                # inode reused by a different file: that checkpoint is dead
                self.saved.pop(cp.key, None)
        return None

    def _recover_rotated_while_down(self) -> None:
        """Checkpointed files that are no longer under their name: look for them among siblings."""
        for cp in list(self.saved.values()):
            src = next((s for s in self.sources if s.name == cp.source), None)
            if src is None or (cp.dev, cp.ino) in self.by_ident:
                continue
            d, base = os.path.split(cp.path)
            try:
                names = [n for n in os.listdir(d or ".") if n.startswith(base) and n != base]
            except OSError:
                continue
            for n in sorted(names):
                p = os.path.join(d, n)
                try:
                    st = os.stat(p)
                except OSError:
                    continue
                if (st.st_dev, st.st_ino) != (cp.dev, cp.ino) or st.st_size <= cp.offset:
                    continue
                try:
                    fd = os.open(p, os.O_RDONLY)
                except OSError:
                    continue
                if not head_matches(fd, st.st_size, cp.head_len, cp.head_hash):
                    os.close(fd)
                    continue
                f = self._open(src, None, fd, st.st_size, startup=False, resume=cp)
                f.draining_since = self.clock.monotonic()
                self._count_rotation(src, "rotated_while_down")
                break

    def _detach(self, f: Tracked, kind: str) -> None:
        """The file lost its name: keep reading what it still holds, then close it."""
        if f.path is not None and kind == "rename":
            # Probe now and for a while: a probe racing a rename cascade (.1 -> .2 ...) can miss one.
            self._probing[f.path] = (f.src, self.clock.monotonic() + 2 * ROTATE_WAIT)
            self._probe_unseen(f.src, f.path)
        if f.path is not None and self.by_path.get(f.path) is f:
            del self.by_path[f.path]
        f.path = None
        self._active.add(f)
        if f.draining_since is None:
            f.draining_since = self.clock.monotonic()
            f.last_data = self.clock.monotonic()
            self._count_rotation(f.src, kind)

    def _probe_unseen(self, src: _Source, path: str) -> None:
        """Files that lived under `path` only between two scans (rotated again before we saw them).

        After a rename rotation, siblings named `path.*` that we never tracked, have no checkpoint
        and were modified since this process started can only be such generations: read them from
        the start. Compressed archives are skipped (not text).
        """
        d, base = os.path.split(path)
        try:
            names = [n for n in os.listdir(d or ".") if n.startswith(base) and n != base
                     and not n.endswith((".gz", ".bz2", ".xz", ".zst", ".zip"))]
        except OSError:
            return
        known = {(c.dev, c.ino) for c in self.saved.values()}
        for n in sorted(names):
            p = os.path.join(d, n)
            try:
                st = os.stat(p)
            except OSError:
                continue
            ident = (st.st_dev, st.st_ino)
            if ident in self.by_ident or ident in known or st.st_mtime < self._started_wall:
                continue
            if p in self.by_path:
                continue
            try:
                fd = os.open(p, os.O_RDONLY)
            except OSError:
                continue
            f = self._open(src, None, fd, os.fstat(fd).st_size, startup=False)
            f.draining_since = self.clock.monotonic()
            self._count_rotation(src, "unseen_generation")

    def _note(self, f: Tracked) -> None:
        """Keep `_active` = files with work left (open record, backlog, retry, draining)."""
        if f.parser.pending() or f.undelivered or f.draining_since is not None or f.size > f.parser.offset:
            self._active.add(f)
        else:
            self._active.discard(f)

    def _close(self, f: Tracked) -> None:
        with contextlib.suppress(OSError):
            os.close(f.fd)
        self._active.discard(f)
        self.files.remove(f)
        if self.by_ident.get(f.ident) is f:
            del self.by_ident[f.ident]
        self.saved[f.key] = self._entry(f)
        self._ckpt_dirty = True

    def _count_rotation(self, src: _Source, kind: str) -> None:
        if kind in ("truncate", "copytruncate", "regrown"):
            src.truncations += 1
        else:
            src.rotations += 1
        self.telemetry.rotations.labels(src.name, kind).inc()

    # -- reading --------------------------------------------------------------------------------
    async def _service(self, f: Tracked) -> bool:
        """Deliver pending events, then read what the file holds (within budget). True if progress."""
        now = self.clock.monotonic()
        if f.undelivered:
            if now < f.retry_at:
                return False
            if not await self._deliver(f, f.undelivered, f.undelivered_resume):
                return False
        try:
            st = os.fstat(f.fd)
        except OSError as exc:
            f.src.last_error = f"cannot stat {f.path}: {exc.strerror}"
            return False
        f.size = st.st_size
        if st.st_nlink == 0 and f.path is not None:
            self._detach(f, "deleted")
        if f.size < f.parser.offset:
            await self._restart(f, "truncate")
        elif f.size > f.parser.offset:
            if not head_matches(f.fd, f.size, f.head_len, f.head_hash):
                await self._restart(f, "regrown")
            elif f.head_len < HEAD_BYTES and f.size > f.head_len:
                # first seen nearly empty: strengthen the identity now that there is more to hash
                f.head_len, f.head_hash = head_identity(f.fd, f.size)
                self._ckpt_dirty = True
        if f.size <= f.parser.offset:
            f.behind_since = None
            if f.draining_since is not None and now - f.last_data >= ROTATE_WAIT:
                await self._finish(f)
            return False
        if f.behind_since is None:
            f.behind_since = now
        budget = READ_BUDGET
        progressed = False
        while budget > 0 and f.size > f.parser.offset and not self._stopping:
            n = min(READ_CHUNK, f.size - f.parser.offset, budget)
            try:
                data = os.pread(f.fd, n, f.parser.offset)
            except OSError as exc:
                f.src.last_error = f"cannot read {f.path}: {exc.strerror}"
                break
            if not data:
                break
            budget -= len(data)
            progressed = True
            events = f.parser.feed(data)
            self._count_read(f, len(data))
            f.last_data = self.clock.monotonic()
            f.settled = False
            if not await self._deliver(f, events, f.parser.resume_point()):
                break
            await asyncio.sleep(0)
        if f.size <= f.parser.offset:
            f.behind_since = None
        return progressed

    def _count_read(self, f: Tracked, nbytes: int) -> None:
        t = self.telemetry
        name = f.src.name
        t.bytes_read.labels(name).inc(nbytes)
        p = f.parser
        c = f.counted
        if p.lines != c["lines"]:
            t.lines_read.labels(name).inc(p.lines - c["lines"])
            c["lines"] = p.lines
        if p.truncated_lines != c["trunc"]:
            t.truncated_lines.labels(name).inc(p.truncated_lines - c["trunc"])
            c["trunc"] = p.truncated_lines
        bad = p.bad_lines
        if bad != c["bad"]:
            t.parse_errors.labels(name, "malformed_record").inc(bad - c["bad"])
            c["bad"] = bad

    async def _deliver(self, f: Tracked, events: list[ErrorEvent], resume: tuple[int, int]) -> bool:
        """Hand events to the sink in batches; advance the checkpoint only past accepted ones."""
        size = max(1, self.config.ingest.queue_size)
        i = 0
        while i < len(events):
            batch = events[i:i + size]
            try:
                await self.sink(batch)
            except Exception as exc:
                f.undelivered = events[i:]
                f.undelivered_resume = resume
                f.acked = (events[i].offset, events[i].line)
                f.retry_at = self.clock.monotonic() + f.retry_delay
                f.retry_delay = min(RETRY_MAX, f.retry_delay * 2)
                if self._sink_error is None:
                    log.warning("ingest: sink rejected %d events from %s (will retry): %s", len(batch), f.path, exc)
                self._sink_error = f"{type(exc).__name__}: {exc}"
                self._ckpt_dirty = True
                return False
            for ev in batch:
                self.telemetry.events.labels(ev.level).inc()
            f.src.events += len(batch)
            i += len(batch)
        if events and self._sink_error is not None:
            log.info("ingest: sink accepts events again")
            self._sink_error = None
        f.undelivered = []
        f.retry_delay = RETRY_MIN
        if f.acked != resume:
            f.acked = resume
            self._ckpt_dirty = True
        return True

    async def _timeouts(self) -> None:
        """Close open records of quiet files: early if they look complete, else after the timeout."""
        now = self.clock.monotonic()
        for f in list(self._active):
            if f.undelivered or not f.parser.pending() or f.size > f.parser.offset:
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
                self._note(f)

    async def _restart(self, f: Tracked, kind: str) -> None:
        """The file under our descriptor was truncated or replaced in place: finish, then read from 0."""
        events: list[ErrorEvent] = []
        gap = self._copy_of(f)
        if gap is not None:
            kind = "copytruncate"
            events += self._read_gap(f, gap)
        events += f.parser.flush()
        await self._deliver(f, events, f.parser.resume_point())
        self._count_rotation(f.src, kind)
        st = os.fstat(f.fd)
        f.head_len, f.head_hash = head_identity(f.fd, st.st_size)
        old_key = f.key
        f.key = file_key(f.dev, f.ino, f.head_hash)
        self.saved.pop(old_key, None)
        f.parser = FileParser(f.src.name, f.path or "", f.src.options, 0, 1, file_key=f.key)
        f.counted = {"lines": 0, "trunc": 0, "bad": 0}
        f.acked = (0, 1)
        if f.undelivered:  # a failed flush batch is retried as is; afterwards resume at the new start
            f.undelivered_resume = (0, 1)
        self._ckpt_dirty = True

    def _copy_of(self, f: Tracked) -> tuple[str, int, int, os.stat_result] | None:
        """A sibling (name.1, name-2026...) holding a copy of what we had not read yet (copytruncate)."""
        if f.path is None:
            return None
        d, base = os.path.split(f.path)
        try:
            names = sorted(n for n in os.listdir(d or ".") if n.startswith(base) and n != base)
        except OSError:
            return None
        for n in names:
            p = os.path.join(d, n)
            try:
                fd = os.open(p, os.O_RDONLY)
            except OSError:
                continue
            st = os.fstat(fd)
            if st.st_size >= f.parser.offset and (st.st_dev, st.st_ino) != f.ident and head_matches(
                    fd, st.st_size, f.head_len, f.head_hash):
                return p, fd, st.st_size, st
            os.close(fd)
        return None

    def _read_gap(self, f: Tracked, gap: tuple[str, int, int, os.stat_result]) -> list[ErrorEvent]:
        path, fd, size, st = gap
        events: list[ErrorEvent] = []
        try:
            pos = f.parser.offset
            while pos < size:
                data = os.pread(fd, min(READ_CHUNK, size - pos), pos)
                if not data:
                    break
                events += f.parser.feed(data)
                self._count_read(f, len(data))
                pos += len(data)
            # The copy is now fully read: remember it, so a glob that matches it does not re-read it.
            hl, hh = head_identity(fd, size)
            key = file_key(st.st_dev, st.st_ino, hh)
            self.saved[key] = Checkpoint(key=key, source=f.src.name, path=path, dev=st.st_dev, ino=st.st_ino,
                                         head_len=hl, head_hash=hh, offset=size, line=f.parser.line, size=size,
                                         updated=self.clock.time(), format=f.parser.format)
        finally:
            os.close(fd)
        return events

    async def _finish(self, f: Tracked) -> None:
        """A rotated/deleted file was read to its end and stayed quiet: close its open record and it."""
        events = f.parser.flush()
        if await self._deliver(f, events, f.parser.resume_point()):
            self._close(f)

    # -- checkpoints ----------------------------------------------------------------------------
    def _entry(self, f: Tracked) -> Checkpoint:
        return Checkpoint(key=f.key, source=f.src.name, path=f.path or "", dev=f.dev, ino=f.ino,
                          head_len=f.head_len, head_hash=f.head_hash, offset=f.acked[0], line=f.acked[1],
                          size=f.size, updated=self.clock.time(), format=f.parser.format)

    def _write_checkpoints(self, force: bool = False) -> None:
        now = self.clock.monotonic()
        self._next_ckpt = now + self.config.ingest.checkpoint_interval
        if not self._ckpt_dirty and not force:
            return
        wall = self.clock.time()
        for k, cp in list(self.saved.items()):
            if wall - cp.updated > RETAIN_CLOSED:
                del self.saved[k]
        entries = [self._entry(f) for f in self.files]
        live = {e.key for e in entries}
        entries += [cp for k, cp in self.saved.items() if k not in live]
        try:
            self.ckfile.save(entries)
        except CheckpointError as exc:
            self.telemetry.checkpoint_errors.inc()
            if self._ckpt_error != str(exc):
                log.error("ingest: %s (tailing continues)", exc)
            self._ckpt_error = str(exc)
            return
        if self._ckpt_error:
            log.info("ingest: checkpoints written again to %s", self.ckfile.dir)
        self._ckpt_error = None
        self._ckpt_dirty = False
        self._ckpt_last_ok = wall

    async def _mirror(self) -> None:
        """Copy changed checkpoints to the store (for other replicas and the dashboard; optional)."""
        if self.store is None:
            return
        try:
            repo = self.store.checkpoints
            at = utc(self.clock.time())
            for f in self.files:
                cur = (f.acked[0], f.size)
                if self._mirrored.get(f.key) == cur:
                    continue
                await repo.save(f.key, f.src.name, f.path or "", f.acked[0], f.acked[1], f.size, at)
                self._mirrored[f.key] = cur
        except Exception as exc:  # the files are the truth; the mirror catches up next time
            log.debug("ingest: checkpoint mirror to store failed: %s", exc)

    def _update_gauges(self) -> None:
        now = self.clock.monotonic()
        t = self.telemetry
        for src in self.sources:
            fs = [f for f in self.files if f.src is src]
            t.files_tailed.labels(src.name).set(len(fs))
            t.tail_lag_bytes.labels(src.name).set(sum(max(0, f.size - f.parser.offset) for f in fs))
            lags = [now - f.behind_since for f in fs if f.behind_since is not None]
            t.tail_lag.labels(src.name).set(max(lags) if lags else 0.0)


def build(sidecar: Any, sink: EventSink | None = None) -> Ingest:
    """Factory for app.py: `sink` defaults to `sidecar.event_sink` (the errors stage's sink)."""
    chosen = sink or getattr(sidecar, "event_sink", None)
    if chosen is None:
        raise ValueError("ingest needs an event sink (the errors stage's sink)")
    return Ingest(sidecar.config, chosen, sidecar.clock, sidecar.telemetry, getattr(sidecar, "store", None))

