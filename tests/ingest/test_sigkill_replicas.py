"""Two real `sidecar run` replicas tail one log into one store; each is SIGKILLed at random points: exact counts.

The class: replicas of the sidecar on a shared volume (both tail the same file from the beginning)
and one database (SQLite file or the real PostgreSQL test cluster); a kill between "store
accepted" and "checkpoint written" makes a replica re-deliver a batch the other may have stored
too, cut at other places; the writer renames the file away (RotatingFileHandler's rollover) while
either is down or running. Every ERROR line must be counted once (store/receipt_ranges.py for the
offsets, ingest/receiptstream.py for a name both replicas give the file). Seeds vary the kill
points, the writes and the rollovers.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import find_free_port
from .conftest import line
from .test_sigkill import REPO, start, wait_ready


def _config(tmp: Path, name: str, store: dict[str, Any], log: Path) -> tuple[Path, int]:
    port = find_free_port()
    (tmp / name).mkdir()
    cfg = tmp / name / "sidecar.yaml"
    cfg.write_text(yaml.safe_dump({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port},
        "store": {**store, "spool_dir": str(tmp / name / "spool")},
        "ingest": {"checkpoint_dir": str(tmp / name / "ck")},
        "sources": [{"paths": [str(log), str(log) + ".1"], "start_at": "beginning"}],
        "diagnosis": {"kimi_enabled": False, "rules_file": str(REPO / "rules" / "diagnoses.yaml")},
        "alerts": {"rules_file": None},
        "rollouts_file": None,
    }))
    return cfg, port


def _status(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=5) as r:
        return dict(json.loads(r.read()))


def _caught_up(port: int, log: Path) -> bool:
    """What a user checks: ready (nothing spooled), and for the log and its `.1` on disk, the
    replica's stored offset equals the file's size; no file (renamed away ones too) is behind."""
    st = _status(port)
    files = [f for src in st["ingest"]["sources"] for f in src["files"]]
    on_disk = {str(p): p.stat().st_size for p in (log, log.with_name(log.name + ".1")) if p.exists()}
    stored = {f["path"]: f["offset"] for f in files if f["path"] is not None}
    return (st["ready"] and all(stored.get(p) == size for p, size in on_disk.items())
            and all(f["offset"] == f["size"] and f["undelivered"] == 0 for f in files))


async def _count(store: dict[str, Any]) -> int:
    from sidecar.store.postgres import open_postgres
    from sidecar.store.sqlite import open_sqlite

    s = await (open_sqlite(store["path"]) if store["backend"] == "sqlite" else open_postgres(store["dsn"], pool_size=1))
    try:
        row = await s.db.fetchone("SELECT COALESCE(SUM(occurrence_count), 0) AS n FROM error_investigations")
        return int(row["n"]) if row else 0
    finally:
        await s.close()


@pytest.mark.slow
@pytest.mark.timeout(300)  # up to 8 sidecar starts, SIGKILLs and a 60 s catch-up: 120 s was exceeded at load 20+ (CI of f26e84ea on the shared machine; i16 2 of 2 at load 30)
@pytest.mark.parametrize("backend,seed", [("sqlite", 1), ("postgres", 2)])
async def test_two_replicas_killed_at_random_points_count_every_error_once(tmp_path: Path, backend: str, seed: int,
                                                                          request: pytest.FixtureRequest) -> None:
    store: dict[str, Any] = ({"backend": "sqlite", "path": str(tmp_path / "shared.db")} if backend == "sqlite"
                             else {"backend": "postgres", "dsn": request.getfixturevalue("pg_migrated_dsn")})
    log = tmp_path / "ws_daemon.log"
    rnd = random.Random(f"sigkill-replicas-{seed}")
    replicas = [_config(tmp_path, name, store, log) for name in ("a", "b")]
    state = {"seq": 0, "errors": 0}

    def append(n: int) -> None:
        with log.open("a") as w:
            for _ in range(n):
                error = rnd.random() < 0.5
                w.write(line(state["seq"], "ERROR" if error else "INFO"))
                state["errors"] += error
                state["seq"] += 1

    def rollover() -> None:  # RotatingFileHandler, backupCount 1: base -> .1 (the old .1 is gone)
        if log.exists() and not (log.with_name(log.name + ".1")).exists():
            log.rename(log.with_name(log.name + ".1"))

    # A short head: a replica that opens the file now and one that opens it later see different
    # first bytes (what made the old file key differ between replicas).
    log.touch()
    append(rnd.randint(0, 5))
    procs: list[subprocess.Popen[bytes] | None] = [None, None]
    try:
        for _ in range(4):
            for i, (cfg, port) in enumerate(replicas):
                if procs[i] is None and rnd.random() < 0.7:
                    procs[i] = start(cfg, cfg.parent)
                    wait_ready(port, procs[i])  # type: ignore[arg-type]
                    append(rnd.randint(1, 10))  # the other replica opens it later, at another size
            for _ in range(rnd.randint(1, 4)):
                append(rnd.randint(10, 150))
                if rnd.random() < 0.2:
                    rollover()
                await asyncio.sleep(rnd.uniform(0.0, 0.4))
            for i, p in enumerate(procs):
                if p is not None and rnd.random() < 0.6:
                    p.send_signal(signal.SIGKILL)  # anywhere: mid-batch, before the checkpoint
                    p.wait(10)
                    procs[i] = None
        for i, (cfg, port) in enumerate(replicas):
            if procs[i] is None:
                procs[i] = start(cfg, cfg.parent)
                wait_ready(port, procs[i])  # type: ignore[arg-type]
        append(20)
        # Done when both replicas say on /api/status that the store accepted every byte of both
        # files: after that neither has anything left to send, so a duplicate cannot land later.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(_caught_up(port, log) for _, port in replicas):
                break
            await asyncio.sleep(0.2)
        assert all(_caught_up(port, log) for _, port in replicas), [_status(port) for _, port in replicas]
        got = await _count(store)
    finally:
        for p in procs:
            if p is not None:
                p.send_signal(signal.SIGTERM)
                p.wait(15)
    assert got == state["errors"], (got, state["errors"])
