"""A running sidecar with the collection endpoints on, and a way to run real SDK clients against it.

The SDKs run in a child process (their global state and background threads stay out of the test's
event loop); the sidecar runs in-process and is asserted on through its HTTP API.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sidecar.app import Sidecar
from sidecar.config import Config

TOKEN = "collect-test-token"
DSN_KEY = "0123456789abcdef0123456789abcdef"
OTLP_KEY = "otlp-ingest-key"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Running:
    sidecar: Sidecar
    base: str
    log: Path
    tmp: Path

    @property
    def dsn(self) -> str:
        return f"http://{DSN_KEY}@{self.base.removeprefix('http://')}/1"

    async def api(self, path: str) -> Any:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            async with http.get(self.base + path) as r:
                assert r.status == 200, await r.text()
                return await r.json()

    async def groups(self) -> list[dict[str, Any]]:
        body = await self.api("/api/groups?limit=100")
        items: list[dict[str, Any]] = body["items"]
        return items

    async def wait_groups(self, n: int, count: int | None = None, within: float = 20.0) -> list[dict[str, Any]]:
        """Poll the API until `n` groups exist (and their counts sum to `count`); a condition, not a sleep."""
        deadline = asyncio.get_running_loop().time() + within
        groups: list[dict[str, Any]] = []
        while asyncio.get_running_loop().time() < deadline:
            groups = await self.groups()
            total = sum(int(g.get("occurrence_count") or g.get("count") or 0) for g in groups)
            if len(groups) >= n and (count is None or total >= count):
                return groups
            await asyncio.sleep(0.05)
        raise AssertionError(f"expected {n} groups (count {count}), got {groups}")


# The start of every SDK client script run by `run_client`: `failures` collects what the SDK itself logs
# at WARNING or above (its transport's failed deliveries); the script attaches `Failures()` to its logger.
SDK_FAILURES = textwrap.dedent('''
    import logging

    failures = []

    class Failures(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.WARNING:
                failures.append(record.getMessage())
''')


def collect_config(tmp: Path, port: int, **collect: Any) -> Config:
    log = tmp / "logs" / "gateway.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.touch()
    return Config.model_validate({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port, "api_token": TOKEN},
        "store": {"path": str(tmp / "data" / "sidecar.db")},
        "ingest": {"checkpoint_dir": str(tmp / "data" / "checkpoints"), "rescan_interval": 0.1},
        "sources": [{"name": "gateway", "paths": [str(log)], "start_at": "beginning"}],
        "rollouts_file": None,
        "alerts": {"rules_file": None},
        "diagnosis": {"kimi_enabled": False},
        "collect": {"sentry": {"projects": [{"id": 1, "name": "gateway", "keys": [DSN_KEY]}]},
                    "otlp": {"enabled": True, "keys": [OTLP_KEY]}, **collect},
    })


@pytest.fixture
async def running(tmp_path: Path, free_port: int, request: pytest.FixtureRequest) -> AsyncIterator[Running]:
    extra = getattr(request, "param", {}) or {}
    sidecar = Sidecar(collect_config(tmp_path, free_port, **extra))
    await sidecar.start()
    try:
        yield Running(sidecar, f"http://127.0.0.1:{free_port}", tmp_path / "logs" / "gateway.log", tmp_path)
    finally:
        await sidecar.stop()


async def run_client(script: str, *args: str, within: float = 60.0) -> dict[str, Any]:
    """Run a client script in a child Python; it prints one JSON object as its last line."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=within)
    assert proc.returncode == 0, err.decode()[-3000:]
    lines = out.decode().strip().splitlines()
    assert lines, err.decode()[-3000:]
    result: dict[str, Any] = json.loads(lines[-1])
    return result
