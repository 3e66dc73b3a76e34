"""Two replicas close the same ended stage from the same stored version: its late samples count ONCE in
sidecar_rollout_stage_late_samples_total (summed over the replicas' registries, as a dashboard sums them).

The store's save is compare-and-set on the version: the replica whose save loses closed nothing (the
winner's figures stand). Before round 20's fix (r20 FXB item 2) close_due counted while it built its
proposal, before the save: both replicas counted (2x the stage's late samples), and a lost save counted
again on the next tick's retry. Real SQLite store, real MetricsHub on gateway-shaped records (the
upstream wrapper's, tests/rollout/upstream_writer.py), injected clock; both paths are raced: the tick's
close of a rolled-back rollout and an evaluation's close of the stage it promoted from.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.config import GateConfig
from sidecar.rollout.state import ROLLED_BACK, RUNNING
from sidecar.telemetry import Telemetry
from tests.rollout.test_gateway_records import STREAM, hub_for, rollout, spec
from tests.rollout.upstream_writer import plan, records


def _late(telemetry: Telemetry, decision: str) -> float:
    return telemetry.registry.get_sample_value("sidecar_rollout_stage_late_samples_total",
                                               {"rollout": "async-upload", "decision": decision}) or 0.0


async def _until_closing_due(make: Any, store: Any, tmp_path: Path, seed: int, ending: str) -> tuple[Any, Any]:
    """Play the gateway's records (shipped in 40-60 s batches) through replica r1 until a stage ended by
    `ending` is closing; then go on shipping WITHOUT any replica ticking until its close is due."""
    rng = random.Random(seed)
    clock = ManualClock(start=1_764_000_000.0 + rng.uniform(0, 1000))
    every, phase = rng.uniform(40, 60), rng.uniform(0, 30)
    fail = rng.uniform(0.3, 0.5) if ending == "rollback" else rng.uniform(0.0, 0.03)
    calls = plan(rng, 900, start=clock.time() + 1, rate=rng.uniform(0.4, 0.8), rollout=50, async_fail=fail,
                 sync_fail=0.01, fallback=rng.random() < 0.5, ids=rng.choice(["none", "unique"]))
    pending = sorted((t + (every - (t - phase) % every), json.dumps(asdict(m)) + "\n")
                     for c in calls for t, m in records(c))
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = hub_for(path, clock)
    triggers = [GateConfig(name="errors", metric=spec("error_rate"), op=">", threshold=0.2, min_samples=20)]
    cfg = rollout(interval=10, max_lateness=120, triggers=triggers, max_staleness=150)
    c1 = make([cfg], store, hub, clock=clock, replica="r1", telemetry=Telemetry())
    await c1.act(cfg.name, "start")

    async def step() -> None:
        clock.advance(5.0)
        with path.open("a") as f:
            while pending and pending[0][0] <= clock.time():
                f.write(pending.pop(0)[1])
        await hub.jsonl[STREAM].poll()

    while not (await c1._load(cfg.name)).data.get("closing"):
        assert clock.time() < calls[-1].start, "the stage never ended"
        await step()
        await c1.tick()
    [entry] = (await c1._load(cfg.name)).data["closing"]
    while clock.time() < float(entry["ended_at"]) + cfg.max_lateness + 5:
        await step()
    c2 = make([cfg], store, hub, clock=clock, replica="r2", telemetry=Telemetry())
    return c1, c2


@pytest.mark.parametrize("seed", [23221, 23222, 23223])
async def test_two_replicas_closing_a_rolled_back_stage_count_it_once(make, sqlite_store, tmp_path: Path,
                                                                      seed: int) -> None:
    c1, c2 = await _until_closing_due(make, sqlite_store, tmp_path, seed, "rollback")
    snap = await c1._load("async-upload")
    assert snap.state == ROLLED_BACK
    won = [await c._close_ended(snap) for c in (c1, c2)]  # both read the same version before either saved
    assert won == [True, False]
    [final] = (await c1._load("async-upload")).data["finished"]
    assert final["decision"] == "rollback" and final["late"] > 0
    assert _late(c1.telemetry, "rollback") + _late(c2.telemetry, "rollback") == final["late"]
    assert await c2._close_ended(await c2._load("async-upload")) is False  # nothing left to close next tick
    assert _late(c2.telemetry, "rollback") == 0


@pytest.mark.parametrize("seed", [23231, 23232, 23233])
async def test_two_replicas_evaluating_after_a_promotion_count_the_promoted_stage_once(make, sqlite_store,
                                                                                      tmp_path: Path,
                                                                                      seed: int) -> None:
    c1, c2 = await _until_closing_due(make, sqlite_store, tmp_path, seed, "complete")
    snaps = [await c._load("async-upload") for c in (c1, c2)]
    assert snaps[0].state == RUNNING and snaps[0].stage_index == 1 and snaps[0].version == snaps[1].version
    evs = [await c._evaluate(s, force=True) for c, s in zip((c1, c2), snaps, strict=True)]
    assert evs[0] is not None and evs[1] is None  # r2's save lost: r1's evaluation stands
    [final] = (await c1._load("async-upload")).data["finished"]
    assert final["decision"] == "promote" and final["late"] > 0
    assert _late(c1.telemetry, "promote") + _late(c2.telemetry, "promote") == final["late"]
