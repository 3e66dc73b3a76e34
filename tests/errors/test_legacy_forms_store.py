"""A store written by the code of 47e85b8a (round 18's start) stays reachable after round 18's form changes
(issue 15: "a fingerprint, once assigned, never changes"; re-mapping, not orphaning; legacy_forms.py).

The old store is written by the OLD code itself: tests/errors/data/sidecar-47e85b8a.tar.xz holds 47e85b8a's
`sidecar/` modules that legacy_writer.py imports (SQLite and PostgreSQL paths) and every data file of the package
(migrations, prompts, models), extracted to a temp dir; legacy_writer.py runs there as a subprocess (PYTHONPATH = that
tree) on a real SQLite file or the suite's PostgreSQL. The archive is committed, not taken from `git archive` at test
time, so the test runs the same in a shallow clone (CI) as in a full one. Made by (round 19):
    git archive 47e85b8a sidecar | tar -x -C OLD; run legacy_writer.py there and `import sidecar.store.postgres`,
    list every sidecar module in sys.modules + every non-.py file under OLD/sidecar, then
    tar --sort=name --owner=0 --group=0 --mtime='2026-12-07 00:00Z' -cf - -T LIST | xz -9e The events: form_classes.py, every class round 18 changed (JVM/V8/CPython frame lines,
-D properties, command lines, announced lists, bracketed first items, CapWords key subjects, exception lines
without frames) and a plain control, values drawn per seed. Then the current code records the same texts
again (new offsets), after a restart too, and new values of the same classes.
On main before this change (997327ec) all 3 tests fail: the repeats of sysprop 2/3, JVM frame 3/3, V8 frame
3/3 and exception-line 3/3 texts opened new groups.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.errors.groups import GroupRecorder, event_key
from sidecar.store.sqlite import open_sqlite
from sidecar.telemetry import Telemetry

from . import form_classes
from .legacy_writer import T0, make

OLD = "47e85b8a"
ARCHIVE = Path(__file__).resolve().parent / "data" / f"sidecar-{OLD}.tar.xz"
WRITER = Path(__file__).resolve().parent / "legacy_writer.py"
SEED, PER_CLASS = 1915, 3


@pytest.fixture(scope="module")
def old_tree(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("old")
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(tree, filter="data")
    return tree


def write_old(tree: Path, target: str, seed: int, n: int, offset: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, str(WRITER), target, str(seed), str(n), str(offset)], env=env, cwd=tree,
                   check=True, timeout=300)


def _text(d: dict[str, str]) -> tuple[str, ...]:
    return (d["logger"], d["level"], d.get("exception_type", ""), d["message"])


async def _groups_of(store, events) -> dict[str, str]:
    keys = [event_key(e) for e in events]
    rows = await store.db.fetchall("SELECT event_key, error_hash FROM event_receipts")
    got = {r["event_key"]: r["error_hash"] for r in rows}
    return {k: got[k] for k in keys}


async def _counts(store) -> dict[str, int]:
    rows = await store.db.fetchall("SELECT error_hash, occurrence_count FROM error_investigations")
    return {r["error_hash"]: int(r["occurrence_count"]) for r in rows}


async def _open(backend: str, target: str):
    if backend == "sqlite":
        return await open_sqlite(target)
    from sidecar.store.postgres import open_postgres  # the suite's PostgreSQL (tests/conftest.py pg_dsn)

    return await open_postgres(target, pool_size=2)


async def _record(store, events, start: float = T0 + 3600) -> GroupRecorder:
    recorder = GroupRecorder(store, Bus(), ManualClock(start=start), Telemetry())
    for i in range(0, len(events), 16):
        await recorder.record(events[i:i + 16])
    return recorder


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_groups_written_by_the_old_code_are_reached(backend, old_tree, tmp_path, request):
    target = str(tmp_path / "old.db") if backend == "sqlite" else request.getfixturevalue("pg_dsn")
    dicts = form_classes.events(SEED, PER_CLASS)
    write_old(old_tree, target, SEED, PER_CLASS, 0)
    store = await _open(backend, target)
    try:
        old_events = [make(d, i * 1000) for i, d in enumerate(dicts)]
        old_group = {_text(d): g for d, g in zip(dicts, (await _groups_of(store, old_events)).values(), strict=True)}
        before = await _counts(store)
        # The same texts again (new offsets), twice: a running process, then a restart (nothing in memory).
        again = [make(d, 10**7 + i * 1000) for i, d in enumerate(dicts)]
        await _record(store, again)
        restart = [make(d, 2 * 10**7 + i * 1000) for i, d in enumerate(dicts)]
        await _record(store, restart, T0 + 7200)
        lost: dict[str, list[str]] = defaultdict(list)
        for d, e1, e2 in zip(dicts, again, restart, strict=True):
            got = await _groups_of(store, [e1, e2])
            if set(got.values()) != {old_group[_text(d)]}:
                lost[d["cls"]].append(d["message"])
        assert not lost, {k: (len(v), v[:2]) for k, v in lost.items()}
        after = await _counts(store)
        assert set(after) == set(before)  # no duplicate group for the same error
        expected = Counter(before)
        for d in dicts:
            expected[old_group[_text(d)]] += 2
        assert after == dict(expected)  # counts continue in the old rows
        for fp in set(old_group.values()):  # the API shows the old id
            row = await store.groups.get(fp)
            assert row is not None and row["error_hash"] == fp

        # New values of the same classes: at most as many new groups as the current code makes on an empty store.
        fresh_dicts = form_classes.events(SEED + 1, PER_CLASS)
        await _record(store, [make(d, 3 * 10**7 + i * 1000) for i, d in enumerate(fresh_dicts)], T0 + 9000)
        new_groups = set(await _counts(store)) - set(after)
        empty = await open_sqlite(str(tmp_path / "empty.db"))
        try:
            await _record(empty, [make(d, i * 1000) for i, d in enumerate(fresh_dicts)])
            assert len(new_groups) <= len(await _counts(empty))
        finally:
            await empty.close()
    finally:
        await store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_two_replicas_in_reversed_orders_reach_the_same_groups(backend, old_tree, tmp_path, request):
    target = str(tmp_path / "old.db") if backend == "sqlite" else request.getfixturevalue("pg_dsn")
    write_old(old_tree, target, SEED, PER_CLASS, 0)
    dicts = form_classes.events(SEED, PER_CLASS) + form_classes.events(SEED + 2, PER_CLASS)
    a_store, b_store = await _open(backend, target), await _open(backend, target)
    try:
        a = GroupRecorder(a_store, Bus(), ManualClock(start=T0 + 3600), Telemetry())
        b = GroupRecorder(b_store, Bus(), ManualClock(start=T0 + 3600), Telemetry())
        forward = [make(d, 10**7 + i * 1000) for i, d in enumerate(dicts)]
        backward = list(reversed(forward))
        for i in range(0, len(forward), 9):  # a shared file read by both, opposite orders, batches interleaved
            await a.record(forward[i:i + 9])
            await b.record(backward[i:i + 9])
        # Then each replica meets every text once more: both give each text one and the same group.
        a_more = [make(d, 5 * 10**7 + i * 1000) for i, d in enumerate(dicts)]
        b_more = [make(d, 6 * 10**7 + i * 1000) for i, d in enumerate(reversed(dicts))]
        await a.record(a_more)
        await b.record(b_more)
        by_text: dict[tuple[str, ...], set[str]] = defaultdict(set)
        first = await _groups_of(a_store, forward)
        for d, e in zip(dicts, forward, strict=True):
            by_text[_text(d)].add(first[event_key(e)])
        for d, g in zip(dicts, (await _groups_of(a_store, a_more)).values(), strict=True):
            by_text[_text(d)].add(g)
        for d, g in zip(reversed(dicts), (await _groups_of(a_store, b_more)).values(), strict=True):
            by_text[_text(d)].add(g)
        split = {t: g for t, g in by_text.items() if len(g) > 1}
        assert not split, list(split.items())[:3]
    finally:
        await a_store.close()
        await b_store.close()
