"""The double-write filter: what it merges, what it keeps apart, and that its memory is bounded."""

from __future__ import annotations

import random

import pytest

from sidecar.config import JsonlStream
from sidecar.metrics.dedupe import DoubleWriteFilter, WriterDoubleWrites
from sidecar.metrics.skew import SkewEstimator


def failure(**kw: object) -> dict[str, object]:
    rec: dict[str, object] = {"execution_type": "async", "success": False, "duration_ms": 30001.0,
                              "timestamp": "x", "error_type": "TimeoutError", "fallback_used": False,
                              "file_size_mb": 1.0, "provider": "kimi", "request_id": None}
    rec.update(kw)
    return rec


def test_pairs_merge_once_and_distinct_failures_do_not() -> None:
    f = DoubleWriteFilter()
    assert not f.is_duplicate(failure(), 100.0)
    assert f.is_duplicate(failure(duration_ms=30001.3), 100.00005)  # the outer except's record
    assert not f.is_duplicate(failure(), 100.0001)  # a third identical failure is a new call
    assert not f.is_duplicate(failure(file_size_mb=2.0), 100.0002)  # another upload
    assert not f.is_duplicate(failure(), 101.0)  # same fields a second later: another call
    assert not f.is_duplicate(failure(request_id="a"), 102.0)
    assert not f.is_duplicate(failure(request_id="b"), 102.0)  # same fields, other request
    assert f.is_duplicate(failure(request_id="a", duration_ms=1.0), 102.5)
    assert not f.is_duplicate(failure(success=True), 103.0) and not f.is_duplicate(failure(success=True), 103.0)


def test_memory_stays_bounded_under_a_flood_of_distinct_failures() -> None:
    f = DoubleWriteFilter(max_keys=1000)
    rng = random.Random(3)
    for i in range(100_000):
        f.is_duplicate(failure(request_id=f"r{i}", file_size_mb=rng.random()), 1000.0 + i * 0.001)
        assert len(f) <= 1000
    assert f.duplicates == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_failures_written_once_are_never_taken_for_a_double_write(seed: int) -> None:
    """The wrapper writes an async failure twice (fallback off) and everything else once: a `sync` call's
    failure, a `sync_fallback` whose sync call failed too (research/upstream-gateway.md 4.1). Two such
    calls, id-less or one fixed id, equal fields, started within 50 ms and failing up to a minute apart
    (concurrent uploads in a sync outage) are two failures; the same-start rule took the second for the
    first's pair (round 12 left it open). Twin: an async failure written twice, the two writes up to a
    minute apart (a stall), still counts once. The stream's default says which records may repeat."""
    rng = random.Random(seed)
    f = WriterDoubleWrites(JsonlStream(name="s", paths=["x"]).double_written_where)
    writer = SkewEstimator()  # the writer a filter goes with (its clock estimate)
    t = 1_000.0
    for _ in range(40):
        t += rng.uniform(70.0, 200.0)  # past the filter's memory: cases do not meet
        common = {"error_type": rng.choice(["TimeoutError", "RuntimeError", "ConnectionError"]),
                  "file_size_mb": rng.choice([0.0, round(rng.uniform(0.01, 40), 2)]),
                  "provider": rng.choice(["kimi", "glm", "unknown"]),
                  "request_id": rng.choice([None, "upload-fn-7"])}
        start = t - rng.uniform(0.05, 30.0)
        kind = rng.choice(["sync", "sync_fallback"])
        second_start = start + rng.uniform(-0.05, 0.05)
        second_at = t + rng.uniform(0.0, 60.0)
        once = [failure(execution_type=kind, fallback_used=kind == "sync_fallback", duration_ms=(at - s) * 1000.0,
                        **common) for s, at in ((start, t), (second_start, second_at))]
        assert not f.is_duplicate(once[0], t, writer, t)
        assert not f.is_duplicate(once[1], second_at, writer, second_at), (kind, second_at - t)  # before: merged
        stall = rng.choice([0.00004, rng.uniform(0.1, 59.0)])
        twice = [failure(duration_ms=(at - start) * 1000.0, **common) for at in (t + 100.0, t + 100.0 + stall)]
        assert not f.is_duplicate(twice[0], t + 100.0, writer, t + 100.0)
        assert f.is_duplicate(twice[1], t + 100.0 + stall, writer, t + 100.0 + stall)
        t += 100.0 + stall


@pytest.mark.parametrize("between", ["pairs", "unpaired"])
def test_the_memory_bound_counts_unpaired_failures_only(between: str) -> None:
    """`max_keys` bounds the failures still waiting for their pair. Paired entries wait in the arrival
    order for their horizon; counted in the bound, a run of 150 pairs within a minute evicted an
    unpaired failure (bound 100) and its second record, written after a 40 s stall, counted again.
    Twin: 150 unpaired failures in between do evict it (the bound is real): its second counts."""
    f = DoubleWriteFilter(max_keys=100)
    first = failure(duration_ms=5_000.0, provider="glm")
    assert not f.is_duplicate(first, 100.0)
    for i in range(150):
        t = 100.5 + i * 0.2
        one = failure(file_size_mb=float(i + 1), duration_ms=1_000.0)
        assert not f.is_duplicate(one, t)
        if between == "pairs":
            assert f.is_duplicate(failure(file_size_mb=float(i + 1), duration_ms=1_000.04), t + 0.00004)
        assert len(f) <= 100 and len(f._order) <= 200
    stalled = failure(duration_ms=45_000.0, provider="glm")  # same start, written 40 s later
    assert f.is_duplicate(stalled, 140.0) is (between == "pairs")  # before: False for both
