"""Helpers for the alerting integration tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sidecar.alerts import Alerts
from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.config import AlertsConfig
from sidecar.store.base import Store
from sidecar.telemetry import Telemetry


async def until(cond: Callable[[], Any], within: float = 10.0, what: str = "condition") -> None:
    """Wait for I/O or another task to make `cond` true (never used to let a time window pass)."""
    deadline = time.monotonic() + within
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def until_async(cond: Callable[[], Any], within: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + within
    while True:
        value = await cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


class Harness:
    """Builds, starts and stops Alerts components on one store (several, to test restarts)."""

    def __init__(self, store: Store, bus: Bus, clock: ManualClock, telemetry: Telemetry) -> None:
        self.store, self.bus, self.clock, self.telemetry = store, bus, clock, telemetry
        self.running: list[Alerts] = []

    async def start(self, config: AlertsConfig, **kw: Any) -> Alerts:
        import random

        alerts = Alerts(config, self.store, self.bus, self.clock, self.telemetry, "http://sidecar.test:8081",
                        rng=random.Random(7), environ={}, **kw)
        await alerts.start()
        self.running.append(alerts)
        return alerts

    async def stop(self, alerts: Alerts) -> None:
        self.running.remove(alerts)
        await alerts.stop()

    async def publish(self, alerts: Alerts, kind: str, **data: Any) -> None:
        """Publish on the bus and wait until the component has applied it."""
        seen = alerts.events_seen
        self.bus.publish(kind, self.clock.time(), **data)
        await until(lambda: alerts.events_seen > seen, what=f"{kind} to be handled")

    async def advance(self, seconds: float) -> None:
        """Move time and tell the schedulers. A ManualClock sleeper registers its deadline when its
        task first runs, so a scheduler between computing its delay and sleeping would otherwise
        sleep past the moment; a real clock has no such gap worth mentioning."""
        self.clock.advance(seconds)
        for alerts in self.running:
            alerts.wake()
        await asyncio.sleep(0)

    async def delivery_rows(self) -> list[dict[str, Any]]:
        return list(reversed(await self.store.alerts.recent(limit=500)))
