"""The issue's own setup, end to end: `sidecar run` as its own process, configured with the `collect:`
section exactly as the contract writes it (the key from the environment through `${SENTRY_KEY}`), and
the real sentry-sdk sending to it with a DSN. The other collect tests run the sidecar in-process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import IO

import aiohttp

from tests.helpers import stop_process, wait_serving_async

from .conftest import ROOT, run_client
from .test_sentry_sdk import CLIENT, GATEWAY_APP

KEY = "f00dfeedf00dfeedf00dfeedf00dfeed"
TOKEN = "run-process-token"

CONFIG = textwrap.dedent("""\
    server: {host: 127.0.0.1, port: PORT, api_token: TOKEN}
    store: {path: data/sidecar.db}
    ingest: {checkpoint_dir: data/checkpoints}
    sources: [{name: gateway, paths: [logs/gateway.log]}]
    rollouts_file: null
    alerts: {rules_file: null}
    diagnosis: {kimi_enabled: false}
    collect:
      sentry: {projects: [{id: 1, name: gateway, keys: ["${SENTRY_KEY}"]}]}
      otlp: {enabled: true}
""")


async def _groups(base: str) -> list[dict[str, object]]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        async with http.get(f"{base}/api/groups?limit=100") as r:
            assert r.status == 200, await r.text()
            items: list[dict[str, object]] = (await r.json())["items"]
            return items


async def _until(predicate, within: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        try:
            if await predicate():
                return
        except aiohttp.ClientError:
            pass  # not listening yet
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _start(config: Path, env: dict[str, str], out: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "sidecar", "run", "--config", str(config)], cwd=config.parent,
                            env=env, stdout=out, stderr=subprocess.STDOUT)


async def test_sentry_sdk_against_a_sidecar_run_process(tmp_path: Path, free_port: int) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "gateway.log").touch()
    config = tmp_path / "sidecar.yaml"
    config.write_text(CONFIG.replace("PORT", str(free_port)).replace("TOKEN", TOKEN))
    gateway = tmp_path / "gw" / "src"
    gateway.mkdir(parents=True)
    (gateway / "gateway_app.py").write_text(GATEWAY_APP)
    out = (tmp_path / "sidecar.out").open("wb")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SENTRY_KEY": KEY}
    proc = _start(config, env, out)
    base = f"http://127.0.0.1:{free_port}"
    try:
        await wait_serving_async(f"{base}/healthz", proc, "sidecar run", tmp_path / "sidecar.out")

        result = await run_client(CLIENT, f"http://{KEY}@127.0.0.1:{free_port}/1", str(gateway), "-", "errors")
        assert result["failures"] == [], "the SDK's transport reported failed deliveries"

        async def three_groups() -> bool:
            return len(await _groups(base)) >= 3
        await _until(three_groups, 30, "the SDK's three error groups")
        groups = await _groups(base)
        assert {g.get("error_type") for g in groups} >= {"KeyError", "RuntimeError"}
        assert sum(int(str(g["occurrence_count"])) for g in groups) == 4  # the info message is not an error

        # a wrong key is refused and stores nothing
        wrong = await run_client(CLIENT, f"http://{'0' * 32}@127.0.0.1:{free_port}/1", str(gateway), "-", "errors")
        assert wrong["failures"], "a wrong DSN key must be refused, and the SDK says so"
        assert sum(int(str(g["occurrence_count"])) for g in await _groups(base)) == 4
        assert proc.poll() is None, "the sidecar process exited"
    finally:
        stop_process(proc, timeout=20)
        out.close()
    log = (tmp_path / "sidecar.out").read_text(errors="replace")
    assert proc.returncode == 0, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
