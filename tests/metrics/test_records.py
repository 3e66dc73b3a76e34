"""Records held packed (sidecar/metrics/records.py): the same fields and the same `where` answers as
the dicts they replace, for generated and awkward field sets; and what they are for: a held record
is not tracked by the cyclic GC, so a full collection does not walk the window."""

from __future__ import annotations

import gc
import random

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig
from sidecar.metrics import records as rc
from sidecar.metrics.hub import MetricsHub

AWKWARD_NAMES = ['"', "\\", "\x00", "a\x1fb", "é", "💥", "", " ", "[", '["x"]', "success", "null"]
SCALARS: list[object] = [None, True, False, 0, 1, -7, 2**70, 0.0, -1.5, 1e308, "", "x", "true", "False",
                         "None", "0", "\x00", "é💥"]


def reference_matches(record: dict[str, object], where: dict[str, str]) -> bool:
    """The rule the dict-based window applied (before records were packed)."""
    for k, expected in where.items():
        v = record.get(k)
        have = "true" if v is True else "false" if v is False else "" if v is None else str(v)
        if have != expected and not (isinstance(v, bool) and have == expected.lower()):
            return False
    return True


@pytest.mark.parametrize("seed", range(5))
def test_packed_records_read_and_match_like_the_dicts(seed: int) -> None:
    rng = random.Random(seed)
    names = AWKWARD_NAMES + [f"f{i}" for i in range(8)]
    for _ in range(400):
        record = {name: rng.choice(SCALARS) for name in rng.sample(names, rng.randrange(0, 9))}
        t = rng.uniform(0, 2e9)
        packed = rc.pack(t, record)
        assert packed[0] == t and rc.fields(packed) == record
        for name in names:
            assert rc.get(packed, name, "missing") == record.get(name, "missing")
            assert rc.getter(name)(packed) == record.get(name)
        for _ in range(5):
            where = {n: rng.choice(["", "true", "TRUE", "false", "x", "0", "1", "None"])
                     for n in rng.sample(names, rng.randrange(0, 3))}
            want = reference_matches(record, where)
            assert rc.matches(packed, where) is want
            assert rc.matcher(where)(packed) is want


def test_more_layouts_than_the_cache_holds_still_read_right() -> None:
    packed = [(i, rc.pack(float(i), {f"k{i}": i, "success": i % 2 == 0})) for i in range(3 * rc.MAX_LAYOUTS)]
    read = rc.getter("success")
    for i, p in packed:
        assert rc.fields(p) == {f"k{i}": i, "success": i % 2 == 0}
        assert read(p) is (i % 2 == 0)
    assert len(rc._INDEX) <= rc.MAX_LAYOUTS and len(rc._LAYOUT_OF) <= rc.MAX_LAYOUTS


def test_a_value_that_is_not_a_scalar_is_refused() -> None:
    for bad in ([1], {"a": 1}, (1,), b"x", object()):
        with pytest.raises(ValueError, match="scalars"):
            rc.pack(1.0, {"x": bad})


def test_held_records_are_not_tracked_by_the_garbage_collector() -> None:
    clock = ManualClock(start=1_763_900_000.0)
    hub = MetricsHub(MetricsConfig(window=1800, jsonl=[JsonlStream(name="s", paths=["/nonexistent"])]), clock)
    rng = random.Random(1)
    for i in range(5000):
        hub.ingest_record("s", {"execution_type": rng.choice(["async", "sync"]), "success": rng.random() > 0.1,
                                "duration_ms": rng.lognormvariate(6, 1), "request_id": f"r{i}", "extra": [1, 2],
                                "nested": {"a": 1}}, t=clock.time() - rng.uniform(0, 1700))
    gc.collect(0)  # a young collection untracks tuples of atoms (tupleobject.c _PyTuple_MaybeUntrack)
    held = list(hub.jsonl["s"].window.records)
    assert len(held) == 5000
    assert not any(gc.is_tracked(r) for r in held)
    assert all("extra" not in rc.fields(r) and "nested" not in rc.fields(r) for r in held)
