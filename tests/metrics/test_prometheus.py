"""Against a REAL Prometheus (/usr/bin/prometheus) scraping the same gateway-like app as the
sidecar: a PromQL gate and a scraped gate must read the same numbers.

Stated tolerances: error rate within 0.005 absolute (the app fails exactly 1 call in 20 and
updates its counters in whole batches, so both should read 0.05 almost exactly); request rate
and sample count within 10% (the two scrapers sample at different phases of a 1 s interval);
p95 latency within 5% (both interpolate the same buckets).
"""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from sidecar.clock import SystemClock
from sidecar.config import MetricsConfig, ScrapeTarget
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec
from sidecar.telemetry import Telemetry
from tests.conftest import find_free_port

from .conftest import PrometheusServer

WINDOW = 5.0
SCRAPED_ERROR_RATE = MetricSpec(source="scrape", function="error_rate", metric="mcp_api_calls_total",
                                where={"status": "error"})
PROMQL_ERROR_RATE = MetricSpec(
    source="promql", function="error_rate",
    query='sum(rate(mcp_api_calls_total{status="error"}[$window])) / sum(rate(mcp_api_calls_total[$window]))',
    count_query="sum(increase(mcp_api_calls_total[$window]))",
)
PROMETHEUS_SAMPLES = MetricSpec(source="promql", function="value",
                                query='count_over_time(mcp_api_calls_total{status="error"}[$window])')


async def test_promql_gate_reads_the_same_error_rate_as_the_scraper(prometheus: PrometheusServer) -> None:
    gw = prometheus.gateway
    cfg = MetricsConfig(
        targets=[ScrapeTarget(name="gw", url=f"{gw.url}/metrics", interval=1.0, timeout=0.9,
                              families=["mcp_api_calls_total", "mcp_api_latency_seconds"])],
        prometheus_url=prometheus.url, promql_timeout=5,
    )
    hub = MetricsHub(cfg, SystemClock(), Telemetry())
    await hub.start()
    try:
        # both scrapers need a full window of 1 s samples (Prometheus starts scraping with a delay)
        for _ in range(300):
            samples = await hub.measure(PROMETHEUS_SAMPLES, WINDOW)
            if hub.scrapers["gw"].state.successes >= WINDOW + 2 and (samples.value or 0) >= WINDOW:
                break
            await asyncio.sleep(0.1)
        assert hub.scrapers["gw"].state.successes >= WINDOW + 2, hub.status()
        assert (samples.value or 0) >= WINDOW, samples

        scraped = await hub.measure(SCRAPED_ERROR_RATE, WINDOW)
        promql = await hub.measure(PROMQL_ERROR_RATE, WINDOW)
        assert scraped.has_data and promql.has_data, (scraped, promql)
        assert scraped.value == pytest.approx(0.05, abs=0.005)
        assert promql.value == pytest.approx(scraped.value, abs=0.005)
        assert promql.count == pytest.approx(scraped.count, rel=0.10)
        assert promql.successes == pytest.approx(scraped.successes, rel=0.10, abs=2)

        scraped_rate = await hub.measure(MetricSpec(source="scrape", function="rate", metric="mcp_api_calls_total"), WINDOW)
        promql_rate = await hub.measure(MetricSpec(source="promql", function="rate",
                                                   query="sum(rate(mcp_api_calls_total[$window]))"), WINDOW)
        assert scraped_rate.value > 100
        assert promql_rate.value == pytest.approx(scraped_rate.value, rel=0.10)

        scraped_p95 = await hub.measure(MetricSpec(source="scrape", function="quantile", quantile=0.95,
                                                   metric="mcp_api_latency_seconds"), WINDOW)
        promql_p95 = await hub.measure(MetricSpec(
            source="promql", function="quantile",
            query="histogram_quantile(0.95, sum by (le) (rate(mcp_api_latency_seconds_bucket[$window])))"), WINDOW)
        # latencies cycle through a fixed list: 9 of 10 are <= 2 s, 1 is 3 s -> 2 + 3 x 0.5 = 3.5
        assert scraped_p95.value == pytest.approx(3.5, rel=0.05)
        assert promql_p95.value == pytest.approx(scraped_p95.value, rel=0.05), promql_p95
    finally:
        await hub.stop()


@pytest.mark.parametrize(("query", "reason"), [
    ("sum(rate(no_such_metric_total[1m]))", "empty"),
    ("1/0", "inf"),
    ("sum(", "api_error"),
    ("mcp_api_calls_total", "ambiguous"),
])
async def test_promql_errors_and_empty_results_are_no_data(prometheus: PrometheusServer, query: str,
                                                           reason: str) -> None:
    for _ in range(100):  # the last case needs the app's series in Prometheus
        hub = MetricsHub(MetricsConfig(prometheus_url=prometheus.url), SystemClock(), Telemetry())
        try:
            m = await hub.measure(MetricSpec(source="promql", function="value", query=query), 60)
        finally:
            await hub.stop()
        if reason != "ambiguous" or "empty" not in m.reason:
            break
        await asyncio.sleep(0.1)
    assert m.value is None and m.reason.startswith(f"promql: {reason}"), m.reason


async def test_promql_unreachable_and_hanging_servers_are_no_data() -> None:
    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.Response()

    app = web.Application()
    app.router.add_get("/api/v1/query", hang)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = find_free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        for url, reason in ((f"http://127.0.0.1:{port}", "timeout"), (f"http://127.0.0.1:{find_free_port()}", "connection")):
            hub = MetricsHub(MetricsConfig(prometheus_url=url, promql_timeout=0.3), SystemClock(), Telemetry())
            try:
                m = await hub.measure(MetricSpec(source="promql", function="value", query="up"), 60)
            finally:
                await hub.stop()
            assert m.value is None and m.reason.startswith(f"promql: {reason}"), m.reason
            assert hub.status()["promql"]["errors"] == 1
    finally:
        await runner.cleanup()
