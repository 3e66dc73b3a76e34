"""The double-write filter: what it merges, what it keeps apart, and that its memory is bounded."""

from __future__ import annotations

import random

from sidecar.metrics.dedupe import DoubleWriteFilter


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
