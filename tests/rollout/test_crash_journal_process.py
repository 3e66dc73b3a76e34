"""A real `sidecar run` SIGKILLed after it read records and before it evaluated them, the file gone
while it is down: the restarted process counts every record it read, once (issue 19, the durable
journal: metrics/journal.py). The generated in-process class is tests/rollout/test_crash_points.py;
this is the deployment shape: separate interpreters, a real SIGKILL, the journal on disk in the
checkpoint directory, nothing else shared but the files and the store.

Per case: records shaped as the gateway writes them (tests/rollout/test_gateway_records.Gateway:
fallback on, or off with double-written failures) in three batches: A (counted by an evaluation),
B (written right after an evaluation and read - the /metrics line counter says so - then SIGKILL
before the next evaluation), C (appended after the file's fate, while the sidecar is down). The
fate varies: deleted, copied and truncated, or kept (the twin: the replay reads B again; it must
count once, not twice). `straddle` (round 12): B ends with the inner handler's record of a failed
async upload (fallback off), the writer stalls, the file is deleted while the sidecar is down, and the
outer `except`'s record of the same call (built after the stall: later timestamp, longer duration,
same start) opens C in the new file: one call, counted once (metrics/dedupe.py, journal.py).
Judged by the API's stage count after the restarted process evaluated.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from sidecar.clock import SystemClock
from tests.conftest import find_free_port
from tests.helpers import stop_process
from tests.rollout.test_gateway_records import Gateway
from tests.rollout.test_real_writer_process import epoch, rollout_of, start_rollout
from tests.rollout.upstream_writer import UploadMetrics, utc_iso
from tests.store.test_two_processes import TOKEN, log_tail, start_sidecar, wait_for

NAME = "async-upload"
SAMPLES = {"source": "jsonl", "stream": "async_upload", "function": "count", "where": {"execution_type": "async"},
           "failure_when": {"execution_type": "sync_fallback"}}
INTERVAL = 6


def write_config(home: Path, port: int, metrics: Path) -> Path:
    config = {
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port, "api_token": TOKEN},
        "sources": [],
        "ingest": {"checkpoint_dir": str(home / "checkpoints")},
        "store": {"backend": "sqlite", "path": str(home / "data" / "sidecar.db")},
        "metrics": {"jsonl": [{"name": "async_upload", "paths": [str(metrics)], "poll_interval": 0.2}]},
        "rollouts_file": None,
        "rollouts": [{"name": NAME, "flag": "ASYNC_UPLOAD_ROLLOUT", "interval": INTERVAL, "max_lateness": 120,
                      "samples": SAMPLES, "stages": [{"percent": 10, "hold": 3600, "min_samples": 10_000}]}],
        "alerts": {"rules_file": None},
        "logging": {"level": "WARNING"},
    }
    path = home / "sidecar.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def batch(gw: Gateway, rng: random.Random, n: int, not_before: float) -> tuple[int, int]:
    """`n` upload calls stamped over the last second but after `not_before` (canary, or the sync
    baseline); returns (canary calls, lines written)."""
    before = gw.path.read_bytes().count(b"\n") if gw.path.exists() else 0
    canary = 0
    now = time.time()
    for i in range(n):
        at = max(not_before + 0.01, now - 1.0) + i / n * min(1.0, now - not_before)
        if rng.random() < 0.5:
            canary += 1
            gw.upload(ok=rng.random() >= 0.15, at=at, request_id=f"req-{rng.getrandbits(40):x}"
                      if rng.random() < 0.3 else None)
        else:
            gw.upload(ok=True, kind="sync", at=at)
    return canary, gw.path.read_bytes().count(b"\n") - before


@pytest.mark.slow
@pytest.mark.parametrize("seed, fate", [(1, "delete"), (2, "copytruncate"), (3, "kept"), (4, "straddle")])
async def test_records_read_before_a_sigkill_count_once_after_the_file_is_gone(
        tmp_path: Path, seed: int, fate: str) -> None:
    rng = random.Random(seed)
    metrics = tmp_path / "metrics.jsonl"
    metrics.write_text("")
    gw = Gateway(metrics, SystemClock(), fallback=seed % 2 == 1)  # type: ignore[arg-type]
    port = find_free_port()
    config = write_config(tmp_path, port, metrics)
    base = f"http://127.0.0.1:{port}"
    sidecar = start_sidecar(config)
    try:
        async with aiohttp.ClientSession() as http:
            async def api() -> dict[str, Any] | None:
                return await rollout_of(http, base, sidecar, config)

            async def lines_read() -> float:
                async with http.get(f"{base}/metrics") as resp:
                    for line in (await resp.text()).splitlines():
                        if line.startswith('sidecar_lines_read_total{source="metrics:async_upload"}'):
                            return float(line.split()[-1])
                return 0.0

            async def up() -> bool:
                return await api() is not None

            await wait_for(up, 60, "the sidecar serving")
            await start_rollout(http, base)
            s = await api()
            assert s is not None
            stage = epoch(s["stage_started_at"])
            a, a_lines = batch(gw, rng, rng.randrange(20, 40), stage)

            async def counted(n: int) -> bool:
                return bool(((await api()) or {}).get("samples") == n)

            # Polled every 0.2 s, A is seen counted within a poll of the evaluation that counted it: B below is
            # written right after an evaluation (waiting for the next one as well gave B no more room and cost an
            # interval per case), and the check before the kill still fails if an evaluation came in between.
            await wait_for(lambda: counted(a), 3 * INTERVAL, f"batch A ({a} canary uploads) counted")
            last = ((await api()) or {})["last_evaluated_at"]
            b, b_lines = batch(gw, rng, rng.randrange(20, 40), stage)
            if fate == "straddle":  # the inner handler's record; the outer one comes after the stall
                began = time.time() - rng.uniform(0.5, 3.0)
                failure = {"file_size_mb": round(rng.uniform(0.1, 30), 2), "provider": "kimi",
                           "error_type": rng.choice(["TimeoutError", "ValueError"]), "request_id": None}
                gw.write(UploadMetrics("async", False, (time.time() - began) * 1000, utc_iso(time.time()), **failure))
                b, b_lines = b + 1, b_lines + 1

            async def read_b() -> bool:
                return await lines_read() >= a_lines + b_lines

            await wait_for(read_b, INTERVAL / 2, "batch B read")
            s = await api()
            assert s is not None and s["last_evaluated_at"] == last, "an evaluation came before the kill"
            assert s["samples"] == a  # B is read, not evaluated
            sidecar.send_signal(signal.SIGKILL)
            sidecar.wait(timeout=10)
            if fate in ("delete", "straddle"):
                metrics.unlink()
            elif fate == "copytruncate":
                shutil.copyfile(metrics, tmp_path / "metrics.jsonl.1")  # not followed: the path only
                with metrics.open("r+b") as f:
                    f.truncate(0)
            if fate == "straddle":  # the same call's second record, into the re-created file
                gw.write(UploadMetrics("async", False, (time.time() - began) * 1000, utc_iso(time.time()), **failure))
            c, _ = batch(gw, rng, rng.randrange(5, 15), stage)  # the writer goes on (re-creating the file)
            sidecar = start_sidecar(config)
            await wait_for(up, 60, "the restarted sidecar serving")
            restarted = time.time()

            async def evaluated_after() -> bool:
                s = await api()
                return s is not None and s["last_evaluated_at"] is not None and \
                    epoch(s["last_evaluated_at"]) > restarted + 1

            await wait_for(evaluated_after, 3 * INTERVAL, "an evaluation by the restarted sidecar")
            s = await api()
            assert s is not None
            # Before the journal: a + c after a delete or copytruncate (B was read, then gone).
            assert s["samples"] == a + b + c, (s["samples"], a, b, c, log_tail(config))
    finally:
        stop_process(sidecar, timeout=15)
