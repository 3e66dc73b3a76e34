"""In-process events bus: stages publish what happened; notifiers and the dashboard subscribe.

Each subscriber has its own bounded queue. A slow subscriber never blocks a publisher: when its
queue is full the oldest event is dropped and counted (alerts re-derive state from the store, so a
dropped live update costs freshness, not correctness).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# Event kinds published on the bus. Stages add kinds here so subscribers can rely on the names.
GROUP_NEW = "group.new"
GROUP_REGRESSED = "group.regressed"
GROUP_UPDATED = "group.updated"
GROUP_STATUS = "group.status"
DIAGNOSIS_READY = "diagnosis.ready"
DIAGNOSIS_LLM_PAUSED = "diagnosis.llm_paused"  # LLM circuit opened: quota exhausted, auth failed, provider down
ROLLOUT_TRANSITION = "rollout.transition"
ROLLOUT_GATE_FAILED = "rollout.gate_failed"
ROLLOUT_GATE_PASSED = "rollout.gate_passed"  # a failed (or stale) gate passes (is fresh) again: resolve its alert
ROLLOUT_ROLLBACK = "rollout.rollback"
ROLLOUT_PROMOTED = "rollout.promoted"
ROLLOUT_WAITING_APPROVAL = "rollout.waiting_approval"
ALERT_DELIVERY = "alert.delivery"


@dataclass(frozen=True, slots=True)
class BusEvent:
    kind: str
    at: float
    data: dict[str, Any] = field(default_factory=dict)


class Subscription:
    def __init__(self, bus: Bus, kinds: frozenset[str] | None, maxsize: int) -> None:
        self._bus = bus
        self.kinds = kinds
        self.queue: asyncio.Queue[BusEvent] = asyncio.Queue(maxsize=maxsize)
        self.dropped = 0

    def offer(self, event: BusEvent) -> None:
        if self.kinds is not None and event.kind not in self.kinds:
            return
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(event)

    async def get(self) -> BusEvent:
        return await self.queue.get()

    def close(self) -> None:
        self._bus._subs.discard(self)

    async def __aiter__(self) -> AsyncIterator[BusEvent]:
        while True:
            yield await self.queue.get()


class Bus:
    """Fan-out publish/subscribe with bounded per-subscriber queues."""

    def __init__(self) -> None:
        self._subs: set[Subscription] = set()

    def subscribe(self, kinds: set[str] | None = None, maxsize: int = 1000) -> Subscription:
        sub = Subscription(self, frozenset(kinds) if kinds is not None else None, maxsize)
        self._subs.add(sub)
        return sub

    def publish(self, kind: str, at: float, **data: Any) -> BusEvent:
        event = BusEvent(kind=kind, at=at, data=data)
        for sub in list(self._subs):
            sub.offer(event)
        return event
