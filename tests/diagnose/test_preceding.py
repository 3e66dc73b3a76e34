"""A pool timeout is capacity when every connection is busy and config when every connect fails (preceding.py).

Both with the real psycopg_pool against the test PostgreSQL: a pool pointed at a database that does not exist
logs psycopg.pool's own WARNING for each failed connect, then raises PoolTimeout (the cause is in the records
before it); a pool whose only connection is held raises the same PoolTimeout with no such records (capacity).
"""

from __future__ import annotations

import logging

import psycopg_pool
from psycopg.conninfo import make_conninfo

from tests.diagnose.logged import KeepRecords, diagnose, logged, text_of


async def _pool_timeout(dsn: str, hold: bool) -> str:
    keep = KeepRecords()
    pool_log = logging.getLogger("psycopg.pool")
    pool_log.addHandler(keep)
    old = pool_log.level
    pool_log.setLevel(logging.INFO)
    pool = psycopg_pool.AsyncConnectionPool(dsn, min_size=1, max_size=1, name="supabase-direct", open=False,
                                            reconnect_timeout=30)
    try:
        await pool.open(wait=False)
        held = await pool.getconn(timeout=5) if hold else None
        try:
            await pool.getconn(timeout=1.0)
        except psycopg_pool.PoolTimeout:
            excerpt = logged("src.storage.postgres_direct", "Failed to save message to conversation 7c1e")
        else:
            raise AssertionError("no PoolTimeout")
        if held is not None:
            await pool.putconn(held)
    finally:
        await pool.close()
        pool_log.removeHandler(keep)
        pool_log.setLevel(old)
    return "\n".join([*keep.records, excerpt])


async def test_a_pool_timeout_after_every_connect_failed_is_the_connect_failures_cause(pg_dsn: str) -> None:
    dsn = make_conninfo(pg_dsn, dbname="no_such_database_here")
    excerpt = await _pool_timeout(dsn, hold=False)
    assert "error connecting in 'supabase-direct'" in excerpt  # psycopg.pool's own records carry the cause
    d = diagnose(excerpt)
    assert d.category == "config" and d.confidence <= 0.5, (d.rule, d.summary)
    assert "no_such_database_here" in text_of(d) or "does not exist" in text_of(d), text_of(d)


async def test_a_pool_timeout_with_the_connection_held_stays_capacity(pg_dsn: str) -> None:
    d = diagnose(await _pool_timeout(pg_dsn, hold=True))
    assert d.category == "capacity", (d.rule, d.summary)


async def test_repeated_config_warnings_of_another_component_do_not_explain_a_pool_timeout(pg_dsn: str) -> None:
    """Two warnings that a provider's setting is invalid, then the pool timeout of a held connection: the warnings
    repeat, but they concern another component (the provider, not the database pool) - the symptom stays capacity."""
    excerpt = await _pool_timeout(pg_dsn, hold=True)
    warning = "2026-12-06 07:00:0{} WARNING src.providers.kimi: KIMI_TEMPERATURE must be in [0, 1], got 1.4; using 0.6"
    alone = diagnose(warning.format(1))
    assert alone.category == "config", (alone.rule, alone.summary)  # the warning by itself is a setting's fault
    d = diagnose("\n".join([warning.format(1), warning.format(2), excerpt]))
    assert d.category == "capacity" and "KIMI_TEMPERATURE" not in text_of(d), (d.rule, d.summary)
