"""MetricsHub.measure over fed records and samples (ManualClock; no files, no HTTP)."""

from __future__ import annotations

import math
import random

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig, ScrapeTarget
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec

NOW = 1_763_900_000.0


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=NOW)


@pytest.fixture
def hub(clock: ManualClock, tmp_path) -> MetricsHub:
    cfg = MetricsConfig(
        window=1800,
        jsonl=[JsonlStream(name="rollout", paths=[str(tmp_path / "metrics.jsonl")])],
        targets=[ScrapeTarget(name="gw", url="http://127.0.0.1:9/metrics", interval=5),
                 ScrapeTarget(name="mem", url="http://127.0.0.1:9/health/memory", kind="health_json", interval=5)],
    )
    return MetricsHub(cfg, clock)


def feed_requests(hub: MetricsHub, kind: str, n: int, failures: int, *, start: float, spacing: float = 1.0) -> None:
    for i in range(n):
        ok = i >= failures
        hub.ingest_record("rollout", {"execution_type": kind, "success": ok, "duration_ms": float(i + 1),
                                      "error_type": None if ok else "TimeoutError", "provider": "kimi"},
                          t=start + i * spacing)


async def test_canary_and_baseline_success_rates_from_records(hub: MetricsHub, clock: ManualClock) -> None:
    feed_requests(hub, "async", 200, 4, start=NOW - 250)
    feed_requests(hub, "sync", 300, 1, start=NOW - 299)
    canary = await hub.measure(MetricSpec(function="success_rate", stream="rollout",
                                          where={"execution_type": "async"}), 300)
    assert (canary.value, canary.count, canary.successes) == (196 / 200, 200, 196)
    baseline = await hub.measure(MetricSpec(function="error_rate", stream="rollout",
                                            where={"execution_type": "sync"}), 300)
    assert (baseline.value, baseline.count, baseline.successes) == (1 / 300, 300, 1)
    p95 = await hub.measure(MetricSpec(function="quantile", quantile=0.95, stream="rollout", field="duration_ms",
                                       where={"execution_type": "async"}), 300)
    assert p95.value == pytest.approx(1 + 0.95 * 199) and p95.count == 200
    biggest = await hub.measure(MetricSpec(function="gauge_max", stream="rollout", field="duration_ms"), 300)
    assert biggest.value == 300.0
    n = await hub.measure(MetricSpec(function="count", stream="rollout", where={"success": "false"}), 300)
    assert n.value == 5


async def test_window_excludes_older_records_and_empty_is_no_data(hub: MetricsHub, clock: ManualClock) -> None:
    feed_requests(hub, "async", 100, 50, start=NOW - 1000)  # all failures are older than the window
    feed_requests(hub, "async", 10, 0, start=NOW - 50)
    m = await hub.measure(MetricSpec(function="success_rate", stream="rollout"), 60)
    assert (m.value, m.count) == (1.0, 10)
    clock.advance(120)
    m = await hub.measure(MetricSpec(function="success_rate", stream="rollout"), 60)
    assert m.value is None and m.count == 0 and "no rollout records" in m.reason


async def test_rollout_stage_records_are_not_requests(hub: MetricsHub) -> None:
    assert not hub.ingest_record("rollout", {"event_type": "rollback", "reason": "x", "metrics": {}}, t=NOW)
    m = await hub.measure(MetricSpec(function="count", stream="rollout"), 60)
    assert m.value == 0


def feed_counters(hub: MetricsHub, ticks: int, per_tick: int, errors_per_tick: int, *, target: str = "gw") -> None:
    ok = err = 1000.0
    for i in range(ticks):
        t = NOW - (ticks - 1 - i) * 5
        hub.add_sample("mcp_api_calls_total", ok, t, {"provider": "kimi", "status": "success"}, target=target)
        hub.add_sample("mcp_api_calls_total", err, t, {"provider": "kimi", "status": "error"}, target=target)
        ok += per_tick - errors_per_tick
        err += errors_per_tick


async def test_scraped_error_rate_is_a_ratio_of_counter_increases(hub: MetricsHub) -> None:
    feed_counters(hub, 61, 100, 3)
    spec = MetricSpec(source="scrape", function="error_rate", metric="mcp_api_calls_total", where={"status": "error"})
    m = await hub.measure(spec, 300)
    assert m.value == pytest.approx(0.03)
    assert m.count == 6000 and m.successes == 180
    # the metric may be named without _total
    spec2 = MetricSpec(source="scrape", function="rate", metric="mcp_api_calls", where={"status": "error"})
    assert (await hub.measure(spec2, 300)).value == pytest.approx(3 / 5)


async def test_error_counter_absent_means_zero_errors(hub: MetricsHub) -> None:
    for i in range(10):
        hub.add_sample("mcp_api_calls_total", 1000.0 + 10 * i, NOW - 45 + 5 * i, {"status": "success"}, target="gw")
    m = await hub.measure(MetricSpec(source="scrape", function="error_rate", metric="mcp_api_calls_total",
                                     where={"status": "error"}), 60)
    assert m.value == 0.0 and m.successes == 0


async def test_stale_target_gives_no_data(hub: MetricsHub, clock: ManualClock) -> None:
    feed_counters(hub, 20, 100, 3)
    spec = MetricSpec(source="scrape", function="error_rate", metric="mcp_api_calls_total", where={"status": "error"})
    assert (await hub.measure(spec, 60)).has_data
    clock.advance(16)  # > 3 intervals of 5 s without a scrape
    m = await hub.measure(spec, 60)
    assert m.value is None and "target gw stale" in m.reason


async def test_scraped_histogram_quantile_and_gauges(hub: MetricsHub) -> None:
    bounds = {"0.1": 0.1, "0.5": 0.6, "1.0": 0.9, "+Inf": 1.0}  # cumulative fraction per bucket
    for i in range(13):
        t = NOW - 60 + 5 * i
        for le, frac in bounds.items():
            for provider in ("kimi", "glm"):
                hub.add_sample("mcp_api_latency_seconds_bucket", 5000 * frac + 50 * frac * i, t,
                               {"le": le, "provider": provider}, target="gw")
        hub.add_sample("mcp_memory_usage_bytes", 100e6 + i * 1e6, t, target="gw")
    p50 = await hub.measure(MetricSpec(source="scrape", function="quantile", quantile=0.5,
                                       metric="mcp_api_latency_seconds"), 60)
    assert p50.value == pytest.approx(0.1 + 0.4 * (0.5 - 0.1) / 0.5)
    kimi = await hub.measure(MetricSpec(source="scrape", function="quantile", quantile=0.5,
                                        metric="mcp_api_latency_seconds_bucket", where={"provider": "kimi"}), 60)
    assert kimi.value == pytest.approx(p50.value) and kimi.count == pytest.approx(p50.count / 2, abs=1)
    mem = await hub.measure(MetricSpec(source="scrape", function="gauge_last", metric="mcp_memory_usage_bytes"), 60)
    assert mem.value == 112e6
    mx = await hub.measure(MetricSpec(source="scrape", function="gauge_avg", metric="mcp_memory_usage_bytes"), 30)
    assert mx.value == pytest.approx(109.5e6)


async def test_health_gauges(hub: MetricsHub) -> None:
    hub.add_sample("current_metrics.process_memory_mb", 120.0, NOW - 10, target="mem")
    hub.add_sample("current_metrics.process_memory_mb", 150.0, NOW - 5, target="mem")
    m = await hub.measure(MetricSpec(source="health", function="gauge_max", stream="mem",
                                     field="current_metrics.process_memory_mb"), 60)
    assert m.value == 150.0
    m = await hub.measure(MetricSpec(source="health", function="value", stream="mem", field="nope"), 60)
    assert m.value is None and "no numeric field nope" in m.reason


async def test_specs_that_cannot_be_measured_say_why(hub: MetricsHub) -> None:
    cases = [
        (MetricSpec(function="success_rate", stream="nope"), "not a configured metrics.jsonl stream"),
        (MetricSpec(source="promql", function="value", query="up"), "needs metrics.prometheus_url"),
        (MetricSpec(source="jsonl", function="ratio", stream="rollout"), "not available for source jsonl"),
        (MetricSpec(source="health", function="gauge_last", stream="gw", field="x"), "not a configured health_json"),
        (MetricSpec(source="jsonl", function="quantile", stream="rollout", quantile=0.9), "needs `field`"),
    ]
    for spec, reason in cases:
        m = await hub.measure(spec, 60)
        assert m.value is None and reason in m.reason, (spec, m.reason)
    assert hub.check_spec(MetricSpec(function="count", stream="rollout"), 7200) == [
        "window 7200s is longer than metrics.window (1800s)"]
    assert hub.check_spec(MetricSpec(function="count", stream="rollout"), 60) == []


async def test_nan_samples_are_no_data(hub: MetricsHub) -> None:
    for i in range(5):
        hub.add_sample("mcp_memory_usage_bytes", math.nan if i == 4 else 1.0, NOW - 20 + 5 * i, target="gw")
    m = await hub.measure(MetricSpec(source="scrape", function="gauge_last", metric="mcp_memory_usage_bytes"), 60)
    assert m.value is None and "NaN" in m.reason


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_filter_nobody_asks_for_is_dropped_and_answers_the_same_when_asked_again(
        seed: int, clock: ManualClock, tmp_path) -> None:
    """A filter asked once (a rollout_start baseline, the gates of a rollout that ended) must not be kept up
    forever (recordwindow.py: one sweep per retention drops the unasked ones); asked again, it answers what
    it would have answered kept: the walk's value and the arrival of the last matching record. Twins: a
    filter asked every step, and one asked every 0.9 retention, are kept (the same aggregate, never rebuilt)."""
    rng = random.Random(seed)
    window = rng.choice([300.0, 600.0, 900.0])
    cfg = MetricsConfig(window=window, jsonl=[JsonlStream(name="rollout", paths=[str(tmp_path / "m.jsonl")])])
    hub, walk = MetricsHub(cfg, clock), MetricsHub(cfg, clock, incremental=False)
    retention = hub.jsonl["rollout"].window.retention
    providers = [f"p{rng.randrange(100)}-{i}" for i in range(rng.randint(3, 6))]

    def spec(fn: str, **where: str) -> MetricSpec:
        return MetricSpec(function=fn, stream="rollout", where=where, field="duration_ms",
                          quantile=0.9 if fn == "quantile" else None)

    every = spec("success_rate", execution_type="async")
    sometimes = spec(rng.choice(["count", "quantile"]), execution_type="sync")
    once = [spec(rng.choice(["success_rate", "error_rate", "count", "rate", "quantile"]), provider=p)
            for p in providers]
    arrived: dict[str, float] = {}
    kept = {}
    last_sometimes = clock.time()
    for step in range(int(2.5 * retention / 10)):
        clock.advance(rng.uniform(5, 15))
        for _ in range(rng.randint(0, 4)):
            rec = {"execution_type": rng.choice(["async", "sync"]), "provider": rng.choice(providers),
                   "success": rng.random() > 0.2, "duration_ms": float(rng.randint(1, 900))}
            t = clock.time() - rng.uniform(0, 3)
            hub.ingest_record("rollout", rec, t)
            walk.ingest_record("rollout", rec, t)
            arrived[rec["provider"]] = clock.time()
        await hub.measure(every, 60)
        if step == 0 or clock.time() - last_sometimes >= 0.9 * retention:
            await hub.measure(sometimes, 120)
            last_sometimes = clock.time()
        if step == 0:
            for s in once:
                await hub.measure(s, 60)
            kept = dict(hub.jsonl["rollout"].window.aggregates)
    win = hub.jsonl["rollout"].window
    assert win.filters() == 2  # `every` and `sometimes`; none of `once`
    assert all(win.aggregates[k] is kept[k] for k in win.aggregates if k in kept)
    for s in once:
        got, want = await hub.measure(s, window), await walk.measure(s, window)
        assert (got.value, got.count, got.newest) == pytest.approx((want.value, want.count, want.newest))
        assert got.arrived == arrived.get(s.where["provider"])
