"""`_freshness` for a slow writer whose records wait for its clock (round 17, metrics/held.py): a live
source reads `late`, never `stale`, however old its newest placed sample while records are held (if it was
live when they began to wait), and
"older than the lateness bound" is judged at the arrival. Twins that must stay `stale`: nothing arrived
within max_staleness (held or not), and what arrives is beyond the bound with nothing held."""

from __future__ import annotations

import random

import pytest

from sidecar.metrics.model import Measurement
from sidecar.rollout.evaluate import StageEvaluator
from sidecar.rollout.gates import GateVerdict
from sidecar.rollout.state import RUNNING, Snapshot
from tests.rollout.test_changepoint import shipped

NOW = 1_763_900_000.0


def reads(m: Measurement | None, b: Measurement | None = None) -> str:
    cfg = shipped()  # max_staleness 60 s, max_lateness 120 s
    snap = Snapshot(name=cfg.name, state=RUNNING, stage_index=1, percent=10.0, started_at=NOW - 900,
                    stage_started_at=NOW - 900, stage_elapsed=900.0, running_since=NOW - 900, incident=1, version=1)
    v = StageEvaluator(cfg, snap, None, NOW)._freshness(GateVerdict("g", "gate", "pass", "r"), m, b)  # type: ignore[arg-type]
    return "stale" if v.stale else "late" if v.late else "fresh"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_slow_writer_holding_records_reads_late_not_stale(seed: int) -> None:
    rng = random.Random(seed)
    gap = rng.uniform(45.0, 60.0)  # 3 gaps past max_lateness (before: stale)
    arrived = NOW - rng.uniform(0.0, 59.0)
    newest = arrived - 3 * gap
    held = newest + gap  # the first waiting record arrived a gap after the newest placed one
    assert reads(Measurement(1.0, 5, 5, newest=newest, arrived=arrived, held=held)) == "late"
    assert reads(Measurement(None, 0, 0, newest=None, arrived=arrived, held=held)) == "late"  # none placed yet
    # Twin: a backlog flushed after a pause waits too, but the source was quiet when it began to (scenario 7035).
    pause = newest + 121 + rng.uniform(0, 10)  # before the newest arrival (3 gaps >= 135 s after newest)
    assert reads(Measurement(1.0, 5, 5, newest=newest, arrived=max(arrived, pause), held=pause)) == "stale"
    # The step's first record placed at its stamp 35-100 s back, the next one due: on time at its arrival.
    back = rng.uniform(65.0, 100.0)
    since = rng.uniform(120.0 - back + 1, 59.0)
    m = Measurement(1.0, 5, 5, newest=NOW - since - back, arrived=NOW - since)
    assert reads(m) == "late"  # before: stale (now - newest > 120)
    # A concurrent baseline that is fresh does not change it; a stopped one does.
    assert reads(m, Measurement(1.0, 5, 5, newest=NOW - 5, arrived=NOW - 5)) == "late"
    assert reads(m, Measurement(1.0, 5, 5, newest=NOW - 90, arrived=NOW - 90)) == "stale"
    # Twins: stopped (held or not), and records arriving older than the bound with nothing held.
    assert reads(Measurement(1.0, 5, 5, newest=newest, arrived=NOW - 61 - rng.uniform(0, 60), held=held)) == "stale"
    assert reads(Measurement(1.0, 5, 5, newest=arrived - 121 - rng.uniform(0, 300), arrived=arrived)) == "stale"
    assert reads(Measurement(1.0, 5, 5, newest=None, arrived=arrived)) == "stale"
    assert reads(None) == "stale"
    assert reads(Measurement(1.0, 5, 5, newest=NOW - 30, arrived=None)) == "fresh"
