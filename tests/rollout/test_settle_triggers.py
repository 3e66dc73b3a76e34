"""The settling span (rollout/stagetotals.py) and a WHOLE-STAGE trigger (round 18 review of 68cbb37b).

Class: a trigger is a rollback condition (a GateConfig in `triggers`); without a `window` a proportion trigger
reads the whole stage so far (StageEvaluator._accumulate -> StageTotals). The settling span exists so that a
stage is not PROMOTED on, nor its gates held for, the previous stage's records (a writer whose clock is off and
that appends late). A rollback condition is the other direction: a canary that fails from the first second of
its stage (the common bad deploy) must be rolled back as soon as the trigger has its samples, with or without
the span - windowed triggers already read records regardless of the stage start. Twins: the gate's and the
samples' totals still leave the span out (the promotion direction is unchanged), and a healthy stage with the
same whole-stage trigger is not rolled back.
Real JsonlSource on a real file, real SQLite store, injected clock.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import GateConfig
from sidecar.rollout.views import summary
from tests.rollout.test_gateway_records import STREAM, Gateway, hub_for, rollout, spec


def _cfg(settle: float):  # type: ignore[no-untyped-def]
    cfg = rollout(interval=10, max_lateness=120, settle=settle)
    trigger = GateConfig(name="whole-stage-errors", metric=spec("success_rate"), op="<", threshold=0.5,
                         min_samples=10, confidence=0.9, consecutive_failure_limit=1, no_data="inconclusive")
    stages = [s.model_copy(update={"hold": 1e6}) for s in cfg.stages]
    return cfg.model_copy(update={"triggers": [trigger], "stages": stages})


async def _run(make, sqlite_store, clock: ManualClock, tmp_path: Path, settle: float, ok: bool,
               seconds: float = 400.0) -> tuple[float | None, dict]:
    """Uploads at 0.5/s from the stage's first second, all failing (ok=False) or all healthy; returns the
    seconds from the start to the rollback (None: none) and the stage's data."""
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    cfg = _cfg(settle)
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    t0 = clock.time()
    while clock.time() - t0 < seconds:
        clock.advance(1.0)
        if int(clock.time() - t0) % 2 == 0:
            gw.upload(ok=ok)
        await hub.jsonl[STREAM].poll()
        if int(clock.time() - t0) % 10 == 0:
            await c.tick()
            if (await summary(c, cfg.name))["state"] in ("rolling_back", "rolled_back"):
                return clock.time() - t0, (await c._load(cfg.name)).data
    return None, (await c._load(cfg.name)).data


@pytest.mark.parametrize("settle", [0.0, 120.0, 300.0])
async def test_a_canary_failing_from_its_first_second_is_rolled_back_as_without_the_span(
        make, sqlite_store, clock, tmp_path: Path, settle: float) -> None:
    rolled, _ = await _run(make, sqlite_store, clock, tmp_path, settle, ok=False)
    # 10 failures at 0.5/s take 20 s; the evaluation every 10 s: rolled back by 40 s whatever the span.
    assert rolled is not None and rolled <= 40.0, (settle, rolled)


async def test_twin_the_gate_and_samples_still_leave_the_span_out(make, sqlite_store, clock, tmp_path: Path) -> None:
    rolled, data = await _run(make, sqlite_store, clock, tmp_path, 120.0, ok=True, seconds=400.0)
    assert rolled is None  # a healthy stage is not rolled back by the whole-stage trigger
    gate = data["totals"]["gate:success-rate"]
    # 0.5/s over 400 s = 200 uploads; the span's 120 s (60 uploads) are not counted toward promotion.
    assert int(gate["count"]) <= 200 - 55 and data["samples"] <= 200 - 55, (gate, data["samples"])
    trig = data["totals"]["trigger:whole-stage-errors"]
    assert int(trig["count"]) >= 200 - 130, trig  # the trigger counts from the boundary (lateness: last 120 s)
