"""The running sidecar (in-process, real HTTP) on PostgreSQL while the database goes away.

What ingest hands to `sidecar.stages.sink` (the SpoolingSink wired in app.py) is spooled while
PostgreSQL is down, /readyz answers 503 naming the store and the spool, and when the database
returns the spool drains and /readyz is ready again, with every event counted once.
"""

from __future__ import annotations

import asyncio

import aiohttp

from sidecar.app import Sidecar
from sidecar.config import Config

from .events import make_event


def config(tmp_path, port: int, dsn: str) -> Config:
    return Config.model_validate({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port},
        "store": {"backend": "postgres", "dsn": dsn, "connect_timeout": 2.0, "path": str(tmp_path / "data" / "x.db"),
                  "spool_retry_max": 2.0},
        "rollouts_file": None,
        "diagnosis": {"rules_file": "rules/diagnoses.yaml", "kimi_enabled": False},
        "alerts": {"rules_file": None},
        "ingest": {"checkpoint_dir": str(tmp_path / "data" / "checkpoints")},
    })


async def test_readyz_degraded_while_postgres_is_down_then_spool_drains(tmp_path, free_port, pg_cluster,
                                                                         pg_migrated_dsn, clock):
    sidecar = Sidecar(config(tmp_path, free_port, pg_migrated_dsn), clock=clock)
    await sidecar.start()
    spool = sidecar.stages.spool
    try:
        async with aiohttp.ClientSession() as http:
            ready = f"{sidecar.url}/readyz"
            await sidecar.stages.sink([make_event(i) for i in range(0, 50)])
            async with http.get(ready) as resp:
                assert resp.status == 200, await resp.text()
            pg_cluster.stop()
            try:
                await sidecar.stages.sink([make_event(i) for i in range(50, 120)])  # returns: spooled
                await sidecar.stages.sink([make_event(i) for i in range(120, 150)])
                assert (tmp_path / "data" / "spool").is_dir() and spool.spool.records == 2
                async with http.get(ready) as resp:
                    body = await resp.json()
                assert resp.status == 503
                assert any(p.startswith("store:") for p in body["problems"]), body
                assert any(p.startswith("spool: store unavailable") and "2 batches" in p for p in body["problems"])
            finally:
                pg_cluster.start()
            for _ in range(2000):
                if not spool.spooling:
                    break
                clock.advance(1)
                await asyncio.sleep(0.005)
            async with http.get(ready) as resp:
                assert resp.status == 200, await resp.text()
        groups, _ = await sidecar.store.groups.list(limit=10)
        assert sum(g["occurrence_count"] for g in groups) == 150
        assert await sidecar.store.groups.receipt_count() == 150
    finally:
        if not pg_cluster.running:
            pg_cluster.start()
        await sidecar.stop()
