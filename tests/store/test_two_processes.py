"""Two real `sidecar run` processes on one PostgreSQL, each tailing its own file with the same errors.

What a fleet of gateway replicas (one sidecar each) must get right: occurrence counts are the
exact sums of what both files hold, Kimi (a local OpenAI-compatible server standing in for it)
is asked once per fingerprint however many replicas see the group, both replicas' APIs show the
same groups, and when a rollout's trigger fires on both replicas' traffic the rollback hook is
called once.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
import yaml
from aiohttp import web

from tests.conftest import find_free_port
from tests.helpers import wait_serving_async

ANSWER = {
    "summary": "The provider call failed",
    "root_cause": "The upstream provider returned an error",
    "suggested_fix": ["Check the provider status"],
    "severity": "high",
    "confidence": 0.8,
    "category": "provider",
    # quoted from the log it was shown (>= 8 characters), so the answer is grounded and becomes primary
    "evidence": ["request failed"],
}

# Three distinct errors; each file holds REPEAT copies of each, so each group counts 2 * REPEAT.
REPEAT = 40
ERRORS = [
    ("src.providers.kimi", "KimiUploadError", "kimi upload returned no file ID for job {n}", "upload"),
    ("src.daemon.ws_server", "ConnectionClosedError", "sent 1011 (internal error) keepalive ping timeout", "send"),
    ("src.tools.files", "ValueError", "unsupported file type .xyz{n}", "parse"),
]


def log_text(replica: int) -> str:
    lines = []
    second = 0
    for rep in range(REPEAT):
        for logger, exc, message, func in ERRORS:
            second += 1
            msg = message.format(n=rep * 10 + replica)
            stamp = f"2026-11-23 12:{second // 60 % 60:02d}:{second % 60:02d}"
            lines.append(f"{stamp},123 INFO {logger}: handling request {rep}")
            lines.append(f"{stamp},456 ERROR {logger}: request failed: {msg}")
            lines.append("Traceback (most recent call last):")
            lines.append(f'  File "/app/{logger.replace(".", "/")}.py", line {40 + len(func)}, in {func}')
            lines.append("    result = await self.call(payload)")
            lines.append(f"{exc}: {msg}")
    return "\n".join(lines) + "\n"


TOKEN = "test-api-token-0123456789"
ROLLOUT = "async-upload"


def rollout_records(n: int, errors: int) -> str:
    """The gateway's per-request rollout records (execution_type async = canary), stamped now."""
    now = datetime.now(UTC).replace(tzinfo=None)
    out = []
    for i in range(n):
        ok = i >= errors
        out.append(json.dumps({
            "execution_type": "async", "success": ok, "duration_ms": 120.0 + i,
            "error_type": None if ok else "TimeoutError", "fallback_used": not ok, "file_size_mb": 1.0,
            "provider": "kimi", "request_id": f"r{i}", "timestamp": (now + timedelta(milliseconds=i)).isoformat(),
        }))
    return "\n".join(out) + "\n"


class HookReceiver:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.calls.append((request.path, await request.json()))
        return web.json_response({"ok": True})


class FakeKimi:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        return web.json_response({
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "created": 1_763_900_000,
            "model": body.get("model", "kimi"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(ANSWER)}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        })


def write_config(tmp: Path, replica: int, dsn: str, kimi_url: str, port: int, hook_url: str) -> Path:
    home = tmp / f"replica{replica}"
    home.mkdir()
    (home / "logs").mkdir()
    (home / "logs" / "rollout.jsonl").write_text("")
    config = {
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port, "api_token": TOKEN},
        "sources": [{"name": "gateway", "paths": [str(home / "logs" / "ws_daemon.log")], "start_at": "beginning"}],
        "ingest": {"checkpoint_dir": str(home / "checkpoints")},
        "store": {"backend": "postgres", "dsn": dsn, "path": str(home / "data" / "unused.db")},
        "diagnosis": {"rules_file": str(Path("rules/diagnoses.yaml").resolve()), "base_url": kimi_url,
                      "api_key": "sk-test-key-not-a-secret-000000", "timeout": 10.0},
        "metrics": {"jsonl": [{"name": "async_upload", "paths": [str(home / "logs" / "rollout.jsonl")],
                               "start_at": "beginning", "poll_interval": 0.2}]},
        "rollouts_file": None,
        "rollouts": [{
            "name": ROLLOUT, "flag": "ASYNC_UPLOAD_ROLLOUT", "interval": 1,
            "stages": [{"percent": 1, "hold": 3600}, {"percent": 10, "hold": 3600}],
            "triggers": [{"name": "error-rate", "op": ">", "threshold": 0.05, "window": 600, "min_samples": 20,
                          "metric": {"source": "jsonl", "stream": "async_upload", "function": "error_rate",
                                     "where": {"execution_type": "async"}}}],
            "hooks": [{"kind": "rollback", "name": "rollback", "url": f"{hook_url}/rollback", "retries": 2,
                       "backoff": 0.5}],
        }],
        "alerts": {"rules_file": None},
        "logging": {"level": "WARNING"},
    }
    path = home / "sidecar.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def start_sidecar(config: Path) -> subprocess.Popen[bytes]:
    """`sidecar run` as its own process; its log goes to a file next to the config (a pipe could fill)."""
    log = open(config.parent / "sidecar.log", "wb")  # noqa: SIM115 - handed to the child process
    env = {**os.environ, "MOONSHOT_API_KEY": ""}
    return subprocess.Popen([sys.executable, "-m", "sidecar", "run", "--config", str(config)], cwd=Path.cwd(),
                            env=env, stdout=log, stderr=subprocess.STDOUT)


def log_tail(config: Path) -> str:
    return (config.parent / "sidecar.log").read_text(errors="replace")[-3000:]


async def wait_for(predicate, limit: float, what: str) -> None:
    """Poll a condition the processes make true (real processes: no clock to move)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
async def test_two_sidecar_processes_share_one_postgres(tmp_path, pg_migrated_dsn, free_port):
    kimi = FakeKimi()
    hooks = HookReceiver()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", kimi.handle)
    app.router.add_post("/rollback", hooks.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", free_port).start()

    ports = [find_free_port(), find_free_port()]
    base = f"http://127.0.0.1:{free_port}"
    configs = [write_config(tmp_path, i, pg_migrated_dsn, f"{base}/v1", ports[i], base) for i in range(2)]
    for i in range(2):
        (tmp_path / f"replica{i}" / "logs" / "ws_daemon.log").write_text(log_text(i))
    procs = [start_sidecar(c) for c in configs]
    expected = 2 * REPEAT * len(ERRORS)
    try:
        for p, c, port in zip(procs, configs, ports, strict=True):
            await wait_serving_async(f"http://127.0.0.1:{port}/healthz", p, f"replica {c.parent.name}",
                                     c.parent / "sidecar.log")
        async with await psycopg.AsyncConnection.connect(pg_migrated_dsn, autocommit=True) as db:
            async def counted() -> bool:
                for p, c in zip(procs, configs, strict=True):
                    if p.poll() is not None:
                        raise AssertionError(f"sidecar exited {p.returncode}: {log_tail(c)}")
                row = await (await db.execute(
                    "SELECT COALESCE(SUM(occurrence_count), 0) FROM error_investigations")).fetchone()
                return row[0] == expected

            await wait_for(counted, 60, f"{expected} events counted")
            groups = await (await db.execute(
                "SELECT error_hash, error_type, occurrence_count FROM error_investigations ORDER BY error_type"
            )).fetchall()
            assert [(g[1], g[2]) for g in groups] == sorted((e[1], 2 * REPEAT) for e in ERRORS)

            async def diagnosed() -> bool:
                row = await (await db.execute(
                    "SELECT COUNT(*) FROM diagnosis_claims WHERE state = 'done'")).fetchone()
                return row[0] == len(ERRORS)

            await wait_for(diagnosed, 60, "every group diagnosed")
            # give a slow loser a moment to (wrongly) call Kimi a second time, then count
            await asyncio.sleep(1.0)
            assert len(kimi.requests) == len(ERRORS), [r["messages"][-1]["content"][:200] for r in kimi.requests]
            kimi_rows = await (await db.execute(
                "SELECT error_hash, COUNT(*) FROM diagnoses WHERE source <> 'rules' GROUP BY error_hash")).fetchall()
            assert sorted(n for _, n in kimi_rows) == [1] * len(ERRORS)

        # both replicas' APIs show the same groups
        async with aiohttp.ClientSession() as http:
            seen = []
            for port in ports:
                async with http.get(f"http://127.0.0.1:{port}/api/groups?sort=count&limit=50") as resp:
                    assert resp.status == 200
                    seen.append((await resp.json())["items"])
            # the whole rows: counts, statuses, diagnosis, timestamps
            assert seen[0] == seen[1] and len(seen[0]) == len(ERRORS)
            assert {g["occurrence_count"] for g in seen[0]} == {2 * REPEAT}
            assert all(g["diagnosis_source"] not in (None, "rules") for g in seen[0]), seen[0]

            # A rollout started through one replica's API runs on both; both see a bad error rate.
            auth = {"Authorization": f"Bearer {TOKEN}"}
            async with http.post(f"http://127.0.0.1:{ports[0]}/api/rollouts/{ROLLOUT}/start", headers=auth) as resp:
                assert resp.status == 200, await resp.text()
            for i in range(2):
                with (tmp_path / f"replica{i}" / "logs" / "rollout.jsonl").open("a") as f:
                    f.write(rollout_records(60, errors=30))

            async def rolled_back() -> bool:
                states = []
                for port in ports:
                    async with http.get(f"http://127.0.0.1:{port}/api/rollouts/{ROLLOUT}") as resp:
                        states.append((await resp.json())["state"])
                return bool(hooks.calls) and states == ["rolled_back", "rolled_back"]

            await wait_for(rolled_back, 60, "the rollback hook call and both replicas showing rolled_back")
            await asyncio.sleep(2.0)  # both replicas keep evaluating: a second call would show up here
            assert [path for path, _ in hooks.calls] == ["/rollback"], hooks.calls
        async with await psycopg.AsyncConnection.connect(pg_migrated_dsn, autocommit=True) as db:
            decisions = await (await db.execute(
                "SELECT action FROM rollout_decisions WHERE rollout = %s AND action = 'rollback'", (ROLLOUT,)
            )).fetchall()
            assert len(decisions) == 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        await runner.cleanup()
