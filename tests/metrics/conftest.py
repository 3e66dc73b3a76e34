"""Fixtures for the metrics stage: a gateway-like aiohttp app exposing real prometheus-client
metrics under the gateway's names (plus health JSON and misbehaving endpoints), and a real
Prometheus server (/usr/bin/prometheus) scraping such an app every second."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.openmetrics.exposition import CONTENT_TYPE_LATEST as OM_CONTENT_TYPE
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

from tests.conftest import find_free_port
from tests.helpers import stop_process, wait_http_ok

PROMETHEUS = os.environ.get("PROMETHEUS_BIN", "/usr/bin/prometheus")
LATENCY_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120)  # the gateway's mcp_api_latency_seconds


@dataclass
class Gateway:
    """The gateway's metrics (names, labels and buckets from src/monitoring/metrics.py)."""

    registry: CollectorRegistry = field(default_factory=lambda: CollectorRegistry(auto_describe=True))
    mode: str = "ok"  # ok | openmetrics | garbage | error500 | hang | huge | huge_length | flood
    memory_mb: float = 100.0
    semaphore_current: int = 5
    hits: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter("mcp_requests_total", "Requests", ["method", "endpoint", "status"], registry=r)
        self.api_calls = Counter("mcp_api_calls_total", "API calls", ["provider", "model", "status"], registry=r)
        self.api_latency = Histogram("mcp_api_latency_seconds", "API latency", ["provider", "model"],
                                     buckets=LATENCY_BUCKETS, registry=r)
        self.api_errors = Counter("mcp_api_errors_total", "API errors", ["provider", "model", "error_type"], registry=r)
        self.tokens = Counter("mcp_tokens_total", "Tokens", ["provider", "model", "type"], registry=r)
        self.memory = Gauge("mcp_memory_usage_bytes", "Memory", registry=r)
        self.sem_value = Gauge("mcp_semaphore_current_value", "Semaphore value", ["semaphore_type", "provider"], registry=r)
        # Filler families a real gateway exposes and the gates do not need.
        self.cache_ops = Counter("mcp_cache_operations_total", "Cache ops", ["operation", "result"], registry=r)
        self.memory.set(self.memory_mb * 1e6)

    def call(self, provider: str = "kimi", model: str = "kimi-k2-0905-preview", ok: bool = True,
             latency: float = 0.3) -> None:
        self.requests.labels("tools/call", "/ws", "ok" if ok else "error").inc()
        self.api_calls.labels(provider, model, "success" if ok else "error").inc()
        self.api_latency.labels(provider, model).observe(latency)
        if not ok:
            self.api_errors.labels(provider, model, "TimeoutError").inc()
        self.tokens.labels(provider, model, "input").inc(100)
        self.cache_ops.labels("get", "hit").inc()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/health/memory", self._health_memory)
        app.router.add_get("/health/semaphores", self._health_semaphores)
        return app

    async def _metrics(self, request: web.Request) -> web.StreamResponse:
        self.hits[self.mode] = self.hits.get(self.mode, 0) + 1
        mode = self.mode
        if mode == "openmetrics":
            return web.Response(body=generate_openmetrics(self.registry), headers={"Content-Type": OM_CONTENT_TYPE})
        if mode == "garbage":
            return web.Response(body=b"\x00\xffnot { a metric\n}}} 12 13 14\n" * 50,
                                headers={"Content-Type": CONTENT_TYPE_LATEST})
        if mode == "error500":
            return web.Response(status=500, text="internal error")
        if mode == "hang":
            await asyncio.sleep(3600)
        if mode in ("huge", "huge_length"):
            return await self._huge(request, with_length=mode == "huge_length")
        if mode == "flood":
            lines = [f'mcp_requests_total{{method="m",endpoint="/e",status="{i}"}} 1' for i in range(2000)]
            body = "# TYPE mcp_requests_total counter\n" + "\n".join(lines) + "\n"
            return web.Response(body=body.encode(), headers={"Content-Type": CONTENT_TYPE_LATEST})
        return web.Response(body=generate_latest(self.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _huge(self, request: web.Request, with_length: bool) -> web.StreamResponse:
        """A 50 MB exposition (valid lines, so only the size limit can reject it)."""
        line = b'mcp_requests_total{method="x",endpoint="/y",status="ok"} 1\n'
        chunk = line * (1024 * 1024 // len(line))
        total = 50 * len(chunk)
        resp = web.StreamResponse(headers={"Content-Type": CONTENT_TYPE_LATEST})
        if with_length:
            resp.content_length = total
        await resp.prepare(request)
        try:
            for _ in range(50):
                await resp.write(chunk)
        except (ConnectionResetError, ConnectionError, RuntimeError):
            pass  # the client stopped reading at its limit
        return resp

    async def _health_memory(self, request: web.Request) -> web.Response:
        status = "healthy" if self.memory_mb < 500 else "degraded"
        body = {
            "status": status,
            "current_metrics": {"process_memory_mb": self.memory_mb, "system_memory_percent": 41.5,
                                "growth_rate_mb_per_hour": 2.0},
            "alert": {"level": "info", "message": "ok", "threshold_exceeded": False},
            "thresholds": {"warning_percent": 80, "critical_percent": 90, "leak_mb_per_hour": 50},
            "baseline": 90.0,
            "history_size": 12,
        }
        return web.json_response(body, status=200 if status == "healthy" else 503)

    async def _health_semaphores(self, request: web.Request) -> web.Response:
        cur = self.semaphore_current
        body = {
            "status": "healthy" if cur == 5 else "degraded",
            "global": {"current": cur, "expected": 5, "utilization": (5 - cur) / 5,
                       "status": "healthy" if cur == 5 else "leak_detected"},
            "providers": {"kimi": {"current": 3, "expected": 3, "utilization": 0.0, "status": "healthy"},
                          "glm": {"current": 2, "expected": 2, "utilization": 0.0, "status": "healthy"}},
        }
        return web.json_response(body)


@dataclass
class Served:
    gateway: Gateway
    url: str  # base URL, no trailing slash


@pytest.fixture
async def gateway() -> AsyncIterator[Served]:
    """A gateway-like app on a free port, in the test's event loop."""
    gw = Gateway()
    runner = web.AppRunner(gw.app(), access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    port = find_free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield Served(gw, f"http://127.0.0.1:{port}")
    finally:
        gw.mode = "ok"
        await runner.cleanup()


class ThreadedGateway:
    """A gateway-like app with steady traffic, in its own thread and event loop, so it can serve a
    module-scoped Prometheus across tests. Traffic: every 20 ms one batch of 20 calls, exactly one
    of which fails (error rate 5%), latencies cycling through a fixed list."""

    LATENCIES = (0.05, 0.2, 0.3, 0.4, 0.7, 0.8, 1.5, 3.0, 0.25, 0.45)

    def __init__(self) -> None:
        self.gateway = Gateway()
        self.port = find_free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="threaded-gateway", daemon=True)
        self._stop: asyncio.Event | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        runner = web.AppRunner(self.gateway.app(), access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        traffic = asyncio.create_task(self._traffic())
        self._ready.set()
        await self._stop.wait()
        traffic.cancel()
        await runner.cleanup()

    async def _traffic(self) -> None:
        i = 0
        while True:
            for j in range(20):
                self.gateway.call(ok=j != 0, latency=self.LATENCIES[(i + j) % len(self.LATENCIES)])
            i += 1
            await asyncio.sleep(0.02)

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("threaded gateway did not start")

    def stop(self) -> None:
        if self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)


@dataclass
class PrometheusServer:
    url: str
    gateway: ThreadedGateway


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    """A real Prometheus scraping a `ThreadedGateway` every second (module-scoped: started once)."""
    if not (os.path.isfile(PROMETHEUS) and os.access(PROMETHEUS, os.X_OK)) and not shutil.which(PROMETHEUS):
        pytest.fail(f"Prometheus binary not found at {PROMETHEUS}: install it with "
                    "`apt-get install -y --no-install-recommends prometheus` (or set PROMETHEUS_BIN)")
    gw = ThreadedGateway()
    gw.start()
    tmp = tmp_path_factory.mktemp("prometheus")
    port = find_free_port()
    config = tmp / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: gateway\n    scrape_interval: 1s\n    scrape_timeout: 900ms\n"
        f"    static_configs:\n      - targets: ['127.0.0.1:{gw.port}']\n"
    )
    log_path = tmp / "prometheus.log"
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
            stdout=log_file, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http_ok(f"{url}/-/ready", proc, "prometheus", timeout=30, log_path=log_path)
        yield PrometheusServer(url, gw)
    finally:
        stop_process(proc, timeout=10)
        gw.stop()
