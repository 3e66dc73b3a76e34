"""Each record counts exactly once, in the stage its event time belongs to, at a stage boundary (r18 finding 3).

A grid over (event time relative to the boundary, arrival lag, max_lateness, settle, interval): one hand-made
record per cell, its arrival on the injected clock, the real StageEvaluator (settled totals, the settling
span) and the real closing of the decided stage (rollout/closing.py), glued as the controller glues them
(its store and transitions are tests/rollout/test_stage_closing.py's). What is checked:
- within the lateness bound (arrival - event <= max_lateness, including a record placed a little after its
  arrival): counted exactly once - in stage 0's final figures when made at or before the boundary, else in
  stage 1 - by the whole-stage trigger (counted from each stage's start), and by the promotion totals
  (`samples`) iff it is after that stage's settling span;
- beyond the bound (the metrics stream's sidecar_metric_records_dropped_total{reason="late"}): never
  twice, never in the other stage.
Before round 19 every record of stage 0 that arrived after the boundary was in neither stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from sidecar.config import GateConfig, RolloutConfig, StageConfig
from sidecar.metrics.model import Measurement, MetricSpec
from sidecar.rollout.closing import close_due, closing_stage
from sidecar.rollout.evaluate import StageEvaluator
from sidecar.rollout.state import RUNNING, Snapshot

COUNT = MetricSpec(source="jsonl", stream="s", function="count")
ERRORS = MetricSpec(source="jsonl", stream="s", function="error_rate")


@dataclass
class Arrivals:
    """A metrics window whose records show up at their arrival: (event time, arrival) pairs."""

    records: list[tuple[float, float]] = field(default_factory=list)
    now: float = 0.0

    async def measure(self, spec: MetricSpec, window: float) -> Measurement:
        rows = [(e, a) for e, a in self.records if a <= self.now and self.now - window < e <= self.now]
        n = len(rows)
        newest = max((e for e, _ in rows), default=None)
        arrived = max((a for _, a in self.records if a <= self.now), default=None)
        if spec.function == "count":
            return Measurement(float(n), n, newest=newest, arrived=arrived)
        if n == 0:
            return Measurement(None, 0, 0, "no records", arrived=arrived)
        return Measurement(0.0, n, 0, newest=newest, arrived=arrived)


def _cfg(lateness: float, settle: float, interval: float) -> RolloutConfig:
    trigger = GateConfig(name="errors", metric=ERRORS, op=">", threshold=0.9)  # never fires; counts from the start
    return RolloutConfig(name="r", flag="F", interval=interval, max_lateness=lateness, settle=settle, samples=COUNT,
                         max_staleness=1e6, triggers=[trigger],
                         stages=[StageConfig(percent=10, hold=1e6), StageConfig(percent=50, hold=1e6)])


def _snap(stage: int, start: float, data: dict[str, Any]) -> Snapshot:
    return Snapshot(name="r", state=RUNNING, stage_index=stage, percent=10, started_at=start, stage_started_at=start,
                    stage_elapsed=0.0, running_since=start, incident=1, version=1, data=dict(data))


async def _play(cfg: RolloutConfig, rec: tuple[float, float], start: float, boundary: float) -> dict[str, int]:
    """Stage 0 from `start`, promoted at the evaluation at `boundary`, stage 1 until its closing is long done."""
    w = Arrivals([rec])
    data: dict[str, Any] = {}
    t = start
    while t <= boundary:
        w.now = t
        ev = await StageEvaluator(cfg, _snap(0, start, data), w.measure, t).run()
        data.update(totals=ev.totals, samples=ev.samples)
        t += cfg.interval
    data1: dict[str, Any] = {"closing": [closing_stage(0, 10, 1, start, boundary, "promote", data)]}
    t = boundary + cfg.interval
    while t <= boundary + max(cfg.max_lateness, cfg.settle) + 4 * cfg.interval + 2 * max(rec[1] - rec[0], 0):
        w.now = t
        await close_due(cfg, data1, w.measure, t)
        ev = await StageEvaluator(cfg, _snap(1, boundary, data1), w.measure, t).run()
        data1.update(totals=ev.totals, samples=ev.samples)
        trigger1 = ev.triggers[0].samples or 0
        t += cfg.interval
    [final] = data1["finished"]
    return {"stage0": final["figures"]["trigger:errors"]["count"], "samples0": final["samples"],
            "stage1": trigger1, "samples1": int(data1["samples"])}


CELLS = [(lateness, settle, interval) for lateness in (60.0, 120.0) for settle in (0.0, lateness, 2 * lateness)
         for interval in (10.0, 25.0)]


@pytest.mark.parametrize(("lateness", "settle", "interval"), CELLS)
async def test_each_record_counts_once_in_its_stage(lateness: float, settle: float, interval: float) -> None:
    start = 1_763_900_000.0
    boundary = start + 60 * interval  # an evaluation time
    offsets = [-lateness - 15.5, -lateness + 0.5, -35.5, -interval, -0.5, 0.0, 0.5, interval - 0.5,
               settle - 0.5, settle + 0.5, settle + 35.0]
    lags = [-3.0, 0.0, 0.5, interval, lateness / 2, lateness - 0.5, lateness + 0.5, 2 * lateness]
    wrong = []
    for d in offsets:
        for lag in lags:
            event = boundary + d
            got = await _play(_cfg(lateness, settle, interval), (event, event + lag), start, boundary)
            mine, other = ("stage0", "stage1") if event <= boundary else ("stage1", "stage0")
            counted_from = (start if mine == "stage0" else boundary) + settle
            samples = "samples0" if mine == "stage0" else "samples1"
            if lag <= lateness:
                expect = {mine: 1, other: 0, samples: int(event > counted_from)}
            else:  # beyond the bound: at most once, never in the other stage
                expect = {mine: min(got[mine], 1), other: 0, samples: min(got[samples], int(event > counted_from))}
            seen = {k: got[k] for k in expect}
            if seen != expect:
                wrong.append((d, lag, seen, expect))
    assert not wrong, wrong
