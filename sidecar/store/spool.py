"""The outage spool: when the store is unreachable, event batches wait on disk, then drain in order.

`SpoolingSink` wraps the errors stage's `EventSink` and sits between ingest and it:

    tailer --batch--> SpoolingSink --> errors sink (store)
                          |  StoreUnavailable
                          v
                     on-disk spool  --(drainer, backoff on the injected Clock)--> errors sink

- The sink returns only when a batch is stored or durably spooled (written and fsynced), so
  the tailer's checkpoint never passes an event that is neither.
- Once one batch is spooled, later batches are spooled too until the spool is empty again:
  the drainer delivers them in the order they were read.
- The spool is bounded (`store.spool_max_bytes`). When it is full the sink waits for room,
  which pauses reading: nothing is dropped.
- Exactly once: a batch may be delivered twice (stored, then the process died before the
  drain position was saved); the groups repository's `event_receipts` make the second delivery
  a no-op.

On disk: append-only segment files `seg-<n>.spool`, one record per line,
`<crc32 hex> <batch json>\n`. A torn last line (crash mid-write; the batch was never
acknowledged to the tailer, so it will be read again) is cut off when the spool opens. The
drain position is in `position.json`, replaced atomically after each delivered batch.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clock import Clock
from ..ingest.record import ErrorEvent
from .base import StoreUnavailable
from .conflict import StoreConflict
from .spool_codec import SpoolCodecError, decode_batch, encode_batch

log = logging.getLogger(__name__)

EventSink = Callable[[list[ErrorEvent]], Awaitable[None]]

CONFLICT_RETRIES = 3  # immediate re-runs of a batch that lost a write race before it is spooled
_SEGMENT_PREFIX = "seg-"
_SEGMENT_SUFFIX = ".spool"


class SpoolError(Exception):
    """The spool directory cannot be used (permissions, disk)."""


@dataclass(frozen=True, slots=True)
class Position:
    segment: int
    offset: int


class Spool:
    """The on-disk queue (blocking file I/O: call it from a worker thread)."""

    def __init__(self, directory: str | Path, max_bytes: int, segment_bytes: int | None = None) -> None:
        self.dir = Path(directory)
        self.max_bytes = max_bytes
        self.segment_bytes = segment_bytes or max(64 * 1024, min(8 * 1024 * 1024, max_bytes // 8))
        self._segments: dict[int, int] = {}  # segment number -> size in bytes
        self._read = Position(1, 0)
        self._write_fd: int | None = None
        self._write_seg = 0
        self.records = 0  # records not yet drained

    # --- opening --------------------------------------------------------------------------------

    def open(self) -> None:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            for path in self.dir.glob(f"{_SEGMENT_PREFIX}*{_SEGMENT_SUFFIX}"):
                num = int(path.name[len(_SEGMENT_PREFIX):-len(_SEGMENT_SUFFIX)])
                self._segments[num] = path.stat().st_size
            self._read = self._load_position()
            for num in [n for n in self._segments if n < self._read.segment]:
                self._remove(num)
            if self._segments and self._read.segment not in self._segments:
                self._read = Position(min(self._segments), 0)
            if self._segments:
                last = max(self._segments)
                self._segments[last] = self._repair_tail(last)
                self.records = sum(self._count(n) for n in sorted(self._segments))
                self._write_seg = last
            else:
                self._write_seg = max(self._read.segment, 1)
                self._read = Position(self._write_seg, 0)
            self._open_writer()
        except (OSError, ValueError) as exc:
            raise SpoolError(f"cannot open spool {self.dir}: {exc}") from exc

    def _path(self, num: int) -> Path:
        return self.dir / f"{_SEGMENT_PREFIX}{num:012d}{_SEGMENT_SUFFIX}"

    def _load_position(self) -> Position:
        try:
            data = json.loads((self.dir / "position.json").read_text())
            return Position(int(data["segment"]), int(data["offset"]))
        except FileNotFoundError:
            first = min(self._segments, default=1)
            return Position(first, 0)

    def _repair_tail(self, num: int) -> int:
        """Cut a torn or corrupt last record off segment `num`; return its valid size."""
        valid = 0
        with open(self._path(num), "rb") as f:
            for line in f:
                if _parse(line) is None:
                    break
                valid += len(line)
        size = self._path(num).stat().st_size
        if valid != size:
            log.warning("spool: cut %d bytes of a torn record off %s", size - valid, self._path(num))
            os.truncate(self._path(num), valid)
        return valid

    def _count(self, num: int) -> int:
        start = self._read.offset if num == self._read.segment else 0
        with open(self._path(num), "rb") as f:
            f.seek(start)
            return sum(1 for line in f if line.endswith(b"\n"))

    def _open_writer(self) -> None:
        if self._write_fd is not None:
            os.close(self._write_fd)
        self._write_fd = os.open(self._path(self._write_seg), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._segments.setdefault(self._write_seg, 0)
        _fsync_dir(self.dir)

    # --- size -----------------------------------------------------------------------------------

    @property
    def pending_bytes(self) -> int:
        total = sum(size for num, size in self._segments.items() if num >= self._read.segment)
        return total - self._read.offset

    def has_room(self, nbytes: int) -> bool:
        """Room for a record of `nbytes`; an empty spool takes any one record (else it could never)."""
        return self.records == 0 or self.pending_bytes + nbytes <= self.max_bytes

    # --- writing --------------------------------------------------------------------------------

    def append(self, payload: bytes) -> None:
        """Append one record and fsync it: when this returns, the batch survives a crash."""
        if b"\n" in payload:
            raise ValueError("spool payloads are single lines")
        line = b"%08x " % zlib.crc32(payload) + payload + b"\n"
        if self._write_fd is None:
            raise SpoolError("spool is not open")
        if self._segments[self._write_seg] >= self.segment_bytes:
            self._write_seg += 1
            self._open_writer()
        size = self._segments[self._write_seg]
        try:
            written = os.write(self._write_fd, line)
            if written != len(line):
                raise OSError(f"short write ({written} of {len(line)} bytes)")
            os.fsync(self._write_fd)
        except OSError as exc:
            # Disk full or failing: cut what was written so the next append starts on a line boundary.
            try:
                os.ftruncate(self._write_fd, size)
            except OSError:
                pass
            raise SpoolError(f"cannot write to spool {self.dir}: {exc}") from exc
        self._segments[self._write_seg] += len(line)
        self.records += 1

    # --- reading --------------------------------------------------------------------------------

    def peek(self) -> tuple[bytes, Position] | None:
        """The oldest undrained record and the position just after it (None when empty)."""
        pos = self._read
        while True:
            size = self._segments.get(pos.segment)
            if size is None:
                return None
            if pos.offset < size:
                with open(self._path(pos.segment), "rb") as f:
                    f.seek(pos.offset)
                    line = f.readline()
                payload = _parse(line)
                if payload is None:  # cannot happen after _repair_tail unless the file was damaged
                    raise SpoolError(f"corrupt spool record in {self._path(pos.segment)} at {pos.offset}")
                return payload, Position(pos.segment, pos.offset + len(line))
            if pos.segment >= self._write_seg:
                return None
            pos = Position(pos.segment + 1, 0)

    def ack(self, end: Position) -> None:
        """Mark the record ending at `end` drained; delete finished segments."""
        self.records = max(0, self.records - 1)
        if self.records == 0 and end.segment == self._write_seg and end.offset >= self._segments[end.segment]:
            # Empty: roll to a fresh segment so the drained one can be deleted.
            self._write_seg += 1
            self._open_writer()
            end = Position(self._write_seg, 0)
        self._read = end
        tmp = self.dir / "position.json.tmp"
        tmp.write_text(json.dumps({"segment": end.segment, "offset": end.offset}))
        os.replace(tmp, self.dir / "position.json")
        for num in [n for n in self._segments if n < end.segment]:
            self._remove(num)

    def reset_count(self) -> None:
        """The count disagrees with the files (peek found nothing): trust the files."""
        self.records = 0

    def _remove(self, num: int) -> None:
        self._segments.pop(num, None)
        try:
            self._path(num).unlink()
        except FileNotFoundError:
            pass

    def set_aside(self, payload: bytes, reason: str) -> Path:
        """Keep a record that cannot be delivered (for a person to inspect), out of the queue."""
        dead = self.dir / "dead"
        dead.mkdir(exist_ok=True)
        path = dead / "rejected.jsonl"
        with open(path, "ab") as f:
            f.write(json.dumps({"reason": reason}).encode()[:-1] + b',"batch":' + payload + b"}\n")
            f.flush()
            os.fsync(f.fileno())
        return path

    def close(self) -> None:
        if self._write_fd is not None:
            os.close(self._write_fd)
            self._write_fd = None


def _parse(line: bytes) -> bytes | None:
    if not line.endswith(b"\n") or len(line) < 10 or line[8:9] != b" ":
        return None
    payload = line[9:-1]
    try:
        crc = int(line[:8], 16)
    except ValueError:
        return None
    return payload if zlib.crc32(payload) == crc else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SpoolingSink:
    """An `EventSink` (and app component "spool") that spools batches while the store is down."""

    name = "spool"

    def __init__(self, sink: EventSink, directory: str | Path, max_bytes: int, clock: Clock, *,
                 telemetry: Any | None = None, retry_min: float = 0.5, retry_max: float = 30.0,
                 max_delivery_failures: int = 5) -> None:
        self._sink = sink
        self.spool = Spool(directory, max_bytes)
        self._clock = clock
        self._telemetry = telemetry
        self._retry_min = retry_min
        self._retry_max = max(retry_min, retry_max)
        self._max_failures = max_delivery_failures
        self._spooling = False
        self._since: float | None = None
        self._last_error = ""
        self._full = False
        self._appending = 0
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self._broken: str | None = None  # why the spool cannot be used (then StoreUnavailable goes to ingest)
        self.set_aside = 0  # batches the store rejected for good (kept in spool_dir/dead)

    # --- component ------------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await asyncio.to_thread(self.spool.open)
        except SpoolError as exc:
            # Run without a spool rather than not at all: an outage then pauses reading (the sink
            # raises, ingest retries) instead of spooling. Nothing is lost either way.
            self._broken = str(exc)
            log.error("%s; running without the outage spool", exc)
            return
        if self.spool.records:
            log.warning("spool: %d batches (%d bytes) left from an earlier run; draining",
                        self.spool.records, self.spool.pending_bytes)
            self._spooling = True
            self._since = self._clock.time()
        self._gauge()
        self._task = asyncio.create_task(self._drain_loop(), name="spool-drain")

    async def stop(self) -> None:
        if self._broken is not None:
            return
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        self.spool.close()

    def problems(self) -> list[str]:
        if self._broken is not None:
            return [f"outage spool unusable ({self._broken}): reading pauses while the store is down"]
        if not self._spooling:
            return []
        out = [f"store unavailable ({self._last_error or 'earlier run'}): {self.spool.records} batches "
               f"({self.spool.pending_bytes} bytes) spooled in {self.spool.dir}, draining when it returns"]
        if self._full:
            out.append(f"spool full ({self.spool.max_bytes} bytes): reading is paused")
        return out

    @property
    def spooling(self) -> bool:
        return self._spooling

    async def wait_drained(self) -> None:
        """Return once nothing is spooled (for tests and graceful shutdown)."""
        async with self._changed:
            await self._changed.wait_for(lambda: not self._spooling)

    # --- the sink ---------------------------------------------------------------------------------

    async def __call__(self, events: list[ErrorEvent]) -> None:
        if not events:
            return
        if not self._spooling:
            for attempt in range(CONFLICT_RETRIES + 1):
                try:
                    await self._sink(events)
                    return
                except StoreConflict as exc:
                    # Another replica wrote the same rows first: re-running now succeeds (the receipts
                    # make it exactly once). Not an outage, so no spooling unless it keeps happening.
                    if attempt == CONFLICT_RETRIES:
                        self._outage(exc)
                    else:
                        await asyncio.sleep(random.uniform(0, 0.02 * (attempt + 1)))
                except StoreUnavailable as exc:
                    if self._broken is not None:
                        raise  # no spool: ingest keeps the batch and retries (reading pauses)
                    self._outage(exc)
                    break
        await self._append(encode_batch(events))

    def _outage(self, exc: StoreUnavailable) -> None:
        if not self._spooling:
            log.error("store unavailable, spooling events to %s: %s", self.spool.dir, exc)
            self._since = self._clock.time()
        self._spooling = True
        self._last_error = str(exc)
        if self._telemetry is not None:
            self._telemetry.store_errors.labels("ingest_sink").inc()

    async def _append(self, payload: bytes) -> None:
        self._appending += 1
        try:
            async with self._changed:
                if not self.spool.has_room(len(payload) + 10):
                    self._full = True
                    log.warning("spool full (%d bytes): pausing reading until it drains", self.spool.max_bytes)
                    await self._changed.wait_for(lambda: self.spool.has_room(len(payload) + 10))
                    self._full = False
                try:
                    await asyncio.to_thread(self.spool.append, payload)
                except SpoolError as exc:
                    # Neither stored nor spooled: the caller (ingest) keeps the batch and retries.
                    log.error("%s", exc)
                    if self.spool.records == 0:
                        self._spooling = False  # nothing queued: the next batch tries the store first
                    raise StoreUnavailable(f"store unavailable and {exc}") from exc
                self._gauge()
                self._changed.notify_all()
        finally:
            self._appending -= 1

    # --- draining ---------------------------------------------------------------------------------

    async def _drain_loop(self) -> None:
        delay = self._retry_min
        failures = 0
        while True:
            async with self._changed:
                await self._changed.wait_for(lambda: self.spool.records > 0)
                item = await asyncio.to_thread(self.spool.peek)
            if item is None:
                log.error("spool: %d batches counted but none found in %s", self.spool.records, self.spool.dir)
                async with self._changed:
                    self.spool.reset_count()
                    self._spooling = self._appending > 0
                    self._changed.notify_all()
                continue
            payload, end = item
            try:
                events = decode_batch(payload)
                await self._sink(events)
            except StoreUnavailable as exc:
                self._last_error = str(exc)
                await self._clock.sleep(delay)
                delay = min(delay * 2, self._retry_max)
                continue
            except asyncio.CancelledError:
                raise
            except (SpoolCodecError, Exception) as exc:  # noqa: BLE001 - one bad batch must not stop the drain
                failures += 1
                if failures < self._max_failures and not isinstance(exc, SpoolCodecError):
                    log.warning("spool: delivering a batch failed (%d/%d): %s", failures, self._max_failures, exc)
                    await self._clock.sleep(delay)
                    delay = min(delay * 2, self._retry_max)
                    continue
                path = await asyncio.to_thread(self.spool.set_aside, payload, f"{type(exc).__name__}: {exc}")
                self.set_aside += 1
                log.error("spool: a batch was rejected %d times and set aside in %s: %s", failures, path, exc)
            failures = 0
            delay = self._retry_min
            async with self._changed:
                await asyncio.to_thread(self.spool.ack, end)
                if self.spool.records == 0 and self._appending == 0:
                    if self._spooling:
                        log.warning("store is back; spool drained")
                    self._spooling = False
                    self._full = False
                self._gauge()
                self._changed.notify_all()

    def _gauge(self) -> None:
        if self._telemetry is not None:
            self._telemetry.spool_bytes.set(self.spool.pending_bytes)


def build(sidecar: Any, sink: EventSink) -> SpoolingSink:
    """The app component: wrap the errors stage's sink; give the result to ingest as its sink."""
    cfg = sidecar.config.store
    directory = cfg.spool_dir or str(Path(cfg.path).parent / "spool")
    return SpoolingSink(sink, directory, cfg.spool_max_bytes, sidecar.clock,
                        telemetry=sidecar.telemetry, retry_max=cfg.spool_retry_max)
