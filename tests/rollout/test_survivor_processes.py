"""The survivor test with real processes: two `sidecar run` processes on one PostgreSQL, both
posting to a real Alertmanager. Both replicas' gateways show the regression; whichever process
decides the rollback (the store says which: decided_by carries its pid) is SIGKILLed, and the
other keeps the rollback alert firing in Alertmanager (re-posted with a later endsAt) long after
the dead decider's last endsAt has passed.

(tests/rollout/test_survivor_alerts.py shows the same with two replicas in one test process and a
ManualClock; this is the deployment shape: separate interpreters, nothing shared but the store.)
"""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
import yaml
from aiohttp import web

from tests.alerts.conftest import AlertmanagerProc, alertmanager  # noqa: F401 - fixture
from tests.conftest import find_free_port
from tests.helpers import stop_process
from tests.store.test_two_processes import (
    ROLLOUT,
    TOKEN,
    HookReceiver,
    log_tail,
    rollout_records,
    start_sidecar,
    wait_for,
    write_config,
)

RESEND = 1.0  # seconds: a firing alert is re-posted this often with endsAt = now + 4 x RESEND


def with_alertmanager(config: Path, url: str) -> None:
    data = yaml.safe_load(config.read_text())
    data["alerts"] = {"rules_file": None, "resend_interval": RESEND,
                      "receivers": [{"name": "am", "kind": "alertmanager", "url": url}],
                      "routes": [{"name": "all", "receivers": ["am"], "group_wait": 0}]}
    config.write_text(yaml.safe_dump(data))


def ends(alert: dict[str, Any]) -> float:
    return datetime.fromisoformat(alert["endsAt"].replace("Z", "+00:00")).timestamp()


async def rollback_alerts(am: AlertmanagerProc) -> list[dict[str, Any]]:
    return [a for a in await asyncio.to_thread(am.alerts)
            if a["labels"].get("alert_key") == f"rollout:{ROLLOUT}:rollback"]


@pytest.mark.slow
async def test_a_sigkilled_deciders_rollback_alert_stays_firing_through_the_other_process(
        tmp_path: Path, pg_migrated_dsn: str, free_port: int, alertmanager: AlertmanagerProc) -> None:  # noqa: F811
    hooks = HookReceiver()
    app = web.Application()
    app.router.add_post("/rollback", hooks.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", free_port).start()
    base = f"http://127.0.0.1:{free_port}"
    ports = [find_free_port(), find_free_port()]
    configs = [write_config(tmp_path, i, pg_migrated_dsn, f"{base}/v1", ports[i], base) for i in range(2)]
    for c in configs:
        with_alertmanager(c, alertmanager.url)
    procs = [start_sidecar(c) for c in configs]
    try:
        async with aiohttp.ClientSession() as http:
            async def up() -> bool:
                for p, c in zip(procs, configs, strict=True):
                    if p.poll() is not None:
                        raise AssertionError(f"sidecar exited {p.returncode}: {log_tail(c)}")
                try:
                    for port in ports:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                            if resp.status != 200:
                                return False
                except aiohttp.ClientError:
                    return False
                return True

            await wait_for(up, 60, "both sidecars serving")
            auth = {"Authorization": f"Bearer {TOKEN}"}
            async with http.post(f"http://127.0.0.1:{ports[1]}/api/rollouts/{ROLLOUT}/start", headers=auth) as resp:
                assert resp.status == 200, await resp.text()
            # Both gateways write failing canary records. Which replica decides is a race (the one
            # that evaluates first in an interval; the other skips it), so it is read from the store.
            for i in range(2):
                with (tmp_path / f"replica{i}" / "logs" / "rollout.jsonl").open("a") as f:
                    f.write(rollout_records(60, errors=30))

            async def firing() -> list[dict[str, Any]]:
                return [a for a in await rollback_alerts(alertmanager) if a["status"]["state"] == "active"]

            async def decided() -> bool:
                return bool(hooks.calls) and bool(await firing())

            await wait_for(decided, 60, "the rollback hook call and the rollback alert in Alertmanager")
        async with await psycopg.AsyncConnection.connect(pg_migrated_dsn, autocommit=True) as db:
            rows = await (await db.execute(
                "SELECT decided_by FROM rollout_decisions WHERE rollout = %s AND action = 'rollback'", (ROLLOUT,)
            )).fetchall()
        # one decision, by one of the two processes (controller@host:pid:nonce)
        (pid,) = [int(r[0].split(":")[1]) for r in rows]
        decider = next(i for i, p in enumerate(procs) if p.pid == pid)
        survivor = 1 - decider

        procs[decider].send_signal(signal.SIGKILL)  # the decider dies without a word
        procs[decider].wait(timeout=10)
        killed = time.time()
        # Everything the decider posted ends by killed + 4 x RESEND; wait well past that.
        await asyncio.sleep(4 * RESEND + 4.0)
        (alert,) = await rollback_alerts(alertmanager)
        assert alert["status"]["state"] == "active", alert
        assert ends(alert) > killed + 4 * RESEND + 2.0, (ends(alert), killed)  # re-posted after the kill
        assert procs[survivor].poll() is None, log_tail(configs[survivor])
        assert [path for path, _ in hooks.calls] == ["/rollback"], hooks.calls
    finally:
        for p in procs:
            stop_process(p, timeout=15)
        await runner.cleanup()
