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

On disk: see spool_disk.py (fsynced append-only segments, torn-tail repair, drain position).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import backoff
from ..backoff import Backoff
from ..clock import Clock
from ..ingest.record import ErrorEvent
from ..tasks import cancel_and_wait
from .base import StoreUnavailable
from .conflict import StoreConflict
from .spool_codec import SpoolCodecError, decode_batch, encode_batch
from .spool_disk import Spool, SpoolError

if TYPE_CHECKING:
    from ..config import StoreConfig
    from ..telemetry import Telemetry

log = logging.getLogger(__name__)

EventSink = Callable[[list[ErrorEvent]], Awaitable[None]]

CONFLICT_RETRIES = 3  # immediate re-runs of a batch that lost a write race before it is spooled


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
            log.error("running without the outage spool", extra={"error": str(exc)})
            return
        if self.spool.records:
            log.warning("spool: batches left from an earlier run; draining",
                        extra={"batches": self.spool.records, "bytes": self.spool.pending_bytes})
            self._spooling = True
        self._gauge()
        self._task = asyncio.create_task(self._drain_loop(), name="spool-drain")

    async def stop(self) -> None:
        if self._broken is not None:
            return
        await cancel_and_wait(self._task)
        self._task = None
        self.spool.close()

    def degraded(self) -> list[str]:
        return []

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
                        await asyncio.sleep(backoff.delay(attempt + 1, 0.02, 0.2, jitter=1.0))  # full jitter: replicas apart
                except StoreUnavailable as exc:
                    if self._broken is not None:
                        raise  # no spool: ingest keeps the batch and retries (reading pauses)
                    self._outage(exc)
                    break
        await self._append(encode_batch(events))

    def _outage(self, exc: StoreUnavailable) -> None:
        if not self._spooling:
            log.error("store unavailable, spooling events", extra={"dir": str(self.spool.dir), "error": str(exc)})
        self._spooling = True
        self._last_error = str(exc)
        if self._telemetry is not None:
            self._telemetry.store_errors.labels("ingest_sink").inc()

    async def _append(self, payload: bytes) -> None:
        self._appending += 1
        try:
            async with self._changed:
                if not self.spool.has_room(len(payload)):
                    self._full = True
                    log.warning("spool full: pausing reading until it drains", extra={"max_bytes": self.spool.max_bytes})
                    await self._changed.wait_for(lambda: self.spool.has_room(len(payload)))
                    self._full = False
                try:
                    await asyncio.to_thread(self.spool.append, payload)
                except SpoolError as exc:
                    # Neither stored nor spooled: the caller (ingest) keeps the batch and retries.
                    log.error("spool write failed", extra={"error": str(exc)})
                    if self.spool.records == 0:
                        self._spooling = False  # nothing queued: the next batch tries the store first
                    raise StoreUnavailable(f"store unavailable and {exc}") from exc
                self._gauge()
                self._changed.notify_all()
        finally:
            self._appending -= 1

    # --- draining ---------------------------------------------------------------------------------

    async def _drain_loop(self) -> None:
        retry = Backoff(self._retry_min, self._retry_max)
        failures = 0
        while True:
            async with self._changed:
                await self._changed.wait_for(lambda: self.spool.records > 0)
                item = await asyncio.to_thread(self.spool.peek)
            if item is None:
                log.error("spool: batches counted but none found", extra={"batches": self.spool.records,
                                                                         "dir": str(self.spool.dir)})
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
                await self._clock.sleep(retry.next())
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - one bad batch (or a SpoolCodecError) must not stop the drain
                failures += 1
                if failures < self._max_failures and not isinstance(exc, SpoolCodecError):
                    log.warning("spool: delivering a batch failed", extra={"failures": failures, "max_failures": self._max_failures,
                                                                       "error": str(exc)})
                    await self._clock.sleep(retry.next())
                    continue
                path = await asyncio.to_thread(self.spool.set_aside, payload, f"{type(exc).__name__}: {exc}")
                self.set_aside += 1
                log.error("spool: a rejected batch was set aside", extra={"failures": failures, "path": str(path),
                                                                         "error": str(exc)})
            failures = 0
            retry.reset()
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


def build(config: StoreConfig, sink: EventSink, clock: Clock, telemetry: Telemetry) -> SpoolingSink:
    """The spool stage: wrap the errors stage's sink; the result is what ingest delivers to."""
    directory = config.spool_dir or str(Path(config.path).parent / "spool")
    return SpoolingSink(sink, directory, config.spool_max_bytes, clock,
                        telemetry=telemetry, retry_max=config.spool_retry_max)
