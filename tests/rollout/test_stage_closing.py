"""A decided stage's late records count in it, once, after the decision (rollout/closing.py; issue 19),
and records held for their writer's clock count in their stage's live totals once placed (metrics/held.py).

Records shaped exactly like the upstream wrapper's (tests/rollout/upstream_writer.py: sync / async /
sync_fallback, double-written failures with fallback off, request_id absent / unique / fixed, a writer
clock off) reach the real metrics.jsonl through a shipper that delivers late (in batches, or a steady
lag), all within the 120 s lateness bound. The real MetricsHub reads it, the real controller evaluates
every 10 s on an injected clock and promotes on its own. The user's check, by the records' own stamps
and the calls' own times: every canary upload is counted exactly once over the two stages (the triggers,
counted from each stage's start), stage 0's final figures hold its uploads (counted from its start +
settle up to the promotion), with its failures; stage 1 counts those after the promotion (+ settle).
Before round 19 the uploads of stage 0 read after the promotion were in neither stage (no final figures).

Where an upload belongs when its writer's clock is off: the sidecar places a record somewhere between
min(its stamp, when it was made) and when it was read (+ FUTURE_SLACK): at its stamp while the clock is
within the 30 s tolerance, on the writer's estimated clock beyond it, and a writer whose delays hover
around the tolerance (a clock 12-30 s behind plus a batching shipper) flips between the two - a record
made within that span of a stage's edge may go either way, and neither the file nor the arrivals can tell
(metrics/skew.py). So each stage's count is checked between the uploads surely in it and those possibly
in it, and the exactly-once sum is checked exactly.

Round 20 (issue 19 item 1): before, the test kept the writer's clock at most 10 s behind. With it 12-18 s
behind and a batching shipper, records held for their writer's clock (metrics/held.py) waited on one clock
(offset ~31 s, the delays' low quantile just past the tolerance) and were placed on another (0, the
quantile just under it): placed 141-148 s back, past the settled totals (seed 23124: stage 1 counted 312 of
the 332 uploads placed after the promotion; with the writer up to 30 s behind, 23124 counted 441 of 491
over both stages). Now a held record is never placed earlier than on the clock it waited on
(held.Held.placing_offset): the limit is the tolerance, and `test_skew_grid` goes beyond it, up to a clock
100 s behind and 60 s ahead (two cells left open: see OPEN).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.config import GateConfig
from sidecar.metrics.writerclocks import FUTURE_SLACK
from sidecar.rollout.views import detail
from tests.rollout.test_gateway_records import STREAM, hub_for, rollout, spec
from tests.rollout.upstream_writer import Call, plan, records

SEEDS = list(range(23101, 23113))
TICK = 5.0  # the test's poll / clock step: a line shipped at s is read at the next tick


def _stamp(iso: str) -> float:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp()


def _shipper(rng: random.Random, offset: float, kind: str | None = None) -> Callable[[float], float]:
    """When a line made at t reaches the file: a shipper batching every 30-90 s, or a steady lag (5-25 s;
    with the clock's offset beyond the 30 s tolerance the sidecar reads such a lag as clock: stagetotals.py
    "Made before, placed after, read after", which the bands below allow for)."""
    kind = kind or ("batch" if rng.random() < 0.5 else "lag")
    if kind == "batch":
        every, phase = rng.uniform(30, 90), rng.uniform(0, 30)
        return lambda t: t + (every - (t - phase) % every)
    lag = rng.uniform(5, max(10.0, 25 - max(0.0, -offset)))
    return lambda t: t + lag


@dataclass
class Upload:
    lo: float  # the earliest the sidecar may place it: min(stamp, made)
    hi: float  # the latest: when it was read, plus FUTURE_SLACK
    failed: bool


async def _run(make: Any, sqlite_store: Any, tmp_path: Path, seed: int, offset: float,
               kind: str | None = None) -> tuple[Any, Any, list[Upload], float, float]:
    """Play one seed: (controller, snapshot, the canary uploads, t0, settle)."""
    rng = random.Random(seed)
    clock = ManualClock(start=1_763_900_000.0 + rng.uniform(0, 1000))
    t0 = clock.time()
    settle = rng.choice([0.0, 120.0])
    fallback = rng.random() < 0.5
    ids = rng.choice(["none", "unique", "fixed"])
    ship = _shipper(rng, offset, kind)
    # One fixed request_id buckets every call alike (md5 % 100 < rollout): all async at 100%. The calls
    # begin once even a writer 100 s behind stamps them after the rollout's start (else the first ones
    # belong to no stage by their stamps, and to stage 0 by the clock the sidecar learns).
    calls: list[Call] = plan(rng, 500, start=t0 + 1 + max(0.0, -offset), rate=rng.uniform(0.4, 0.8),
                             rollout=100 if ids == "fixed" else 50, async_fail=rng.uniform(0.0, 0.06),
                             sync_fail=0.01, fallback=fallback, ids=ids)
    pending = sorted((ship(t), json.dumps(asdict(m)) + "\n") for c in calls for t, m in records(c, offset))
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
    end = max(ship(calls[-1].start + 15), calls[-1].start) + 200
    while clock.time() < end:
        clock.advance(TICK)
        with path.open("a") as f:
            while pending and pending[0][0] <= clock.time():
                f.write(pending.pop(0)[1])
        await hub.jsonl[STREAM].poll()
        await c.tick()
    snap = await c._load(cfg.name)
    assert snap.stage_index == 1, ("the stage was meant to promote on its own",
                                   [v["reason"] for v in snap.data["verdicts"]], snap.data.get("samples"))
    ups = []
    for call in calls:
        if call.use_async:  # one per canary call (a double-written failure is one), by its first record
            made, m = records(call, offset)[0]
            ups.append(Upload(min(_stamp(m.timestamp), made), ship(made) + TICK + FUTURE_SLACK,
                              bool(call.canary_failed())))
    return c, snap, ups, t0, settle


def _band(ups: list[Upload], start: float, end: float = float("inf")) -> tuple[int, int, int, int]:
    """(surely, possibly) in (start, end], and the same for their successes."""
    sure = [u for u in ups if u.lo > start and u.hi <= end]
    maybe = [u for u in ups if u.hi > start and u.lo <= end]
    return (len(sure), len(maybe), sum(not u.failed for u in sure), sum(not u.failed for u in maybe))


def _within(got: int, lo: int, hi: int) -> bool:
    return lo <= got <= hi


async def _check(c: Any, snap: Any, ups: list[Upload], t0: float, settle: float) -> dict[str, Any]:
    boundary = snap.stage_started_at
    assert boundary is not None
    [final] = snap.data["finished"]
    assert (final["stage"], final["decision"], final["partial"]) == (0, "promote", False)
    trigger = next(v for v in snap.data["verdicts"] if v["name"] == "errors")
    # Exactly once: the triggers count each stage from its start, so the two stages hold every upload.
    assert final["figures"]["trigger:errors"]["count"] + trigger["samples"] == len(ups), (
        final["figures"]["trigger:errors"], trigger["samples"], len(ups))
    s0, p0, ok_s0, ok_p0 = _band(ups, t0 + settle, boundary)
    assert _within(final["samples"], s0, p0), (final["samples"], s0, p0)
    figures = final["figures"]["gate:success-rate"]
    assert figures["count"] == final["samples"] and _within(figures["successes"], ok_s0, ok_p0), (figures, ok_s0, ok_p0)
    assert final["late"] == final["samples"] - final["samples_at_decision"] >= 0
    s1, p1, _, _ = _band(ups, boundary + settle)
    assert _within(snap.data["samples"], s1, p1), (snap.data["samples"], s1, p1)
    sb, pb, _, _ = _band(ups, boundary)
    assert _within(trigger["samples"], sb, pb), (trigger["samples"], sb, pb)
    if settle == 0:  # the stages meet: stage 0's final figures and stage 1's samples hold every upload
        assert final["samples"] + snap.data["samples"] == len(ups)
    # The API shows it.
    shown = await detail(c, snap.name)
    assert shown["finished_stages"][0]["samples"] == final["samples"] and shown["closing_stages"] == []
    return dict(final)


@pytest.mark.parametrize("seed", SEEDS)
async def test_each_upload_counts_once_in_the_stage_it_was_made_in(make, sqlite_store, tmp_path: Path,
                                                                   seed: int) -> None:
    # The gateway's clock off by up to the 30 s tolerance behind (round 19 stopped at 10 s; see the
    # module docstring) and a little ahead.
    offset = random.Random(seed * 7919).uniform(-30.0, 3.0)
    c, snap, ups, t0, settle = await _run(make, sqlite_store, tmp_path, seed, offset)
    final = await _check(c, snap, ups, t0, settle)
    assert final["late"] > 0, "some of stage 0's uploads arrived after its decision"


# The writer's clock from 100 s behind to 60 s ahead, with a batching shipper (every 30-90 s: the case
# that lost held records) and a steady lag; each cell a seed of its own. Inside the tolerance the sidecar
# places at the stamp; around it (12-30 s behind) the offset in use flips; beyond it the clock is learned
# (skew.py).
SKEWS = [-100.0, -60.0, -31.0, -29.0, -24.0, -18.0, -14.0, -12.0, -6.0, 0.0, 8.0, 25.0, 60.0]
# Left open (round 20): a writer far behind (here 100 s) whose shipper batches every 60-90 s. Its first
# batches come in too few reads to show a clock (skew.py: 3 reads), and then its delays spread over the
# period (median - 10th percentile near or past 30 s: "The delays must also bunch") or the kept delays
# hold fewer than 3 batches: the offset in use falls back to 0 now and then, and records are placed at
# their stamps, 100-190 s back, past the lateness bound (at 100 s behind: 55 of 259 uploads counted with
# batches every ~90 s, 238 of 259 every 60 s). Not the held records' doing; a change to skew.py's
# fallback (keep the clock in use when bunched delays come from too few reads) halved the loss but did
# not close it.
OPEN = {(-100.0, "batch")}
CELLS = [pytest.param(skew, kind, marks=[pytest.mark.xfail(strict=True, reason="skew.py: a far-behind writer's "
                                                          "spread batches show no clock")] if (skew, kind) in OPEN else [])
         for skew in SKEWS for kind in ("batch", "lag")]


@pytest.mark.parametrize(("skew", "kind"), CELLS)
async def test_skew_grid(make, sqlite_store, tmp_path: Path, skew: float, kind: str) -> None:
    seed = 23150 + SKEWS.index(skew) + (50 if kind == "lag" else 0)
    c, snap, ups, t0, settle = await _run(make, sqlite_store, tmp_path, seed, skew, kind)
    await _check(c, snap, ups, t0, settle)
