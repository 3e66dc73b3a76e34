"""One look (or one check between looks) of a changepoint trigger: measurements in, verdict and
the trigger's next state out (the statistic itself is changepoint.py's).

Split from evaluate.py (round 9) because the look now has a rule of its own: the null rate p0 is
fixed once per look, when the look starts, and every check of that look uses it (changepoint.py
"One null per look"). What happens at each call, by case:
- an evaluation (`commit`) with the look's null not fixed yet (a stage's first look, or the baseline
  had no requests when the previous look ended): the baseline is measured now and fixes it;
- an evaluation with enough canary requests (`min_samples`): the look ends with its fixed null, and
  the baseline measured now fixes the next look's null (the next look starts now);
- a check between looks (`commit=False`): the look in progress with its fixed null, nothing stored;
  with no null fixed yet it is inconclusive (the look's first evaluation fixes it, <= one interval).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..config import GateConfig
from ..metrics.model import Measurement, MetricSpec
from .changepoint import ChangeState, Null, fires, look, null_rate
from .gates import GateVerdict, Role, describe

# (spec, window) -> (measurement, error text): evaluate.StageEvaluator._measure, which turns a
# backend failure into text instead of raising.
Measure = Callable[[MetricSpec, float], Awaitable[tuple[Measurement | None, str | None]]]
BASELINE_WINDOW = 600.0  # seconds of baseline when the trigger sets no `window`


@dataclass(frozen=True, slots=True)
class LookResult:
    verdict: GateVerdict
    canary: Measurement | None  # for the freshness of the verdict
    state: ChangeState | None  # the trigger's state to store (None: unchanged)


async def fix_null(gate: GateConfig, measure: Measure, now: float) -> tuple[Null | None, str | None]:
    """The null rate for a look starting now: threshold x the baseline's smoothed rate (relative
    trigger) or the threshold itself (absolute), floored (changepoint.null_rate)."""
    if gate.relative_to is None:
        limit = gate.threshold if gate.metric.function == "error_rate" else 1.0 - gate.threshold
        p0 = null_rate(limit, None, None, gate.floor)
        return (Null(p0, now) if p0 is not None else None), None
    b, err = await measure(gate.relative_to, gate.window or BASELINE_WINDOW)
    if err is not None or b is None:
        return None, err or "no baseline measurement"
    if not b.has_data or not b.count:
        return None, None
    bad = int(b.successes or 0)  # the baseline is an error_rate: its "successes" are the errors counted
    p0 = null_rate(gate.threshold, bad, int(b.count), gate.floor)
    return (Null(p0, now, bad, int(b.count)) if p0 is not None else None), None


def _shown(gate: GateConfig, null: Null) -> str:
    if null.n is None:
        return f"null {null.p0:.2%}"
    return (f"null {null.p0:.2%} = max({gate.threshold:g} x baseline {null.bad}/{null.n}, floor {gate.floor:.2%}), "
            f"fixed at the look's start")


async def change_look(gate: GateConfig, role: Role, state: ChangeState, measure: Measure, now: float,
                      stage_start: float, max_window: float, commit: bool) -> LookResult:
    """A changepoint trigger's verdict now, from the canary's requests since its last look."""
    last = state.last if state.last is not None else stage_start
    span = min(now - last, max_window)
    base: dict[str, Any] = dict(name=gate.name, role=role, metric=describe(gate.metric), op=gate.op, confidence=gate.confidence,
                window=span, dry_run=gate.dry_run, proportion=True)
    if span <= 0:
        return LookResult(GateVerdict(verdict="inconclusive", reason="no time since the last look", **base), None, None)
    m, err = await measure(gate.metric, span)
    if err is not None or m is None:
        return LookResult(GateVerdict(verdict="error", reason=f"measurement failed: {err}", **base), None, None)
    null, fixed = state.null, None
    if null is None and commit:
        null, err = await fix_null(gate, measure, now)
        if err is not None:
            return LookResult(GateVerdict(verdict="error", reason=f"measurement failed: {err}", **base), m, None)
        fixed = null
    n = int(m.count or 0) if m.has_data else 0
    if n == 0 or (commit and n < gate.min_samples):
        # Not a look yet: the next one covers this span too. The false-alarm bound is per look,
        # so at low traffic looks wait for `min_samples` requests instead of counting every
        # interval (a 1% stage with 2 uploads/min would otherwise make ~100 looks an hour).
        why = (f"{n} canary requests since the last look < {gate.min_samples} for a look" if n
               else "no canary requests since the last look")
        keep = ChangeState(state.log_r, state.last, state.looks, null) if fixed is not None else None
        return LookResult(GateVerdict(verdict=gate.no_data if gate.no_data != "fail" else "inconclusive",
                                      reason=why, samples=n, **base), m, keep)
    if null is None:
        why = ("no baseline requests in the window" if commit
               else "no null rate fixed for the look in progress yet (an evaluation fixes it)")
        return LookResult(GateVerdict(verdict="inconclusive", reason=why, samples=n, **base), m, None)
    hits = int(m.successes or 0)
    bad = hits if gate.metric.function == "error_rate" else n - hits
    following: Null | None = None
    if commit:  # the next look starts now: its null from the baseline as it is now (reused if just fixed)
        following = fixed if fixed is not None else (await fix_null(gate, measure, now))[0]
    new = look(state, bad, n, null.p0, now, following)
    fired, stat, log_a = fires(new, gate.confidence, gate.grace_looks)  # a check: the look in progress
    why = (f"{bad}/{n} bad since the last look, {_shown(gate, null)}; change statistic log R {stat:.2f} "
           f"(fires at log A {log_a:.2f}) after {new.looks} looks" + ("" if commit else " (checked mid-look)"))
    v = GateVerdict(verdict="fail" if fired else "pass", reason=("fired: " if fired and role == "trigger" else "") + why,
                    observed=bad / n, threshold=null.p0, samples=n,
                    baseline=null.bad / null.n if null.n and null.bad is not None else None,
                    baseline_samples=null.n, **base)
    return LookResult(v, m, new if commit else None)
