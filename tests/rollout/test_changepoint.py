"""The change trigger: its false-alarm bound under generated null traffic, its speed on a
regression, and the shipped rule rolling back (or not) a real MetricsHub reading records written
the way the gateway's wrapper writes them."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
import yaml

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig, RolloutConfig
from sidecar.metrics.hub import MetricsHub
from sidecar.rollout.changepoint import ChangeState, fires, log_threshold, look, null_rate, sr_update
from sidecar.rollout.views import summary
from tests.rollout.upstream_writer import Writer, lines, plan


def binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(n))


def run(rng: random.Random, looks: int, n: int, p_before: float, p_after: float, change: int, p0: float,
        confidence: float, grace: int = 0) -> int | None:
    state = ChangeState()
    for k in range(looks):
        state = look(state, binomial(rng, n, p_after if k >= change else p_before), n, p0, float(k))
        if fires(state, confidence, grace)[0]:
            return k
    return None


def test_false_alarms_at_the_null_boundary_stay_within_n_over_a() -> None:
    """P(alarm within N looks) <= N / A at p = p0 exactly (the worst case the bound covers)."""
    rng = random.Random(1)
    confidence, looks, runs = 0.99, 20, 1500  # A = 100: bound 20%
    alarms = sum(run(rng, looks, 10, 0.02, 0.02, 10**9, 0.02, confidence) is not None for _ in range(runs))
    assert alarms / runs <= looks * (1 - confidence)
    # A canary below the null (as good as its baseline, null 1.25x) almost never alarms.
    healthy = sum(run(rng, looks, 10, 0.016, 0.016, 10**9, 0.02, confidence) is not None for _ in range(runs))
    assert healthy < alarms


def test_a_long_hold_stays_within_the_growing_thresholds_bound() -> None:
    """At p = p0 exactly, over H looks: P(alarm) <= (g / A)(1 + 2 ceil(log2(H / g))) with the
    threshold growing past g looks, where the fixed threshold only promises H / A; the same
    request streams alarm less often with the growing threshold."""
    confidence, grace, looks, runs = 0.999, 10, 640, 300  # A = 1,000: bounds 13% (growing) vs 64% (fixed)
    bound = grace * (1 - confidence) * (1 + 2 * math.ceil(math.log2(looks / grace)))
    fixed = sum(run(random.Random(i), looks, 10, 0.02, 0.02, 10**9, 0.02, confidence) is not None
                for i in range(runs))
    growing = sum(run(random.Random(i), looks, 10, 0.02, 0.02, 10**9, 0.02, confidence, grace) is not None
                  for i in range(runs))
    assert growing / runs <= bound
    assert growing < fixed


def test_the_threshold_is_fixed_for_the_grace_looks_then_grows_with_them() -> None:
    log_a = -math.log(1 - 0.9995)
    assert log_threshold(0.9995, 50, 50) == pytest.approx(log_a)
    assert log_threshold(0.9995, 200, 50) == pytest.approx(log_a + math.log(4))
    assert log_threshold(0.9995, 10**6, 0) == pytest.approx(log_a)  # grace 0: fixed, as before
    # A regression in the grace looks is judged exactly as with a fixed threshold.
    state = ChangeState(log_r=(log_a + 0.01,), looks=50)
    assert fires(state, 0.9995, 50)[0] and fires(state, 0.9995, 0)[0]
    late = ChangeState(log_r=(log_a + 0.01,), looks=51)
    assert not fires(late, 0.9995, 50)[0] and fires(late, 0.9995, 0)[0]


def test_a_regression_after_a_healthy_stretch_is_found_in_minutes_not_diluted() -> None:
    rng = random.Random(2)
    delays = [run(rng, 200, 10, 0.01, 0.08, 40, 0.0125, 0.999) for _ in range(200)]
    found = [d - 40 + 1 for d in delays if d is not None and d >= 40]
    assert len(found) >= 195
    found.sort()
    assert found[len(found) // 2] <= 12  # looks of 10 requests (30 s at 20 uploads/min): 6 min


def test_looks_without_requests_do_not_move_the_statistic() -> None:
    state = look(ChangeState(), 1, 10, 0.01, 1.0)
    quiet = state
    for k in range(5000):  # a quiet night: with L = 1 per look, R would climb past any A
        quiet = look(quiet, 0, 0, 0.01, 2.0 + k)
    assert quiet.log_r == state.log_r and quiet.looks == 1
    assert sr_update(state.log_r, 0, 0, 0.01) == list(state.log_r)
    assert ChangeState.from_dict(quiet.to_dict()) == quiet


def test_null_rate_from_a_baseline_is_smoothed_and_floored() -> None:
    assert null_rate(1.25, 0, 1000, 0.0125) == 0.0125  # no baseline errors: the floor
    assert null_rate(1.25, 38, 1998, 0.0125) == pytest.approx(1.25 * 39 / 2000)
    assert null_rate(0.05, None, None, 0.0) == 0.05
    assert null_rate(1.25, 0, 0, 0.0) is None
    with pytest.raises(ValueError):
        sr_update(None, 0, 1, 0.0)
    assert math.isinf(fires(ChangeState(), 0.999)[1])


STREAM = "async_upload"


def shipped() -> RolloutConfig:
    rules = yaml.safe_load((Path(__file__).parents[2] / "rules" / "rollouts.yaml").read_text())
    return RolloutConfig.model_validate(rules["rollouts"][0])


@pytest.mark.parametrize("regress", [True, False])
async def test_the_shipped_change_trigger_rolls_back_a_mid_stage_regression_and_not_a_healthy_canary(
        make, sqlite_store, clock: ManualClock, tmp_path: Path, regress: bool) -> None:
    """20 async uploads/min at the 10% stage, fallback on (the gateway's default): 1% of calls
    fail on either path; at 10 minutes the async path starts failing 8%."""
    cfg = shipped()
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = MetricsHub(MetricsConfig(window=3600, jsonl=[JsonlStream(name=STREAM, paths=[str(path)])]), clock)
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    await c.act(cfg.name, "promote")
    rng = random.Random(17 if regress else 18)
    t0 = clock.time()
    healthy = plan(rng, 6200, start=t0, rate=200 / 60, rollout=10, async_fail=0.01, sync_fail=0.01, fallback=True)
    calls = [k for k in healthy if k.start < t0 + 600]
    if regress:
        calls += plan(rng, 4000, start=t0 + 600, rate=200 / 60, rollout=10, async_fail=0.08, sync_fail=0.01,
                      fallback=True)
    else:
        calls = healthy
    writer = Writer(path)
    text = lines(calls)
    rolled_back_at = None
    i = 0
    while clock.time() < t0 + 1800 and rolled_back_at is None:
        clock.advance(5)
        while i < len(text) and text[i][0] <= clock.time():
            writer.append(text[i][1])
            i += 1
        await hub.jsonl[STREAM].poll()
        await c.tick()
        if (await summary(c, cfg.name))["state"] in ("rolling_back", "rolled_back"):
            rolled_back_at = clock.time()
    if not regress:
        assert rolled_back_at is None
        verdict = next(v for v in (await c._load(cfg.name)).data["verdicts"] if v["name"] == "error-rate-vs-baseline")
        assert verdict["verdict"] == "pass" and "change statistic" in verdict["reason"]
        return
    assert rolled_back_at is not None and rolled_back_at - (t0 + 600) <= 900
    events = await sqlite_store.rollouts.events(cfg.name)
    rollback = next(e for e in events if e["action"] == "rollback")
    assert "error-rate-vs-baseline" in [r.get("gate") for r in rollback["reasons"]]
