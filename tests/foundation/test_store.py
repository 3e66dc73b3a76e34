"""SQLite store: migrations, value round trips, concurrent readers."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

from sidecar.store.base import migrate, migration_files
from sidecar.store.sqlite import open_sqlite


async def test_migrations_from_empty_and_rerun_is_noop(tmp_path):
    path = str(tmp_path / "s.db")
    store = await open_sqlite(path)
    versions = [v for v, _ in migration_files()]
    rows = await store.db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
    assert [r["version"] for r in rows] == versions
    assert await migrate(store.db) == []  # nothing left to apply
    tables = {r["name"] for r in await store.db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"error_investigations", "error_occurrences", "rollout_state", "rollout_events",
            "alert_deliveries", "tail_checkpoints"} <= tables
    await store.close()
    # Reopening an existing database applies nothing and keeps the data.
    store = await open_sqlite(path)
    assert await migrate(store.db) == []
    await store.close()


async def test_planned_error_investigations_columns(sqlite_store):
    cols = {r["name"] for r in await sqlite_store.db.fetchall("PRAGMA table_info(error_investigations)")}
    planned = {"error_hash", "error_message", "error_type", "error_context", "investigation_result",
               "fix_recommendation", "model_used", "investigation_duration_ms", "created_at", "resolved",
               "resolution_notes", "occurrence_count", "last_occurrence_at"}
    assert planned <= cols


async def test_wal_mode(sqlite_store):
    row = await sqlite_store.db.fetchone("PRAGMA journal_mode")
    assert row == {"journal_mode": "wal"}


async def test_value_round_trip(sqlite_store):
    db = sqlite_store.db
    now = datetime(2026, 11, 23, 12, 30, 15, 123456, tzinfo=UTC)
    await db.execute(
        "INSERT INTO error_investigations (id, error_hash, error_message, created_at, last_occurrence_at, "
        "updated_at, error_context, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ("id1", "abc", "boom", now, now, now, {"frames": [{"file": "a.py", "line": 3}]}, True),
    )
    row = await db.fetchone("SELECT * FROM error_investigations WHERE error_hash = ?", ("abc",))
    assert row["created_at"] == now
    assert row["error_context"] == {"frames": [{"file": "a.py", "line": 3}]}
    assert row["resolved"] is True
    assert row["occurrence_count"] == 0


async def test_upsert_and_returning(sqlite_store):
    db = sqlite_store.db
    sql = ("INSERT INTO error_occurrences (error_hash, minute, count) VALUES (?, ?, ?) "
           "ON CONFLICT (error_hash, minute) DO UPDATE SET count = error_occurrences.count + excluded.count "
           "RETURNING count")
    async with db.transaction() as tx:
        assert (await tx.fetchone(sql, ("h", 1, 2)))["count"] == 2
        assert (await tx.fetchone(sql, ("h", 1, 3)))["count"] == 5


async def test_transaction_rolls_back_on_error(sqlite_store):
    db = sqlite_store.db
    try:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO error_occurrences (error_hash, minute, count) VALUES ('x', 1, 1)")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert await db.fetchall("SELECT * FROM error_occurrences") == []


async def test_readers_see_committed_writes_while_writing(sqlite_store, tmp_path):
    db = sqlite_store.db

    async def writer():
        for i in range(200):
            await db.execute("INSERT INTO error_occurrences (error_hash, minute, count) VALUES (?, ?, 1)", ("w", i))

    async def reader():
        seen = 0
        for _ in range(50):
            row = await db.fetchone("SELECT COUNT(*) AS n FROM error_occurrences")
            assert row["n"] >= seen  # monotone: readers never see a torn state
            seen = row["n"]
            await asyncio.sleep(0)
        return seen

    await asyncio.gather(writer(), reader(), reader())
    # An independent connection (another process would be the same) reads the same data.
    with sqlite3.connect(str(tmp_path / "sidecar.db")) as conn:
        assert conn.execute("SELECT COUNT(*) FROM error_occurrences").fetchone()[0] == 200


async def test_checkpoint_repo_round_trip(sqlite_store):
    at = datetime(2026, 11, 23, 1, 2, 3, tzinfo=UTC)
    await sqlite_store.checkpoints.save("1:2:ab", "gw", "/logs/a.log", 100, 7, 200, at)
    await sqlite_store.checkpoints.save("1:2:ab", "gw", "/logs/a.log", 150, 9, 200, at)
    (row,) = await sqlite_store.checkpoints.all()
    assert (row["offset"], row["line"], row["updated_at"]) == (150, 9, at)
