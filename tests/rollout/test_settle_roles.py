"""The settling span decides promotions only (round 18 re-read; rollout/stagetotals.py StageTotals.counted_from).

The class: a whole-stage proportion (`window: null`) is read for two decisions. What PROMOTES (samples, a stage
gate's pass, an `on_fail: hold` gate) skips the stage's first `settle` s: records placed there may have been made
before the stage began. What ROLLS BACK (every trigger, the fail side of an `on_fail: rollback` gate) counts from
the boundary: a canary failing from its first second is rolled back at the first evaluation, as with settle 0 and
as the sliding-window triggers do - before, 130 s after the start with settle 120 instead of 10 s.
Twins: a healthy canary is not rolled back and its promotion totals still skip the span; an `on_fail: hold`
gate on a failing canary counts nothing in the span and rolls nothing back.
Real MetricsHub on a real metrics.jsonl, real SQLite store, injected clock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.config import GateConfig
from sidecar.rollout.views import detail
from tests.rollout.test_gateway_records import STREAM, Gateway, hub_for, rollout, spec

SETTLE = 120.0
ROLLED_BACK = ("rolling_back", "rolled_back")


def _floor(on_fail: str = "rollback") -> GateConfig:
    """An absolute success floor over the whole stage (window null) that any failing canary crosses at once."""
    return GateConfig(name="floor", metric=spec("success_rate"), op="<", threshold=0.95, min_samples=5,
                      confidence=0.9, consecutive_failure_limit=1, on_fail=on_fail)  # type: ignore[arg-type]


def _config(where: str, settle: float = SETTLE) -> Any:
    cfg = rollout(interval=10, max_lateness=120, settle=settle)
    stages = [s.model_copy(update={"hold": 1e6}) for s in cfg.stages]
    if where == "trigger":
        return cfg.model_copy(update={"triggers": [_floor()], "stages": stages})
    # As a stage gate the floor's PASS condition is the negation: success rate >= 0.95.
    gate = _floor("rollback" if where == "rollback_gate" else "hold").model_copy(update={"op": ">="})
    stages[0] = stages[0].model_copy(update={"gates": [gate]})
    return cfg.model_copy(update={"stages": stages})


async def _run(make: Any, sqlite_store: Any, clock: ManualClock, tmp_path: Path, cfg: Any, ok: bool,
               seconds: float = 300.0) -> tuple[float | None, Gateway, float, list[dict[str, Any]]]:
    """Uploads every second (all `ok` or all failing); returns (seconds to a rollback, the gateway, the start,
    the rollout's detail at each evaluation)."""
    gw = Gateway(tmp_path / "metrics.jsonl", clock, fallback=True)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    t0 = clock.time()
    rolled, shown = None, []
    while clock.time() - t0 < seconds:
        clock.advance(1.0)
        gw.upload(ok=ok)
        await hub.jsonl[STREAM].poll()
        if int(clock.time() - t0) % 10 == 0:
            await c.tick()
            s = await detail(c, cfg.name)
            shown.append(s)
            if rolled is None and s["state"] in ROLLED_BACK:
                rolled = clock.time() - t0
    return rolled, gw, t0, shown


@pytest.mark.parametrize("where", ["trigger", "rollback_gate"])
@pytest.mark.parametrize("settle", [0.0, SETTLE])
async def test_a_canary_failing_from_its_first_second_is_rolled_back_at_once(
        make, sqlite_store, clock, tmp_path: Path, where: str, settle: float) -> None:
    rolled, gw, _, shown = await _run(make, sqlite_store, clock, tmp_path, _config(where, settle), ok=False, seconds=60)
    assert rolled is not None and rolled <= 20.0, (where, settle, rolled, [s["state"] for s in shown])


@pytest.mark.parametrize("where", ["trigger", "rollback_gate"])
async def test_twin_a_healthy_canary_is_not_rolled_back_and_promotion_still_skips_the_span(
        make, sqlite_store, clock, tmp_path: Path, where: str) -> None:
    cfg = _config(where)
    rolled, gw, t0, shown = await _run(make, sqlite_store, clock, tmp_path, cfg, ok=True)
    assert rolled is None
    # Samples (what promotes) count the uploads after the span only: stamped t0+1 .. t0+300, the span ends t0+120.
    assert shown[-1]["samples"] == gw.n - int(SETTLE)
    if where == "rollback_gate":
        gate = shown[-1]["gates"][0]
        assert gate["verdict"] == "pass" and gate["samples"] == gw.n - int(SETTLE), gate


async def test_twin_a_hold_gate_on_a_failing_canary_counts_nothing_in_the_span(
        make, sqlite_store, clock, tmp_path: Path) -> None:
    rolled, gw, _, shown = await _run(make, sqlite_store, clock, tmp_path, _config("hold_gate"), ok=False,
                                      seconds=SETTLE - 10)
    assert rolled is None
    gates = [s["gates"][0] for s in shown]
    assert all(g["verdict"] == "inconclusive" and not g["samples"] for g in gates), gates
    # Said in words that hold in every stage (the first has no previous stage).
    assert all("settling" in g["reason"] and "previous stage" not in g["reason"] for g in gates), gates[-1]
    assert all(s["state"] == "running" for s in shown)
