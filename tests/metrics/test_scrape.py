"""Scraping a real gateway-like aiohttp app (real prometheus-client metrics under the gateway's
names) over a socket, and surviving bad targets: 50 MB bodies, garbage, 500s, hangs, floods."""

from __future__ import annotations

import asyncio

import pytest

from sidecar.clock import ManualClock, SystemClock
from sidecar.config import MetricsConfig, ScrapeTarget
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec
from sidecar.telemetry import Telemetry

from .conftest import Served

NOW = 1_763_900_000.0
FAMILIES = ["mcp_api_calls_total", "mcp_api_latency_seconds", "mcp_memory_usage_bytes", "mcp_requests_total"]
ERROR_RATE = MetricSpec(source="scrape", function="error_rate", metric="mcp_api_calls_total", where={"status": "error"})
P95 = MetricSpec(source="scrape", function="quantile", quantile=0.95, metric="mcp_api_latency_seconds")


def make_hub(served: Served, clock, telemetry: Telemetry, **target_kw) -> MetricsHub:
    target = ScrapeTarget(**{"name": "gw", "url": f"{served.url}/metrics", "families": FAMILIES,
                             "interval": 5, "timeout": 2.0, **target_kw})
    cfg = MetricsConfig(window=1800, targets=[target])
    return MetricsHub(cfg, clock, telemetry)


def err(telemetry: Telemetry, reason: str) -> float:
    return telemetry.registry.get_sample_value("sidecar_scrape_errors_total", {"target": "gw", "reason": reason}) or 0


def scrapes(telemetry: Telemetry, outcome: str) -> float:
    return telemetry.registry.get_sample_value("sidecar_scrapes_total", {"target": "gw", "outcome": outcome}) or 0


async def drive(hub: MetricsHub, served: Served, clock: ManualClock, ticks: int) -> None:
    """Each 5 s tick: 20 calls (1 error), latencies 0.3 s except one slow 4 s call; then a scrape."""
    scraper = hub.scrapers["gw"]
    for _ in range(ticks):
        for j in range(20):
            served.gateway.call(ok=j != 7, latency=4.0 if j == 0 else 0.3)
        clock.advance(5)
        assert await scraper.scrape_once(), scraper.state.last_error


@pytest.mark.parametrize("mode", ["ok", "openmetrics"])
async def test_scraped_error_rate_latency_and_gauge(gateway: Served, mode: str) -> None:
    gateway.gateway.mode = mode
    clock, tel = ManualClock(start=NOW), Telemetry()
    hub = make_hub(gateway, clock, tel)
    try:
        await drive(hub, gateway, clock, 13)
        m = await hub.measure(ERROR_RATE, 60)
        assert m.value == pytest.approx(0.05)
        assert m.count == 240 and m.successes == 12
        p95 = await hub.measure(P95, 60)
        # 5% of the calls take 4 s: the 0.95 rank is the top of the (0.1, 0.5] bucket
        assert p95.value == pytest.approx(0.5)
        p99 = await hub.measure(P95.model_copy(update={"quantile": 0.99}), 60)
        assert 2.0 < p99.value <= 5.0  # interpolated inside (2, 5]
        mem = await hub.measure(MetricSpec(source="scrape", function="gauge_last", metric="mcp_memory_usage_bytes"), 60)
        assert mem.value == 100e6
        assert scrapes(tel, "success") == 13
        assert tel.registry.get_sample_value("sidecar_scrape_duration_seconds_count", {"target": "gw"}) == 13
        # the family filter kept the store small: no cache or token series
        assert hub.series.names() <= {"mcp_api_calls_total", "mcp_api_latency_seconds_bucket",
                                      "mcp_api_latency_seconds_sum", "mcp_api_latency_seconds_count",
                                      "mcp_memory_usage_bytes", "mcp_requests_total"}
    finally:
        await hub.stop()


@pytest.mark.parametrize(("mode", "reason", "kw"), [
    ("huge", "too_large", {}),
    ("huge_length", "too_large", {}),
    ("garbage", "parse", {}),
    ("error500", "http_status", {}),
    ("hang", "timeout", {"timeout": 0.3}),
])
async def test_bad_target_is_counted_and_survived(gateway: Served, mode: str, reason: str, kw: dict) -> None:
    clock, tel = ManualClock(start=NOW), Telemetry()
    hub = make_hub(gateway, clock, tel, max_bytes=1024 * 1024, **kw)
    scraper = hub.scrapers["gw"]
    try:
        await drive(hub, gateway, clock, 3)
        before = len(hub.series)
        gateway.gateway.mode = mode
        clock.advance(5)
        assert not await scraper.scrape_once()
        assert err(tel, reason) == 1 and scrapes(tel, "error") == 1
        assert reason in scraper.state.last_error
        assert len(hub.series) == before  # nothing from the bad body was stored
        gateway.gateway.mode = "ok"
        await drive(hub, gateway, clock, 3)
        assert scrapes(tel, "success") == 6
        m = await hub.measure(ERROR_RATE, 30)
        assert m.value == pytest.approx(0.05, abs=0.01)
    finally:
        await hub.stop()


async def test_failing_target_goes_stale_and_recovers(gateway: Served) -> None:
    clock, tel = ManualClock(start=NOW), Telemetry()
    hub = make_hub(gateway, clock, tel)
    try:
        await drive(hub, gateway, clock, 6)
        gateway.gateway.mode = "error500"
        for _ in range(4):
            clock.advance(5)
            await hub.scrapers["gw"].scrape_once()
        m = await hub.measure(ERROR_RATE, 60)
        assert m.value is None and "target gw stale" in m.reason and "HTTP 500" not in m.reason
        assert any("stale" in p for p in hub.degraded())
        gateway.gateway.mode = "ok"
        await drive(hub, gateway, clock, 2)
        assert (await hub.measure(ERROR_RATE, 60)).has_data and hub.degraded() == []
    finally:
        await hub.stop()


async def test_label_cardinality_flood_is_capped(gateway: Served) -> None:
    clock, tel = ManualClock(start=NOW), Telemetry()
    target = ScrapeTarget(name="gw", url=f"{gateway.url}/metrics", interval=5)
    hub = MetricsHub(MetricsConfig(targets=[target], max_series=100), clock, tel)
    try:
        gateway.gateway.mode = "flood"
        assert await hub.scrapers["gw"].scrape_once()
        assert len(hub.series) == 100
        assert hub.scrapers["gw"].state.refused == 1900
        assert err(tel, "series_limit") == 1
        assert hub.status()["dropped_samples"] == 1900
    finally:
        await hub.stop()


async def test_health_json_endpoints_are_scraped_as_gauges(gateway: Served) -> None:
    clock, tel = ManualClock(start=NOW), Telemetry()
    cfg = MetricsConfig(targets=[
        ScrapeTarget(name="memory", url=f"{gateway.url}/health/memory", kind="health_json", interval=5),
        ScrapeTarget(name="semaphores", url=f"{gateway.url}/health/semaphores", kind="health_json", interval=5),
    ])
    hub = MetricsHub(cfg, clock, tel)
    try:
        for mb in (100.0, 110.0, 600.0):  # 600 MB: the endpoint answers 503 "degraded", still data
            gateway.gateway.memory_mb = mb
            gateway.gateway.semaphore_current = 4
            clock.advance(5)
            assert await hub.scrapers["memory"].scrape_once(), hub.scrapers["memory"].state.last_error
            assert await hub.scrapers["semaphores"].scrape_once()
        mem = MetricSpec(source="health", function="gauge_max", stream="memory", field="current_metrics.process_memory_mb")
        assert (await hub.measure(mem, 60)).value == 600.0
        status = MetricSpec(source="health", function="value", stream="memory", field="status")
        assert (await hub.measure(status, 60)).value == 1.0  # degraded
        sem = MetricSpec(source="health", function="value", stream="semaphores", field="global.current")
        assert (await hub.measure(sem, 60)).value == 4.0
        leak = MetricSpec(source="health", function="value", stream="semaphores", field="global.status")
        assert (await hub.measure(leak, 60)).value == 2.0  # leak_detected
    finally:
        await hub.stop()


async def test_hub_runs_its_scrape_loop_on_the_real_clock(gateway: Served) -> None:
    tel = Telemetry()
    hub = make_hub(gateway, SystemClock(), tel, interval=0.1)
    await hub.start()
    try:
        for _ in range(50):
            if scrapes(tel, "success") >= 3:
                break
            await asyncio.sleep(0.05)
        assert scrapes(tel, "success") >= 3
        assert hub.status()["targets"][0]["stale"] is False
    finally:
        await hub.stop()
    assert hub._tasks == []
