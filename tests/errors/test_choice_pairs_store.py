"""Round 20's choice pairs (announced_lists `_choices`) change the v2 masked text of a pair of bare choices whose
second item reads as a participle (`must be one of int, string`: text in round 19, `must be one of <*>` now). A store
written by round 19's code keeps those groups reached (issue 15: re-mapping, not orphaning; legacy_forms.py): the
event is looked up by its round-19 v2 id, per event (learning.py).

The old store is written by round 19's code itself: tests/errors/data/sidecar-faa51222.tar.xz holds faa51222's
`sidecar/` modules legacy_writer.py imports (SQLite and PostgreSQL paths) and the package's data files, made as
tests/errors/test_legacy_forms_store.py describes for 47e85b8a. Events: pairs from the bare choice printers
(test_choice_pairs.STATEMENTS), as messages and as exception lines without frames, and longer lists (control).
With the rule but without the round-19 look-up (learning.py's `r19_event_id` call removed) this test fails on both
seeds: the pair texts leave their old groups."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.errors.groups import GroupRecorder, event_key
from sidecar.store.sqlite import open_sqlite
from sidecar.telemetry import Telemetry

from . import test_choice_pairs as pairs
from .legacy_writer import T0, make

OLD = "faa51222"
ARCHIVE = Path(__file__).resolve().parent / "data" / f"sidecar-{OLD}.tar.xz"
WRITER = Path(__file__).resolve().parent / "legacy_writer.py"


def _events(seed: int) -> list[dict[str, str]]:
    r = random.Random(seed)
    out = []
    for statement, logger in pairs.STATEMENTS:
        key = pairs._w(r)
        for _ in range(2):
            names = ", ".join([pairs._plain(r), r.choice(pairs.PARTICIPLE_NAMES)])
            out.append({"cls": "pair", "logger": logger, "level": "ERROR", "message": statement.format(key=key, list=names)})
        out.append({"cls": "list", "logger": logger, "level": "ERROR",
                    "message": statement.format(key=key, list=", ".join(pairs._plain(r) for _ in range(3)))})
    for _ in range(3):
        names = ", ".join([pairs._plain(r), r.choice(pairs.PARTICIPLE_NAMES)])
        out.append({"cls": "pair_exc", "logger": "runner", "level": "ERROR", "exception_type": "ValueError",
                    "message": f"mode must be one of {names}"})
    return out


@pytest.fixture(scope="module")
def old_tree(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("old")
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(tree, filter="data")
    return tree


async def _groups_of(store, events) -> list[str]:
    rows = await store.db.fetchall("SELECT event_key, error_hash FROM event_receipts")
    got = {r["event_key"]: r["error_hash"] for r in rows}
    return [got[event_key(e)] for e in events]


async def _counts(store) -> dict[str, int]:
    rows = await store.db.fetchall("SELECT error_hash, occurrence_count FROM error_investigations")
    return {r["error_hash"]: int(r["occurrence_count"]) for r in rows}


async def _record(store, events, start: float) -> None:
    recorder = GroupRecorder(store, Bus(), ManualClock(start=start), Telemetry())
    for i in range(0, len(events), 8):
        await recorder.record(events[i:i + 8])


def write_old(tree: Path, target: str, events_file: Path) -> None:
    subprocess.run([sys.executable, str(WRITER), target, "0", "0", "0", str(events_file)],
                   env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree, check=True, timeout=300)


@pytest.mark.parametrize("seed", [2020, 2021])
async def test_pairs_written_by_round_19_stay_in_their_groups(seed, old_tree, tmp_path):
    dicts = _events(seed)
    events_file = tmp_path / "events.json"
    events_file.write_text(json.dumps(dicts), encoding="utf-8")
    target = str(tmp_path / "old.db")
    write_old(old_tree, target, events_file)
    store = await open_sqlite(target)
    try:
        old_groups = await _groups_of(store, [make(d, i * 1000) for i, d in enumerate(dicts)])
        assert len({g for d, g in zip(dicts, old_groups, strict=True) if d["cls"] == "pair"}) > 1  # pairs were text
        before = await _counts(store)
        again = [make(d, 10**7 + i * 1000) for i, d in enumerate(dicts)]
        await _record(store, again, T0 + 3600)
        restart = [make(d, 2 * 10**7 + i * 1000) for i, d in enumerate(dicts)]
        await _record(store, restart, T0 + 7200)  # a new process: nothing in memory
        lost = [d["message"] for d, old, a, b in zip(dicts, old_groups, await _groups_of(store, again),
                                                     await _groups_of(store, restart), strict=True)
                if not old == a == b]
        assert not lost, lost
        after = await _counts(store)
        assert set(after) == set(before)  # no new group for a text the old code grouped
        expected = Counter(before)
        for g in old_groups:
            expected[g] += 2
        assert after == dict(expected)
        # a pair never seen before joins its statement's list group (round 20's rule), no new group
        r = random.Random(seed + 1)
        statement, logger = pairs.STATEMENTS[1]
        fresh = statement.format(key="x", list=", ".join([pairs._plain(r), "pending"]))
        await _record(store, [make({"logger": logger, "level": "ERROR", "message": fresh}, 3 * 10**7)], T0 + 9000)
        assert set(await _counts(store)) == set(after)
    finally:
        await store.close()
