"""Two replicas (two independent store connections) on one database write the same groups at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from sidecar.store.base import Store
from sidecar.store.sqlite import open_sqlite

from .test_store_groups import T0, occ


@pytest.fixture(params=["sqlite", "postgres"])
async def replicas(request, tmp_path) -> AsyncIterator[tuple[Store, Store]]:
    if request.param == "sqlite":
        path = str(tmp_path / "shared.db")
        a = await open_sqlite(path)
        b = await open_sqlite(path)
    else:
        from sidecar.store.postgres import open_postgres

        dsn = request.getfixturevalue("pg_dsn")
        a = await open_postgres(dsn, pool_size=2)
        b = await open_postgres(dsn, pool_size=2)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


async def test_counts_add_up_and_one_replica_announces_each_transition(replicas):
    a, b = replicas
    fps = [f"{i:032x}" for i in range(6)]

    def batch(prefix: str, n: int, at=T0):
        return [occ(f"{prefix}@{i}", fps[i % len(fps)], at=at) for i in range(n)]

    shared = batch("shared-file", 30)  # a file both replicas read: counted once
    first = await asyncio.gather(a.groups.record_batch(batch("a", 60) + shared, at=T0),
                                 b.groups.record_batch(batch("b", 60) + shared, at=T0))
    changes = [c for r in first for c in r]
    assert sorted(c.fingerprint for c in changes if c.new) == fps  # each new group announced once
    rows, _ = await a.groups.list(limit=10)
    assert sum(r["occurrence_count"] for r in rows) == 150

    for fp in fps:
        await b.groups.set_status(fp, "resolve", T0 + timedelta(minutes=1))
    later = T0 + timedelta(minutes=2)
    second = await asyncio.gather(a.groups.record_batch(batch("a2", 12, later), at=later),
                                  b.groups.record_batch(batch("b2", 12, later), at=later))
    changes = [c for r in second for c in r]
    assert sorted(c.fingerprint for c in changes if c.regressed) == fps  # each regression announced once
    rows, _ = await b.groups.list(limit=10)
    assert {r["status"] for r in rows} == {"regressed"} and {r["regression_count"] for r in rows} == {1}
    assert sum(r["occurrence_count"] for r in rows) == 174
