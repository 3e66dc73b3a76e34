"""Verdicts on hand-built measurements (Argo Rollouts' style: no backend, just numbers)."""

from __future__ import annotations

import pytest

from sidecar.config import GateConfig
from sidecar.metrics.model import Measurement
from sidecar.rollout.gates import evaluate_gate, evaluate_windows
from sidecar.rollout.limits import GateCounters, count, tripped
from sidecar.rollout.stats import binom_sf, exact_bounds, wilson_bounds

from .conftest import ERRORS, P95, P95_BASE, SUCCESS
from .conftest import MEMORY as MEM


def gate(**kw) -> GateConfig:
    base = dict(name="g", metric=SUCCESS, op=">=", threshold=0.995)
    return GateConfig(**{**base, **kw})


def prop(successes: int, n: int) -> Measurement:
    return Measurement(successes / n if n else None, n, successes)


# --- statistics --------------------------------------------------------------------------------


def test_exact_bounds_match_closed_forms():
    # 0 of n: upper bound is 1 - alpha^(1/n); n of n: lower bound is alpha^(1/n).
    assert exact_bounds(0, 100, 0.95)[1] == pytest.approx(1 - 0.05 ** (1 / 100), rel=1e-5)
    assert exact_bounds(100, 100, 0.95)[0] == pytest.approx(0.05 ** (1 / 100), rel=1e-5)
    lo, hi = exact_bounds(10, 100, 0.95)
    assert binom_sf(10, 100, lo) == pytest.approx(0.05, rel=1e-4)


def test_wilson_is_narrower_than_exact_at_tiny_counts():
    # Why exact is the default: Wilson calls 3 errors in 100 "clearly above 0.5%" at 99.9%.
    assert wilson_bounds(3, 100, 0.999)[0] > 0.005
    assert exact_bounds(3, 100, 0.999)[0] < 0.005
    assert binom_sf(3, 100, 0.005) > 0.01  # and that happens by chance 1.4% of the time


# --- proportion gates ---------------------------------------------------------------------------


def test_success_rate_passes_when_estimate_meets_threshold():
    v = evaluate_gate(gate(min_samples=100), prop(1000, 1000))
    assert v.verdict == "pass" and v.observed == 1.0 and v.threshold == 0.995 and v.samples == 1000
    assert "100.00%" in v.reason and ">= 99.50%" in v.reason


def test_below_min_samples_is_inconclusive_not_failed():
    v = evaluate_gate(gate(min_samples=100), prop(40, 50))  # 80% success, but only 50 requests
    assert v.verdict == "inconclusive"
    assert "n=50 < min 100" in v.reason


def test_low_traffic_miss_within_noise_is_inconclusive():
    v = evaluate_gate(gate(min_samples=100, confidence=0.999), prop(198, 200))  # 99.0% vs 99.5%
    assert v.verdict == "inconclusive"
    assert v.upper is not None and v.upper > 0.995
    assert "within noise" in v.reason


def test_clear_miss_fails_with_interval_wholly_below():
    v = evaluate_gate(gate(min_samples=100, confidence=0.999), prop(1900, 2000))  # 95% vs 99.5%
    assert v.verdict == "fail"
    assert v.upper is not None and v.upper < 0.995
    assert "clearly < 99.50%, needs >= 99.50%" in v.reason and "(1900/2000)" in v.reason


def test_wilson_method_is_selectable():
    g = gate(min_samples=10, confidence=0.999, method="wilson")
    assert evaluate_gate(g, prop(97, 100)).verdict == "fail"  # 3 errors "clear" under Wilson
    assert evaluate_gate(gate(min_samples=10, confidence=0.999), prop(97, 100)).verdict == "inconclusive"


def test_trigger_fires_on_clear_large_regression_fast():
    trig = GateConfig(name="err", metric=ERRORS, op=">", threshold=0.05, min_samples=50, confidence=0.95)
    v = evaluate_gate(trig, prop(12, 100), role="trigger")  # 12% errors in 100 requests
    assert v.verdict == "fail" and v.fired
    assert v.reason.startswith("fired:") and v.lower is not None and v.lower > 0.05
    # Healthy: 1 error in 100 -> the trigger stays quiet.
    quiet = evaluate_gate(trig, prop(1, 100), role="trigger")
    assert quiet.verdict == "pass" and not quiet.fired
    # Suspicious but not clear: 7 errors in 100.
    assert evaluate_gate(trig, prop(7, 100), role="trigger").verdict == "inconclusive"


def test_two_proportion_relative_gate_against_concurrent_baseline():
    g = gate(threshold=1.0, relative_to=SUCCESS.model_copy(update={"where": {"execution_type": "sync"}}),
             min_samples=100, confidence=0.99)
    assert evaluate_gate(g, prop(995, 1000), baseline=prop(1985, 2000)).verdict == "pass"
    slightly = evaluate_gate(g, prop(990, 1000), baseline=prop(1985, 2000))
    assert slightly.verdict == "inconclusive"
    worse = evaluate_gate(g, prop(900, 1000), baseline=prop(1985, 2000))
    assert worse.verdict == "fail" and worse.baseline == pytest.approx(0.9925)
    assert worse.upper is not None and worse.upper < 0


# --- value gates, baselines ---------------------------------------------------------------------


def test_baseline_relative_latency():
    g = GateConfig(name="p95", metric=P95, op="<=", threshold=1.2, relative_to=P95_BASE, min_samples=50)
    ok = evaluate_gate(g, Measurement(700.0, 200), baseline=Measurement(640.0, 400))
    assert ok.verdict == "pass" and ok.threshold == pytest.approx(768.0) and ok.baseline == 640.0
    bad = evaluate_gate(g, Measurement(900.0, 200), baseline=Measurement(640.0, 400))
    assert bad.verdict == "fail" and "1.41 x baseline" in bad.reason
    few = evaluate_gate(g, Measurement(900.0, 20), baseline=Measurement(640.0, 400))
    assert few.verdict == "inconclusive"
    few_base = evaluate_gate(g, Measurement(900.0, 200), baseline=Measurement(640.0, 10))
    assert few_base.verdict == "inconclusive" and "baseline n=10" in few_base.reason


def test_memory_against_snapshot_baseline():
    g = GateConfig(name="mem", metric=MEM, op=">", threshold=1.2, relative_to=MEM, baseline="rollout_start")
    fired = evaluate_gate(g, Measurement(130e6), role="trigger", baseline=Measurement(100e6))
    assert fired.fired and fired.threshold == pytest.approx(120e6)
    assert evaluate_gate(g, Measurement(110e6), role="trigger", baseline=Measurement(100e6)).verdict == "pass"


@pytest.mark.parametrize("policy", ["inconclusive", "pass", "fail"])
def test_no_data_policies(policy):
    g = gate(no_data=policy)
    assert evaluate_gate(g, Measurement(None, reason="no records")).verdict == policy
    assert evaluate_gate(g, None).verdict == policy
    assert evaluate_gate(g, Measurement(None, 0, 0)).verdict == policy
    v = evaluate_gate(g, Measurement(None, reason="target stale"))
    assert "target stale" in v.reason and f"no-data policy: {policy}" in v.reason


@pytest.mark.parametrize("policy", ["inconclusive", "fail"])
def test_missing_baseline_follows_no_data_policy(policy):
    g = GateConfig(name="p95", metric=P95, op="<=", threshold=1.2, relative_to=P95_BASE, no_data=policy)
    v = evaluate_gate(g, Measurement(700.0, 200), baseline=Measurement(None, reason="no sync requests"))
    assert v.verdict == policy and "no sync requests" in v.reason


def test_measurement_error_is_error_verdict():
    v = evaluate_gate(gate(), None, error="ConnectionError: prometheus down")
    assert v.verdict == "error" and "prometheus down" in v.reason


def test_dry_run_is_reported():
    v = evaluate_gate(gate(dry_run=True, min_samples=10), prop(50, 100))
    assert v.verdict == "fail" and v.dry_run


# --- windows ------------------------------------------------------------------------------------


def test_scan_windows_catch_a_diluted_regression_and_split_confidence():
    trig = GateConfig(name="err", metric=ERRORS, op=">", threshold=0.05, min_samples=50, confidence=0.95,
                      scan_windows=[60])
    # 600 s window: 14 errors in 400 (3.5%) -> quiet; last 60 s: 12 of 80 (15%) -> clear.
    v = evaluate_windows(trig, [(600.0, prop(14, 400), None), (60.0, prop(12, 80), None)], role="trigger")
    assert v.fired and v.window == 60.0
    assert v.confidence == pytest.approx(0.975)  # alpha split across the two windows
    quiet = evaluate_windows(trig, [(600.0, prop(2, 400), None), (60.0, prop(1, 80), None)], role="trigger")
    assert quiet.verdict == "pass" and quiet.window == 600.0


# --- failure limits -----------------------------------------------------------------------------


def run(g: GateConfig, verdicts: list[str]) -> list[str | None]:
    c = GateCounters()
    out = []
    for v in verdicts:
        c = count(c, v)  # type: ignore[arg-type]
        out.append(tripped(g, c))
    return out


def test_failure_limit_counts_total_failures_like_argo():
    g = gate(failure_limit=2, consecutive_failure_limit=10)
    trips = run(g, ["fail", "pass", "fail", "pass", "fail"])
    assert trips[:4] == [None] * 4
    assert trips[4] == "3 failures > failure limit 2"


def test_consecutive_limit_resets_on_pass_not_on_inconclusive():
    g = gate(consecutive_failure_limit=3)
    assert run(g, ["fail", "fail", "pass", "fail", "fail"]) == [None] * 5
    trips = run(g, ["fail", "inconclusive", "fail", "error", "fail"])
    assert trips[-1] == "3 consecutive failures >= limit 3"


def test_counters_round_trip_and_count_verdicts():
    c = count(count(GateCounters(), "error"), "error")
    assert c.consecutive_errors == 2 and c.by_verdict == {"error": 2}
    assert GateCounters.from_dict(c.to_dict()) == c


# --- sequential (anytime-valid) and three-zone verdicts -----------------------------------------


def test_sequential_gate_never_fails_at_the_threshold_however_often_checked():
    import random

    from sidecar.rollout.stats import sequential_beyond

    rng = random.Random(11)
    g = gate(method="sequential", confidence=0.999)
    false_fails = 0
    for _ in range(40):  # 40 stages whose true success rate is exactly the 99.5% threshold
        n = x = 0
        for _look in range(300):  # 300 evaluations of the accumulating sample
            n += 15
            x += sum(rng.random() >= 0.005 for _ in range(15))
            if evaluate_gate(g, prop(x, n), with_bounds=False).verdict == "fail":
                false_fails += 1
                break
    assert false_fails == 0
    # ...yet a real regression is caught: 3% errors against a 0.5% limit after 400 requests.
    failing = evaluate_gate(g, prop(388, 400))
    assert failing.verdict == "fail" and "sequential LR" in failing.reason
    assert sequential_beyond(388, 400, 0.995, ">=", 0.999)[1] >= 1000


def test_pass_confidence_passes_a_plausibly_healthy_rate():
    strict = gate(min_samples=100, confidence=0.999)
    lenient = gate(min_samples=100, confidence=0.999, pass_confidence=0.8)
    m = prop(995, 1001)  # 99.40% vs 99.5%: plausible at 80%
    assert evaluate_gate(strict, m).verdict == "inconclusive"
    v = evaluate_gate(lenient, m)
    assert v.verdict == "pass" and "plausibly" in v.reason
    assert evaluate_gate(lenient, prop(980, 1000)).verdict == "fail"  # 98%: clearly below


def test_quantile_gate_fails_only_when_bounds_confirm():
    from sidecar.rollout.gates import quantile_levels

    g = GateConfig(name="p95", metric=P95, op="<=", threshold=1.2, relative_to=P95_BASE, min_samples=50)
    lo, hi = quantile_levels(0.95, 100, 0.95)
    assert lo < 0.95 < hi
    point = Measurement(800.0, 100)  # 1.25 x baseline 640: misses the 1.2 limit
    noisy = evaluate_gate(g, point, baseline=Measurement(640.0, 1000),
                          quantile_bounds=(Measurement(700.0, 100), Measurement(660.0, 1000)))
    assert noisy.verdict == "inconclusive" and "within noise" in noisy.reason  # 700 <= 1.2 x 660
    clear = evaluate_gate(g, point, baseline=Measurement(640.0, 1000),
                          quantile_bounds=(Measurement(790.0, 100), Measurement(645.0, 1000)))
    assert clear.verdict == "fail" and "clearly" in clear.reason  # 790 > 1.2 x 645 = 774


def test_a_sequential_gate_fails_a_clear_regression_before_min_samples_but_never_passes_early():
    g = gate(method="sequential", confidence=0.999, min_samples=500)
    bad = evaluate_gate(g, prop(90, 120))  # 25% errors against a 99.5% floor, n=120 < 500
    assert bad.verdict == "fail" and "sequential LR" in bad.reason
    good = evaluate_gate(g, prop(120, 120))
    assert good.verdict == "inconclusive" and "min 500" in good.reason
    # a non-sequential gate still waits for min_samples either way
    assert evaluate_gate(gate(min_samples=500, confidence=0.999), prop(90, 120)).verdict == "inconclusive"
