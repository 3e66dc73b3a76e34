"""Learned templates through the store: replicas in reversed order, and a restart."""

from __future__ import annotations

import random
import string
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.errors.groups import GroupRecorder, event_key
from sidecar.ingest.record import ErrorEvent
from sidecar.store.sqlite import open_sqlite
from sidecar.telemetry import Telemetry

from .conftest import make_event as _file_event

T0 = 1_790_000_000.0
RNG = random.Random(77)


def _word(n: int, alphabet: str = string.ascii_lowercase) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


KINDS = [
    lambda: f"Kimi API error 429 exceeded_current_quota_error for key ending {_word(4, 'abcdef0123456789')}",
    lambda: f"lease lost for worker {_word(5)}-{_word(3)} on shard primary",
    lambda: f"upstream {_word(4)}.{_word(6)}.internal refused the connection",
    lambda: f"credential AKIA{_word(16, string.ascii_uppercase)} rejected by provider",
    lambda: f"job handler crashed state={RNG.choice(['RUNNING', 'PENDING', 'QUEUED'])} retries exhausted",
]


def _stream(n_per_kind: int) -> list[tuple[int, object]]:
    items = [(k, make_event(KINDS[k](), logger="gw", offset=(k * 1000 + i) * 100))
             for k in range(len(KINDS)) for i in range(n_per_kind)]
    RNG.shuffle(items)
    return items


def make_event(message: str, **kw: Any) -> ErrorEvent:
    """An error event that keeps a per-event receipt (`event_receipts`: key -> error_hash), which is
    how these tests see the group of every single event. File events are counted by range rows
    without a per-event group (store/receipt_ranges.py); grouping does not look at the receipt, and
    an SDK event (`extra` set) is grouped by the same learner."""
    event = _file_event(message, **kw)
    event.extra = {}
    return event


async def _fingerprints(store) -> dict[str, str]:
    rows = await store.db.fetchall("SELECT event_key, error_hash FROM event_receipts")
    return {r["event_key"]: r["error_hash"] for r in rows}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_two_replicas_fed_reversed_orders_end_with_the_same_groups(backend, tmp_path, request):
    if backend == "sqlite":
        a_store = await open_sqlite(str(tmp_path / "shared.db"))
        b_store = await open_sqlite(str(tmp_path / "shared.db"))
    else:
        from sidecar.store.postgres import open_postgres

        dsn = request.getfixturevalue("pg_dsn")
        a_store = await open_postgres(dsn, pool_size=2)
        b_store = await open_postgres(dsn, pool_size=2)
    try:
        items = _stream(12)
        a = GroupRecorder(a_store, Bus(), ManualClock(start=T0), Telemetry())
        b = GroupRecorder(b_store, Bus(), ManualClock(start=T0), Telemetry())
        forward = [e for _, e in items]
        backward = list(reversed(forward))
        # Each replica reads the whole stream (a shared file), in opposite orders, batches interleaved.
        for i in range(0, len(forward), 7):
            await a.record(forward[i:i + 7])
            await b.record(backward[i:i + 7])
        kinds_of = {event_key(e): k for k, e in items}
        groups_of_kind: dict[int, set[str]] = defaultdict(set)
        for key, fp in (await _fingerprints(a_store)).items():
            if key in kinds_of:
                groups_of_kind[kinds_of[key]].add(fp)
        assert all(len(fps) == 1 for fps in groups_of_kind.values()), groups_of_kind
        assert len({fp for fps in groups_of_kind.values() for fp in fps}) == len(KINDS)
        # Both replicas' learners now map every form to the same group.
        for _, e in items:
            assert a.learning.grouper.fingerprint(e) == b.learning.grouper.fingerprint(e)
    finally:
        await a_store.close()
        await b_store.close()


async def test_a_restart_keeps_learned_templates_and_ids(tmp_path):
    path = str(tmp_path / "s.db")
    store = await open_sqlite(path)
    first = GroupRecorder(store, Bus(), ManualClock(start=T0), Telemetry())
    items = _stream(6)
    await first.record([e for _, e in items])
    before = await _fingerprints(store)
    rows, total = await store.groups.list(limit=20)
    assert total == len(KINDS)
    assert any("<*>" in r["title"] for r in rows)  # the widened template is the group's title
    await store.close()

    store = await open_sqlite(path)  # a new process: nothing in memory
    try:
        second = GroupRecorder(store, Bus(), ManualClock(start=T0 + 60), Telemetry())
        again = [(k, make_event(KINDS[k](), logger="gw", offset=10**7 + i * 100)) for i, k in
                 enumerate(list(range(len(KINDS))) * 3)]
        await second.record([e for _, e in again])
        after = await _fingerprints(store)
        expected = {}
        for k, e in items:
            expected[k] = before[event_key(e)]
        for k, e in again:
            assert after[event_key(e)] == expected[k]  # the same group as before the restart
        _, total = await store.groups.list(limit=20)
        assert total == len(KINDS)
    finally:
        await store.close()


async def _two_stores(backend: str, tmp_path, request):  # type: ignore[no-untyped-def]
    if backend == "sqlite":
        return await open_sqlite(str(tmp_path / "shared.db")), await open_sqlite(str(tmp_path / "shared.db"))
    from sidecar.store.postgres import open_postgres

    dsn = request.getfixturevalue("pg_dsn")
    return await open_postgres(dsn, pool_size=2), await open_postgres(dsn, pool_size=2)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_two_replicas_that_start_one_template_in_the_same_instant_converge(backend, tmp_path, request):
    """The race of the last round's known limit: both replicas read the store before either wrote,
    and each starts a template for the same error with a different value. The second to commit
    folds its template into the first's: one group, on both replicas, for every later value too."""
    a_store, b_store = await _two_stores(backend, tmp_path, request)
    try:
        a = GroupRecorder(a_store, Bus(), ManualClock(start=T0), Telemetry())
        b = GroupRecorder(b_store, Bus(), ManualClock(start=T0), Telemetry())
        msg = "Kimi API error 429 exceeded_current_quota_error for key ending {}"
        ev_a = [make_event(msg.format("eedd"), logger="gw", offset=100)]
        ev_b = [make_event(msg.format("259e"), logger="gw", offset=200)]
        # Both read the (empty) store and learn before either writes: the race, made deterministic.
        learned_a = await a.learning.prepare(ev_a)
        learned_b = await b.learning.prepare(ev_b)
        assert learned_a[0].fingerprint != learned_b[0].fingerprint  # each started its own template
        [(fp_a, _)] = await a.learning.commit(ev_a, learned_a, T0)
        [(fp_b, template_b)] = await b.learning.commit(ev_b, learned_b, T0)
        assert fp_b == fp_a and "<*>" in template_b
        # Later values, on either replica and in either order, reach the same group; so do the
        # first two messages again (the stored merge re-points the folded template's own form).
        for i, suffix in enumerate(["abcd", "0f3c", "eedd", "259e", "ffff"]):
            e = make_event(msg.format(suffix), logger="gw", offset=1000 + i * 100)
            assert a.learning.grouper.fingerprint(e) == fp_a
            assert b.learning.grouper.fingerprint(e) == fp_a
        await b.record([make_event(msg.format("c0de"), logger="gw", offset=5000)])
        await a.record([make_event(msg.format("beef"), logger="gw", offset=6000)])
        rows = await a_store.db.fetchall("SELECT DISTINCT error_hash FROM event_receipts")
        assert [r["error_hash"] for r in rows] == [fp_a]
        templates = await a_store.db.fetchall("SELECT fingerprint FROM error_templates")
        assert [r["fingerprint"] for r in templates] == [fp_a]
    finally:
        await a_store.close()
        await b_store.close()


async def test_a_different_error_started_in_the_same_instant_stays_its_own_group(tmp_path):
    """The fold only joins the same event: another error learned in the same instant keeps its group."""
    a_store = await open_sqlite(str(tmp_path / "shared.db"))
    b_store = await open_sqlite(str(tmp_path / "shared.db"))
    try:
        a = GroupRecorder(a_store, Bus(), ManualClock(start=T0), Telemetry())
        b = GroupRecorder(b_store, Bus(), ManualClock(start=T0), Telemetry())
        ev_a = [make_event("Failed to connect to upstream db-primary after retries", logger="gw", offset=100)]
        ev_b = [make_event("Failed to bind to upstream db-primary after retries", logger="gw", offset=200)]
        learned_a = await a.learning.prepare(ev_a)
        learned_b = await b.learning.prepare(ev_b)
        [(fp_a, _)] = await a.learning.commit(ev_a, learned_a, T0)
        [(fp_b, _)] = await b.learning.commit(ev_b, learned_b, T0)
        assert fp_a != fp_b
    finally:
        await a_store.close()
        await b_store.close()


_REPLICA = r"""
import asyncio, random, sys, time
from pathlib import Path
from typing import Any
from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.errors.groups import GroupRecorder
from sidecar.store.postgres import open_postgres
from sidecar.telemetry import Telemetry
from tests.errors.test_learning_replicas import make_event  # keeps a per-event receipt (its group)

dsn, seed, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])  # barrier files beside `go`
KINDS = ["Kimi API error 429 exceeded_current_quota_error for key ending {}",
         "lease lost for worker {} on shard primary after the heartbeat",
         "upload {} rejected by the object store: checksum mismatch"]
WORDS = ("billing search export import render ingest notify archive compact replay sync index "
         "backup restore migrate").split()

async def main():
    store = await open_postgres(dsn, pool_size=2)
    rec = GroupRecorder(store, Bus(), ManualClock(start=1_790_000_000.0), Telemetry())
    rng = random.Random(seed)
    for round_ in range(40):
        # A barrier per round: both processes meet every new error at the same moment.
        (go.parent / f"{round_}.{seed}").touch()
        while not (go.parent / f"{round_}.{3 - seed}").exists():
            time.sleep(0.0005)
        kind = f"{WORDS[round_ // 3]} " + KINDS[round_ % 3]  # 40 different errors
        value = "".join(rng.choice("abcdef") for _ in range(4))
        await rec.record([make_event(kind.format(value), logger="gw", offset=seed * 10**6 + round_ * 100)])
    await store.close()

asyncio.run(main())
"""


_ROOT = str(Path(__file__).resolve().parents[2])


async def test_two_processes_on_one_postgresql_learning_the_same_new_errors_end_with_one_group_each(
        tmp_path, request):
    """Two real processes (replicas) on one PostgreSQL meet 40 new errors in lockstep (a barrier
    per error), each with its own values: every error ends as one group with one template row.
    Without the store-level fold this ends with 75-80 groups."""
    import asyncio
    import os
    import sys

    from sidecar.store.postgres import open_postgres

    dsn = request.getfixturevalue("pg_dsn")
    store = await open_postgres(dsn, pool_size=1)  # migrate once before the replicas start
    env = {**os.environ, "PYTHONPATH": _ROOT}
    procs = [await asyncio.create_subprocess_exec(sys.executable, "-c", _REPLICA, dsn, str(seed),
                                                  str(tmp_path / "barrier"), env=env, cwd=_ROOT,
                                                  stderr=asyncio.subprocess.PIPE) for seed in (1, 2)]
    try:
        for p in procs:
            _, err = await asyncio.wait_for(p.communicate(), timeout=120)
            assert p.returncode == 0, err.decode()[-2000:]
        rows = await store.db.fetchall(
            "SELECT error_hash, COUNT(*) AS n FROM event_receipts GROUP BY error_hash")
        assert len(rows) == 40 and all(r["n"] == 2 for r in rows)  # 40 errors, each one group of 2
        templates = await store.db.fetchall("SELECT fingerprint FROM error_templates")
        assert len(templates) == 40
    finally:
        for p in procs:
            if p.returncode is None:
                p.kill()
        await store.close()


async def test_first_token_values_through_two_replicas_in_reversed_orders(tmp_path):
    """A letters-only id leading the message (errors/first_slot.py): two replicas sharing a store, fed
    one stream in opposite orders, map every form to the same group in the end, and the event's groups
    stay bounded (at most `FIRST_VALUES` words open their own before the position is a value)."""
    from sidecar.errors.first_slot import FIRST_VALUES

    a_store = await open_sqlite(str(tmp_path / "shared.db"))
    b_store = await open_sqlite(str(tmp_path / "shared.db"))
    try:
        rng = random.Random(8)
        ids = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(6, 11))) for _ in range(30)]
        forward = [make_event(f"{i} floating point alignment exceptions were corrected by the kernel", logger="gw",
                              offset=n * 100) for n, i in enumerate(ids)]
        backward = list(reversed(forward))
        a = GroupRecorder(a_store, Bus(), ManualClock(start=T0), Telemetry())
        b = GroupRecorder(b_store, Bus(), ManualClock(start=T0), Telemetry())
        for i in range(0, len(forward), 5):
            await a.record(forward[i:i + 5])
            await b.record(backward[i:i + 5])
        stored = set((await _fingerprints(a_store)).values())
        assert len(stored) <= 2 * FIRST_VALUES, stored
        for e in forward:
            assert a.learning.grouper.fingerprint(e) == b.learning.grouper.fingerprint(e)
    finally:
        await a_store.close()
        await b_store.close()
