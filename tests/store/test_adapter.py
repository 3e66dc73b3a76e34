"""The `Database` adapters against SQLite and a real PostgreSQL: migrations and value round trips."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sidecar.store.base import MigrationError, StoreError, migrate, migration_files
from sidecar.store.postgres import PostgresDatabase, open_postgres, translate_sql

TABLE = (
    "CREATE TABLE IF NOT EXISTS t_types (id @SERIAL_PK@, k TEXT NOT NULL UNIQUE, at TIMESTAMPTZ, "
    "doc JSONB, flag BOOLEAN NOT NULL DEFAULT FALSE, n @BIGINT@ NOT NULL DEFAULT 0, pct TEXT)"
)


async def _make_table(store) -> None:
    from sidecar.store.base import render_migration

    (stmt,) = render_migration(TABLE, store.db.dialect)
    await store.db.execute(stmt)


def test_translate_sql_placeholders_and_percent():
    assert translate_sql("SELECT * FROM t WHERE a = ? AND b LIKE 'x%'") == (
        "SELECT * FROM t WHERE a = %s AND b LIKE 'x%%'"
    )
    assert translate_sql("SELECT '?', \"we?ird\", ? FROM t") == "SELECT '?', \"we?ird\", %s FROM t"
    assert translate_sql("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', %s"
    # comments: an apostrophe does not open a string, a `?` is not a placeholder
    sql = "SELECT a, -- the group's count? 100%\n ? /* why? 'x */ FROM t WHERE b = ?"
    assert translate_sql(sql) == "SELECT a, -- the group's count? 100%%\n %s /* why? 'x */ FROM t WHERE b = %s"


def test_supabase_bind_respects_comments():
    from sidecar.store.supabase import bind

    text, values = bind("SELECT ? AS a -- isn't it?\n, ? AS b", (1, "x"))
    assert text == "SELECT ($1->>0)::bigint AS a -- isn't it?\n, ($1->>1) AS b" and values == [1, "x"]


async def test_all_migrations_applied_and_rerun_is_noop(store):
    # (from empty: SQLite here; PostgreSQL in test_concurrent_replica_startup_migrates_once)
    versions = [v for v, _ in migration_files()]
    rows = await store.db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
    assert [r["version"] for r in rows] == versions
    assert await migrate(store.db) == []
    if store.db.dialect == "postgres":
        assert await store.db.migrate() == []
    # every domain table exists and is empty
    for table in ("tail_checkpoints", "error_investigations", "event_receipts", "diagnosis_claims",
                  "rollout_decisions", "alert_deliveries"):
        row = await store.db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
        assert row == {"n": 0}


async def test_round_trip_types(store):
    await _make_table(store)
    at = datetime(2026, 11, 23, 13, 5, 7, 123456, tzinfo=UTC)
    doc = {"frames": [{"file": "a.py", "line": 3}], "ok": True, "pct": "100%"}
    row = await store.db.fetchone(
        "INSERT INTO t_types (k, at, doc, flag, n, pct) VALUES (?, ?, ?, ?, ?, ?) RETURNING id, k, at, doc, flag, n",
        ("a", at, doc, True, 2**40, "50% off"),
    )
    assert row["k"] == "a" and row["at"] == at and row["doc"] == doc and row["flag"] is True and row["n"] == 2**40
    assert row["at"].tzinfo is not None and row["at"].utcoffset() == timedelta(0)
    # another zone in, UTC out
    other = datetime(2026, 11, 23, 15, 5, 7, tzinfo=timezone(timedelta(hours=2)))
    await store.db.execute("UPDATE t_types SET at = ?, flag = ? WHERE k = ?", (other, False, "a"))
    got = await store.db.fetchone("SELECT at, flag, pct FROM t_types WHERE k = ?", ("a",))
    assert got["at"] == datetime(2026, 11, 23, 13, 5, 7, tzinfo=UTC) and got["at"].utcoffset() == timedelta(0)
    assert got["flag"] is False and got["pct"] == "50% off"
    # a list as JSON, NULL JSON
    await store.db.execute("INSERT INTO t_types (k, doc) VALUES (?, ?)", ("b", [1, "two", None]))
    await store.db.execute("INSERT INTO t_types (k, doc) VALUES (?, ?)", ("c", None))
    rows = await store.db.fetchall("SELECT k, doc FROM t_types WHERE k IN (?, ?) ORDER BY k", ("b", "c"))
    assert rows == [{"k": "b", "doc": [1, "two", None]}, {"k": "c", "doc": None}]


async def test_upsert_on_conflict_and_aggregates(store):
    await _make_table(store)
    sql = ("INSERT INTO t_types (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET n = t_types.n + excluded.n "
           "RETURNING n")
    assert (await store.db.fetchone(sql, ("g", 3)))["n"] == 3
    assert (await store.db.fetchone(sql, ("g", 4)))["n"] == 7
    await store.db.executemany(sql.removesuffix(" RETURNING n"), [("g", 1), ("h", 5), ("g", 1)])
    assert (await store.db.fetchone("SELECT n FROM t_types WHERE k = ?", ("g",)))["n"] == 9
    # DO NOTHING: rowcount tells the caller whether it won
    assert await store.db.execute("INSERT INTO t_types (k) VALUES (?) ON CONFLICT (k) DO NOTHING", ("h",)) == 0
    assert await store.db.execute("INSERT INTO t_types (k) VALUES (?) ON CONFLICT (k) DO NOTHING", ("i",)) == 1
    # SUM over BIGINT is NUMERIC on PostgreSQL: the adapter returns int like SQLite does
    total = await store.db.fetchone("SELECT SUM(n) AS s, COUNT(*) AS c FROM t_types")
    assert total == {"s": 14, "c": 3} and type(total["s"]) is int


async def test_transaction_commits_and_rolls_back(store):
    await _make_table(store)
    async with store.db.transaction() as tx:
        await tx.execute("INSERT INTO t_types (k) VALUES (?)", ("x",))
        assert (await tx.fetchone("SELECT k FROM t_types WHERE k = ?", ("x",))) == {"k": "x"}
    with pytest.raises(RuntimeError):
        async with store.db.transaction() as tx:
            await tx.execute("INSERT INTO t_types (k) VALUES (?)", ("y",))
            raise RuntimeError("boom")
    rows = await store.db.fetchall("SELECT k FROM t_types ORDER BY k")
    assert rows == [{"k": "x"}]


async def test_bad_sql_is_store_error_not_unavailable(store):
    from sidecar.store.base import StoreUnavailable

    with pytest.raises(StoreError) as info:
        await store.db.fetchall("SELECT no_such_column FROM schema_migrations")
    assert not isinstance(info.value, StoreUnavailable)


async def test_concurrent_replica_startup_migrates_once(pg_dsn):
    # Five replicas start together on an empty database: one migrates, the others wait and no-op.
    stores = await asyncio.gather(*(open_postgres(pg_dsn, pool_size=2) for _ in range(5)))
    try:
        rows = await stores[0].db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in rows] == [v for v, _ in migration_files()]
    finally:
        for s in stores:
            await s.close()


async def test_failed_migration_leaves_nothing(pg_dsn, monkeypatch):
    import sidecar.store.base as base

    good = base.migration_files()
    monkeypatch.setattr(base, "migration_files", lambda: good + [("9999_broken", "CREATE TABLE nope (x NOPE_TYPE);")])
    db = await PostgresDatabase.open(pg_dsn)
    try:
        with pytest.raises(MigrationError, match="9999_broken"):
            await db.migrate()
        # one outer transaction: nothing of the batch was kept
        row = await db.fetchone("SELECT to_regclass('schema_migrations') AS t")
        assert row == {"t": None}
    finally:
        await db.close()


async def test_unreachable_server_is_store_unavailable(free_port):
    from sidecar.store.base import StoreUnavailable

    with pytest.raises(StoreUnavailable, match="cannot connect"):
        await PostgresDatabase.open(f"host=127.0.0.1 port={free_port} user=postgres dbname=x", connect_timeout=1.0)


async def test_server_restart_is_unavailable_then_recovers(pg_cluster, pg_dsn):
    from sidecar.store.base import StoreUnavailable

    store = await open_postgres(pg_dsn, pool_size=3, connect_timeout=2.0)
    try:
        await store.db.execute("CREATE TABLE r (x INTEGER)")
        pg_cluster.stop()
        try:
            with pytest.raises(StoreUnavailable):
                await store.db.execute("INSERT INTO r (x) VALUES (?)", (1,))
            with pytest.raises(StoreUnavailable):
                await store.ping()
        finally:
            pg_cluster.start()
        # stale pooled connections are checked and replaced: the first call after the restart works
        for attempt in range(50):  # noqa: B007 - the count is the assertion
            try:
                await store.ping()
                break
            except StoreUnavailable:
                await asyncio.sleep(0.1)
        assert attempt == 0, f"needed {attempt} retries after the restart"
        assert await store.db.execute("INSERT INTO r (x) VALUES (?)", (2,)) == 1
        assert await store.db.fetchall("SELECT x FROM r") == [{"x": 2}]
    finally:
        await store.close()


async def test_deadlock_is_a_store_conflict(pg_store):
    from sidecar.store.base import StoreUnavailable
    from sidecar.store.conflict import StoreConflict

    db = pg_store.db
    await db.execute("CREATE TABLE d (k TEXT PRIMARY KEY, n INTEGER)")
    await db.executemany("INSERT INTO d (k, n) VALUES (?, ?)", [("x", 0), ("y", 0)])
    first_locks = asyncio.Barrier(2)

    async def writer(a: str, b: str) -> None:
        async with db.transaction() as tx:
            await tx.execute("UPDATE d SET n = n + 1 WHERE k = ?", (a,))
            await first_locks.wait()  # both hold one row: opposite order on the second -> deadlock
            await tx.execute("UPDATE d SET n = n + 1 WHERE k = ?", (b,))

    results = await asyncio.gather(writer("x", "y"), writer("y", "x"), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], StoreConflict) and isinstance(errors[0], StoreUnavailable)
    assert await db.fetchall("SELECT k, n FROM d ORDER BY k") == [{"k": "x", "n": 1}, {"k": "y", "n": 1}]


async def test_program_limits_are_errors_not_outages(pg_store):
    """psycopg calls 54xxx an OperationalError; retrying it forever would wedge the spool."""
    from sidecar.store.base import StoreUnavailable

    columns = ", ".join(f"c{i} INTEGER" for i in range(1601))  # PostgreSQL allows 1600 columns
    with pytest.raises(StoreError, match="1600") as info:
        await pg_store.db.execute(f"CREATE TABLE wide ({columns})")
    assert not isinstance(info.value, StoreUnavailable)
