"""Several replicas on one database: each guarantee the domain repositories promise, on every backend.

A "replica" here is an independently opened Store (its own connections / pool / HTTP client) on
the same database, and the racing calls run concurrently. SQLite: two connections to one file;
PostgreSQL: two pools on the test cluster; Supabase: two clients on the PostgREST stand-in.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from sidecar.store.base import Store, StoreUnavailable
from sidecar.store.postgres import open_postgres
from sidecar.store.rollouts import Decision, Event, HookCallRow
from sidecar.store.sqlite import open_sqlite
from sidecar.store.supabase import open_supabase

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres", "supabase"])
def replica_target(request, tmp_path):
    """(backend, where): sync, so it can pull in the async Supabase fixture only when needed."""
    if request.param == "sqlite":
        return "sqlite", str(tmp_path / "shared.db")
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("pg_migrated_dsn")
    project = request.getfixturevalue("supabase_project")
    return "supabase", (project.url, project.service_key)


async def open_replica(target) -> Store:
    kind, where = target
    if kind == "sqlite":
        return await open_sqlite(where)
    if kind == "postgres":
        return await open_postgres(where, pool_size=4)
    return await open_supabase(*where)


@pytest.fixture
async def replicas(replica_target):
    """Two stores on one database."""
    stores = [await open_replica(replica_target), await open_replica(replica_target)]
    try:
        yield stores
    finally:
        for s in stores:
            await s.close()


async def _retrying(call, attempts: int = 20):
    """What a caller does with StoreUnavailable (a serialization conflict on Supabase): retry."""
    for attempt in range(attempts):
        try:
            return await call()
        except StoreUnavailable:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.01)


async def test_one_diagnosis_claim_per_fingerprint(replicas: list[Store]):
    a, b = replicas
    won = await asyncio.gather(*(
        _retrying(lambda s=s, i=i: s.diagnoses.claim_pending("fp-1", f"replica-{i % 2}", "new", 0, AT))
        for i, s in enumerate([a, b] * 4)))
    assert sum(won) == 1
    # exactly one replica takes it to running, however many race
    takes = await asyncio.gather(*(_retrying(lambda s=s, i=i: s.diagnoses.take("fp-1", f"worker-{i}", AT))
                                   for i, s in enumerate([a, b, a, b, a, b])))
    taken = [t for t in takes if t is not None]
    assert len(taken) == 1 and taken[0]["state"] == "running" and taken[0]["attempts"] == 1
    # both replicas see the same claim
    assert await a.diagnoses.claim("fp-1") == await b.diagnoses.claim("fp-1")


async def test_one_rollback_decision_per_incident(replicas: list[Store]):
    a, b = replicas
    await asyncio.gather(a.rollouts.ensure("async_upload", AT), b.rollouts.ensure("async_upload", AT))
    state = await a.rollouts.get("async_upload")
    version = state["version"]
    hooks = [HookCallRow("rollback-url", "rollback", 5, {"percent": 0}),
             HookCallRow("notify", "rollback", 3, {"why": "success rate"})]

    async def decide(store: Store, who: str) -> bool:
        decision = Decision(incident=1, action="rollback", key="async_upload:1:rollback", decided_by=who,
                            reasons=[{"gate": "success_rate", "value": 0.91}])
        event = Event("rollback", "running", "rolling_back", 1, 1, 10.0, 0.0, f"controller@{who}")
        try:
            return await store.rollouts.commit("async_upload", version, {"state": "rolling_back", "percent": 0.0},
                                               AT, event, incident=1, decision=decision, hook_calls=hooks)
        except StoreUnavailable:
            return False  # Supabase: the commit check saw the other replica's decision (40001)

    results = await asyncio.gather(*(decide(s, f"r{i}") for i, s in enumerate([a, b, a, b])))
    assert sum(results) == 1
    assert len(await a.rollouts.decisions("async_upload")) == 1
    calls = await b.rollouts.hook_calls("async_upload")
    assert sorted(c["hook"] for c in calls) == ["notify", "rollback-url"]
    events = await b.rollouts.events("async_upload")
    assert [e["action"] for e in events] == ["rollback"]
    # every replica shows the same state
    sa, sb = await a.rollouts.get("async_upload"), await b.rollouts.get("async_upload")
    assert sa == sb and sa["state"] == "rolling_back" and sa["version"] == version + 1


async def test_hook_call_claimed_by_one_replica(replicas: list[Store]):
    a, b = replicas
    await a.rollouts.ensure("r", AT)
    version = (await a.rollouts.get("r"))["version"]
    assert await a.rollouts.commit("r", version, {"state": "rolling_back"}, AT, incident=1,
                                   decision=Decision(1, "rollback", "r:1:rollback", "a"),
                                   hook_calls=[HookCallRow("h", "rollback", 3, {})])
    (call,) = await b.rollouts.due_hook_calls(AT, "b")
    until = AT + timedelta(seconds=30)
    claims = await asyncio.gather(*(_retrying(lambda s=s, i=i: s.rollouts.claim_hook_call(call["id"], f"r{i}", AT, until))
                                    for i, s in enumerate([a, b, a, b])))
    assert sum(claims) == 1


async def test_alert_outbox_ids_and_coalescing_across_replicas(replicas: list[Store]):
    a, b = replicas
    first = await a.alerts.enqueue(receiver="slack", channel="slack", route=None, group_key="g", payload={"n": 1},
                                   summary="one", alert_count=1, now=AT, coalesce_key="g:firing")
    second = await b.alerts.enqueue(receiver="slack", channel="slack", route=None, group_key="g", payload={"n": 2},
                                    summary="two", alert_count=2, now=AT, coalesce_key="g:firing")
    assert first == second  # the pending delivery was updated, not duplicated
    row = await a.alerts.get(first)
    assert row["payload"] == {"n": 2} and row["alert_count"] == 2
    assert await a.alerts.counts() == await b.alerts.counts() == {"pending": 1}


# --- error groups (Store.groups, the errors stage's repository) -----------------------------------


def _occurrences(keys: range, file: str, fps: int = 3):
    from sidecar.store.groups import Occurrence

    return [Occurrence(event_key=f"{file}@{i * 100}", fingerprint=f"fp{i % fps}", seen_at=AT + timedelta(seconds=i),
                       title=f"Error {i % fps}", message=f"boom {i}", error_type="ValueError", level="ERROR",
                       logger="gw", raw=f"ERROR boom {i}", file=file, line=i + 1)
            for i in keys]


async def test_group_counts_from_replicas_add_up_and_one_announces_new(replicas: list[Store]):
    a, b = replicas
    per_replica, batch = 60, 20

    async def feed(store: Store, file: str) -> list:
        changes = []
        for start in range(0, per_replica, batch):
            occ = _occurrences(range(start, start + batch), file)
            changes += await _retrying(lambda o=occ: store.groups.record_batch(o, at=AT))
        return changes

    ca, cb = await asyncio.gather(feed(a, "dev:1:a"), feed(b, "dev:2:b"))
    rows = {r["error_hash"]: r for r in (await a.groups.list(limit=10))[0]}
    assert {fp: r["occurrence_count"] for fp, r in rows.items()} == {"fp0": 40, "fp1": 40, "fp2": 40}
    new = [c.fingerprint for c in ca + cb if c.new]
    assert sorted(new) == ["fp0", "fp1", "fp2"]  # each group announced new exactly once, by one replica
    assert await a.groups.receipt_count() == await b.groups.receipt_count() == 2 * per_replica
    assert (await b.groups.list(limit=10))[0] == (await a.groups.list(limit=10))[0]


async def test_same_events_from_two_replicas_are_counted_once(replicas: list[Store]):
    a, b = replicas
    occ = _occurrences(range(0, 30), "dev:9:shared")
    results = await asyncio.gather(*(_retrying(lambda s=s: s.groups.record_batch(occ, at=AT)) for s in (a, b, a, b)))
    assert sum(c.added for changes in results for c in changes) == 30
    total = sum(r["occurrence_count"] for r in (await b.groups.list(limit=10))[0])
    assert total == 30


async def test_one_replica_announces_a_regression(replicas: list[Store]):
    a, b = replicas
    await a.groups.record_batch(_occurrences(range(0, 3), "dev:1:a", fps=1), at=AT)
    await a.groups.set_status("fp0", "resolve", AT)
    results = await asyncio.gather(
        _retrying(lambda: a.groups.record_batch(_occurrences(range(10, 13), "dev:1:a", fps=1), at=AT)),
        _retrying(lambda: b.groups.record_batch(_occurrences(range(10, 13), "dev:2:b", fps=1), at=AT)),
    )
    regressed = [c for changes in results for c in changes if c.regressed]
    assert len(regressed) == 1
    row = await b.groups.get("fp0")
    assert row["status"] == "regressed" and row["regression_count"] == 1 and row["occurrence_count"] == 9
