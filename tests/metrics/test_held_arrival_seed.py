"""A filter first asked while its stream's records wait for their writer's clock (metrics/held.py) knows
they arrived (round 17): newest_arrival seeded from the placed records only, so it said None (the gate
read `stale`, rollout/evaluate.py `_freshness`) until a record was placed or arrived after the ask.
Twins: a filter the waiting records do not match stays None; placed arrivals still count."""

from __future__ import annotations

import random

import pytest

from sidecar.metrics.recordwindow import RecordWindow

T0 = 1_763_900_000.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_mark_made_while_records_wait_starts_from_their_arrival(seed: int) -> None:
    rng = random.Random(seed)
    w = RecordWindow(retention=1800.0, max_records=1000)
    placed_at = T0 + rng.uniform(0.0, 100.0)
    w.add(placed_at - 5, {"execution_type": "sync", "success": True}, arrived=placed_at)
    held = sorted(T0 + 200.0 + rng.uniform(0.0, 100.0) for _ in range(rng.randrange(1, 5)))
    for at in held:
        w.arrived({"execution_type": "async", "success": rng.random() < 0.5}, at)
    assert w.newest_arrival({"execution_type": "async"}) == held[-1]  # before: None
    assert w.newest_arrival({}) == held[-1]
    assert w.newest_arrival({"execution_type": "sync"}) == placed_at  # twin: placed only
    assert w.newest_arrival({"execution_type": "other"}) is None  # twin: matches nothing
    later = held[-1] + rng.uniform(1.0, 50.0)
    w.arrived({"execution_type": "async", "success": True}, later)
    assert w.newest_arrival({"execution_type": "async"}) == later  # the mark moves as before
