"""A simulated AI gateway for `sidecar demo` and the end-to-end test.

It writes what the real gateway writes, through the same mechanisms: Python `logging` with the
gateway's format into `logs/ws_daemon.log` (RotatingFileHandler, real tracebacks from exceptions
actually raised here), per-request rollout records into `logs/async_upload_rollout/metrics.jsonl`,
and Prometheus metrics with the gateway's names on `/metrics`, plus `/health/memory`. The rollout
percentage is driven by the sidecar's hooks: `POST /flags` (stage-change, promote, rollback).

The scenario (scaled by `--speed`): normal traffic; a burst of distinct errors (Kimi model routed
to Z.ai, keepalive ping timeout, Supabase PGRST204, Kimi quota); the async-upload canary takes
traffic at whatever percentage the sidecar sets; `regress_after` scenario seconds after it reaches
`regress_percent` (10%), the canary starts failing 15% of uploads.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import logging.handlers
import random
import signal
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class GatewayMetrics:
    """The gateway's metric names and labels (src/monitoring/metrics.py upstream)."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.requests = Counter("mcp_requests_total", "Requests", ["method", "endpoint", "status"], registry=r)
        self.api_calls = Counter("mcp_api_calls_total", "Provider API calls", ["provider", "model", "status"], registry=r)
        self.api_latency = Histogram(
            "mcp_api_latency_seconds", "Provider latency", ["provider", "model"],
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120), registry=r,
        )
        self.api_errors = Counter("mcp_api_errors_total", "Provider errors", ["provider", "model", "error_type"], registry=r)
        self.tokens = Counter("mcp_tokens_total", "Tokens", ["provider", "model", "type"], registry=r)
        self.errors = Counter("mcp_errors_total", "Errors", ["component", "error_type", "severity"], registry=r)
        self.memory = Gauge("mcp_memory_usage_bytes", "Process memory", registry=r)
        self.sem_current = Gauge("mcp_semaphore_current_value", "Semaphore value", ["semaphore_type", "provider"], registry=r)
        self.sem_expected = Gauge("mcp_semaphore_expected_value", "Semaphore expected", ["semaphore_type", "provider"], registry=r)
        self.sem_leaks = Counter("mcp_semaphore_leaks_detected_total", "Leaks", ["semaphore_type"], registry=r)
        self.connections = Gauge("mcp_active_connections", "Connections", registry=r)


class Gateway:
    def __init__(self, root: Path, speed: float = 1.0, rps: float = 200.0, regress_after: float = 8.0,
                 regress_percent: float = 10.0, seed: int = 7) -> None:
        self.root = root
        self.speed = speed
        self.rps = rps
        self.regress_after = regress_after
        self.regress_percent = regress_percent
        self.reached_regress_percent_at: float | None = None
        self.rollout_percent = 0.0
        self.flag_history: list[dict[str, Any]] = []
        self.rng = random.Random(seed)
        self.metrics = GatewayMetrics()
        self.started = 0.0
        (root / "logs" / "async_upload_rollout").mkdir(parents=True, exist_ok=True)
        self.rollout_file = (root / "logs" / "async_upload_rollout" / "metrics.jsonl").open("a", buffering=1)
        self._setup_logging()

    def _setup_logging(self) -> None:
        handler = logging.handlers.RotatingFileHandler(
            self.root / "logs" / "ws_daemon.log", maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter(LOG_FORMAT, DATE_FORMAT))
        # This process is the gateway: its root logger writes the gateway's file, as upstream.
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
        logging.getLogger("aiohttp").setLevel(logging.WARNING)

    def log(self, name: str) -> logging.Logger:
        """A logger with one of the gateway's own names (src.providers.kimi, tools.chat, ...)."""
        return logging.getLogger(name)

    def elapsed(self) -> float:
        return (asyncio.get_running_loop().time() - self.started) * self.speed

    # --- traffic ----------------------------------------------------------------------------

    async def traffic(self) -> None:
        """Requests at `rps` (scenario time), each an upload routed to sync or the async canary."""
        tick = 0.1
        while True:
            await asyncio.sleep(tick / self.speed)
            expected = self.rps * tick
            n = int(expected) + (self.rng.random() < expected - int(expected))
            for _ in range(n):
                self.one_request()
            self.metrics.memory.set(180_000_000 + self.rng.randint(0, 5_000_000))
            self.metrics.connections.set(3)

    def one_request(self) -> None:
        request_id = str(uuid.UUID(int=self.rng.getrandbits(128)))
        bucket = int(hashlib.md5(request_id.encode()).hexdigest(), 16) % 100
        canary = bucket < self.rollout_percent
        since = self.reached_regress_percent_at
        regressed = canary and since is not None and self.elapsed() - since >= self.regress_after
        fail_p = 0.15 if regressed else 0.003
        success = self.rng.random() >= fail_p
        duration = self.rng.lognormvariate(6.2 if not canary else 6.15, 0.3)
        provider = "kimi" if self.rng.random() < 0.7 else "glm"
        model = "kimi-k2-turbo-preview" if provider == "kimi" else "glm-4.5-flash"
        record = {
            "execution_type": "async" if canary else "sync",
            "success": success,
            "duration_ms": round(duration, 2),
            "timestamp": datetime.now(UTC).replace(tzinfo=None).isoformat(),
            "error_type": None if success else ("TimeoutError" if regressed else "ConnectionError"),
            "fallback_used": not success,
            "file_size_mb": round(self.rng.uniform(0.01, 7.5), 3),
            "provider": provider,
            "request_id": request_id,
        }
        self.rollout_file.write(json.dumps(record) + "\n")
        status = "success" if success else "error"
        self.metrics.requests.labels("tools/call", "/ws", status).inc()
        self.metrics.api_calls.labels(provider, model, status).inc()
        self.metrics.api_latency.labels(provider, model).observe(duration / 1000)
        self.metrics.tokens.labels(provider, model, "input").inc(self.rng.randint(200, 2000))
        if not success:
            self.metrics.api_errors.labels(provider, model, record["error_type"]).inc()
            if regressed:
                self.upload_failure(request_id)

    def upload_failure(self, request_id: str) -> None:
        try:
            raise TimeoutError(f"async upload of request {request_id} timed out after 30s")
        except TimeoutError:
            self.log("tools.decorators.async_upload_wrapper").exception(
                "Async upload failed, falling back to sync (request %s)", request_id
            )

    async def chatter(self) -> None:
        """INFO lines like the real gateway's, including ones that merely mention ERROR or CRITICAL."""
        lines = [
            ("tools.chat", "Using model: kimi-k2-0905-preview via kimi provider"),
            ("src.daemon.connection_manager", "Connection registered: 3f1c from 172.18.0.1 (active: 3)"),
            ("src.providers.kimi", 'chat.completions.create payload (sanitized): {"messages": [{"role": "user", '
                                   '"content": "Why does the log say CRITICAL and ERROR here?"}]}'),
            ("src.monitoring.metrics", "[METRICS] Prometheus metrics server started on port 8000"),
        ]
        while True:
            await asyncio.sleep(0.5 / self.speed)
            name, msg = self.rng.choice(lines)
            self.log(name).info(msg)

    async def incidents(self) -> None:
        """The burst of distinct errors, each repeated a few times with varying ids."""
        await asyncio.sleep(4 / self.speed)
        for round_ in range(3):
            self.routing_error()
            self.keepalive_timeout()
            self.supabase_missing_column()
            self.kimi_quota()
            self.semaphore_leak()
            await asyncio.sleep(2 / self.speed)
            del round_

    def routing_error(self) -> None:
        self.log("src.providers.glm_chat").error(
            "Provider routing error: model kimi-k2-0905-preview sent to https://api.z.ai/api/paas/v4/chat/completions "
            "(request %s)", uuid.uuid4()
        )

    def keepalive_timeout(self) -> None:
        try:
            _close_websocket(self.rng.randint(30000, 60000))
        except ConnectionError:
            self.log("src.daemon.ws_server").exception("WebSocket handler failed for session %s", uuid.uuid4().hex[:8])

    def supabase_missing_column(self) -> None:
        self.log("src.storage.supabase_client").error(
            "Failed to record upload: {'message': \"Could not find the 'upload_method' column of "
            "'provider_file_uploads' in the schema cache\", 'code': 'PGRST204', 'details': None, 'hint': None}"
        )

    def kimi_quota(self) -> None:
        try:
            _call_kimi()
        except RuntimeError:
            self.log("src.providers.kimi").exception("Kimi chat completion failed for model kimi-k2-turbo-preview")

    def semaphore_leak(self) -> None:
        self.log("src.daemon.middleware.semaphores").warning(
            "SEMAPHORE HEALTH: Global semaphore leak: expected 5, got 4"
        )
        self.metrics.sem_leaks.labels("global").inc()
        self.metrics.sem_current.labels("global", "all").set(4)
        self.metrics.sem_expected.labels("global", "all").set(5)

    # --- HTTP -------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/metrics", self.h_metrics)
        app.router.add_get("/health/memory", self.h_memory)
        app.router.add_post("/flags", self.h_flags)
        app.router.add_get("/flags", self.h_get_flags)
        return app

    async def h_metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(self.metrics.registry), content_type="text/plain")

    async def h_memory(self, request: web.Request) -> web.Response:
        return web.json_response({
            "status": "healthy",
            "current_metrics": {"process_memory_mb": 180.0, "system_memory_percent": 41.5},
            "alert": {"level": "ok", "message": "", "threshold_exceeded": False},
        })

    async def h_flags(self, request: web.Request) -> web.Response:
        """The rollout hooks land here: set ASYNC_UPLOAD_ROLLOUT to the hook's target percentage."""
        body = await request.json()
        action = body.get("action")
        if action == "rollback":
            self.rollout_percent = 0.0
        else:
            for key in ("to_percent", "percent"):
                if isinstance(body.get(key), int | float):
                    self.rollout_percent = float(body[key])
                    break
        if self.rollout_percent >= self.regress_percent and self.reached_regress_percent_at is None:
            self.reached_regress_percent_at = self.elapsed()
        self.flag_history.append({"action": action, "percent": self.rollout_percent})
        self.log("tools.config.async_upload_config").info(
            "ASYNC_UPLOAD_ROLLOUT set to %s (%s)", self.rollout_percent, action
        )
        return web.json_response({"ASYNC_UPLOAD_ROLLOUT": self.rollout_percent})

    async def h_get_flags(self, request: web.Request) -> web.Response:
        return web.json_response({"ASYNC_UPLOAD_ROLLOUT": self.rollout_percent, "history": self.flag_history})

    async def run(self, port: int) -> None:
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        self.started = asyncio.get_running_loop().time()
        self.log("src.daemon.ws_server").info("Starting 5 servers concurrently")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        tasks = [asyncio.create_task(t) for t in (self.traffic(), self.chatter(), self.incidents())]
        await stop.wait()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await runner.cleanup()
        self.rollout_file.close()
        logging.shutdown()


def _close_websocket(ping_ms: int) -> None:
    try:
        raise TimeoutError(f"keepalive ping not answered within {ping_ms} ms")
    except TimeoutError as exc:
        raise ConnectionError("sent 1011 (internal error) keepalive ping timeout; no close frame received") from exc


def _call_kimi() -> None:
    raise RuntimeError(
        "Error code: 429 - {'error': {'message': 'Your account org-7f3a is suspended due to insufficient "
        "balance, please recharge your account', 'type': 'exceeded_current_quota_error'}}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sidecar-demo-gateway", description=__doc__)
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--rps", type=float, default=200.0)
    parser.add_argument("--regress-after", type=float, default=8.0,
                        help="scenario seconds at --regress-percent before the canary starts failing")
    parser.add_argument("--regress-percent", type=float, default=10.0)
    args = parser.parse_args(argv)
    gateway = Gateway(args.dir, speed=args.speed, rps=args.rps, regress_after=args.regress_after,
                      regress_percent=args.regress_percent)
    asyncio.run(gateway.run(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
