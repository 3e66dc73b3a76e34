"""The incremental aggregates give the numbers the record walk gives, on generated streams with
late and out-of-order records, pruning and eviction, for random windows; the quantile sketch
stays within its stated 1% relative error."""

from __future__ import annotations

import math
import random

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig
from sidecar.metrics.aggregate import EXACT_QUANTILE_LIMIT, SKETCH_ACCURACY, Sketch
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec

S = "async_upload"
SPECS = [
    MetricSpec(source="jsonl", stream=S, function="success_rate", where={"execution_type": "async"},
               failure_when={"execution_type": "sync_fallback"}),
    MetricSpec(source="jsonl", stream=S, function="error_rate", where={"execution_type": "sync"}),
    MetricSpec(source="jsonl", stream=S, function="count", where={"execution_type": "async"},
               failure_when={"execution_type": "sync_fallback"}),
    MetricSpec(source="jsonl", stream=S, function="rate", where={"provider": "glm"}),
    MetricSpec(source="jsonl", stream=S, function="quantile", quantile=0.95, field="duration_ms",
               where={"execution_type": "async"}),
]


def hubs(clock: ManualClock, max_records: int = 100_000) -> tuple[MetricsHub, MetricsHub]:
    cfg = MetricsConfig(window=1800, jsonl=[JsonlStream(name=S, paths=["/nonexistent"], max_records=max_records)])
    return MetricsHub(cfg, clock, incremental=True), MetricsHub(cfg, clock, incremental=False)


def record(rng: random.Random) -> dict[str, object]:
    kind = rng.choice(["async", "sync", "sync", "sync_fallback"])
    return {"execution_type": kind, "success": rng.random() > 0.05 if rng.random() > 0.01 else "false",
            "duration_ms": rng.lognormvariate(6.5, 0.6) if rng.random() > 0.02 else None,
            "provider": rng.choice(["kimi", "glm"])}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("max_records", [100_000, 700])
async def test_incremental_and_walking_measurements_agree(clock: ManualClock, seed: int, max_records: int) -> None:
    rng = random.Random(seed)
    inc, walk = hubs(clock, max_records)
    for step in range(120):
        clock.advance(rng.uniform(1, 40))
        for _ in range(rng.randrange(0, 40)):
            late = rng.random() < 0.1
            t = clock.time() - (rng.uniform(0, 300) if late else rng.uniform(0, 2))
            r = record(rng)
            inc.ingest_record(S, r, t=t)
            walk.ingest_record(S, r, t=t)
        if step % 3 == 0:
            for spec in SPECS:
                window = rng.choice([1.0, 30.0, 10.0 * rng.randrange(1, 50), rng.uniform(1, 1800), 1800.0])
                a, b = await inc.measure(spec, window), await walk.measure(spec, window)
                assert (a.value, a.count, a.successes, a.newest) == (b.value, b.count, b.successes, b.newest), (
                    spec.function, window)


def test_the_sketch_is_within_its_relative_error_of_the_order_statistic() -> None:
    rng = random.Random(5)
    for dist in (lambda: rng.lognormvariate(6, 1.5), lambda: rng.expovariate(0.01), lambda: rng.uniform(0.001, 1e6)):
        values = [dist() for _ in range(20_000)]
        parts = [Sketch() for _ in range(7)]
        for i, v in enumerate(values):
            parts[i % 7].add(v)
        total = Sketch()
        for p in parts:
            total.merge(p)
        ordered = sorted(values)
        for q in (0.5, 0.9, 0.95, 0.99):
            exact = ordered[math.ceil(q * (len(values) - 1))]
            got = total.quantile(q)
            assert got is not None and abs(got - exact) <= SKETCH_ACCURACY * exact * (1 + 1e-9)


async def test_a_big_window_uses_the_sketch_and_stays_close(clock: ManualClock) -> None:
    rng = random.Random(7)
    inc, walk = hubs(clock)
    now = clock.time()
    n = EXACT_QUANTILE_LIMIT * 3
    for i in range(n):
        r = {"execution_type": "async", "success": True, "duration_ms": rng.lognormvariate(6.5, 0.6)}
        inc.ingest_record(S, r, t=now - 1700 + 1700 * i / n)
        walk.ingest_record(S, r, t=now - 1700 + 1700 * i / n)
    a, b = await inc.measure(SPECS[4], 1800), await walk.measure(SPECS[4], 1800)
    assert a.count == b.count == n and "sketch" in a.reason
    assert a.value is not None and b.value is not None and abs(a.value - b.value) <= 0.011 * b.value
