"""Fixtures for the alerting tests: local aiohttp servers standing in for Slack, Discord, Teams and
a generic webhook (recording what they receive, answering as told: 200, 500, 429 with Retry-After,
400, or hanging), and a real Alertmanager (the Debian `prometheus-alertmanager` binary)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.config import AlertsConfig
from sidecar.telemetry import Telemetry
from tests.conftest import find_free_port
from tests.helpers import Received, stop_process, wait_http_ok

ALERTMANAGER = "/usr/bin/prometheus-alertmanager"


@dataclass
class FakeChat:
    """One HTTP server for every fake receiver; each path has a script of answers (then 200)."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    scripts: dict[str, list[tuple[int, dict[str, str], bool]]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, path: str, status: int, headers: dict[str, str] | None = None, hang: bool = False,
               times: int = 1) -> None:
        self.scripts.setdefault(path, []).extend([(status, headers or {}, hang)] * times)

    def at(self, path: str) -> list[Received]:
        """Requests that were answered 2xx at `path` (what the channel accepted)."""
        return [r for r in self.received if r.path == path]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        path = request.path
        self.attempts[path] = self.attempts.get(path, 0) + 1
        script = self.scripts.get(path) or []
        status, headers, hang = script.pop(0) if script else (200, {}, False)
        if hang:
            await asyncio.sleep(3600)
        if 200 <= status < 300:
            self.received.append(Received(path, dict(request.headers), body))
            self.arrived.set()
        return web.Response(status=status, headers=headers, text="ok" if status < 300 else f"error {status}")

    async def wait_for(self, path: str, count: int = 1, within: float = 10.0, attempts: bool = False) -> None:
        """Wait (for I/O, never for a time window) until `path` has `count` accepted requests or attempts."""
        deadline = time.monotonic() + within
        while True:
            n = self.attempts.get(path, 0) if attempts else len(self.at(path))
            if n >= count:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{path}: expected {count} {'attempts' if attempts else 'requests'}, got {n}")
            await asyncio.sleep(0.01)


@pytest.fixture
async def chat() -> AsyncIterator[FakeChat]:
    fake = FakeChat()
    app = web.Application(client_max_size=10 * 1024 * 1024)
    app.router.add_route("POST", "/{tail:.*}", fake.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    fake.port = find_free_port()
    site = web.TCPSite(runner, "127.0.0.1", fake.port)
    await site.start()
    try:
        yield fake
    finally:
        await runner.cleanup()


@pytest.fixture
def bus() -> Bus:
    return Bus()


@pytest.fixture
def telemetry() -> Telemetry:
    return Telemetry()


def alerts_config(chat: FakeChat, routes: list[dict[str, Any]] | None = None, **extra: Any) -> AlertsConfig:
    """Four chat receivers on the fake server and, by default, one route per receiver."""
    receivers = [
        {"name": "slack", "kind": "slack", "url": chat.url("/slack"), "timeout": 0.5, "rate_limit_per_minute": 1000},
        {"name": "discord", "kind": "discord", "url": chat.url("/discord"), "timeout": 0.5,
         "rate_limit_per_minute": 1000},
        {"name": "teams", "kind": "teams", "url": chat.url("/teams"), "timeout": 0.5, "rate_limit_per_minute": 1000},
        {"name": "hook", "kind": "webhook", "url": chat.url("/hook"), "secret": "hook-secret", "timeout": 0.5,
         "rate_limit_per_minute": 1000},
    ]
    if routes is None:
        routes = [{"name": f"to-{r['name']}", "receivers": [r["name"]], "continue": True, "group_wait": 30,
                   "group_interval": 60, "repeat_interval": 3600} for r in receivers]
    data: dict[str, Any] = {"rules_file": None, "receivers": receivers, "routes": routes}
    data.update(extra)
    return AlertsConfig.model_validate(data)


# --- a real Alertmanager ------------------------------------------------------------------------


@dataclass
class AlertmanagerProc:
    url: str
    proc: subprocess.Popen[bytes]

    def alerts(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/api/v2/alerts", timeout=5) as resp:
            return json.loads(resp.read())


AM_CONFIG = """\
route:
  receiver: blackhole
  group_wait: 1h
  group_interval: 1h
  repeat_interval: 24h
receivers:
  - name: blackhole
"""


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[AlertmanagerProc]:
    binary = shutil.which("prometheus-alertmanager") or (ALERTMANAGER if os.path.exists(ALERTMANAGER) else None)
    if binary is None:
        pytest.fail(
            "prometheus-alertmanager is not installed: run "
            "`apt-get install -y --no-install-recommends prometheus-alertmanager` (CI does)"
        )
    port = find_free_port()
    config = tmp_path / "alertmanager.yml"
    config.write_text(AM_CONFIG)
    storage = tmp_path / "am-data"
    storage.mkdir()
    log = (tmp_path / "alertmanager.log").open("wb")
    proc = subprocess.Popen(
        [binary, f"--config.file={config}", f"--storage.path={storage}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http_ok(f"{url}/-/ready", proc, "alertmanager", log_path=tmp_path / "alertmanager.log")
        yield AlertmanagerProc(url=url, proc=proc)
    finally:
        stop_process(proc, timeout=5)
        log.close()


@pytest.fixture
def manual_now() -> ManualClock:
    """A ManualClock near the real time (Alertmanager compares startsAt/endsAt with its own clock).

    It starts two minutes behind, so a test can advance it a resend interval and still have
    `endsAt = now` of a cleared alert lie in Alertmanager's past, while a firing alert's
    `endsAt = now + 4 * resend_interval` lies in its future."""
    return ManualClock(start=time.time() - 120)


@pytest.fixture
async def harness(sqlite_store, bus, clock, telemetry):  # type: ignore[no-untyped-def]
    from tests.alerts.helpers import Harness

    h = Harness(sqlite_store, bus, clock, telemetry)
    try:
        yield h
    finally:
        for alerts in list(h.running):
            await h.stop(alerts)
