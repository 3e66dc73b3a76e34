"""The rollout controller measuring through the real MetricsHub over a real metrics.jsonl file,
written in the gateway's record format (execution_type async = canary, sync = baseline)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from sidecar.config import GateConfig, JsonlStream, MetricsConfig, RolloutConfig, StageConfig
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec
from sidecar.rollout.evaluate import StageEvaluator

STREAM = "async_upload"


def spec(function: str, kind: str = "async", **kw) -> MetricSpec:
    return MetricSpec(source="jsonl", stream=STREAM, function=function, where={"execution_type": kind}, **kw)


def record(t: float, kind: str, success: bool, duration: float) -> str:
    ts = datetime.fromtimestamp(t, tz=UTC).replace(tzinfo=None).isoformat()  # the gateway's naive UTC
    return json.dumps({"execution_type": kind, "success": success, "duration_ms": duration,
                       "error_type": None if success else "TimeoutError", "fallback_used": False,
                       "file_size_mb": 1.0, "provider": "kimi", "request_id": f"r{t}", "timestamp": ts})


async def test_gates_on_real_jsonl_records(make, sqlite_store, clock, tmp_path):
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = MetricsHub(MetricsConfig(jsonl=[JsonlStream(name=STREAM, paths=[str(path)], start_at="beginning")]), clock)
    p95 = spec("quantile", quantile=0.95, field="duration_ms")
    cfg = RolloutConfig(
        name="async-upload", flag="ASYNC_UPLOAD_ROLLOUT", interval=10,
        samples=spec("count"),
        stages=[
            StageConfig(percent=1, hold=30, min_samples=60, gates=[
                GateConfig(name="success-rate", metric=spec("success_rate"), op=">=", threshold=0.95,
                           method="sequential", confidence=0.999, min_samples=60),
                GateConfig(name="p95-latency", metric=p95, op="<=", threshold=1.2,
                           relative_to=p95.model_copy(update={"where": {"execution_type": "sync"}}),
                           window=600, min_samples=20, confidence=0.999, consecutive_failure_limit=3),
            ]),
            StageConfig(percent=10, hold=30),
        ],
        triggers=[GateConfig(name="error-rate-ceiling", metric=spec("error_rate"), op=">", threshold=0.05,
                             window=600, min_samples=50)],
    )
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    for tick in range(3):
        with path.open("a") as f:
            for i in range(25):
                t = clock.time() + 0.2 * (i + 1)
                f.write(record(t, "async", success=not (tick == 1 and i == 0), duration=100 + i) + "\n")
                f.write(record(t, "sync", success=True, duration=100 + i) + "\n")
        clock.advance(10)
        await hub.jsonl[STREAM].poll()
        await c.tick()
    snap = await c._load(cfg.name)
    assert snap.stage_index == 1, snap.data.get("verdicts")
    events = await sqlite_store.rollouts.events(cfg.name)
    promote = events[-1]
    assert promote["action"] == "promote" and (promote["from_percent"], promote["to_percent"]) == (1.0, 10.0)
    gate = {r["gate"]: r for r in promote["reasons"] if "gate" in r}
    assert gate["success-rate"]["samples"] == 75 and gate["success-rate"]["observed"] == 74 / 75
    assert gate["p95-latency"]["verdict"] == "pass" and gate["p95-latency"]["baseline"] is not None
    assert gate["p95-latency"]["observed"] == gate["p95-latency"]["baseline"]  # same latencies in both variants


async def test_start_is_refused_while_a_gate_cannot_be_measured(make, sqlite_store, clock, tmp_path):
    import pytest

    from sidecar.rollout import InvalidTransition

    hub = MetricsHub(MetricsConfig(window=900, jsonl=[JsonlStream(name=STREAM, paths=[str(tmp_path / "m.jsonl")])]),
                     clock)
    typo = spec("success_rate").model_copy(update={"stream": "async_uplaod"})
    cfg = RolloutConfig(
        name="async-upload", flag="F",
        stages=[StageConfig(percent=1, gates=[
            GateConfig(name="success-rate", metric=typo, op=">=", threshold=0.99),
            GateConfig(name="p95", metric=spec("quantile", quantile=0.95, field="duration_ms"), op="<=",
                       threshold=500, window=1800),
        ])],
    )
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1", check=hub.check_spec)
    with pytest.raises(InvalidTransition) as err:
        await c.act(cfg.name, "start")
    text = str(err.value)
    assert "stages[0].gates[success-rate].metric: stream 'async_uplaod' is not a configured" in text
    assert "stages[0].gates[p95].metric: window 1800s is longer than metrics.window (900s)" in text
    assert (await c._load(cfg.name)).state == "idle"


async def test_app_factory_checks_specs_against_the_metrics_stage(sqlite_store, clock, tmp_path):
    import pytest

    from sidecar.bus import Bus
    from sidecar.rollout import InvalidTransition, build
    from sidecar.telemetry import Telemetry

    hub = MetricsHub(MetricsConfig(jsonl=[JsonlStream(name=STREAM, paths=[str(tmp_path / "m.jsonl")])]), clock)
    good = RolloutConfig(name="good", flag="F", stages=[StageConfig(percent=1, gates=[
        GateConfig(name="sr", metric=spec("success_rate"), op=">=", threshold=0.99)])])
    bad = RolloutConfig(name="bad", flag="G", stages=[StageConfig(percent=1, gates=[
        GateConfig(name="sr", metric=spec("success_rate").model_copy(update={"stream": "nope"}), op=">=",
                   threshold=0.99)])])
    controller = build([good, bad], sqlite_store, Bus(), clock, Telemetry(), hub)
    try:
        assert (await controller.act("good", "start")).state == "running"
        with pytest.raises(InvalidTransition, match="stream 'nope' is not a configured"):
            await controller.act("bad", "start")
    finally:
        await controller.stop()


async def test_an_evaluation_lets_the_event_loop_run_between_gates(make, sqlite_store, clock):
    """An in-process (jsonl) measurement never awaits anything, so an evaluation would hold the
    event loop from its first gate to its last (/healthz, the API and ingest wait). It yields once
    per gate: a task that counts loop turns gets at least one turn per gate during one evaluation."""
    hub = MetricsHub(MetricsConfig(jsonl=[JsonlStream(name=STREAM, paths=["/nonexistent"])]), clock)
    for i in range(200):
        hub.ingest_record(STREAM, {"execution_type": "async" if i % 5 else "sync", "success": i % 7 != 0,
                                   "duration_ms": 100.0 + i}, t=clock.time() - 199 + i)
    gates = [GateConfig(name=f"gate-{k}", metric=spec("success_rate"), op=">=", threshold=0.5, window=60.0 * (k + 1))
             for k in range(6)]
    cfg = RolloutConfig(name="async-upload", flag="F", interval=10, stages=[StageConfig(percent=10, hold=3600, gates=gates)],
                        triggers=[GateConfig(name="ceiling", metric=spec("error_rate"), op=">", threshold=0.9,
                                             window=600)])
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    turns = 0
    running = True

    async def count_turns() -> None:
        nonlocal turns
        while running:
            turns += 1
            await asyncio.sleep(0)

    snap = await c._load(cfg.name)  # the store's awaits yield anyway: time the evaluation alone
    counter = asyncio.create_task(count_turns())
    await asyncio.sleep(0)
    clock.advance(10)
    before = turns
    ev = await StageEvaluator(cfg, snap, hub.measure, clock.time()).run()
    during = turns - before
    running = False
    await counter
    assert len(ev.gates) + len(ev.triggers) == 7 and all(v.verdict == "pass" for v in ev.gates), ev.gates
    assert during >= 7, during
