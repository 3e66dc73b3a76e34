"""The PostgreSQL store through a transaction-mode pooler (pgbouncer), as with Supabase's pooled string.

In transaction mode each transaction may run on a different server session: no prepared
statements across transactions, no session state. The adapter disables prepared statements and
serialises migrations with a transaction-scoped advisory lock; this checks both for real.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sidecar.store.base import migration_files
from sidecar.store.postgres import open_postgres

AT = datetime(2026, 11, 23, tzinfo=UTC)


async def test_replicas_through_a_transaction_mode_pooler(pgbouncer_dsn):
    # several replicas starting together migrate once, through the pooler
    stores = await asyncio.gather(*(open_postgres(pgbouncer_dsn, pool_size=3) for _ in range(4)))
    try:
        rows = await stores[0].db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in rows] == [v for v, _ in migration_files()]
        # the same statement many times on many pooled sessions (a prepared statement would break here)
        for i in range(30):
            s = stores[i % 4]
            await s.checkpoints.save(f"k{i % 3}", "src", "/p", i, i, None, AT)
            assert len(await s.checkpoints.all()) == min(i + 1, 3)
        # exactly one claim among racing replicas, through the pooler
        won = await asyncio.gather(*(s.diagnoses.claim_pending("fp", f"r{i}", "new", 0, AT)
                                     for i, s in enumerate(stores * 3)))
        assert sum(won) == 1
        async with stores[1].db.transaction() as tx:
            await tx.execute("INSERT INTO error_merges (from_hash, into_hash, created_at) VALUES (?, ?, ?)",
                             ("a", "b", AT))
            assert await tx.fetchone("SELECT into_hash FROM error_merges WHERE from_hash = ?", ("a",)) == {
                "into_hash": "b"}
        assert await stores[2].db.fetchone("SELECT COUNT(*) AS n FROM error_merges") == {"n": 1}
    finally:
        for s in stores:
            await s.close()
