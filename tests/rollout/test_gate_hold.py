"""`on_fail: hold`: a stage gate that clearly fails blocks promotion instead of rolling back.

Why (bench/RESULTS.md, round 5): the shipped 1% stage asks for 99.5% success, and a canary exactly as
good as its baseline at 1% errors (the gateway's measured rate) clearly misses it once enough uploads
arrive, so the gate rolled back 4 and 8 of 1,000 healthy 1% stages. The gateway's plan lists the
success floor as a promotion criterion; its rollback criteria (success < 95%, errors > 5%, and the
canary clearly worse than sync) are the triggers, which still roll a real regression back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sidecar.bus import ROLLOUT_GATE_FAILED, Bus
from sidecar.config import HookConfig, RolloutConfig, RolloutsFile, read_yaml
from sidecar.rollout.views import detail, summary

from .conftest import SECRET, Receiver, Traffic

RULES = Path(__file__).parents[2] / "rules" / "rollouts.yaml"


def shipped(url: str) -> RolloutConfig:
    """The shipped async-upload rollout, holds shortened to 10 minutes, with a real rollback hook."""
    parsed = RolloutsFile.model_validate(read_yaml(RULES))
    cfg = next(r for r in parsed.rollouts if r.name == "async-upload")
    stages = [s.model_copy(update={"hold": 600.0}) for s in cfg.stages]
    hooks = [HookConfig(kind="rollback", name="rb", url=f"{url}/rollback", secret=SECRET, retries=0)]
    return cfg.model_copy(update={"stages": stages, "hooks": hooks})


def add(traffic: Traffic, seconds: float, per_second: float, canary_err: float, sync_err: float, pct: float,
        acc: dict[str, float]) -> None:
    """Deterministic traffic for one interval: fractional requests and errors carried over (no randomness
    to make a verdict depend on a seed)."""
    for variant, share, err in (("async", pct / 100, canary_err), ("sync", 1 - pct / 100, sync_err)):
        acc[variant] = acc.get(variant, 0.0) + seconds * per_second * share
        acc[variant + "e"] = acc.get(variant + "e", 0.0) + seconds * per_second * share * err
        n, e = int(acc[variant]), int(acc[variant + "e"])
        acc[variant] -= n
        acc[variant + "e"] -= e
        traffic.add(n, variant, errors=min(e, n))


async def run(c: Any, traffic: Traffic, clock: Any, seconds: float, **kw: float) -> None:
    acc: dict[str, float] = {}
    for _ in range(int(seconds // 30)):
        clock.advance(30)
        add(traffic, 30, acc=acc, **kw)  # type: ignore[arg-type]
        await c.tick()


async def test_a_canary_as_good_as_its_baseline_that_misses_the_floor_holds_and_is_not_rolled_back(
        make, sqlite_store, clock, traffic: Traffic, receiver: Receiver) -> None:
    # 2% errors on both sides (a degraded gateway, not a bad canary): the 1% stage's 99.5% floor is
    # clearly missed after ~1,000 canary uploads, the canary is no worse than sync.
    bus = Bus()
    sub = bus.subscribe({ROLLOUT_GATE_FAILED})
    cfg = shipped(receiver.url)
    c = make([cfg], sqlite_store, traffic, clock=clock, replica="r1", bus=bus)
    await c.act(cfg.name, "start")
    await run(c, traffic, clock, 1500, per_second=3.0, canary_err=0.02, sync_err=0.02, pct=50)
    s = await detail(c, cfg.name)
    gate = next(g for g in s["gates"] if g["name"] == "success-rate")
    assert gate["verdict"] == "fail" and gate["counters"]["consecutive_failures"] >= 3, gate
    assert (s["state"], s["stage"], s["decision"], s["decision_reason"]) == ("running", 0, "hold", "failing")
    assert [h["gate"] for h in s["held_trips"]] == ["success-rate"]
    assert receiver.on("/rollback") == []
    alerts = [sub.queue.get_nowait().data for _ in range(sub.queue.qsize())]
    assert any(a["gate"] == "success-rate" and a["tripped"] for a in alerts), alerts
    # It never promotes while failing, whatever the hold and sample count say.
    await run(c, traffic, clock, 900, per_second=3.0, canary_err=0.02, sync_err=0.02, pct=50)
    assert (await summary(c, cfg.name))["stage"] == 0


async def test_a_canary_worse_than_its_baseline_is_still_rolled_back_by_the_triggers(
        make, sqlite_store, clock, traffic: Traffic, receiver: Receiver) -> None:
    cfg = shipped(receiver.url)
    c = make([cfg], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    await run(c, traffic, clock, 600, per_second=3.0, canary_err=0.01, sync_err=0.01, pct=50)
    assert (await summary(c, cfg.name))["state"] == "running"
    await run(c, traffic, clock, 1500, per_second=3.0, canary_err=0.08, sync_err=0.01, pct=50)
    s = await summary(c, cfg.name)
    assert s["decision"] == "rollback"
    calls = receiver.on("/rollback")
    assert len(calls) == 1
    gates = {r["gate"] for r in calls[0].json["reasons"] if "gate" in r}
    assert gates and gates <= {t.name for t in cfg.triggers}, gates  # a trigger decided, not the held gate


async def test_a_gate_without_on_fail_still_rolls_back(make, sqlite_store, clock, traffic: Traffic,
                                                       receiver: Receiver) -> None:
    cfg = shipped(receiver.url)
    stages = [s.model_copy(update={"gates": [g.model_copy(update={"on_fail": "rollback"}) for g in s.gates]})
              for s in cfg.stages]
    cfg = cfg.model_copy(update={"stages": stages})
    c = make([cfg], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    await run(c, traffic, clock, 1500, per_second=3.0, canary_err=0.02, sync_err=0.02, pct=50)
    assert (await summary(c, cfg.name))["decision"] == "rollback"
    assert [r["gate"] for r in receiver.on("/rollback")[0].json["reasons"] if "gate" in r] == ["success-rate"]


def test_every_shipped_success_floor_holds_and_every_trigger_rolls_back() -> None:
    cfg = next(r for r in RolloutsFile.model_validate(read_yaml(RULES)).rollouts if r.name == "async-upload")
    assert [g.on_fail for s in cfg.stages for g in s.gates if g.name == "success-rate"] == ["hold"] * len(cfg.stages)
    assert {t.on_fail for t in cfg.triggers} == {"rollback"}


def test_a_trigger_cannot_hold() -> None:
    raw = read_yaml(RULES)
    raw["rollouts"][0]["triggers"][0]["on_fail"] = "hold"
    with pytest.raises(ValidationError, match="on_fail: hold` is for stage gates"):
        RolloutsFile.model_validate(raw)


async def test_a_held_stage_pauses_at_its_progress_deadline_and_says_which_gate_held_it(
        make, sqlite_store, clock, traffic: Traffic, receiver: Receiver) -> None:
    cfg = shipped(receiver.url).model_copy(update={"progress_deadline": 600.0})  # hold 600 s + 600 s
    c = make([cfg], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    await run(c, traffic, clock, 1500, per_second=3.0, canary_err=0.02, sync_err=0.02, pct=50)
    s = await summary(c, cfg.name)
    assert (s["state"], s["stage"], s["decision"]) == ("paused", 0, "hold")
    pause = [e for e in await sqlite_store.rollouts.events(cfg.name) if e["action"] == "pause"][0]
    assert "progress deadline" in pause["reasons"][0]["reason"]
    assert [r["gate"] for r in pause["reasons"][1:] if r.get("verdict") == "fail"] == ["success-rate"]
    assert receiver.on("/rollback") == []


def test_an_unknown_on_fail_is_refused_with_its_field_path() -> None:
    raw = read_yaml(RULES)
    raw["rollouts"][0]["stages"][0]["gates"][0]["on_fail"] = "ignore"
    with pytest.raises(ValidationError, match=r"stages\.0\.gates\.0\.on_fail"):
        RolloutsFile.model_validate(raw)
