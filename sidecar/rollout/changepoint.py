"""Change detection for rollback triggers: a mixture Shiryaev-Roberts statistic on the canary's
bad-outcome rate, checked at every evaluation ("look"), anytime-valid.

Why not the whole-stage sequential test (stats.sequential_beyond) for rollbacks: it tests the
stage's cumulative sample, so a canary that was healthy for 10 minutes and then regresses first
has to pay back the evidence the healthy part built against the alternative (bench: 1% -> 8%
errors after a 600 s warm-up at 20 async uploads/min took a median 465 s). A change statistic
forgets the healthy past: it restarts itself, in expectation, at every look.

The statistic (Shiryaev 1963, Roberts 1966; mixture form as in Pollak 1985), pure in the counts:
  per look k: n_k canary requests, b_k of them bad (errors, or failures when the metric is a
  success rate), null rate p0_k, alternatives p_theta = theta * p0_k for theta in THETAS;
  L_k(theta) = (p_theta / p0)^b_k * ((1 - p_theta) / (1 - p0))^(n_k - b_k)
  R_k(theta) = (1 + R_{k-1}(theta)) * L_k(theta),  R_0 = 0
  R_k = mean over theta of R_k(theta);  fire when R_k >= A = 1 / (1 - confidence).
Guarantee: if every request's bad-outcome probability is <= p0_k (independently given the past),
E[L_k | past] <= 1, so R_k - k is a nonnegative-plus-k supermartingale and, by Ville's inequality,
P(R_j >= A for some j <= N) <= N / A, and the mean number of looks to a false alarm is >= A
(Pollak). That bound grows with the looks of a stage, which holds for days: `grace_looks`
makes A grow in proportion to the looks past that many (log_threshold), so the bound grows with
the log of the hold instead. At the null's boundary that is the false-alarm rate; a healthy canary below p0 drifts
away from A (measured in bench/rollout_sim.py). Looks without canary requests are not looks (with
L = 1 the statistic would still climb by one per look and a quiet night would roll back), and a
trigger's `min_samples` makes a look wait for that many requests: the bound is per look, so fewer,
fuller looks at low traffic mean fewer chances of a false alarm per hour of stage.
Assumptions, stated: independence between requests; p0_k fixed before look k's canary counts are
used (relative triggers: threshold x the baseline's rate over the trigger's window, smoothed as
(x + 1)/(n + 2), and at least `floor`); records that arrive after the look that covered their
time are not in this statistic (they still count in stage totals, see stagetotals.StageTotals.settle).

One null per look (round 9, the review's bound). The bound needs E[L_k | past] <= 1 for ONE p0_k
per look. Until round 9 every check re-measured the baseline, so a check between looks computed
(1 + R_{k-1}) L(prefix; p0_t) with p0_t moving with the baseline's window: the process over t is
then no martingale, and crossings could come from whichever check saw the lowest baseline (a
sync error leaving the 30-min window lowers p0 and raises L; with several p0_t per look the bound
holds at best with A divided by their number). Now p0_k is measured once, when look k starts
(at the evaluation that ended look k-1; for a stage's first look at its first evaluation, before
any check of it), from baseline requests only, stored with the statistic (`ChangeState.null`),
and every check of look k and its end use that same value: within the look, L(prefix; p0_k) is
a martingale in t, and the optional-stopping argument below holds as built. bench/changepoint_watch.py
(the stand-in that set the shipped threshold) always modelled this: the null from the sync
requests before the look.

Checked between looks (`check_every`, rollout/watch.py). The looks (the change points the statistic
can restart at) stay the evaluations'; in between, the statistic of the look in progress,
(1 + R_{k-1}) L(requests since look k-1 so far), is checked every few seconds without ending the
look. Within a look that is a martingale at the null's boundary (L of a growing prefix), so
R_t - (looks started by t) is still a mean-zero martingale checked at any stopping time, and
optional stopping at the first crossing gives the same P(alarm within N looks) <= N / A (the
mSPRT's "always valid" argument, Johari et al. 2017: monitoring continuously costs nothing in
the bound). What it buys is the look latency: an alarm waits for the check after the evidence
(<= 5 s), not for the end of a 30 s interval (bench/changepoint_watch.py: 4-16 s off the median
at 20 uploads/min at equal false alarms, which it raises: peaks inside a look are seen).

Spending over a stage's BOUNDED horizon: measured, not adopted (round 16, the lead's plan decision
that the false-alarm guarantee is per stage and a stage is bounded by its plan: hold + progress
deadline, then paused). The alternative to `log_threshold`'s growth is a truncated test whose budget
alpha is spent evenly over the stage's maximum looks N (Lan & DeMets 1983, Biometrika 70(3), with the
uniform spending function alpha k / N): a constant log A* with N h(A*) = alpha, h the per-look hazard
of a healthy canary at that threshold (growing as log A* + log(k / N) past N, as a paused stage still
watches). For onsets spread uniformly over the stage that is the optimal spending (minimise the mean
log A_k subject to sum h(A_k) = alpha with h ~ c / A: A_k constant). bench/changepoint_horizon.py
(16 dev seeds 3001-3016, the stand-in on this module's own statistic; h measured on 6,400 healthy
2 h stages up to log A 8.75, above that either the fitted log h = 0.29 - 1.40 log A or, the
conservative reading, Ville's 1/A tail - a fit below 6.75 under-predicts the measured h at 9.0 by 1.9x,
so the tail flattens) at 20 async/min, 1% -> 8%, onsets uniform over the horizon, mean of the
per-seed medians (per-stage false share: fitted / Ville):
  horizon (looks)                     growing (shipped)              bounded, alpha 1e-4
  50 (25 min)                         307 s, 2.2e-4 / 2.5e-4         325 / 336 s
  400 (the bench's hold + deadline)   352 s, 5.3e-4 / 7.6e-4         389 / 428 s
  8640 (10%: 48 h hold + 24 h dl.)    475 s, 7.0e-4 / 1.5e-3         485 / 550 s
So a bounded horizon does not beat 300 s as a class at any stage length (even a fixed log A 9.0 is
299 s, 7 of 16 seeds above 300 s: the information in ~10 canary uploads per look is the limit). At the
growth's OWN share it is faster over long horizons (72 h: 421-438 s vs 475 s), because the growth
spends more than the goal's 1e-4 per stage: 2.2-2.5e-4 in the first 25 minutes and 0.7-1.5e-3 over a
full-length 10% stage; the 1,000-stage bench meets 0 false rollbacks on stages with 10-minute holds
only. At alpha 1e-4 the bounded test is slower at every horizon (above). Kept: the growing threshold -
onsets in the first 25 minutes of a stage (the bench's, and a regression that shows once the new share
of traffic arrives) are judged at log A 9.03 (~300 s); the bounded test at alpha 1e-4 over the 10%
stage judges every onset at 13.3-15.1 (~485-550 s) for 7-15x fewer false rollbacks over a full-length
stage. The trade is the plan's to make, with no code: `log_threshold` with `grace` = the stage's
maximum looks and `confidence` = 1 - e^-log A* IS the bounded test (A* fixed for N looks, growing after);
rules/rollouts.yaml `grace_looks` says the values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

THETAS = (1.25, 1.5, 2.0, 3.0, 5.0, 8.0, 12.0)


def bernoulli_llr(bad: int, n: int, p0: float, p1: float) -> float:
    """log L for `bad` of `n` under rate p1 against p0 (both in (0, 1))."""
    return bad * math.log(p1 / p0) + (n - bad) * math.log1p(-p1) - (n - bad) * math.log1p(-p0)


def sr_update(log_r: Sequence[float] | None, bad: int, n: int, p0: float,
              thetas: Sequence[float] = THETAS) -> list[float]:
    """One look: log R_k(theta) = log(1 + R_{k-1}(theta)) + log L_k(theta), per theta.

    Kept in logs (R grows geometrically under a regression). Alternatives at or above rate 1
    are left out (-inf). `n == 0` returns the input unchanged (not a look).
    """
    if not 0.0 < p0 < 1.0:
        raise ValueError(f"null rate {p0} outside (0, 1)")
    prev = list(log_r) if log_r else [-math.inf] * len(thetas)
    if n <= 0:
        return prev
    out = []
    for lr_prev, theta in zip(prev, thetas, strict=True):
        p1 = theta * p0
        if p1 >= 1.0:
            out.append(-math.inf)
            continue
        base = math.log1p(math.exp(lr_prev)) if lr_prev < 700 else lr_prev  # log(1 + R)
        out.append(base + bernoulli_llr(bad, n, p0, p1))
    return out


def log_mixture(log_r: Sequence[float]) -> float:
    """log of the mean of R(theta) over theta (-inf before the first look)."""
    finite = [x for x in log_r if x != -math.inf]
    if not finite:
        return -math.inf
    top = max(finite)
    return top + math.log(sum(math.exp(x - top) for x in finite) / len(log_r))


@dataclass(frozen=True, slots=True)
class Null:
    """The null rate p0 of the look in progress, fixed when it was measured (see "One null per
    look" above): never re-measured until the look ends. `bad`/`n` are the baseline requests it
    came from (None for an absolute trigger), `at` when it was fixed."""

    p0: float
    at: float
    bad: int | None = None
    n: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"p0": self.p0, "at": self.at, "bad": self.bad, "n": self.n}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Null | None:
        if not data or data.get("p0") is None:
            return None
        return cls(float(data["p0"]), float(data.get("at") or 0.0), data.get("bad"), data.get("n"))


@dataclass(frozen=True, slots=True)
class ChangeState:
    """What a trigger's change statistic carries between looks (persisted with the rollout)."""

    log_r: tuple[float, ...] = ()
    last: float | None = None  # end of the last look (event time)
    looks: int = 0
    null: Null | None = None  # p0 of the look in progress (None: not fixed yet)

    def to_dict(self) -> dict[str, Any]:
        return {"log_r": [x if math.isfinite(x) else None for x in self.log_r], "last": self.last,
                "looks": self.looks, "null": self.null.to_dict() if self.null is not None else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ChangeState:
        if not data:
            return cls()
        return cls(tuple(-math.inf if x is None else float(x) for x in data.get("log_r") or ()),
                   data.get("last"), int(data.get("looks") or 0), Null.from_dict(data.get("null")))


def null_rate(threshold: float, baseline_bad: int | None, baseline_n: int | None, floor: float) -> float | None:
    """p0 of a look: `threshold` itself (absolute), or threshold x the smoothed baseline rate."""
    if baseline_n is None:
        p0 = threshold
    else:
        if baseline_n <= 0 or baseline_bad is None:
            return None
        p0 = threshold * (baseline_bad + 1) / (baseline_n + 2)
    p0 = max(p0, floor)
    return min(p0, 0.999) if p0 > 0 else None


def look(state: ChangeState, bad: int, n: int, p0: float, end: float, following: Null | None = None) -> ChangeState:
    """The state after one look covering canary requests up to `end`; `following` is the null of
    the next look (measured now, at its start), None to have it fixed later."""
    if n <= 0:
        return ChangeState(state.log_r, end, state.looks, state.null)
    return ChangeState(tuple(sr_update(state.log_r, bad, n, p0)), end, state.looks + 1, following)


def log_threshold(confidence: float, looks: int, grace: int = 0) -> float:
    """log A at look `looks`: log(1 / (1 - confidence)) for the first `grace` looks, then that plus
    log(looks / grace), i.e. A grows in proportion to the looks made (0: A stays fixed).

    Why: the bound above is per look (P(alarm within N looks) <= N / A), and a stage holds for
    days: at 20 async uploads/min a 48 h stage makes ~5,760 looks, and the fixed A = 2,000 rolled
    back 11-17 of 100 healthy 48 h stages (bench/changepoint_variants.py, seeds 31 and 37). With
    A_k = A * k / grace past `grace` looks, each doubling block of looks [g 2^j, g 2^(j+1)) has a
    threshold >= A 2^j, so (Ville's inequality on R_k + (n - k), a nonnegative supermartingale
    for k <= n below the null) P(alarm in the block) <= 2 g / A, and over a hold of H looks
    P(alarm) <= (g / A) (1 + 2 ceil(log2(H / g))): logarithmic in the hold, not linear. A
    regression in the first `grace` looks is judged at the fixed A (unchanged); one that starts
    after k looks needs log(k / grace) more evidence (~1 more look at 0.8 nat per look for each
    doubling of k).
    """
    log_a = -math.log1p(-confidence)
    if grace > 0 and looks > grace:
        log_a += math.log(looks / grace)
    return log_a


def fires(state: ChangeState, confidence: float, grace: int = 0) -> tuple[bool, float, float]:
    """(fires, log R, log A) with log A from `log_threshold` at the state's look count."""
    log_a = log_threshold(confidence, state.looks, grace)
    stat = log_mixture(state.log_r) if state.log_r else -math.inf
    return stat >= log_a, stat, log_a
