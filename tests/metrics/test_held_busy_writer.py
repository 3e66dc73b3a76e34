"""A busy writer's one late record is placed when its hold ends (round 17 re-read, f00fcbb9): once its
delay dropped out of the writer's last `keep` delays, SkewEstimator.agreed_since said "0 reads since"
and the record waited until its longest (up to max_lateness - SAFETY) instead of its 30 s hold: a 60 s
late record after 70 later reads was placed at 50 s. Its writer has brought at least the reads of the
kept delays since it. Twin: a slow writer's late record still waits past the hold (fewer than
`step_reads` reads since it)."""

from __future__ import annotations

import random

import pytest

from sidecar.clock import ManualClock
from sidecar.metrics.held import HeldRecords
from sidecar.metrics.skew import SkewEstimator

T0 = 1_763_900_000.0


def _late_record_after(seed: int, gap: tuple[float, float]) -> tuple[ManualClock, HeldRecords, float, float]:
    """A writer on our clock, read every `gap` seconds (a record a read), then one record 45-70 s late,
    then its on-time records until 30.5 s later. Returns the clock, the held records, the late record's
    arrival and its `last`."""
    rng = random.Random(seed)
    clock = ManualClock(start=T0)
    skew, held = SkewEstimator(), HeldRecords(max_lateness=120.0)
    for _ in range(rng.randrange(10, 30)):
        clock.advance(rng.uniform(*gap))
        skew.observe(rng.uniform(0.0, 2.0), at=clock.time())
    clock.advance(rng.uniform(*gap))
    arrived, late = clock.time(), rng.uniform(45.0, 70.0)
    skew.observe(late, at=arrived)
    wait = held.wait(skew, arrived - late, arrived)
    assert wait is not None and wait[0] == 30.0 and wait[1] > 35.0
    held.add({"n": 0}, arrived - late, arrived, skew, wait)
    while clock.time() + gap[1] < arrived + 30.5:
        clock.advance(rng.uniform(*gap))
        skew.observe(rng.uniform(0.0, 2.0), at=clock.time())
        if clock.time() < arrived + 30.0:
            assert held.due(clock.time()) == []
    clock.advance(arrived + 30.5 - clock.time())
    return clock, held, arrived, arrived + wait[1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_busy_writers_late_record_is_placed_when_its_hold_ends(seed: int) -> None:
    clock, held, _, _ = _late_record_after(seed, gap=(0.25, 0.4))  # 75-120 reads in 30 s: beyond keep=64
    out = held.due(clock.time())
    assert [h.record for h in out] == [{"n": 0}]  # before: [] (held until its longest, 45-75 s)
    assert out[0].offset is None and held.expired == 1  # late after all: at its stamp


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_slow_writers_late_record_still_waits_past_its_hold(seed: int) -> None:
    clock, held, _, last = _late_record_after(seed, gap=(16.0, 25.0))  # its own read and 1 more in 30 s
    assert held.due(clock.time()) == []
    clock.advance(last - clock.time())
    assert [h.record for h in held.due(clock.time())] == [{"n": 0}]
