"""The change trigger checked between evaluations (`check_every`, controller.watch).

What a user checks: a regression that starts mid-interval is rolled back at the first check that
sees the evidence, not at the next evaluation; a peek ends no look (the stored change statistic,
and with it the false-alarm bound, is exactly what the evaluations alone make); a dry-run trigger
is reported and never acted on. Records are written as the gateway's wrapper writes them
(tests/rollout/upstream_writer.py) and read by a real MetricsHub; two controllers on two SQLite
stores read the same hub, one with the watch and one without, so both see the same records.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sidecar.clock import ManualClock
from sidecar.config import GateConfig, JsonlStream, MetricsConfig, RolloutConfig
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec
from sidecar.rollout.views import summary
from sidecar.store.base import Store
from sidecar.store.sqlite import open_sqlite
from tests.rollout.test_changepoint import STREAM, shipped
from tests.rollout.upstream_writer import Writer, lines, plan

TRIGGER = "error-rate-vs-baseline"
SEED = 5


@pytest.fixture
async def other_store(tmp_path: Path) -> AsyncIterator[Store]:
    """A second, separate database: the controller that runs without the watch."""
    store = await open_sqlite(str(tmp_path / "other.db"))
    try:
        yield store
    finally:
        await store.close()


def only_change_trigger(cfg: RolloutConfig, **update: Any) -> RolloutConfig:
    """The shipped rollout with its change trigger alone (the other triggers would race it)."""
    trigger = next(t for t in cfg.triggers if t.name == TRIGGER).model_copy(update=update)
    return cfg.model_copy(update={"triggers": [trigger]})


async def play(make: Any, stores: list[Any], clock: ManualClock, tmp_path: Path, cfgs: list[RolloutConfig],
               async_fail_after: float, seed: int, until: float = 1500.0, change_at: float = 600.0) -> tuple[list[float | None], list[Any], list[list[Any]]]:
    """Both controllers over the same records, in 5 s steps: each evaluates every `interval`
    and the watching one (check_every set) watches in between. Returns when each rolled back, the
    controllers, and what each one's watch reported as fired."""
    path = tmp_path / f"metrics-{seed}.jsonl"
    path.write_text("")
    hub = MetricsHub(MetricsConfig(window=3600, jsonl=[JsonlStream(name=STREAM, paths=[str(path)])]), clock)
    ctls = [make([cfg], store, hub, clock=clock, replica=f"r{i}") for i, (cfg, store) in enumerate(zip(cfgs, stores, strict=True))]
    for c in ctls:
        await c.act(cfgs[0].name, "start")
        await c.act(cfgs[0].name, "promote")  # the 10% stage: 20 async uploads/min
    rng = random.Random(seed)
    t0 = clock.time()
    calls = [k for k in plan(rng, 6000, start=t0, rate=200 / 60, rollout=10, async_fail=0.01, sync_fail=0.01,
                             fallback=True) if k.start < t0 + change_at]
    calls += plan(rng, 4000, start=t0 + change_at, rate=200 / 60, rollout=10, async_fail=async_fail_after,
                  sync_fail=0.01, fallback=True)
    writer, text, i = Writer(path), lines(calls), 0
    done: list[float | None] = [None] * len(ctls)
    fired: list[list[Any]] = [[] for _ in ctls]
    interval = cfgs[0].interval
    step = 0
    while clock.time() < t0 + until and any(d is None for d in done):
        clock.advance(5)
        step += 1
        while i < len(text) and text[i][0] <= clock.time():
            writer.append(text[i][1])
            i += 1
        await hub.jsonl[STREAM].poll()
        for k, c in enumerate(ctls):
            if done[k] is not None:
                continue
            if step % int(interval // 5) == 0:
                await c.tick()
            elif c.watch_every is not None:
                fired[k] += (await c.watch()).get(cfgs[0].name, [])
            if (await summary(c, cfgs[0].name))["state"] in ("rolling_back", "rolled_back"):
                done[k] = clock.time() - t0
    return done, ctls, fired


async def test_a_regression_is_rolled_back_at_the_check_that_sees_it_not_at_the_next_evaluation(
        make, sqlite_store, other_store, clock: ManualClock, tmp_path: Path) -> None:
    """1% -> 15% async failures (fallback on) after 5 healthy minutes, three request streams: the
    evaluations alone act on the 30 s grid; the watch acts at the 5 s check that saw the evidence,
    never after the evaluation that would have, and before it whenever the evidence came mid-interval."""
    base = shipped()
    assert next(t for t in base.triggers if t.name == TRIGGER).check_every == 5  # shipped on
    watching = only_change_trigger(base)
    evaluating = only_change_trigger(base, check_every=None)
    earlier = 0
    for seed in (5, 6, 7):
        done, _, _ = await play(make, [sqlite_store, other_store], clock, tmp_path,
                                [watching.model_copy(update={"name": f"w{seed}"}),
                                 evaluating.model_copy(update={"name": f"w{seed}"})], 0.15, seed=seed,
                                change_at=300.0)
        with_watch, without = done
        assert with_watch is not None and without is not None
        assert with_watch > 300  # not during the healthy minutes
        assert without % 30 == 0 and with_watch <= without
        earlier += with_watch < without
        if with_watch < without:
            assert with_watch % 30 != 0
            events = await sqlite_store.rollouts.events(f"w{seed}")
            rollback = next(e for e in events if e["action"] == "rollback")
            reason = next(r for r in rollback["reasons"] if r.get("gate") == TRIGGER)
            assert reason["trip"] == "fired between evaluations" and "checked mid-look" in reason["reason"]
    assert earlier >= 2


async def test_peeks_end_no_look_so_the_stored_statistic_is_the_evaluations_own(
        make, sqlite_store, other_store, clock: ManualClock, tmp_path: Path) -> None:
    """A healthy canary (1% on both paths): 30 evaluations with 5 peeks between each leave the
    same change statistic and look count as the evaluations alone, and no rollback."""
    base = shipped()
    done, ctls, _ = await play(make, [sqlite_store, other_store], clock, tmp_path,
                               [only_change_trigger(base), only_change_trigger(base, check_every=None)], 0.01, seed=6,
                               until=900)
    assert done == [None, None]
    states = [(await c._load(base.name)).data["changes"][f"trigger:{TRIGGER}"] for c in ctls]
    assert states[0] == states[1] and states[0]["looks"] >= 25


async def test_a_dry_run_trigger_is_reported_by_the_watch_and_never_acted_on(
        make, sqlite_store, other_store, clock: ManualClock, tmp_path: Path) -> None:
    base = shipped()
    dry = only_change_trigger(base, dry_run=True)
    hub_cfg = [dry, only_change_trigger(base, check_every=None)]
    done, ctls, fired = await play(make, [sqlite_store, other_store], clock, tmp_path, hub_cfg, 0.3, seed=5,
                                   until=900)
    assert done[0] is None and done[1] is not None  # the acting one rolled back; the dry one did not
    assert fired[0] and all(v.name == TRIGGER and v.dry_run for v in fired[0])
    assert (await summary(ctls[0], base.name))["state"] == "running"


def test_check_every_is_for_changepoint_triggers_only() -> None:
    spec = MetricSpec(source="jsonl", stream=STREAM, function="error_rate")
    with pytest.raises(ValidationError, match="check_every is for method changepoint"):
        GateConfig(name="g", metric=spec, op=">", threshold=0.05, check_every=5)
    with pytest.raises(ValidationError):
        GateConfig(name="g", metric=spec, op=">", threshold=0.05, method="changepoint", check_every=0)
    assert GateConfig(name="g", metric=spec, op=">", threshold=0.05, method="changepoint", check_every=5).check_every == 5


async def test_the_component_loop_watches_between_its_evaluations(
        make, sqlite_store, clock: ManualClock, tmp_path: Path) -> None:
    """`sidecar run`'s loop (controller.start): evaluations every 30 s, the watch every 5 s in between."""
    cfg = only_change_trigger(shipped())
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = MetricsHub(MetricsConfig(window=3600, jsonl=[JsonlStream(name=STREAM, paths=[str(path)])]), clock)
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    await c.act(cfg.name, "promote")
    t0 = clock.time()
    rng = random.Random(SEED)
    calls = [k for k in plan(rng, 6000, start=t0, rate=200 / 60, rollout=10, async_fail=0.01, sync_fail=0.01,
                             fallback=True) if k.start < t0 + 300]
    calls += plan(rng, 4000, start=t0 + 300, rate=200 / 60, rollout=10, async_fail=0.15, sync_fail=0.01,
                  fallback=True)
    writer, text, i = Writer(path), lines(calls), 0
    await c.start()  # evaluates at once (t0), then every 30 s
    rolled_back = None
    while clock.time() < t0 + 1200 and rolled_back is None:
        # The records due are in the hub BEFORE the clock reaches the tasks' wake time: poll reads in a thread, and
        # tasks woken by advance() ran during that read on the previous step's data (CI of a401fa10: the watch fired
        # 5 s late, at an evaluation's time). So stop a millisecond short, read, then wake them.
        wake = clock.time() + 5  # the tasks' deadlines are computed the same way (now + interval)
        clock.advance(5 - 0.001)
        while i < len(text) and text[i][0] <= clock.time():
            writer.append(text[i][1])
            i += 1
        await hub.jsonl[STREAM].poll()
        clock.set(wake)  # exactly `wake` (Sterbenz: wake - now is exact), so every task due at it wakes now
        # Let the controller's two tasks (the loop, the claims heartbeat) run what is due at this
        # time: each is done when it sleeps on the clock again (real seconds only bound the wait).
        for _ in range(1000):
            if len(clock._sleepers) >= 2:
                break
            await asyncio.sleep(0.005)
        if (await c._load(cfg.name)).state in ("rolling_back", "rolled_back"):
            rolled_back = clock.time() - t0
    assert rolled_back is not None and 300 < rolled_back and rolled_back % 30 != 0
    assert c.degraded() == []
