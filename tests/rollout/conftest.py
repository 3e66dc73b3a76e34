"""Fixtures for rollout tests: recorded gateway traffic as the measurement provider, a real local
webhook receiver, and a small rollout config."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from sidecar.clock import ManualClock
from sidecar.config import GateConfig, HookConfig, RolloutConfig, StageConfig
from sidecar.metrics.model import Measurement, MetricSpec
from sidecar.store.base import Store
from sidecar.store.sqlite import open_sqlite
from tests.helpers import Received

SECRET = "s3cret-hook-key"

SUCCESS = MetricSpec(source="jsonl", stream="rollout", function="success_rate", where={"execution_type": "async"})
ERRORS = MetricSpec(source="jsonl", stream="rollout", function="error_rate", where={"execution_type": "async"})
COUNT = MetricSpec(source="jsonl", stream="rollout", function="count", where={"execution_type": "async"})
P95 = MetricSpec(source="jsonl", stream="rollout", function="quantile", quantile=0.95, field="duration_ms",
                 where={"execution_type": "async"})
P95_BASE = P95.model_copy(update={"where": {"execution_type": "sync"}})
MEMORY = MetricSpec(source="scrape", function="gauge_avg", metric="process_resident_memory_bytes")


class Traffic:
    """Per-request records like the gateway's rollout metrics.jsonl, measured over clock windows.

    It answers `measure(spec, window)` exactly as the metrics contract says: proportions with
    count = trials and successes = positive outcomes, `value=None` with a reason when empty.
    """

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.records: list[tuple[float, str, bool, float]] = []
        self.memory: float | None = 100e6
        self.fail_with: Exception | None = None
        self.calls = 0

    def add(self, n: int, variant: str = "async", errors: int = 0, duration: float = 100.0) -> None:
        now = self.clock.time() + 0.001  # strictly after the evaluation that just happened
        for i in range(n):
            self.records.append((now, variant, i >= errors, duration))

    def healthy(self, canary: int = 50, baseline: int = 200) -> None:
        self.add(canary, "async")
        self.add(baseline, "sync")

    async def measure(self, spec: MetricSpec, window: float) -> Measurement:
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with
        if spec.source == "scrape":
            return Measurement(self.memory, 1 if self.memory is not None else 0,
                               reason="" if self.memory is not None else "no samples",
                               newest=self.clock.time() if self.memory is not None else None)
        now = self.clock.time()
        variant = spec.where.get("execution_type")
        rows = [r for r in self.records if now - window < r[0] <= now and (variant is None or r[1] == variant)]
        n = len(rows)
        newest = max((r[0] for r in rows), default=None)
        if spec.function == "count":
            return Measurement(float(n), n, newest=newest)
        if n == 0:
            return Measurement(None, 0, 0, "no records in window")
        ok = sum(1 for r in rows if r[2])
        if spec.function == "success_rate":
            return Measurement(ok / n, n, ok, newest=newest)
        if spec.function == "error_rate":
            return Measurement((n - ok) / n, n, n - ok, newest=newest)
        if spec.function == "quantile":
            values = sorted(r[3] for r in rows)
            return Measurement(values[min(n - 1, math.ceil(spec.quantile * n) - 1)], n, newest=newest)
        raise ValueError(f"unsupported {spec.function}")


@dataclass
class Receiver:
    """A real HTTP hook receiver on 127.0.0.1 that records every request."""

    port: int
    requests: list[Received] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)  # per path: responses in order, then 200
    runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def on(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    async def start(self) -> None:
        async def handle(request: web.Request) -> web.Response:
            self.requests.append(Received(request.path, dict(request.headers), await request.read()))
            queue = self.statuses.get(request.path) or []
            status = queue.pop(0) if queue else 200
            return web.json_response({"ok": status < 300}, status=status)

        app = web.Application()
        app.router.add_post("/{tail:.*}", handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


@pytest.fixture
async def receiver(free_port) -> AsyncIterator[Receiver]:
    r = Receiver(free_port)
    await r.start()
    try:
        yield r
    finally:
        await r.stop()


@pytest.fixture
def traffic(clock) -> Traffic:
    return Traffic(clock)


@pytest.fixture
async def store2(sqlite_store: Store, tmp_path) -> AsyncIterator[Store]:
    """A second connection to `sqlite_store`'s database: another replica, or the same one restarted."""
    store = await open_sqlite(str(tmp_path / "sidecar.db"))
    try:
        yield store
    finally:
        await store.close()


def rollout_config(url: str | None = None, *, approval_stage: int | None = None, hooks: list[HookConfig] | None = None,
                   triggers: list[GateConfig] | None = None, **kw: Any) -> RolloutConfig:
    """1/10/50/100%, hold 60 s, interval 10 s; success-rate gates; error-rate trigger at 20%."""
    stages = []
    for i, (pct, n) in enumerate([(1, 20), (10, 50), (50, 100), (100, 200)]):
        stages.append(StageConfig(
            percent=pct, hold=60, min_samples=n, approval=(i == approval_stage),
            gates=[GateConfig(name="success-rate", metric=SUCCESS, op=">=", threshold=0.95, min_samples=n,
                              confidence=0.99, consecutive_failure_limit=2)],
        ))
    if triggers is None:
        triggers = [GateConfig(name="error-rate", metric=ERRORS, op=">", threshold=0.2, window=60,
                               scan_windows=[20], min_samples=20, confidence=0.95)]
    if hooks is None and url is not None:
        hooks = [
            HookConfig(kind="rollback", name="rb", url=f"{url}/rollback", secret=SECRET, retries=3, backoff=5),
            HookConfig(kind="stage-change", name="flag", url=f"{url}/stage", secret=SECRET),
            HookConfig(kind="promote", name="promo", url=f"{url}/promote"),
        ]
    return RolloutConfig(name="async-upload", flag="ASYNC_UPLOAD_ROLLOUT", enable_flag="ASYNC_UPLOAD_ENABLED",
                         stages=stages, triggers=triggers, hooks=hooks or [], interval=10, **kw)


@pytest.fixture
async def make() -> AsyncIterator[Any]:
    """Build RolloutControllers and stop them (closing their HTTP sessions) at teardown."""
    from sidecar.rollout import RolloutController

    built: list[RolloutController] = []

    def factory(*args: Any, **kw: Any) -> RolloutController:
        c = RolloutController(*args, **kw)
        built.append(c)
        return c

    yield factory
    for c in built:
        await c.stop()
