"""The SQLite file deleted or replaced under a running sidecar (issue 16).

SQLite keeps writing to the open inode; without a check, everything written after an `rm` is lost
at the next start while the tailer's checkpoints moved past it. Real files, the real backend, and
the real `sidecar run` for the end-to-end case.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from sidecar.store.base import StoreUnavailable
from sidecar.store.groups import RECEIPT_COUNT_SQL
from sidecar.store.sqlite import open_sqlite

from ..conftest import find_free_port
from .conftest import line
from .test_sigkill import REPO, start, wait_ready


def _receipts(db: Path) -> int:
    """Events the store's receipts remember (per-event keys and range rows)."""
    con = sqlite3.connect(db)
    try:
        return int(con.execute(RECEIPT_COUNT_SQL).fetchone()[0])
    finally:
        con.close()


@pytest.mark.parametrize("how", ["deleted", "replaced"])
async def test_backend_refuses_then_reopens(tmp_path: Path, how: str) -> None:
    path = tmp_path / "sidecar.db"
    store = await open_sqlite(str(path))
    db = store.db
    db.reopen_after = 0.2
    try:
        await db.execute("INSERT INTO schema_migrations (version, applied_at) VALUES ('x-before', 'now')")
        if how == "deleted":
            os.remove(path)
        else:
            other = tmp_path / "restored.db"
            shutil.copyfile(path, other)
            os.replace(other, path)
        for _ in range(2):  # reported (readiness, writes refused) for `reopen_after` seconds
            with pytest.raises(StoreUnavailable, match=f"was {how} while open"):
                await db.ping()
        with pytest.raises(StoreUnavailable, match=f"was {how} while open"):
            await db.execute("INSERT INTO schema_migrations (version, applied_at) VALUES ('x-lost', 'now')")
        await asyncio.sleep(0.25)
        # then the next attempt reopens the path (a new, migrated database if it was deleted)
        await db.execute("INSERT INTO schema_migrations (version, applied_at) VALUES ('x-after', 'now')")
        await db.ping()
        con = sqlite3.connect(path)
        try:
            versions = {r[0] for r in con.execute("SELECT version FROM schema_migrations")}
        finally:
            con.close()
        assert "x-after" in versions  # written to the file the path names, not to an unlinked inode
        assert ("x-before" in versions) == (how == "replaced") and "x-lost" not in versions
    finally:
        await store.close()


@pytest.mark.slow
def test_sidecar_run_with_its_database_deleted(tmp_path: Path) -> None:
    """/readyz reports the deletion; events written after it are stored in the reopened file; none lost."""
    port = find_free_port()
    log = tmp_path / "ws_daemon.log"
    db = tmp_path / "sidecar.db"
    cfg = tmp_path / "sidecar.yaml"
    cfg.write_text(yaml.safe_dump({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port},
        # The spool probes the store with capped backoff; reopening happens at the first probe after the 10 s
        # (REOPEN_AFTER) report window. With the default cap (30 s) that probe could come ~31 s after the rm, past
        # wait_count's 30 s (failed so under load): a 1 s cap puts it within a second of the window's end.
        "store": {"path": str(db), "spool_dir": str(tmp_path / "spool"), "spool_retry_max": 1.0},
        "ingest": {"checkpoint_dir": str(tmp_path / "ck")},
        "sources": [{"paths": [str(log)], "start_at": "beginning"}],
        "diagnosis": {"kimi_enabled": False, "rules_file": str(REPO / "rules" / "diagnoses.yaml")},
        "alerts": {"rules_file": None},
        "rollouts_file": None,
    }))
    log.write_text("".join(line(s) for s in range(100)))

    def readyz() -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def wait_count(n: int) -> int:
        deadline = time.monotonic() + 30
        got = -1
        while time.monotonic() < deadline:
            try:
                # sqlite3.connect creates a missing file: never put one at the path before the sidecar reopens it
                got = _receipts(db) if db.exists() else -1
            except sqlite3.Error:
                got = -1
            if got >= n:
                break
            time.sleep(0.1)
        return got

    proc = start(cfg, tmp_path)
    try:
        wait_ready(port, proc)
        assert wait_count(100) == 100
        os.remove(db)
        status, body = readyz()
        assert status == 503 and any("deleted while open" in p for p in body["problems"]), body
        with log.open("a") as w:
            w.write("".join(line(s) for s in range(100, 250)))
        time.sleep(1.0)
        status, body = readyz()  # still reported while the events wait in the spool
        assert status == 503 and any("deleted while open" in p for p in body["problems"]), body
        assert wait_count(150) == 150  # then reopened: the new file holds every event written after the rm
        # Ready once the spool has drained: the drain commits the rows before it clears its own state,
        # so the first probe after the count can still see "draining" (it failed so under load).
        deadline = time.monotonic() + 30
        status, body = readyz()
        while status != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
            status, body = readyz()
        assert status == 200, body
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    # after a restart nothing is re-read or lost: the checkpoints moved only past stored events
    proc = start(cfg, tmp_path)
    try:
        wait_ready(port, proc)
        time.sleep(1.5)
        assert _receipts(db) == 150
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    err = (tmp_path / "sidecar.err").read_text(errors="replace")
    assert "was deleted while open" in err and "reopened" in err
