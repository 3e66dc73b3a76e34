"""A replica SIGKILLed in the middle of delivering its rollback: a survivor on the same store
finishes the rollback within seconds (short claim lease renewed by a heartbeat), not after 60 s."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from aiohttp import web

from sidecar.clock import SystemClock
from sidecar.config import HookConfig, RolloutConfig, StageConfig
from sidecar.rollout import RolloutController
from sidecar.rollout.hooks import CLAIM_LEASE
from sidecar.store.sqlite import open_sqlite

CHILD = r'''
import asyncio, sys
from sidecar.clock import SystemClock
from sidecar.config import HookConfig, RolloutConfig, StageConfig
from sidecar.rollout import RolloutController
from sidecar.store.sqlite import open_sqlite

async def main(db, url):
    store = await open_sqlite(db)
    cfg = RolloutConfig(name="async-upload", flag="F", interval=1, stages=[StageConfig(percent=10, hold=3600)],
                        hooks=[HookConfig(kind="rollback", name="flip", url=url, timeout=30, retries=3)])
    async def measure(spec, window):
        raise RuntimeError("no metrics in this replica")
    c = RolloutController([cfg], store, measure, clock=SystemClock(), replica="doomed")
    await c.start()
    await c.act(cfg.name, "start")
    print("started", flush=True)
    await c.act(cfg.name, "rollback", reason="error rate 8%")  # delivers: the receiver hangs
    await asyncio.sleep(3600)

asyncio.run(main(sys.argv[1], sys.argv[2]))
'''


async def test_a_survivor_finishes_the_rollback_of_a_killed_replica_within_seconds(tmp_path: Path) -> None:
    calls: list[str] = []
    hang = asyncio.Event()
    release = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        calls.append(body["idempotency_key"])
        if len(calls) == 1:
            hang.set()
            await release.wait()  # the first replica's attempt never completes: it gets killed
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/rollback", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/rollback"
    db = str(tmp_path / "sidecar.db")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", CHILD, db, url, env=env,
                                                 stdout=asyncio.subprocess.PIPE)
    survivor = None
    store = None
    try:
        await asyncio.wait_for(hang.wait(), 30)  # the doomed replica decided and is mid-delivery
        child.send_signal(signal.SIGKILL)
        await child.wait()
        killed_at = time.monotonic()
        store = await open_sqlite(db)
        cfg = RolloutConfig(name="async-upload", flag="F", interval=30, stages=[StageConfig(percent=10, hold=3600)],
                            hooks=[HookConfig(kind="rollback", name="flip", url=url, timeout=5, retries=3)])

        async def measure(spec, window):  # noqa: ANN001, ANN202
            raise RuntimeError("unused")

        survivor = RolloutController([cfg], store, measure, clock=SystemClock(), replica="survivor")
        await survivor.start()
        while (await store.rollouts.get(cfg.name))["state"] != "rolled_back":  # type: ignore[index]
            assert time.monotonic() - killed_at < 20, "the survivor did not finish the rollback"
            await asyncio.sleep(0.1)
        took = time.monotonic() - killed_at
        print(f"survivor finished the rollback {took:.1f}s after the SIGKILL")
        assert took < CLAIM_LEASE + 4, f"took {took:.1f}s"
        assert len(calls) == 2 and calls[0] == calls[1] == "async-upload:1:rollback"  # the same decision (idempotency key), delivered again
        events = await store.rollouts.events(cfg.name)
        assert [e["action"] for e in events][-2:] == ["rollback", "rolled_back"]
        assert "survivor" in events[-1]["actor"]
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
        if survivor is not None:
            await survivor.stop()
        if store is not None:
            await store.close()
        release.set()
        await runner.cleanup()
