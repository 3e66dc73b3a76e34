"""A real gateway writer process and a real `sidecar run`, in real time: the stage counts every
canary upload the writer made once, across a SIGKILL and restart of the sidecar mid-stage, with the
writer's clock three minutes ahead (generated scenarios cover the classes; this is the deployment
shape: separate interpreters, real time, nothing shared but the file).

Contract (test_generated_scenarios C1-C6): the default `start_at: end` reads the last max_lateness
seconds back at start, so what was written while the sidecar was down counts; a clock ahead is
read from the file's modification time at the restart and from live records after it.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from tests.conftest import find_free_port
from tests.helpers import stop_process, wait_serving_async
from tests.store.test_two_processes import TOKEN, log_tail, start_sidecar, wait_for

NAME = "async-upload"
SAMPLES = {"source": "jsonl", "stream": "async_upload", "function": "count", "where": {"execution_type": "async"},
           "failure_when": {"execution_type": "sync_fallback"}}


def write_config(home: Path, port: int, metrics: Path) -> Path:
    config = {
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port, "api_token": TOKEN},
        "sources": [],
        "ingest": {"checkpoint_dir": str(home / "checkpoints")},
        "store": {"backend": "sqlite", "path": str(home / "data" / "sidecar.db")},
        "metrics": {"jsonl": [{"name": "async_upload", "paths": [str(metrics)], "poll_interval": 0.2}]},
        "rollouts_file": None,
        "rollouts": [{"name": NAME, "flag": "ASYNC_UPLOAD_ROLLOUT", "interval": 1, "max_lateness": 120,
                      "samples": SAMPLES, "stages": [{"percent": 10, "hold": 3600, "min_samples": 10}]}],
        "alerts": {"rules_file": None},
        "logging": {"level": "WARNING"},
    }
    path = home / "sidecar.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def start_writer(metrics: Path, ledger: Path, *, seed: int, rate: float, clock_offset: float) -> subprocess.Popen[bytes]:
    """The gateway's writer as its own process (tests/rollout/writer_process.py)."""
    return subprocess.Popen([sys.executable, "-m", "tests.rollout.writer_process", str(metrics), str(ledger),
                             str(seed), str(rate), str(clock_offset)], cwd=Path.cwd())


def epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


async def rollout_of(http: aiohttp.ClientSession, base: str, sidecar: subprocess.Popen[bytes],
                     config: Path) -> dict[str, Any] | None:
    """The rollout's API state; None while the sidecar does not answer. A sidecar that exited fails with its log."""
    if sidecar.poll() is not None:
        raise AssertionError(f"sidecar exited {sidecar.returncode}: {log_tail(config)}")
    try:
        async with http.get(f"{base}/api/rollouts/{NAME}") as resp:
            return await resp.json() if resp.status == 200 else None
    except aiohttp.ClientError:
        return None


async def start_rollout(http: aiohttp.ClientSession, base: str) -> None:
    """POST the rollout's start with the API token (a state-changing call)."""
    async with http.post(f"{base}/api/rollouts/{NAME}/start", headers={"Authorization": f"Bearer {TOKEN}"}) as resp:
        assert resp.status == 200, await resp.text()


@pytest.mark.slow
async def test_a_sigkilled_sidecar_counts_a_real_writers_stage_once(tmp_path: Path) -> None:
    metrics, ledger = tmp_path / "metrics.jsonl", tmp_path / "ledger.jsonl"
    writer = start_writer(metrics, ledger, seed=7, rate=12.0, clock_offset=180.0)
    port = find_free_port()
    config = write_config(tmp_path, port, metrics)
    base = f"http://127.0.0.1:{port}"
    sidecar = start_sidecar(config)
    try:
        async with aiohttp.ClientSession() as http:
            async def api() -> dict[str, Any] | None:
                return await rollout_of(http, base, sidecar, config)

            async def up() -> bool:
                return await api() is not None

            await wait_serving_async(f"{base}/healthz", sidecar, "sidecar run", config.parent / "sidecar.log")
            await wait_for(up, 60, "the sidecar serving")
            await start_rollout(http, base)

            async def counting() -> bool:
                return ((await api()) or {}).get("samples", 0) > 10

            await wait_for(counting, 30, "the stage counting canary uploads")
            sidecar.send_signal(signal.SIGKILL)  # mid-stage, between two evaluations, without a word
            sidecar.wait(timeout=10)
            await asyncio.sleep(3.0)  # the writer goes on while the sidecar is down
            sidecar = start_sidecar(config)
            await wait_serving_async(f"{base}/healthz", sidecar, "restarted sidecar run", config.parent / "sidecar.log")
            await wait_for(up, 60, "the restarted sidecar serving")
            await asyncio.sleep(3.0)
            writer.send_signal(signal.SIGTERM)
            writer.wait(timeout=10)
            stopped = time.time()

            async def evaluated() -> bool:
                s = await api()
                return s is not None and epoch(s["last_evaluated_at"]) > stopped + 1.5

            await wait_for(evaluated, 30, "two evaluations after the writer stopped")
            s = await api()
            assert s is not None
        made = [json.loads(line) for line in ledger.read_text().splitlines()]
        start = epoch(s["stage_started_at"])
        canary = [m["t"] for m in made if m["canary"] and m["t"] > start]
        # A record written within half a second of the stage's start may fall on either side of it.
        # Before this round: 36 counted of 128 (start_at: end skipped what was written while it was down).
        edge = sum(1 for m in made if m["canary"] and abs(m["t"] - start) < 0.5)
        assert abs(s["samples"] - len(canary)) <= edge, (s["samples"], len(canary), edge, log_tail(config))
        assert len(canary) > 40  # a real stretch of traffic on both sides of the kill
    finally:
        stop_process(writer)
        stop_process(sidecar, timeout=15)
