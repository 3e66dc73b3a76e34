"""A real `sidecar run` on PostgreSQL: the database goes down, errors keep coming, the sidecar is
killed (SIGKILL) while its spool holds them, and everything restarts. Every error line is
counted exactly once: spooled batches survive the kill and drain at the next start, and what
ingest re-reads from its last checkpoint is recognised by the event receipts.
"""

from __future__ import annotations

import asyncio
import json
import signal

import aiohttp
import psycopg
import pytest
import yaml

from sidecar.store.groups import RECEIPT_COUNT_SQL

from .test_two_processes import ERRORS, REPEAT, log_tail, log_text, start_sidecar, wait_for


def write_config(tmp_path, dsn: str, port: int):
    home = tmp_path / "replica"
    (home / "logs").mkdir(parents=True)
    config = {
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port},
        "sources": [{"name": "gateway", "paths": [str(home / "logs" / "ws_daemon.log")], "start_at": "beginning"}],
        "ingest": {"checkpoint_dir": str(home / "checkpoints")},
        "store": {"backend": "postgres", "dsn": dsn, "path": str(home / "data" / "unused.db"),
                  "connect_timeout": 2.0, "spool_retry_max": 1.0},
        "diagnosis": {"rules_file": "rules/diagnoses.yaml", "kimi_enabled": False},
        "rollouts_file": None,
        "alerts": {"rules_file": None},
        "logging": {"level": "WARNING"},
    }
    path = home / "sidecar.yaml"
    path.write_text(yaml.safe_dump(config))
    return path, home / "logs" / "ws_daemon.log", home / "data" / "spool"


@pytest.mark.slow
async def test_killed_while_spooling_then_restarted_counts_every_line_once(tmp_path, pg_cluster, pg_migrated_dsn,
                                                                            free_port):
    config, log, spool_dir = write_config(tmp_path, pg_migrated_dsn, free_port)
    per_chunk = REPEAT * len(ERRORS)  # error events in one log_text()
    log.write_text(log_text(0))
    first_chunk_bytes = log.stat().st_size
    proc = start_sidecar(config)
    try:
        async with aiohttp.ClientSession() as http:
            async def total() -> int:
                async with await psycopg.AsyncConnection.connect(pg_migrated_dsn, autocommit=True) as db:
                    row = await (await db.execute(
                        "SELECT COALESCE(SUM(occurrence_count), 0) FROM error_investigations")).fetchone()
                    return int(row[0])

            def alive_and(predicate):
                """The condition, failing at once (with the sidecar's log) if the process died."""
                async def check() -> bool:
                    if proc.poll() is not None:
                        raise AssertionError(f"sidecar exited {proc.returncode}: {log_tail(config)}")
                    return await predicate()
                return check

            def counted(n: int):
                async def check() -> bool:
                    return await total() == n
                return alive_and(check)

            await wait_for(counted(per_chunk), 60, "the first chunk counted")

            pg_cluster.stop()
            try:
                with log.open("a") as f:
                    f.write(log_text(1))

                async def spooled() -> bool:
                    async with http.get(f"http://127.0.0.1:{free_port}/readyz") as resp:
                        body = await resp.json()
                    return any(p.startswith("spool: store unavailable") for p in body["problems"])

                await wait_for(alive_and(spooled), 60, "the second chunk spooled while PostgreSQL is down")
                assert any(spool_dir.glob("seg-*.spool"))

                async def checkpoint_past_first_chunk() -> bool:
                    # The tailer moved on because the spool accepted: those events now live only in
                    # the spool (the log will not be read there again), so the spool must deliver them.
                    try:
                        doc = json.loads((config.parent / "checkpoints" / "checkpoints.json").read_text())
                    except (OSError, ValueError):
                        return False
                    return any(f["offset"] > first_chunk_bytes for f in doc["files"])

                await wait_for(alive_and(checkpoint_past_first_chunk), 30, "a checkpoint past spooled events")
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
            finally:
                pg_cluster.start()

        proc = start_sidecar(config)  # the spool from the killed run drains; ingest resumes
        await wait_for(counted(2 * per_chunk), 60, "both chunks counted after the restart")
        with log.open("a") as f:
            f.write(log_text(2))
        await wait_for(counted(3 * per_chunk), 60, "the third chunk counted")
        await asyncio.sleep(1.0)  # nothing arrives twice later either
        assert await total() == 3 * per_chunk
        async with await psycopg.AsyncConnection.connect(pg_migrated_dsn, autocommit=True) as db:
            receipts = await (await db.execute(RECEIPT_COUNT_SQL)).fetchone()
        assert receipts[0] == 3 * per_chunk
    finally:
        if not pg_cluster.running:
            pg_cluster.start()
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except Exception:  # noqa: BLE001 - last resort in teardown
                proc.kill()
