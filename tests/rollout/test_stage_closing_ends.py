"""A stage that ends by ROLLBACK or by COMPLETE closes like a promoted one (rollout/closing.py): its late
records count in it, once, in its final figures - on the API (`finished_stages`) and in
sidecar_rollout_stage_late_samples_total{decision} (issue 19, round 20 item 3).

Both are not evaluated after their end (a rolled-back or completed rollout), so their closing runs in the
controller's tick, not in an evaluation: untested before round 20 (test_stage_closing.py promotes only).
Records shaped like the upstream wrapper's (tests/rollout/upstream_writer.py), a writer whose clock is
right, a shipper batching every 40-60 s (so the decision is made before part of the stage has arrived),
the real MetricsHub and controller on an injected clock. The user's check, by the records' own stamps:
the ended stage's final figures hold every canary upload stamped in it (not those the gateway wrote after
the end, before its redeploy), its failures too, and the metric counts the ones that arrived after the
decision. Before round 20 there was no such metric (the late part of a rollback was in the log only).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.config import GateConfig
from sidecar.rollout.state import COMPLETE, ROLLED_BACK
from sidecar.rollout.views import detail
from sidecar.telemetry import Telemetry
from tests.rollout.test_gateway_records import STREAM, hub_for, rollout, spec
from tests.rollout.upstream_writer import plan, records


def _stamp(iso: str) -> float:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp()


async def _play(make: Any, sqlite_store: Any, tmp_path: Path, seed: int, ending: str) -> tuple[Any, Any, Any, list]:
    rng = random.Random(seed)
    clock = ManualClock(start=1_764_000_000.0 + rng.uniform(0, 1000))
    t0 = clock.time()
    every, phase = rng.uniform(40, 60), rng.uniform(0, 30)

    def ship(t: float) -> float:  # when a line made at t reaches the file
        return t + (every - (t - phase) % every)

    fail = rng.uniform(0.3, 0.5) if ending == "rollback" else rng.uniform(0.0, 0.03)
    calls = plan(rng, 900, start=t0 + 1, rate=rng.uniform(0.4, 0.8), rollout=50, async_fail=fail, sync_fail=0.01,
                 fallback=rng.random() < 0.5, ids=rng.choice(["none", "unique"]))
    pending = sorted((ship(t), json.dumps(asdict(m)) + "\n") for c in calls for t, m in records(c))
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = hub_for(path, clock)
    telemetry = Telemetry()
    triggers = [GateConfig(name="errors", metric=spec("error_rate"), op=">", threshold=0.2, min_samples=20)]
    cfg = rollout(interval=10, max_lateness=120, triggers=triggers, max_staleness=150)
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1", telemetry=telemetry)
    await c.act(cfg.name, "start")
    end = calls[-1].start + 60
    while clock.time() < end:
        clock.advance(5.0)
        with path.open("a") as f:
            while pending and pending[0][0] <= clock.time():
                f.write(pending.pop(0)[1])
        await hub.jsonl[STREAM].poll()
        await c.tick()
    snap = await c._load(cfg.name)
    ups = []
    for call in calls:
        if call.use_async:
            ups.append((_stamp(records(call)[0][1].timestamp), bool(call.canary_failed())))
    return c, snap, telemetry, ups


def _late(telemetry: Telemetry, decision: str) -> float:
    return telemetry.registry.get_sample_value("sidecar_rollout_stage_late_samples_total",
                                               {"rollout": "async-upload", "decision": decision}) or 0.0


@pytest.mark.parametrize("seed", [23201, 23202, 23203])
async def test_a_rolled_back_stage_counts_its_late_failures(make, sqlite_store, tmp_path: Path, seed: int) -> None:
    c, snap, telemetry, ups = await _play(make, sqlite_store, tmp_path, seed, "rollback")
    assert snap.state == ROLLED_BACK and snap.stage_index == 0
    [final] = snap.data["finished"]
    assert (final["stage"], final["decision"], final["partial"]) == (0, "rollback", False)
    ended = float(final["ended_at"])
    stage = [failed for at, failed in ups if float(final["started_at"]) < at <= ended]
    after = [at for at, _ in ups if at > ended]
    assert after, "the gateway went on writing after the rollback (until its redeploy): not the stage's"
    assert final["samples"] == len(stage), (final, len(stage))
    assert final["figures"]["trigger:errors"] == {"count": len(stage), "successes": sum(stage)}  # error_rate: a
    # success is a failure (the trigger's own figures); the failures that arrived after the decision count
    assert final["late"] == final["samples"] - final["samples_at_decision"] > 0
    assert _late(telemetry, "rollback") == final["late"]
    shown = await detail(c, "async-upload")
    assert shown["finished_stages"] == [final] and shown["closing_stages"] == []


@pytest.mark.parametrize("seed", [23211, 23212, 23213])
async def test_a_completed_stage_counts_its_late_uploads(make, sqlite_store, tmp_path: Path, seed: int) -> None:
    c, snap, telemetry, ups = await _play(make, sqlite_store, tmp_path, seed, "complete")
    assert snap.state == COMPLETE, (snap.state, [v["reason"] for v in snap.data.get("verdicts", [])])
    promoted, completed = snap.data["finished"]
    assert (promoted["decision"], completed["decision"]) == ("promote", "complete")
    for final in (promoted, completed):
        assert final["partial"] is False
        inside = [failed for at, failed in ups if float(final["started_at"]) < at <= float(final["ended_at"])]
        assert final["samples"] == len(inside), (final, len(inside))
        assert final["figures"]["gate:success-rate"]["count"] == len(inside) if final["stage"] == 0 else True
        assert final["late"] == final["samples"] - final["samples_at_decision"] > 0
    assert [at for at, _ in ups if at > float(completed["ended_at"])], "uploads after the completion: not the stage's"
    assert _late(telemetry, "complete") == completed["late"] and _late(telemetry, "promote") == promoted["late"]
    shown = await detail(c, "async-upload")
    assert [f["decision"] for f in shown["finished_stages"]] == ["promote", "complete"]
    assert shown["finished_stages"][1]["samples"] == completed["samples"]
