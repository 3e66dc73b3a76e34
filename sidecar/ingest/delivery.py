"""Between reading and storing: a bounded queue, so the next chunk is parsed while this one is stored.

The tailer `put`s each read's events with the position to resume from once they are stored; one
consumer task hands them to the sink (the store, or the outage spool in front of it), coalescing
what waits into batches of up to `batch_size`. A file's checkpoint (`Tracked.acked`) moves only
when the sink accepted everything put before it, in order. Back-pressure: at most `depth` reads
wait; after that `put` blocks, so a slow or failing store slows reading and memory stays bounded.
A failing sink is retried (same events, backoff `RETRY_MIN`..`RETRY_MAX`); re-sent events that the
store had already taken are recognised by their event key (file identity + offset).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from ..backoff import Backoff
from ..clock import Clock
from .record import ErrorEvent
from .tracked import RETRY_MAX, RETRY_MIN, EventSink, Tracked

log = logging.getLogger(__name__)

DEPTH = 4  # reads waiting to be stored (each up to READ_BUDGET bytes of log)


@dataclass(slots=True)
class _Read:
    f: Tracked
    events: list[ErrorEvent]
    resume: tuple[int, int]
    gen: int  # the file's generation when read (a truncation starts a new one: older acks are void)


class Delivery:
    def __init__(self, sink: EventSink, clock: Clock, batch_size: int, on_ack: Callable[[], None],
                 depth: int = DEPTH) -> None:
        self.sink = sink
        self.clock = clock
        self.batch_size = max(1, batch_size)
        self.on_ack = on_ack  # checkpoints became dirty
        self._queue: asyncio.Queue[_Read] = asyncio.Queue(maxsize=depth)
        self._task: asyncio.Task[None] | None = None
        self.error: str | None = None  # the sink's last failure, None while it accepts

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ingest-delivery")

    async def put(self, f: Tracked, events: list[ErrorEvent], resume: tuple[int, int]) -> None:
        """Queue a read's events (possibly none: the position still moves in order after the rest)."""
        now = self.clock.time()
        for event in events:
            if event.received_at is None:
                event.received_at = now
        f.inflight += 1
        await self._queue.put(_Read(f, events, resume, f.gen))

    def waiting(self) -> int:
        return self._queue.qsize()

    async def drain(self) -> None:
        """Wait until everything queued was stored (at stop; the caller bounds the wait)."""
        await self._queue.join()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        while True:
            reads = [await self._queue.get()]
            n = len(reads[0].events)
            while n < self.batch_size and not self._queue.empty():
                r = self._queue.get_nowait()
                reads.append(r)
                n += len(r.events)
            try:
                await self._store([e for r in reads for e in r.events])
            finally:
                for _ in reads:
                    self._queue.task_done()
            for r in reads:
                r.f.inflight -= 1
                r.f.src.events += len(r.events)
                if r.gen == r.f.gen and r.f.acked != r.resume:
                    r.f.acked = r.resume
                    self.on_ack()

    async def _store(self, events: list[ErrorEvent]) -> None:
        """Hand `events` to the sink in batches; retry from the first one not accepted until it works."""
        i = 0
        retry = Backoff(RETRY_MIN, RETRY_MAX)
        while i < len(events):
            batch = events[i:i + self.batch_size]
            try:
                await self.sink(batch)
            except Exception as exc:  # the sink's own errors: kept, retried, reported by problems()
                if self.error is None:
                    log.warning("ingest: sink rejected events (will retry)", extra={"events": len(batch), "error": str(exc)})
                self.error = f"{type(exc).__name__}: {exc}"
                await self.clock.sleep(retry.next())
                continue
            i += len(batch)
            retry.reset()
        if events and self.error is not None:
            log.info("ingest: sink accepts events again")
            self.error = None
