"""Learned templates through the store: replicas in reversed order, and a restart."""

from __future__ import annotations

import random
import string
from collections import defaultdict

import pytest

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.errors.groups import GroupRecorder, event_key
from sidecar.store.sqlite import open_sqlite
from sidecar.telemetry import Telemetry

from .conftest import make_event

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
