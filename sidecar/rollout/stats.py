"""Small, dependency-free statistics for rollout gates: binomial intervals and tests.

Why exact (Clopper-Pearson) by default and not only Wilson: at rollout stage 1 the counts are
tiny (100 requests at a 0.5% error rate = 0.5 expected errors). Wilson's interval is too narrow
there (at 99.9% confidence it calls 3 errors in 100 "clearly above 0.5%", which happens by chance
1.4% of the time), so a gate checked every interval would roll back healthy canaries. The exact
binomial interval keeps its stated coverage at any n. Wilson stays available (cheaper, fine for
large counts) and is what the research literature and most dashboards show.

Everything here is a pure function; results are cached because a controller re-evaluates the
same (successes, trials) pairs every interval while traffic is low.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from statistics import NormalDist

_NORMAL = NormalDist()


def z_for(confidence: float) -> float:
    """One-sided critical value: P(Z <= z) = confidence."""
    return _NORMAL.inv_cdf(confidence)


# --- regularized incomplete beta (Numerical Recipes' continued fraction, Lentz's method) --------


def _betacf(a: float, b: float, x: float) -> float:
    fpmin = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > fpmin else fpmin)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > fpmin else fpmin)
        c = 1.0 + aa / c
        c = c if abs(c) > fpmin else fpmin
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > fpmin else fpmin)
        c = 1.0 + aa / c
        c = c if abs(c) > fpmin else fpmin
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-14:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b) for a, b > 0."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_bt = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    bt = math.exp(log_bt)
    if x < (a + 1.0) / (a + b + 2.0):
        return bt * _betacf(a, b, x) / a
    return 1.0 - bt * _betacf(b, a, 1.0 - x) / b


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return betainc(k, n - k + 1, p)


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    return 1.0 - binom_sf(k + 1, n, p)


# --- intervals ----------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def exact_bounds(x: int, n: int, confidence: float) -> tuple[float, float]:
    """One-sided Clopper-Pearson bounds (lower, upper), each at `confidence`.

    lower = the p at which seeing >= x positives has probability 1 - confidence;
    upper = the p at which seeing <= x positives has probability 1 - confidence.
    """
    if n <= 0:
        return 0.0, 1.0
    alpha = 1.0 - confidence
    p_hat = x / n
    lower = 0.0 if x <= 0 else _bisect(lambda p: binom_sf(x, n, p) - alpha, 0.0, p_hat)
    upper = 1.0 if x >= n else _bisect(lambda p: alpha - binom_cdf(x, n, p), p_hat, 1.0)
    return lower, upper


def exact_beyond(x: int, n: int, threshold: float, must: str, confidence: float) -> bool:
    """True when the exact one-sided interval of x/n lies wholly on the wrong side of `must threshold`.

    Decided with one binomial tail at the threshold (an exact test), not by comparing bisected
    bounds, so the decision has no numerical tolerance.
    """
    alpha = 1.0 - confidence
    if must in (">=", ">"):  # fails when even the upper bound is below the threshold
        tail = binom_cdf(x, n, threshold) if x < n else 1.0
        return tail < alpha if must == ">=" else tail <= alpha
    tail = binom_sf(x, n, threshold) if x > 0 else 1.0  # "<=" / "<": fails when the lower bound is above
    return tail < alpha if must == "<=" else tail <= alpha


def _bisect(f: Callable[[float], float], lo: float, hi: float, tol: float = 1e-6) -> float:
    """Root of an increasing function on [lo, hi] (absolute tolerance: we report 0.01% steps)."""
    if f(lo) >= 0:
        return lo
    if f(hi) <= 0:
        return hi
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < tol:
            break
    return (lo + hi) / 2.0


@lru_cache(maxsize=65536)
def wilson_bounds(x: int, n: int, confidence: float) -> tuple[float, float]:
    """One-sided Wilson score bounds (lower, upper), each at `confidence`."""
    if n <= 0:
        return 0.0, 1.0
    z = z_for(confidence)
    p = x / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion_bounds(x: int, n: int, confidence: float, method: str = "exact") -> tuple[float, float]:
    if method == "wilson":
        return wilson_bounds(x, n, confidence)
    return exact_bounds(x, n, confidence)


def diff_bounds(x1: int, n1: int, x2: int, n2: int, factor: float, confidence: float) -> tuple[float, float]:
    """One-sided bounds for p1 - factor * p2 (two independent proportions).

    Agresti-Caffo: add one positive and one negative outcome to each group before the Wald
    interval, which gives close-to-nominal coverage even with a handful of events.
    """
    z = z_for(confidence)
    p1 = (x1 + 1) / (n1 + 2)
    p2 = (x2 + 1) / (n2 + 2)
    diff = p1 - factor * p2
    se = math.sqrt(p1 * (1 - p1) / (n1 + 2) + factor * factor * p2 * (1 - p2) / (n2 + 2))
    return diff - z * se, diff + z * se


# --- anytime-valid sequential test --------------------------------------------------------------

# Alternatives mixed into the likelihood ratio, as multiples of the threshold rate. A discrete
# mixture keeps the test cheap and gives power against small and large regressions alike.
MIXTURE_RATIOS = (1.25, 1.5, 2.0, 3.0, 5.0, 10.0)


def mixture_lr(bad: int, n: int, threshold: float) -> float:
    """Mixture likelihood ratio of "bad-outcome rate > threshold" against "rate = threshold".

    Under any rate <= threshold this is a nonnegative supermartingale in n (each factor
    q*r + (1-q)*(1-p)/(1-threshold) <= 1 for q <= threshold < p), so by Ville's inequality it
    ever reaches 1/alpha with probability <= alpha, however often it is checked. That is what
    makes it safe for a gate evaluated every interval on the accumulating stage sample.
    """
    if n <= 0 or not 0.0 < threshold < 1.0:
        return 0.0
    good = n - bad
    total = 0.0
    count = 0
    for r in MIXTURE_RATIOS:
        p = threshold * r
        if p >= 1.0:
            continue
        log_lr = bad * math.log(p / threshold) + good * math.log((1.0 - p) / (1.0 - threshold))
        total += math.exp(min(log_lr, 700.0))
        count += 1
    return total / count if count else 0.0


def sequential_beyond(x: int, n: int, threshold: float, must: str, confidence: float) -> tuple[bool, float]:
    """(clearly violates `must threshold`, likelihood ratio) for x positives in n, anytime-valid."""
    if must in (">=", ">"):
        bad, t = n - x, 1.0 - threshold  # positives must stay high: the bad outcomes are the others
    else:
        bad, t = x, threshold
    lr = mixture_lr(bad, n, t)
    return lr >= 1.0 / (1.0 - confidence), lr
