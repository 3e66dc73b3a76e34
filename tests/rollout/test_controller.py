"""The rollout state machine with a ManualClock, a real SQLite store and a real hook receiver."""

from __future__ import annotations

import asyncio

import pytest

from sidecar.bus import (
    ROLLOUT_GATE_FAILED,
    ROLLOUT_PROMOTED,
    ROLLOUT_ROLLBACK,
    ROLLOUT_TRANSITION,
    ROLLOUT_WAITING_APPROVAL,
    Bus,
)
from sidecar.config import GateConfig
from sidecar.rollout import InvalidTransition, RolloutController, pipeline_decision
from sidecar.telemetry import Telemetry
from tests.helpers import signed_by

from .conftest import ERRORS, SECRET, rollout_config

NAME = "async-upload"


def drain(sub) -> list:
    out = []
    while not sub.queue.empty():
        out.append(sub.queue.get_nowait())
    return out


async def step(clock, controllers, traffic, canary=50, errors=0, seconds=10.0):
    """Traffic for one interval, then one evaluation by every controller."""
    traffic.add(canary, "async", errors=errors)
    traffic.add(canary * 4, "sync")
    clock.advance(seconds)
    for c in controllers:
        await c.tick()


async def state(c: RolloutController):
    return await c._load(NAME)


async def test_full_ramp_to_100_percent(make, sqlite_store, clock, traffic, receiver):
    bus, tel = Bus(), Telemetry()
    sub = bus.subscribe()
    c = make([rollout_config(receiver.url)], sqlite_store, traffic, bus, clock, tel, replica="r1")
    snap = await c.act(NAME, "start")
    assert (snap.state, snap.stage_index, snap.percent) == ("running", 0, 1.0)
    seen = []
    for _ in range(30):
        await step(clock, [c], traffic)
        snap = await state(c)
        seen.append((snap.state, snap.percent))
        if snap.state == "complete":
            break
    assert snap.state == "complete" and snap.percent == 100.0
    # Each stage held exactly its 60 s: 6 evaluations per stage, 4 stages.
    assert len(seen) == 24
    assert [p for _, p in seen[5:24:6]] == [10.0, 50.0, 100.0, 100.0]
    events = await sqlite_store.rollouts.events(NAME)
    assert [e["action"] for e in events] == ["start", "promote", "promote", "promote", "complete"]
    promote = events[1]
    assert (promote["from_percent"], promote["to_percent"]) == (1.0, 10.0)
    assert any("held 60s >= 60s" in r.get("reason", "") for r in promote["reasons"])
    gate_reason = next(r for r in promote["reasons"] if r.get("gate") == "success-rate")
    assert gate_reason["verdict"] == "pass" and gate_reason["samples"] == 300 and gate_reason["threshold"] == 0.95
    # Hooks: a stage-change per percent change, a promote per promotion and at completion.
    assert [r.json["to_percent"] for r in receiver.on("/stage")] == [1.0, 10.0, 50.0, 100.0]
    assert [r.json["action"] for r in receiver.on("/promote")] == ["promote", "promote", "promote", "complete"]
    assert receiver.on("/rollback") == []
    kinds = [e.kind for e in drain(sub)]
    assert kinds.count(ROLLOUT_PROMOTED) == 4 and kinds.count(ROLLOUT_TRANSITION) == 5
    assert tel.registry.get_sample_value("sidecar_rollout_stage_percent", {"rollout": NAME}) == 100.0
    assert tel.registry.get_sample_value(
        "sidecar_gate_evaluations_total", {"rollout": NAME, "gate": "success-rate", "verdict": "pass"}) > 0
    assert tel.registry.get_sample_value("sidecar_hook_calls_total", {"kind": "promote", "outcome": "ok"}) == 4
    assert pipeline_decision(snap.state) == "promote"


async def test_stage_waits_for_samples_not_just_time(make, sqlite_store, clock, traffic):
    c = make([rollout_config()], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(NAME, "start")
    for _ in range(10):  # 100 s, but only 1 request per interval: 10 < 20 samples
        await step(clock, [c], traffic, canary=1)
    snap = await state(c)
    assert snap.state == "running" and snap.stage_index == 0 and snap.data["samples"] == 10
    verdict = next(v for v in snap.data["verdicts"] if v["name"] == "success-rate")
    assert verdict["verdict"] == "inconclusive" and "n=10 < min 20" in verdict["reason"]


async def test_manual_approval(make, sqlite_store, clock, traffic, receiver):
    bus = Bus()
    sub = bus.subscribe({ROLLOUT_WAITING_APPROVAL})
    c = make([rollout_config(receiver.url, approval_stage=0)], sqlite_store, traffic, bus, clock,
                          replica="r1")
    await c.act(NAME, "start")
    for _ in range(8):
        await step(clock, [c], traffic)
    snap = await state(c)
    assert snap.state == "waiting_approval" and snap.percent == 1.0
    assert pipeline_decision(snap.state) == "promote"
    [waiting] = drain(sub)
    assert waiting.data["rollout"] == NAME and waiting.data["from_percent"] == 1.0
    assert receiver.on("/promote") == []  # nothing promoted without the approval
    snap = await c.act(NAME, "approve", actor="alice", reason="dashboards look fine")
    assert (snap.state, snap.stage_index, snap.percent) == ("running", 1, 10.0)
    assert [r.json["to_percent"] for r in receiver.on("/promote")] == [10.0]
    events = await sqlite_store.rollouts.events(NAME)
    assert [e["action"] for e in events] == ["start", "wait", "promote"]
    assert events[-1]["actor"] == "alice" and "dashboards look fine" in events[-1]["reasons"][0]["reason"]
    with pytest.raises(InvalidTransition):
        await c.act(NAME, "approve")


async def test_trigger_at_stage_2_calls_rollback_hooks_once_with_signed_payload(make, sqlite_store, clock, traffic,
                                                                                 receiver):
    bus, tel = Bus(), Telemetry()
    sub = bus.subscribe({ROLLOUT_ROLLBACK, ROLLOUT_GATE_FAILED})
    c = make([rollout_config(receiver.url)], sqlite_store, traffic, bus, clock, tel, replica="r1")
    await c.act(NAME, "start")
    for _ in range(6):
        await step(clock, [c], traffic)
    assert (await state(c)).percent == 10.0
    ticks = 0
    while (await state(c)).state == "running" and ticks < 6:  # regression: 40% errors at stage 2
        await step(clock, [c], traffic, errors=20)
        ticks += 1
    assert ticks <= 2, "a 40% error rate must be caught within two intervals"
    snap = await state(c)
    assert snap.state == "rolled_back" and snap.percent == 0.0
    for _ in range(3):  # more bad traffic and more ticks: no second decision
        await step(clock, [c], traffic, errors=20)
    [call] = receiver.on("/rollback")
    body = call.json
    assert signed_by(SECRET, call.body, call.headers) and not signed_by("other", call.body, call.headers)
    assert call.headers["webhook-id"] == f"{NAME}:1:rollback/rb"
    assert call.headers["Idempotency-Key"] == body["idempotency_key"] == f"{NAME}:1:rollback"
    assert body["rollout"] == NAME and body["action"] == "rollback" and body["kind"] == "rollback"
    assert (body["from_percent"], body["to_percent"], body["from_stage"]) == (10.0, 0.0, 1)
    assert body["flag"] == "ASYNC_UPLOAD_ROLLOUT" and body["enable_flag"] == "ASYNC_UPLOAD_ENABLED"
    assert body["enabled"] is False and body["timestamp"].endswith("+00:00")
    reason = next(r for r in body["reasons"] if r["gate"] == "error-rate")
    assert reason["gate"] == "error-rate" and reason["role"] == "trigger" and reason["threshold"] == 0.2
    assert reason["observed"] > 0.2 and reason["lower"] > 0.2 and reason["samples"] >= 20
    assert reason["reason"].startswith("fired:")
    [stage_call] = [r for r in receiver.on("/stage") if r.json["action"] == "rollback"]
    assert stage_call.json["to_percent"] == 0.0
    decisions = await sqlite_store.rollouts.decisions(NAME)
    assert [d["action"] for d in decisions].count("rollback") == 1
    [rb_event] = [e for e in drain(sub) if e.kind == ROLLOUT_ROLLBACK]
    assert rb_event.data["percent"] == 10.0 and rb_event.data["to_percent"] == 0.0
    assert rb_event.data["values"]["error-rate"] > 0.2 and rb_event.data["reasons"] == body["reasons"]
    assert tel.registry.get_sample_value("sidecar_rollbacks_total", {"rollout": NAME}) == 1
    assert pipeline_decision(snap.state) == "rollback"
    with pytest.raises(InvalidTransition):
        await c.act(NAME, "rollback")


async def test_restart_mid_stage_keeps_stage_elapsed_and_samples(make, sqlite_store, clock, traffic, store2):
    cfg = rollout_config()
    c1 = make([cfg], sqlite_store, traffic, clock=clock, replica="r1")
    await c1.act(NAME, "start")
    for _ in range(6):
        await step(clock, [c1], traffic)
    for _ in range(3):
        await step(clock, [c1], traffic)
    before = await state(c1)
    assert before.stage_index == 1 and before.elapsed(clock.time()) == 30.0 and before.data["samples"] == 150
    await c1.stop()
    # "Restart": a new controller on a second connection (store2) to the same database file.
    c2 = make([cfg], store2, traffic, clock=clock, replica="r2")
    snap = await c2._load(NAME)
    assert snap.stage_index == 1 and snap.elapsed(clock.time()) == 30.0
    await step(clock, [c2], traffic)
    await step(clock, [c2], traffic)
    snap = await c2._load(NAME)
    assert snap.stage_index == 1 and snap.data["samples"] == 250  # totals carried over the restart
    await step(clock, [c2], traffic)
    snap = await c2._load(NAME)
    assert snap.stage_index == 2, "promoted at 60 s of stage time, counting the time before the restart"


async def test_hook_endpoint_down_is_retried_with_one_decision(make, sqlite_store, clock, traffic, receiver):
    c = make([rollout_config(receiver.url)], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(NAME, "start")
    await receiver.stop()  # the endpoint is down when the decision is made
    await step(clock, [c], traffic, errors=40)
    snap = await state(c)
    assert snap.state == "rolling_back" and pipeline_decision(snap.state) == "rollback"
    [call] = [r for r in await sqlite_store.rollouts.hook_calls(NAME) if r["hook"] == "rb"]
    assert call["status"] == "pending" and call["attempts"] == 1 and "Connect" in call["last_error"]
    receiver.statuses["/rollback"] = [503]
    await receiver.start()  # back, but answers 503 once
    clock.advance(5)
    await c.tick()
    [call] = [r for r in await sqlite_store.rollouts.hook_calls(NAME) if r["hook"] == "rb"]
    assert call["attempts"] == 2 and call["last_status"] == 503 and call["status"] == "pending"
    assert (await state(c)).state == "rolling_back"
    clock.advance(10)  # backoff 5 s doubled
    await c.tick()
    [call] = [r for r in await sqlite_store.rollouts.hook_calls(NAME) if r["hook"] == "rb"]
    assert call["status"] == "done" and call["attempts"] == 3
    assert (await state(c)).state == "rolled_back"
    got = receiver.on("/rollback")
    assert len(got) == 2 and len({r.headers["Idempotency-Key"] for r in got}) == 1
    assert [r.headers["X-Sidecar-Attempt"] for r in got] == ["2", "3"]
    assert got[0].body == got[1].body  # same bytes, same signature on every attempt
    assert len([d for d in await sqlite_store.rollouts.decisions(NAME) if d["action"] == "rollback"]) == 1
    events = await sqlite_store.rollouts.events(NAME)
    assert [e["action"] for e in events] == ["start", "rollback", "rolled_back"]


async def test_two_replicas_make_one_decision_and_one_hook_call(make, sqlite_store, clock, traffic, receiver, store2):
    cfg = rollout_config(receiver.url)
    a = make([cfg], sqlite_store, traffic, clock=clock, replica="a")
    b = make([cfg], store2, traffic, clock=clock, replica="b")
    await a.act(NAME, "start")
    for _ in range(3):
        await step(clock, [], traffic)
        await asyncio.gather(a.tick(), b.tick())
    traffic.add(50, "async", errors=40)
    clock.advance(10)
    # Both replicas evaluate the same bad window at the same moment.
    results = await asyncio.gather(a.evaluate(NAME, force=True), b.evaluate(NAME, force=True))
    assert sum(r is not None for r in results) == 1
    for _ in range(3):
        clock.advance(10)
        await asyncio.gather(a.tick(), b.tick())
    assert len(receiver.on("/rollback")) == 1
    assert len([r for r in receiver.on("/stage") if r.json["action"] == "rollback"]) == 1
    decisions = [d for d in await sqlite_store.rollouts.decisions(NAME) if d["action"] == "rollback"]
    assert len(decisions) == 1
    assert (await state(a)).state == (await state(b)).state == "rolled_back"
    with pytest.raises(InvalidTransition):
        await b.act(NAME, "rollback")


async def test_counters_are_not_double_counted_by_two_replicas(make, sqlite_store, clock, traffic, store2):
    cfg = rollout_config()
    a = make([cfg], sqlite_store, traffic, clock=clock, replica="a")
    b = make([cfg], store2, traffic, clock=clock, replica="b")
    await a.act(NAME, "start")
    for _ in range(4):
        await step(clock, [a, b], traffic)
    snap = await state(a)
    assert snap.data["counters"]["gate:success-rate"]["evaluations"] == 4
    assert snap.data["samples"] == 200


async def test_pause_freezes_hold_time_and_resume_continues(make, sqlite_store, clock, traffic):
    c = make([rollout_config()], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(NAME, "start")
    await step(clock, [c], traffic)
    await step(clock, [c], traffic)
    snap = await c.act(NAME, "pause", reason="investigating")
    assert snap.state == "paused" and snap.elapsed(clock.time()) == 20.0
    for _ in range(10):
        await step(clock, [c], traffic)
    snap = await state(c)
    assert snap.state == "paused" and snap.elapsed(clock.time()) == 20.0 and snap.stage_index == 0
    snap = await c.act(NAME, "resume")
    assert snap.state == "running"
    for _ in range(3):
        await step(clock, [c], traffic)
    assert (await state(c)).stage_index == 0
    await step(clock, [c], traffic)
    assert (await state(c)).stage_index == 1
    with pytest.raises(InvalidTransition):
        await c.act(NAME, "resume")


async def test_triggers_stay_armed_while_paused(make, sqlite_store, clock, traffic):
    c = make([rollout_config()], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(NAME, "start")
    await c.act(NAME, "pause")
    await step(clock, [c], traffic, errors=40)
    assert (await state(c)).state == "rolled_back"  # no hooks configured: straight through


async def test_dry_run_trigger_reports_but_never_rolls_back(make, sqlite_store, clock, traffic):
    bus = Bus()
    sub = bus.subscribe({ROLLOUT_GATE_FAILED})
    dry = [GateConfig(name="error-rate", metric=ERRORS, op=">", threshold=0.2, window=60, min_samples=20,
                      dry_run=True)]
    cfg = rollout_config(triggers=dry)
    for stage in cfg.stages:
        stage.gates = [g.model_copy(update={"dry_run": True}) for g in stage.gates]
    c = make([cfg], sqlite_store, traffic, bus, clock, replica="r1")
    await c.act(NAME, "start")
    for _ in range(3):
        await step(clock, [c], traffic, errors=40)
    snap = await state(c)
    assert snap.state == "running"
    assert {t["gate"] for t in snap.data["dry_trips"]} == {"error-rate", "success-rate"}
    failed = drain(sub)
    # Three failing evaluations: one event per gate when its streak starts (a trip in the same
    # evaluation is the same event), none for the repeats.
    assert sorted((e.data["gate"], e.data["tripped"]) for e in failed) == [
        ("error-rate", True), ("success-rate", False), ("success-rate", True)]
    assert all(e.data["dry_run"] for e in failed)


async def test_measurement_errors_hold_the_stage(make, sqlite_store, clock, traffic):
    c = make([rollout_config()], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(NAME, "start")
    traffic.fail_with = ConnectionError("metrics backend down")
    for _ in range(8):
        await step(clock, [c], traffic)
    snap = await state(c)
    assert snap.state == "running" and snap.stage_index == 0
    assert {v["verdict"] for v in snap.data["verdicts"]} == {"error"}
    traffic.fail_with = None
    await step(clock, [c], traffic)
    snap = await state(c)
    # The stage's totals only count what was measured; the gap is re-measured in one window.
    assert snap.stage_index == 1


async def test_manual_rollback_and_restart_as_new_incident(make, sqlite_store, clock, traffic, receiver):
    c = make([rollout_config(receiver.url)], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(NAME, "start")
    snap = await c.act(NAME, "rollback", actor="bob", reason="customer reports")
    assert snap.state == "rolling_back"
    await c.tick()
    assert (await state(c)).state == "rolled_back"
    [call] = receiver.on("/rollback")
    assert call.json["reasons"][0]["reason"] == "manual rollback: customer reports"
    snap = await c.act(NAME, "start")
    assert snap.incident == 2 and snap.state == "running"
    await c.act(NAME, "rollback")
    keys = [r.json["idempotency_key"] for r in receiver.on("/rollback")]
    assert keys == [f"{NAME}:1:rollback", f"{NAME}:2:rollback"]


async def test_component_loop_runs_on_the_injected_clock(make, sqlite_store, clock, traffic):
    c = make([rollout_config()], sqlite_store, traffic, clock=clock, replica="r1")
    await c.start()
    try:
        await c.act(NAME, "start")
        for _ in range(7):
            traffic.add(50, "async")
            clock.advance(10)
            for _ in range(20):
                await asyncio.sleep(0.01)
        assert (await state(c)).stage_index == 1
        assert c.degraded() == []
    finally:
        await c.stop()


async def test_pending_hook_calls_are_delivered_after_a_restart(make, sqlite_store, clock, traffic, receiver,
                                                                store2):
    cfg = rollout_config(receiver.url)
    c1 = make([cfg], sqlite_store, traffic, clock=clock, replica="r1")
    await c1.act(NAME, "start")
    await receiver.stop()
    await step(clock, [c1], traffic, errors=40)  # decided while the endpoint is down
    assert (await state(c1)).state == "rolling_back"
    await c1.stop()  # the replica that decided goes away with the calls still pending
    await receiver.start()
    c2 = make([cfg], store2, traffic, clock=clock, replica="r2")
    clock.advance(61)  # past the backoff and the first replica's claim
    await c2.tick()
    assert (await c2._load(NAME)).state == "rolled_back"
    [call] = receiver.on("/rollback")
    assert call.headers["Idempotency-Key"] == f"{NAME}:1:rollback" and call.headers["X-Sidecar-Attempt"] == "2"
    assert len(await store2.rollouts.decisions(NAME)) == 2  # start + rollback: no second rollback decision


async def test_config_that_lost_the_current_stage_is_reported_not_guessed(make, sqlite_store, clock, traffic):
    c = make([rollout_config()], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(NAME, "start")
    await c.act(NAME, "promote")
    await c.act(NAME, "promote")  # stage 3 (50%)
    shorter = rollout_config()
    shorter.stages = shorter.stages[:2]
    c2 = make([shorter], sqlite_store, traffic, clock=clock, replica="r2")
    await step(clock, [c2], traffic)
    snap = await state(c2)
    assert (snap.state, snap.stage_index) == ("running", 2)
    assert any("stored stage 2 is not in the config" in p for p in c2.degraded())
    snap = await c2.act(NAME, "promote")  # the operator decides: past the last stage = complete
    assert snap.state == "complete"
