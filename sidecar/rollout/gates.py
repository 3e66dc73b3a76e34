"""Gate and trigger verdicts: pure functions from measurements to pass | fail | inconclusive | error.

A *gate* states a condition that must hold for a stage to be promoted (`success_rate >= 0.995`).
A *trigger* states a condition that, when met, rolls the rollout back (`error_rate > 0.05`). Both
use one machinery: a trigger is evaluated as the gate "its condition does not hold", and it
*fires* when that gate clearly fails.

Noise at low traffic (the reason this module exists): for proportions (success_rate, error_rate)
a verdict is `fail` only when the whole confidence interval lies beyond the threshold; when the
point estimate misses the threshold but the interval still reaches it, the verdict is
`inconclusive` (keep collecting, don't promote, don't roll back). Below the minimum sample the
verdict is `inconclusive`, never `fail`. A large regression (10% errors against a 5% trigger) is
still clear after ~100 requests, so fast detection does not need a noisy test.

Verdict semantics (three zones, like a sequential test with an accept and a reject boundary):
- pass: the condition holds: the point estimate meets the threshold, or (with
  `pass_confidence` > 0.5) the threshold is still inside the interval at that confidence.
- fail: the condition clearly does not hold. Proportions, by `method`: `exact` (one binomial
  tail at the threshold = the Clopper-Pearson interval wholly beyond it), `wilson`, or
  `sequential` (a mixture likelihood-ratio test that stays valid however often the growing stage
  sample is re-checked: use it for whole-stage gates checked every interval for days).
  Quantiles: even the order-statistic confidence bounds most favourable to the canary violate
  the condition. Other values: the value is beyond the threshold.
- inconclusive: not enough evidence either way (few samples, within noise, or no data under the
  `inconclusive` no-data policy).
- error: the measurement could not be made (the metrics backend raised).

What a sequence of verdicts does to a stage (failure limits, trips) is limits.py's job.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ..config import GateConfig
from ..metrics.model import Measurement, MetricSpec
from .stats import diff_bounds, exact_beyond, proportion_bounds, sequential_beyond, z_for

Verdict = Literal["pass", "fail", "inconclusive", "error"]
Role = Literal["gate", "trigger"]
Op = Literal["<", "<=", ">", ">="]

PROPORTIONS = ("success_rate", "error_rate")
NEGATE: dict[str, Op] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
# How bad each verdict is, for combining several windows or gates into one.
SEVERITY = {"pass": 0, "inconclusive": 1, "error": 2, "fail": 3}


@dataclass(frozen=True, slots=True)
class GateVerdict:
    """One evaluation of one gate or trigger, with everything needed to explain it."""

    name: str
    role: Role
    verdict: Verdict
    reason: str  # one line, with observed vs threshold and the sample size
    metric: str = ""
    op: str = ""  # the condition as configured (must hold for a gate; fires for a trigger)
    observed: float | None = None
    threshold: float | None = None  # effective threshold (threshold x baseline when relative)
    baseline: float | None = None
    samples: int | None = None
    baseline_samples: int | None = None
    lower: float | None = None  # confidence bounds of the observed proportion (or of the difference)
    upper: float | None = None
    confidence: float | None = None
    window: float | None = None  # seconds measured
    dry_run: bool = False
    proportion: bool = False
    newest: float | None = None  # time of the newest sample used (canary or baseline, the older of the two)
    age: float | None = None  # seconds between that sample and the evaluation
    stale: bool = False  # no sample, or the newest older than the rollout's max_staleness: blocks promotion
    # The newest sample is older than max_staleness but its source delivered within it (a writer that
    # appends in batches): blocks promotion like `stale`, yet is no alert and no `stale` decision.
    late: bool = False

    @property
    def fired(self) -> bool:
        """For a trigger: its condition is clearly met."""
        return self.role == "trigger" and self.verdict == "fail"

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}  # flat: faster than asdict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GateVerdict:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def describe(spec: MetricSpec) -> str:
    """A short human label: `error_rate{execution_type=async}`, `p95(duration_ms){...}`."""
    if spec.function == "quantile" and spec.quantile is not None:
        label = f"p{spec.quantile * 100:g}({spec.field})"
    elif spec.field:
        label = f"{spec.function}({spec.field})"
    elif spec.query:
        return f"promql({spec.query})"
    else:
        label = spec.function
        if spec.metric:
            label = f"{spec.function}({spec.metric})"
    if spec.where:
        label += "{" + ",".join(f"{k}={v}" for k, v in sorted(spec.where.items())) + "}"
    return label


def _holds(value: float, op: str, threshold: float) -> bool:
    return {"<": value < threshold, "<=": value <= threshold, ">": value > threshold, ">=": value >= threshold}[op]


def _fmt(value: float | None, proportion: bool) -> str:
    if value is None:
        return "n/a"
    if proportion:
        return f"{value * 100:.2f}%"
    return f"{value:.4g}"


def evaluate_gate(
    gate: GateConfig,
    measurement: Measurement | None,
    *,
    role: Role = "gate",
    baseline: Measurement | None = None,
    window: float | None = None,
    error: str | None = None,
    confidence: float | None = None,
    quantile_bounds: tuple[Measurement | None, Measurement | None] | None = None,
    with_bounds: bool = True,
) -> GateVerdict:
    """The verdict of one gate (or trigger) on one measurement.

    `baseline` is required when the gate is relative (`relative_to`): the baseline series
    measured over the same window, or a stored snapshot wrapped in a Measurement.
    `confidence` overrides the gate's (used to split it across scanned windows).
    `quantile_bounds` (quantile gates): the canary's and the baseline's quantiles at the
    confidence-shifted levels (see `quantile_levels`), i.e. distribution-free confidence bounds
    on the order statistics; with them a quantile gate fails only when even the bounds most
    favourable to the canary violate the condition.
    """
    conf = confidence if confidence is not None else gate.confidence
    proportion = gate.metric.function in PROPORTIONS
    # The condition that must hold for a pass. A trigger passes while its firing condition doesn't hold.
    must: str = gate.op if role == "gate" else NEGATE[gate.op]
    base: dict[str, Any] = dict(
        name=gate.name, role=role, metric=describe(gate.metric), op=gate.op, confidence=conf,
        window=window, dry_run=gate.dry_run, proportion=proportion,
    )

    def verdict(v: Verdict, reason: str, **extra: Any) -> GateVerdict:
        if role == "trigger":
            reason = ("fired: " if v == "fail" else "") + reason
        return GateVerdict(verdict=v, reason=reason, **base, **extra)

    if error is not None:
        return verdict("error", f"measurement failed: {error}")
    if measurement is None or not measurement.has_data or (proportion and measurement.count == 0):
        why = (measurement.reason if measurement is not None else "") or "no data"
        return _no_data(gate, verdict, f"{why} in the window")

    value = float(measurement.value)  # type: ignore[arg-type]
    n = measurement.count
    threshold = gate.threshold
    base_value: float | None = None
    base_n: int | None = None
    if gate.relative_to is not None:
        if baseline is None or not baseline.has_data or (proportion and baseline.count == 0):
            why = (baseline.reason if baseline is not None else "") or "no baseline data"
            return _no_data(gate, verdict, f"{why} (baseline {describe(gate.relative_to)})",
                            observed=value, samples=n)
        base_value = float(baseline.value)  # type: ignore[arg-type]
        base_n = baseline.count
        threshold = gate.threshold * base_value
    known = dict(observed=value, threshold=threshold, baseline=base_value, samples=n, baseline_samples=base_n)

    # A sequential (anytime-valid) test may FAIL at any sample size: its false-alarm bound holds
    # at every look, so `min_samples` only keeps it from passing early. Waiting for 500 requests
    # before a clear regression may fail took 25 minutes at the gateway's 20 async uploads/min.
    anytime = (proportion and gate.method == "sequential" and gate.relative_to is None
               and 0.0 < threshold < 1.0 and measurement.successes is not None)
    short = bool(gate.min_samples) and (n is None or n < gate.min_samples)
    if gate.min_samples and not anytime:
        if n is None or n < gate.min_samples:
            return verdict("inconclusive", f"{_fmt(value, proportion)} on n={n} < min {gate.min_samples} samples",
                           **known)
        if gate.relative_to is not None and base_n is not None and base_n < gate.min_samples:
            return verdict("inconclusive",
                           f"baseline n={base_n} < min {gate.min_samples} samples", **known)

    cond = f"{must} {_fmt(threshold, proportion)}"
    broken = f"{gate.op if role == 'trigger' else NEGATE[gate.op]} {_fmt(threshold, proportion)}"
    if gate.relative_to is not None:
        rel = f" ({gate.threshold:g} x baseline {_fmt(base_value, proportion)})"
        cond += rel
        broken += rel
    if role == "gate":
        broken += f", needs {must} {_fmt(threshold, proportion)}"

    lo: float | None
    hi: float | None
    if proportion and n is not None and measurement.successes is not None:
        x = int(measurement.successes)
        if (gate.relative_to is not None and baseline is not None and baseline.count
                and baseline.successes is not None):
            # Two groups measured at the same time: bound p - threshold * p_baseline.
            d_lo, d_hi = diff_bounds(x, n, int(baseline.successes), baseline.count, gate.threshold, conf)
            lo, hi = d_lo, d_hi
            value = x / n
            diff = value - gate.threshold * (baseline.successes / baseline.count)
            known.update(observed=value, threshold=gate.threshold * baseline.successes / baseline.count)
            clear_fail = _clearly_violates(d_lo, d_hi, must, 0.0)
            estimate_ok = _holds(diff, must, 0.0)
            plausible = _plausible(
                diff_bounds(x, n, int(baseline.successes), baseline.count, gate.threshold, gate.pass_confidence),
                must, 0.0)
            band = f"diff {diff * 100:+.2f}pp, {conf:.1%} bounds [{d_lo * 100:+.2f}pp, {d_hi * 100:+.2f}pp]"
        else:
            # Bounds are for people (the decision below is a direct tail test); skipping them
            # saves the bisections when several windows are scanned and only one is reported.
            lo, hi = proportion_bounds(x, n, conf, gate.method) if with_bounds else (None, None)
            value = x / n
            known.update(observed=value)
            band = f"{conf:.1%} {gate.method} bounds [{_fmt(lo, True)}, {_fmt(hi, True)}]"
            if gate.method == "sequential" and 0.0 < threshold < 1.0:
                clear_fail, lr = sequential_beyond(x, n, threshold, must, conf)
                band = (f"{conf:.1%} exact bounds [{_fmt(lo, True)}, {_fmt(hi, True)}], "
                        f"sequential LR {lr:.3g} (fails at {1 / (1 - conf):.4g})")
            elif gate.method == "exact" and 0.0 < threshold < 1.0:
                clear_fail = exact_beyond(x, n, threshold, must, conf)
            else:
                p_lo, p_hi = proportion_bounds(x, n, conf, gate.method)
                lo, hi = p_lo, p_hi
                clear_fail = _clearly_violates(p_lo, p_hi, must, threshold)
            estimate_ok = _holds(value, must, threshold)
            if gate.method == "wilson" or not 0.0 < threshold < 1.0:
                plausible = _plausible(proportion_bounds(x, n, gate.pass_confidence, gate.method), must, threshold)
            else:  # the favourable bound at pass_confidence reaches the threshold = not clearly beyond it
                plausible = not exact_beyond(x, n, threshold, must, gate.pass_confidence)
        where = f"{_fmt(value, True)} ({x}/{n}), {band}"
        if clear_fail:
            return verdict("fail", f"{where}: clearly {broken}", lower=lo, upper=hi, **known)
        if short:
            return verdict("inconclusive", f"{where}: n={n} < min {gate.min_samples} samples to pass",
                           lower=lo, upper=hi, **known)
        if estimate_ok:
            return verdict("pass", f"{where}: {cond}", lower=lo, upper=hi, **known)
        if gate.pass_confidence > 0.5 and plausible:
            return verdict("pass", f"{where}: plausibly {cond} (within the {gate.pass_confidence:.0%} bound)",
                           lower=lo, upper=hi, **known)
        return verdict("inconclusive", f"{where}: misses {cond} within noise", lower=lo, upper=hi, **known)

    shown = _fmt(value, proportion) + (f" (n={n})" if n is not None else "")
    if gate.relative_to is not None and base_value:
        shown += f" = {value / base_value:.2f} x baseline"
    if _holds(value, must, threshold):
        return verdict("pass", f"{shown}: {cond}", **known)
    if quantile_bounds is not None:
        canary_b, base_b = quantile_bounds
        bound = canary_b.value if canary_b is not None and canary_b.has_data else None
        limit: float | None = threshold
        if gate.relative_to is not None:
            limit = gate.threshold * base_b.value if base_b is not None and base_b.has_data else None  # type: ignore[operator]
        if bound is None or limit is None:
            return verdict("inconclusive", f"{shown}: misses {cond}; no confidence bound to confirm it", **known)
        lo, hi = (bound, None) if must in ("<", "<=") else (None, bound)
        band = f"{conf:.1%} bound {_fmt(bound, False)} vs limit {_fmt(limit, False)}"
        if _holds(bound, must, limit):
            return verdict("inconclusive", f"{shown}: misses {cond} within noise ({band})",
                           lower=lo, upper=hi, **known)
        return verdict("fail", f"{shown}: clearly {broken} ({band})", lower=lo, upper=hi, **known)
    return verdict("fail", f"{shown}: {broken}", **known)


def quantile_levels(q: float, n: int, confidence: float) -> tuple[float, float]:
    """Quantile levels whose sample quantiles bound the true q-quantile (order-statistic interval).

    The true q-quantile lies above the sample quantile at level q - z*sqrt(q(1-q)/n) and below the
    one at q + z*sqrt(q(1-q)/n) with probability ~`confidence` each, whatever the distribution
    (normal approximation of the binomial count below the quantile).
    """
    z = z_for(confidence)
    d = z * math.sqrt(q * (1 - q) / max(n, 1))
    return max(0.001, q - d), min(0.999, q + d)


def _plausible(bounds: tuple[float, float], must: str, threshold: float) -> bool:
    """True when the condition still holds at the favourable end of the interval."""
    lo, hi = bounds
    return _holds(hi if must in (">=", ">") else lo, must, threshold)


def _clearly_violates(lo: float, hi: float, must: str, threshold: float) -> bool:
    """True when the whole interval [lo, hi] lies on the wrong side of the condition."""
    if must == ">=":
        return hi < threshold
    if must == ">":
        return hi <= threshold
    if must == "<=":
        return lo > threshold
    return lo >= threshold  # "<"


def _no_data(gate: GateConfig, verdict: Callable[..., GateVerdict], reason: str, **extra: Any) -> GateVerdict:
    policy = gate.no_data
    return verdict(policy, f"{reason} (no-data policy: {policy})", **extra)


def evaluate_windows(
    gate: GateConfig,
    measurements: list[tuple[float, Measurement | None, Measurement | None]],
    *,
    role: Role = "gate",
    errors: dict[float, str] | None = None,
    bounds: dict[float, tuple[Measurement | None, Measurement | None]] | None = None,
) -> GateVerdict:
    """Evaluate one gate on several windows (longest first) and combine.

    Scanning shorter windows keeps a regression that started mid-window from being diluted by
    the healthy requests before it. The error budget is split evenly (Bonferroni) across the
    windows, so scanning does not raise the false-alarm rate. The worst verdict wins; among
    equals, the longest window (the most evidence) is reported.
    """
    if not measurements:
        return evaluate_gate(gate, None, role=role)
    k = len(measurements)
    conf = 1.0 - (1.0 - gate.confidence) / k
    errors = errors or {}
    bounds = bounds or {}
    verdicts = [
        evaluate_gate(gate, m, role=role, baseline=b, window=w, error=errors.get(w), confidence=conf,
                      quantile_bounds=bounds.get(w), with_bounds=k == 1)
        for w, m, b in measurements
    ]
    worst = 0
    for i, v in enumerate(verdicts[1:], start=1):
        if SEVERITY[v.verdict] > SEVERITY[verdicts[worst].verdict]:
            worst = i
    if k == 1:
        return verdicts[0]
    w, m, b = measurements[worst]
    return evaluate_gate(gate, m, role=role, baseline=b, window=w, error=errors.get(w), confidence=conf,
                         quantile_bounds=bounds.get(w))
