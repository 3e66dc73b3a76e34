"""Counting an error once when the SDK sends it and the log file records it too.

The gateway can enable `sentry_sdk.init(...)` (or OpenTelemetry logging) and keep logging to its
files: one `logger.exception(...)` then reaches the sidecar twice, as an SDK event with context and
as a log record with a traceback. With `collect.dedup_window` > 0 the second copy to arrive is
dropped before it is counted.

Two copies are the same occurrence when they come from different origins (an SDK vs a log file)
and agree on what the error is - for a traceback, the exception type, its message and every
frame's file and function (line numbers too: the same process printed both); for a message, the
logger, level and text - and arrived within `dedup_window` seconds of each other (received time:
both paths deliver within about a second, while the log's own timestamp may lack a zone). Two
occurrences of one error from the same origin are never merged, so real repeats still count.

The memory is an LRU of the last `MAX_ENTRIES` keys, per process: with several replicas each
one dedups what it receives (run the SDK endpoint and the tailer on the same replica).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable

from ...clock import Clock
from ..record import ErrorEvent

MAX_ENTRIES = 20_000
MAX_WAITING_PER_KEY = 1_000  # a storm of one error keeps at most this many unmatched copies per origin
EventSink = Callable[[list[ErrorEvent]], Awaitable[None]]


def occurrence_key(event: ErrorEvent) -> str:
    """What makes two copies the same occurrence (see the module docstring)."""
    if event.exception_type:
        parts = [event.exception_type, event.exception_message or ""]
        parts += [f"{f.file}:{f.function}:{f.line}" for f in event.frames]
    else:
        parts = ["msg", event.logger or "", event.level, event.message]
    return hashlib.sha256("\x1f".join(parts).encode(errors="replace")).hexdigest()


def origin(event: ErrorEvent) -> str:
    return "sdk" if event.extra is not None else "log"


class Deduplicator:
    """Admits each copy unless an unmatched copy of the same occurrence from the other origin
    arrived within the window; then the two are one occurrence (counted once) and both are used up.

    Per key it keeps the arrival times of copies still waiting for their twin, per origin, so
    three SDK events followed by their three log records make three occurrences, not four.
    """

    def __init__(self, window: float, clock: Clock, on_drop: Callable[[], None] | None = None) -> None:
        self.window = window
        self._clock = clock
        self._on_drop = on_drop
        self._waiting: OrderedDict[str, dict[str, deque[float]]] = OrderedDict()
        self.dropped = 0

    def admit(self, event: ErrorEvent) -> bool:
        if self.window <= 0:
            return True
        key, mine, now = occurrence_key(event), origin(event), self._clock.time()
        waiting = self._waiting.pop(key, None) or {"sdk": deque(), "log": deque()}
        self._waiting[key] = waiting  # most recently used last
        other = waiting["log" if mine == "sdk" else "sdk"]
        while other and now - other[0] > self.window:
            other.popleft()  # too old to be this copy's twin
        if other:
            other.popleft()
            self.dropped += 1
            if self._on_drop is not None:
                self._on_drop()
            return False
        own = waiting[mine]
        own.append(now)
        if len(own) > MAX_WAITING_PER_KEY:
            own.popleft()
        if len(self._waiting) > MAX_ENTRIES:
            self._waiting.popitem(last=False)
        return True


class DedupSink:
    """An event sink that passes on only what the `Deduplicator` admits."""

    def __init__(self, sink: EventSink, dedup: Deduplicator) -> None:
        self._sink = sink
        self.dedup = dedup

    async def __call__(self, events: list[ErrorEvent]) -> None:
        kept = [e for e in events if self.dedup.admit(e)]
        if kept:
            await self._sink(kept)
