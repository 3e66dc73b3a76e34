"""`store:` configuration: bad backend settings fail at load time; open_store opens each backend."""

from __future__ import annotations

import random
import threading

import pytest

from sidecar.config import ConfigError, load_config
from sidecar.store.base import migration_files
from sidecar.store.open import open_store


@pytest.mark.parametrize(("env", "needle"), [
    ({"SIDECAR_STORE__BACKEND": "postgres"}, "backend 'postgres' needs dsn"),
    ({"SIDECAR_STORE__BACKEND": "supabase", "SIDECAR_STORE__SUPABASE_URL": "https://x.supabase.co"},
     "supabase_key"),
    ({"SIDECAR_STORE__BACKEND": "supabase", "SIDECAR_STORE__SUPABASE_URL": "x.supabase.co",
      "SIDECAR_STORE__SUPABASE_KEY": "k"}, "http(s) URL"),
])
def test_incomplete_backend_settings_fail_at_load(tmp_path, monkeypatch, env, needle):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_config(None, env)
    assert "store" in str(info.value) and needle in str(info.value)


async def test_open_store_postgres_from_environment(tmp_path, monkeypatch, pg_dsn):
    monkeypatch.chdir(tmp_path)
    config = load_config(None, {"SIDECAR_STORE__BACKEND": "postgres", "SIDECAR_STORE__DSN": pg_dsn})
    store = await open_store(config.store)
    try:
        assert store.db.dialect == "postgres"
        await store.ping()
        assert await store.groups.counts_by_status() == {"open": 0, "regressed": 0, "muted": 0, "resolved": 0}
    finally:
        await store.close()
    assert "SIDECAR_STORE__DSN" not in repr(config.store) and pg_dsn not in repr(config.store)


def _new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    """Threads started since `before` that are still running 5 s later (a closed aiosqlite connection's
    worker ends right after its close; an unclosed one never does)."""
    new = [t for t in threading.enumerate() if t not in before]
    for t in new:
        t.join(5)
    return [t for t in new if t.is_alive()]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_file_that_is_not_a_database_fails_start_up_in_one_line_and_leaves_no_thread(tmp_path, seed):
    """`sidecar run` on it printed a traceback and then never exited: the writer connection opened before
    `PRAGMA journal_mode` failed was left open, and aiosqlite >= 0.22 runs each connection in a
    non-daemon thread (its changelog), which the interpreter waits for at exit. The same held for a
    database locked past busy_timeout (reproduced by hand: 'database is locked', then no exit)."""
    from sidecar.app import StartupError, run
    from sidecar.config import load_config

    rnd = random.Random(f"not-a-database-{seed}")
    db = tmp_path / rnd.choice(["s.db", "sidecar.sqlite", "data.db"])
    # Anything but SQLite's 16-byte magic: bytes at random, a text file, another format's header.
    content = rnd.choice([rnd.randbytes(4096), b"not sqlite\n" * 400, b"PK\x03\x04" + rnd.randbytes(4092)])
    db.write_bytes(content)
    (tmp_path / "c.yaml").write_text(f"store: {{path: {db}, spool_dir: {tmp_path}/spool}}\n"
                                     f"ingest: {{checkpoint_dir: {tmp_path}/ck}}\nrollouts_file: null\n")
    config = load_config(tmp_path / "c.yaml")
    before = set(threading.enumerate())
    with pytest.raises(StartupError) as info:
        await run(config)
    assert str(info.value) == f"store: cannot open {db}: file is not a database"
    assert _new_threads(before) == []
    assert db.read_bytes() == content  # the operator's file is left as it was


async def test_a_database_a_peer_holds_locked_at_start_up_is_waited_for(tmp_path, caplog):
    """Two replicas started together on one SQLite file: the second waited past busy_timeout while the first ran its
    migrations, gave up and (then) never exited - round 14's CI ('sidecar did not come up'). Start-up now retries an
    unavailable store, says so in the log, and starts once the peer lets go."""
    import asyncio
    import logging
    import sqlite3

    from sidecar.app import Sidecar

    db = tmp_path / "shared.db"
    peer = sqlite3.connect(db, isolation_level=None)
    peer.execute("PRAGMA journal_mode=WAL")
    peer.execute("BEGIN EXCLUSIVE")  # the peer's migration transaction
    (tmp_path / "c.yaml").write_text(f"store: {{path: {db}, spool_dir: {tmp_path}/spool, startup_wait: 120}}\n"
                                     f"ingest: {{checkpoint_dir: {tmp_path}/ck}}\nrollouts_file: null\n")
    sidecar = Sidecar(load_config(tmp_path / "c.yaml"))
    caplog.set_level(logging.WARNING, logger="sidecar.app")
    starting = asyncio.create_task(sidecar.start(serve=False))
    try:
        loop = asyncio.get_running_loop()
        end = loop.time() + 100
        while not [r for r in caplog.records if r.getMessage().startswith("store unavailable at start-up")]:
            assert not starting.done(), starting.exception()
            assert loop.time() < end, "start-up neither retried nor failed"
            await asyncio.sleep(0.05)
        retried = [r for r in caplog.records if r.getMessage().startswith("store unavailable at start-up")][0]
        assert "database is locked" in retried.error  # type: ignore[attr-defined]
        assert not starting.done()
        peer.execute("ROLLBACK")  # the peer is done
        await asyncio.wait_for(starting, 100)
        rows = await sidecar.store.db.fetchall("SELECT version FROM schema_migrations")
        assert len(rows) == len(migration_files())
    finally:
        peer.close()
        if not starting.done():
            starting.cancel()
        await sidecar.stop()
