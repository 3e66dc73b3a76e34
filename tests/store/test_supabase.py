"""The Supabase backend through the real supabase-py client, against a PostgREST stand-in on real PostgreSQL.

Protocol-level: the HTTP server is ours (tests/store/fake_postgrest.py), the SQL functions, RLS,
grants and data are the real migration on the real PostgreSQL 15.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import psycopg
import pytest

from sidecar.config import StoreConfig
from sidecar.store.base import StoreError, StoreUnavailable, migration_files
from sidecar.store.open import open_store
from sidecar.store.supabase import SupabaseDatabase, bind, open_supabase
from sidecar.store.supabase_schema import migration_path, render_supabase_migration


def test_committed_supabase_migration_is_current():
    assert migration_path().read_text(encoding="utf-8") == render_supabase_migration(), (
        "supabase/migrations is stale: run `python -m sidecar.store.supabase_schema --write`"
    )


def test_bind_types_parameters_and_skips_quotes():
    text, values = bind("SELECT '?' AS q, ? AS a, ? AS b, ? AS c, ? AS d, ? AS e",
                        (1, "x", datetime(2026, 1, 1, tzinfo=UTC), {"k": 1}, None))
    assert text == ("SELECT '?' AS q, ($1->>0)::bigint AS a, ($1->>1) AS b, ($1->>2)::timestamptz AS c, "
                    "($1->3) AS d, NULL AS e")
    assert values == [1, "x", "2026-01-01T00:00:00+00:00", {"k": 1}, None]
    with pytest.raises(StoreError):
        bind("SELECT ?", ())


async def test_open_store_supabase_round_trips(supabase_project):
    store = await open_store(StoreConfig(backend="supabase", supabase_url=supabase_project.url,
                                         supabase_key=supabase_project.service_key))
    try:
        rows = await store.db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in rows] == [v for v, _ in migration_files()]
        at = datetime(2026, 11, 23, 13, 0, 1, 250000, tzinfo=UTC)
        await store.checkpoints.save("dev:ino:abc", "gateway", "/l/a.log", 1234, 10, 5000, at)
        await store.checkpoints.save("dev:ino:abc", "gateway", "/l/a.log", 2345, 20, 6000, at)
        (row,) = await store.checkpoints.all()
        assert row == {"file_key": "dev:ino:abc", "source": "gateway", "path": "/l/a.log", "offset": 2345,
                       "line": 20, "size": 6000, "updated_at": at}
        n = await store.db.execute(
            "INSERT INTO error_merges (from_hash, into_hash, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            ("a", "b", at))
        assert n == 1
        got = await store.db.fetchone("SELECT from_hash, created_at FROM error_merges WHERE into_hash = ?", ("b",))
        assert got == {"from_hash": "a", "created_at": at}
    finally:
        await store.close()
    # every call used the service role through the RPC
    assert {c["fn"] for c in supabase_project.calls} == {"sidecar_exec"}
    assert {c["role"] for c in supabase_project.calls} == {"service_role"}


async def test_transaction_reads_its_writes_and_commits_atomically(supabase_project):
    store = await open_supabase(supabase_project.url, supabase_project.service_key)
    db = store.db
    at = datetime(2026, 11, 23, tzinfo=UTC)
    try:
        async with db.transaction() as tx:
            first = await tx.fetchone(
                "INSERT INTO diagnoses (error_hash, cache_key, source, result, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id", ("h1", "k1", "rules", {"summary": "x"}, at))
            second = await tx.fetchone(
                "INSERT INTO diagnoses (error_hash, cache_key, source, result, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id", ("h1", "k2", "rules", {"summary": "y"}, at))
            seen = await tx.fetchall("SELECT id, cache_key FROM diagnoses ORDER BY id")
            assert [r["cache_key"] for r in seen] == ["k1", "k2"]
            # nothing is visible outside before the commit
            assert await db.fetchall("SELECT id FROM diagnoses") == []
        rows = await db.fetchall("SELECT id, cache_key, result FROM diagnoses ORDER BY id")
        # the ids the caller saw during the transaction are the ids that were committed
        assert [(r["id"], r["cache_key"]) for r in rows] == [(first["id"], "k1"), (second["id"], "k2")]
        assert rows[0]["result"] == {"summary": "x"}
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("DELETE FROM diagnoses")
                raise RuntimeError("abandon")
        assert len(await db.fetchall("SELECT id FROM diagnoses")) == 2
    finally:
        await store.close()


async def test_concurrent_transactions_conflict_instead_of_double_counting(supabase_project):
    """Two replicas both see an event as new; only one commit may count it (40001 for the other)."""
    a = await open_supabase(supabase_project.url, supabase_project.service_key)
    b = await open_supabase(supabase_project.url, supabase_project.service_key)
    at = datetime(2026, 11, 23, tzinfo=UTC)
    receipt = ("INSERT INTO event_receipts (event_key, error_hash, received_at) VALUES (?, ?, ?) "
               "ON CONFLICT (event_key) DO NOTHING")
    try:
        ta = a.db.transaction()
        tb = b.db.transaction()
        txa = await ta.__aenter__()
        txb = await tb.__aenter__()
        assert await txa.execute(receipt, ("f:1", "h", at)) == 1
        assert await txb.execute(receipt, ("f:1", "h", at)) == 1  # preview: not yet committed by a
        await ta.__aexit__(None, None, None)
        with pytest.raises(StoreUnavailable, match="40001"):
            await tb.__aexit__(None, None, None)
        rows = await a.db.fetchall("SELECT event_key FROM event_receipts")
        assert rows == [{"event_key": "f:1"}]
    finally:
        await a.close()
        await b.close()


async def test_anon_key_is_refused_and_rls_admits_only_the_service_role(supabase_project):
    with pytest.raises(StoreError) as info:
        await SupabaseDatabase.open(supabase_project.url, supabase_project.anon_key)
    assert not isinstance(info.value, StoreUnavailable) and "42501" in str(info.value)
    with pytest.raises(StoreError, match="Invalid API key"):
        await SupabaseDatabase.open(supabase_project.url, "not-a-key")
    # In the database itself: anon cannot read the tables even with a direct connection.
    async with await psycopg.AsyncConnection.connect(supabase_project.dsn, autocommit=True) as conn:
        async with conn.transaction():
            await conn.execute("SET LOCAL ROLE anon")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                await conn.execute("SELECT * FROM error_investigations")
        rls = await (await conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relrowsecurity")).fetchone()
        assert rls[0] == 0, "every table must have row-level security enabled"


async def test_unreachable_rest_endpoint_is_store_unavailable(free_port):
    with pytest.raises(StoreUnavailable):
        await SupabaseDatabase.open(f"http://127.0.0.1:{free_port}", "k", connect_timeout=1.0)


async def test_database_down_behind_rest_is_store_unavailable(supabase_project, pg_cluster):
    store = await open_supabase(supabase_project.url, supabase_project.service_key)
    try:
        pg_cluster.stop()
        try:
            with pytest.raises(StoreUnavailable):
                await store.ping()
        finally:
            pg_cluster.start()
        await asyncio.sleep(0)
        await store.ping()
    finally:
        await store.close()


async def test_two_replicas_recording_the_same_groups_through_supabase(supabase_project, clock, tmp_path):
    """Both replicas see the same errors: commit-check conflicts are retried; the counts add up."""
    from sidecar.bus import Bus
    from sidecar.errors.groups import GroupRecorder
    from sidecar.store.spool import SpoolingSink
    from sidecar.telemetry import Telemetry

    from .events import make_event

    stores = [await open_supabase(supabase_project.url, supabase_project.service_key) for _ in range(2)]
    sinks = [SpoolingSink(GroupRecorder(s, Bus(), clock, Telemetry()).record, tmp_path / f"spool{i}", 1 << 22, clock,
                          retry_min=1, retry_max=1) for i, s in enumerate(stores)]
    for sink in sinks:
        await sink.start()
    try:
        async def feed(i: int) -> None:
            for start in range(0, 60, 10):
                await sinks[i]([make_event(n, file=f"/logs/replica{i}.log") for n in range(start, start + 10)])

        await asyncio.gather(feed(0), feed(1))
        for _ in range(500):  # anything that did spool drains on the clock
            if not any(s.spooling for s in sinks):
                break
            clock.advance(1)
            await asyncio.sleep(0.01)
        groups, _ = await stores[0].groups.list(limit=10)
        assert sorted(g["occurrence_count"] for g in groups) == [40, 40, 40]
        assert await stores[1].groups.receipt_count() == 120
    finally:
        for sink in sinks:
            await sink.stop()
        for s in stores:
            await s.close()


async def test_a_project_without_the_migration_says_what_to_apply(pg_cluster, supabase_template, pg_dsn, free_port):
    from .fake_postgrest import serving

    async with serving(pg_dsn, {"k": "service_role"}, free_port):
        with pytest.raises(StoreError, match=r"PGRST202.*apply supabase/migrations/\*_sidecar.sql"):
            await open_supabase(f"http://127.0.0.1:{free_port}", "k")


async def test_a_project_with_only_the_functions_gets_the_tables_through_the_rpc(pg_cluster, free_port):
    """A project that lags behind: the sidecar applies its migrations through `sidecar_exec` at start
    (the service role may create tables here) and gives the new serial ids the pinning default."""
    from sidecar.store.supabase_schema import FUNCTIONS_SQL

    from .fake_postgrest import SETUP_ROLES, SUPABASE_DEFAULTS, serving

    name = pg_cluster.create_database()
    try:
        pg_cluster.psql(SETUP_ROLES)
        pg_cluster.psql(SUPABASE_DEFAULTS + "GRANT CREATE ON SCHEMA public TO service_role;\n" + FUNCTIONS_SQL, name)
        async with serving(pg_cluster.dsn(name), {"k": "service_role"}, free_port):
            store = await open_supabase(f"http://127.0.0.1:{free_port}", "k")
            try:
                rows = await store.db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
                assert [r["version"] for r in rows] == [v for v, _ in migration_files()]
                defaults = await store.db.fetchall(
                    "SELECT column_default FROM information_schema.columns WHERE table_schema = 'public' "
                    "AND table_name = 'diagnoses' AND column_name = 'id'")
                assert "sidecar_next_id" in defaults[0]["column_default"]
                assert await store.db.migrate() == []  # the next start finds nothing missing
            finally:
                await store.close()
    finally:
        pg_cluster.drop_database(name)
