"""A whole-stage gate that is not a proportion (p95, mean) honours the settling span too (r18 finding 2).

With `settle` a stage's first `settle` s are not counted toward promotion: records placed there may be
the previous stage's (rollout/stagetotals.py "The settling span after a boundary"). The accumulated
proportions honoured it; a whole-stage p95 (`window: null`) measured from the stage's start and read
the span's records anyway - the previous stage's slow uploads failed (or its fast ones passed) the new
stage - and so did a whole-stage proportion's scan windows longer than the counted part.
Hand-made records (event time, variant, ok, duration) on an injected clock; the real StageEvaluator.
"""

from __future__ import annotations

import random

import pytest

from sidecar.clock import ManualClock
from sidecar.config import GateConfig, RolloutConfig, StageConfig
from sidecar.rollout.evaluate import StageEvaluator
from sidecar.rollout.state import RUNNING, Snapshot
from tests.rollout.conftest import COUNT, P95, SUCCESS, Traffic


def _cfg(settle: float, gate: GateConfig) -> RolloutConfig:
    return RolloutConfig(name="r", flag="F", interval=10, max_lateness=120, settle=settle, max_staleness=600,
                         stages=[StageConfig(percent=10, hold=60, gates=[gate]), StageConfig(percent=50)])


def _snap(start: float) -> Snapshot:
    return Snapshot(name="r", state=RUNNING, stage_index=0, percent=10, started_at=start, stage_started_at=start,
                    stage_elapsed=0.0, running_since=start, incident=1, version=1, data={})


def _put(traffic: Traffic, start: float, end: float, n: int, rng: random.Random, *, duration: tuple[float, float],
         ok: float = 1.0) -> None:
    for _ in range(n):
        traffic.records.append((rng.uniform(start, end), "async", rng.random() < ok, rng.uniform(*duration)))


P95_GATE = GateConfig(name="p95", metric=P95, op="<=", threshold=1000.0, on_fail="hold")


async def _evaluate_through_the_span(rng: random.Random, clock: ManualClock, w: Windows, cfg: RolloutConfig) -> dict:
    """Evaluate every 10 s through a 1,700 s settling span while 300 records arrive 0-100 s late: each evaluation's
    newest sample is the newest placed, and after the first 200 s no evaluation asks for more than its interval +
    max_lateness. Returns the stage's saved data."""
    s = clock.time()
    data: dict = {}
    pending = sorted((t + rng.uniform(0, 100), t) for t in (s + rng.uniform(0, 1700) for _ in range(300)))
    while clock.time() < s + 1700:
        clock.advance(10)
        while pending and pending[0][0] <= clock.time():
            w.records.append((pending.pop(0)[1], "async", True, 100.0))
        w.asked.clear()
        snap = _snap(s)
        snap.data = dict(data)
        ev = await StageEvaluator(cfg, snap, w.measure, clock.time()).run()
        data["totals"] = ev.totals
        v = ev.gates[0]
        assert v.newest == max((r[0] for r in w.records), default=None)
        if clock.time() - s > 200:
            assert max(w.asked) <= 10 + cfg.max_lateness, w.asked
    return data


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
async def test_a_whole_stage_p95_does_not_read_the_settling_span(seed: int) -> None:
    rng = random.Random(seed)
    clock = ManualClock(start=1_763_900_000.0)
    s = clock.time()
    traffic = Traffic(clock)
    # The previous stage's slow uploads, placed in the new stage's first 120 s; the new stage is fast after it.
    _put(traffic, s + 0.5, s + 119.5, rng.randrange(20, 60), rng, duration=(4000, 9000))
    _put(traffic, s + 120.5, s + 300, rng.randrange(60, 200), rng, duration=(200, 700))
    clock.advance(300)
    v = (await StageEvaluator(_cfg(120, P95_GATE), _snap(s), traffic.measure, clock.time()).run()).gates[0]
    assert v.verdict == "pass", v.reason
    assert v.window == pytest.approx(180)
    # Twin: settle 0 counts from the boundary, by contract: the same records fail it.
    v0 = (await StageEvaluator(_cfg(0, P95_GATE), _snap(s), traffic.measure, clock.time()).run()).gates[0]
    assert v0.verdict == "fail", v0.reason
    # Twin: the stage's OWN slow uploads, after the span, fail it.
    _put(traffic, s + 300.5, s + 400, 200, rng, duration=(4000, 9000))
    clock.advance(100)
    v1 = (await StageEvaluator(_cfg(120, P95_GATE), _snap(s), traffic.measure, clock.time()).run()).gates[0]
    assert v1.verdict == "fail", v1.reason


async def test_within_the_span_a_whole_stage_p95_counts_nothing_yet_and_reads_freshness() -> None:
    clock = ManualClock(start=1_763_900_000.0)
    s = clock.time()
    traffic = Traffic(clock)
    _put(traffic, s + 1, s + 90, 40, random.Random(5), duration=(4000, 9000))
    clock.advance(90)
    v = (await StageEvaluator(_cfg(120, P95_GATE), _snap(s), traffic.measure, clock.time()).run()).gates[0]
    assert v.verdict == "inconclusive" and "not counted toward promotion" in v.reason, v.reason
    assert not v.stale and v.newest is not None


async def test_a_rollback_p95_gate_fails_from_the_boundary() -> None:
    """`on_fail: rollback`: its fail side counts from the stage's start, as the proportions' (a678c317): a
    canary slow from its first second is not left running through the span."""
    clock = ManualClock(start=1_763_900_000.0)
    s = clock.time()
    traffic = Traffic(clock)
    _put(traffic, s + 1, s + 60, 100, random.Random(6), duration=(4000, 9000))
    clock.advance(60)
    gate = P95_GATE.model_copy(update={"on_fail": "rollback"})
    v = (await StageEvaluator(_cfg(120, gate), _snap(s), traffic.measure, clock.time()).run()).gates[0]
    assert v.verdict == "fail" and "counted from the stage's start" in v.reason, v.reason


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_whole_stage_proportions_scan_windows_end_at_the_span(seed: int) -> None:
    """A whole-stage success-rate gate with scan windows: a scan window longer than the counted part
    reached into the span (it was cut at the stage's start)."""
    rng = random.Random(seed)
    clock = ManualClock(start=1_763_900_000.0)
    s = clock.time()
    traffic = Traffic(clock)
    _put(traffic, s + 0.5, s + 119.5, rng.randrange(60, 100), rng, duration=(100, 200), ok=0.5)  # the old stage's
    _put(traffic, s + 120.5, s + 180, rng.randrange(150, 250), rng, duration=(100, 200), ok=1.0)
    clock.advance(180)
    gate = GateConfig(name="ok", metric=SUCCESS, op=">=", threshold=0.95, scan_windows=[150], on_fail="hold",
                      confidence=0.99)
    v = (await StageEvaluator(_cfg(120, gate), _snap(s), traffic.measure, clock.time()).run()).gates[0]
    assert v.verdict == "pass", v.reason


class Windows(Traffic):
    """The Traffic backend, remembering every window it was asked for."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock)
        self.asked: list[float] = []

    async def measure(self, spec, window):  # type: ignore[no-untyped-def]
        self.asked.append(window)
        return await super().measure(spec, window)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_settling_span_is_not_measured_again_at_every_evaluation(seed: int) -> None:
    """Within a long span (settle 1800 s) each evaluation measures what can be new since the previous one
    (its interval + max_lateness), not the span so far; the gate's newest sample is still the newest placed,
    late records included (they arrive 0-100 s after they were made)."""
    rng = random.Random(seed)
    clock = ManualClock(start=1_763_900_000.0)
    gate = GateConfig(name="ok", metric=SUCCESS, op=">=", threshold=0.95, on_fail="hold")
    await _evaluate_through_the_span(rng, clock, Windows(clock), _cfg(1800, gate))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("function", ["quantile", "count"])
async def test_a_whole_stage_gate_that_is_not_a_proportion_looks_incrementally_too(seed: int, function: str) -> None:
    """Round 20 (issue 19 item 2): a whole-stage p95 (or count) gate in its settling span was read by
    evaluate._settling_reading, which measured the whole span so far at every evaluation (settle 1800: up to
    1,700 s of records per gate per interval); it now looks through StageTotals.look (c5d01b1a's rule, one
    helper). Its newest sample is still the newest placed (late records arrive 0-100 s after they were made),
    and the look's state is not a total: the stage's closing and samples never see it."""
    rng = random.Random(seed * 31 + 7)
    clock = ManualClock(start=1_763_900_000.0)
    metric = P95 if function == "quantile" else COUNT
    gate = GateConfig(name="latency", metric=metric, op="<", threshold=5000.0, on_fail="hold")
    data = await _evaluate_through_the_span(rng, clock, Windows(clock), _cfg(1800, gate))
    assert all(k.startswith(("look:", "samples")) for k in data["totals"]), data["totals"].keys()
