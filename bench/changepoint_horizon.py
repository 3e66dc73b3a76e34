"""The change trigger's threshold spent over a stage's BOUNDED horizon vs the shipped growing one.

Issue 19, round 16 (the lead's plan decision: the false-alarm guarantee is per stage, and a stage's
length is bounded by the plan: its hold plus the progress deadline, after which it is paused).

Two ways to spend a per-stage false-alarm budget `alpha` over the looks of a stage:
- growing (shipped, changepoint.log_threshold): log A_k = log A for the first `grace` looks, then
  log A + log(k / grace). Always valid with no horizon: P(alarm in H looks) <= (grace / A)(1 + 2
  ceil(log2(H / grace))) (Ville's inequality per doubling block). Cheap early, dear late.
- bounded horizon (a truncated test with its budget spent evenly over a known maximum number of looks
  N; Lan & DeMets 1983, "Discrete sequential boundaries for clinical trials", Biometrika 70(3): the
  boundary is fixed by an alpha-spending function over the information fraction k / N; here the
  uniform spending function alpha(k / N) = alpha k / N): a constant log A* with sum over k <= N of
  h(A*) = alpha, h = the per-look hazard of a healthy canary at that threshold; past N (a stage paused
  at its deadline still watches) it grows as log A* + log(k / N), so the bound stays logarithmic.
  For onsets spread uniformly over the stage the even spending is the optimum: minimise the mean of
  log A_k (detection delay is ~linear in it) subject to sum c / A_k = alpha: Lagrange gives A_k
  constant.

What is measured (the stand-in of bench/changepoint_watch.py: the sidecar's own sr_update /
log_mixture, looks every 30 s with >= 5 canary requests, checks every 5 s between looks, the null
from 30 min of sync history, 20 async uploads/min at the 10% stage, 1% errors, 1% -> 8%):
1. the hazard h(a): healthy 2 h stages per seed, share whose statistic ever reached log A = a, per
   look; extrapolated past the levels with >= 10 crossings by a straight line in log h (the SR
   statistic's tail is exponential: P(sup >= A) ~ c / A); the extrapolation is the assumption, stated.
   Checked out of sample (a fit 2 nats below the top measured level predicts the levels above; it
   under-predicts, the tail flattens), so every figure is also given with Ville's 1/A tail above the
   measured levels: the conservative reading.
2. detection delay at each level: regression paths (warm 600-630 s), the first check at or above
   the level after the onset. A late onset meets the statistic in its healthy state, as an early one
   does (it regenerates), so the delay at onset look k is the delay at the level the policy has at k.
3. per policy and horizon N: onsets uniform over the N looks; median delay per seed (100 paths x 40
   onsets), the class figure (mean of the 16 per-seed medians, how many above 300 s), and the
   per-stage false share from h (growing: sum of h(a_k); bounded: alpha by construction).

    PYTHONPATH=$PWD nice /work/main/.venv/bin/python bench/changepoint_horizon.py --seeds 3001-3016
"""

from __future__ import annotations

import argparse
import bisect
import math
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.changepoint_watch import IV, path  # noqa: E402 - the stand-in, not a copy
from sidecar.rollout.changepoint import THETAS  # noqa: E402

LOG_A = -math.log1p(-0.99988)  # the shipped confidence (rules/rollouts.yaml)
GRACE = 50  # the shipped grace_looks
GRID = [x / 4 for x in range(24, 73)]  # log A 6.0 .. 18.0: detection delays
HAZARD_GRID = [x / 4 for x in range(4, 49)]  # log A 1.0 .. 12.0: the healthy peaks' tail
RATE = 3.33333  # gateway requests/s: 20 async/min at 10%


def detection(seed: int, trials: int) -> list[list[float]]:
    """Per regression path: the delay (s) to the first check at or above each GRID level (inf: never)."""
    rng = random.Random(seed)
    out = []
    for _ in range(trials):
        warm = 600.0 + rng.randrange(30)
        p = path(rng, RATE * 0.1, RATE * 0.9, warm, warm + 260 * IV, 5.0, 1800.0, THETAS)
        row = []
        peak_after = [(t, s) for t, s in p if t >= warm]
        for a in GRID:
            first = next((t for t, s in peak_after if s >= a), None)
            row.append(first - warm if first is not None else math.inf)
        out.append(row)
    return out


def peaks(seed: int, stages: int, looks: int) -> list[float]:
    """The peak statistic of each healthy stage of `looks` looks."""
    rng = random.Random(seed * 7919 + 16)
    return sorted(max((s for _, s in path(rng, RATE * 0.1, RATE * 0.9, None, looks * IV, 5.0, 1800.0, THETAS)),
                      default=-math.inf) for _ in range(stages))


def hazard_fit(all_peaks: list[float], looks: int, upto: float = math.inf) -> tuple[float, float, float]:
    """(intercept, slope, last level with >= 10 crossings) of log h(a) = intercept + slope a, fitted on
    the levels up to `upto` with >= 10 crossings and at most half the stages crossing."""
    n = len(all_peaks)
    xs, ys = [], []
    for a in HAZARD_GRID:
        hits = n - bisect.bisect_left(all_peaks, a)
        if 10 <= hits <= n / 2 and a <= upto:  # rare enough to be a hazard, frequent enough to be measured
            xs.append(a)
            ys.append(math.log(-math.log1p(-hits / n) / looks))
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return my - slope * mx, slope, xs[-1]


def level(a: float) -> int:
    """Index of the GRID level at or just above `a` (the delay there bounds the delay at `a` from above)."""
    return min(bisect.bisect_left(GRID, a - 1e-9), len(GRID) - 1)


def growing(k: int) -> float:
    return LOG_A + (math.log(k / GRACE) if k > GRACE else 0.0)


def medians(det: Sequence[list[list[float]]], thresholds: Sequence[float]) -> list[float]:
    """Per seed: the median delay over its paths x the onsets, each onset judged at its threshold."""
    idx = [level(a) for a in thresholds]
    return [statistics.median(row[i] for row in paths for i in idx) for paths in det]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="3001-3016")
    ap.add_argument("--trials", type=int, default=100, help="regression paths per seed")
    ap.add_argument("--stages", type=int, default=200, help="healthy 2 h stages per seed (the hazard)")
    ap.add_argument("--alpha", type=float, default=1e-4, help="per-stage false-alarm budget (the goal's)")
    ap.add_argument("--horizons", default="50,120,400,2880,8640",
                    help="stage horizons in looks: 25 min, 1 h, the sim's hold + deadline, 24 h, the 10%% stage's "
                         "48 h hold + 24 h deadline")
    args = ap.parse_args()
    lo, _, hi = args.seeds.partition("-")
    seeds = list(range(int(lo), int(hi) + 1)) if hi else [int(s) for s in lo.split(",")]
    det = [detection(s, args.trials) for s in seeds]
    looks = int(7200 / IV)
    all_peaks = sorted(p for s in seeds for p in peaks(s, args.stages, looks))
    c0, c1, measured_to = hazard_fit(all_peaks, looks)

    def h(a: float) -> float:
        return math.exp(c0 + c1 * a)

    # The extrapolation's check: fitted on the levels up to 2 nats below the last measured one, the
    # levels above predicted out of sample (measured: share of the 2 h stages crossing, per look).
    try:
        o0, o1, _ = hazard_fit(all_peaks, looks, measured_to - 2.0)
    except (statistics.StatisticsError, ZeroDivisionError):  # too few levels below (a small run)
        o0, o1 = math.nan, math.nan
    n = len(all_peaks)
    for a in HAZARD_GRID:
        hits = n - bisect.bisect_left(all_peaks, a)
        if a > measured_to - 2.0 and hits:
            print(f"  hazard at log A {a:5.2f}: measured {-math.log1p(-hits / n) / looks:.2e} ({hits} of {n} stages), "
                  f"fit below {measured_to - 2.0:.2f} predicts {math.exp(o0 + o1 * a):.2e}, full fit {h(a):.2e}")

    print(f"changepoint_horizon: seeds {args.seeds}, {args.trials} regressions + {args.stages} healthy 2 h stages each; "
          f"shipped log A {LOG_A:.2f}, grace {GRACE}")
    print(f"  hazard per look: log h = {c0:.2f} + {c1:.3f} log A (fitted on levels with >= 10 crossings, up to "
          f"{measured_to:.2f}); h({LOG_A:.2f}) = {h(LOG_A):.2e}")
    for a in (9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0):
        i = level(a)
        per_seed = [statistics.median(row[i] for row in paths) for paths in det]
        print(f"  log A {a:5.2f}: median delay {statistics.mean(per_seed):4.0f} s (mean of per-seed medians, "
              f"{sum(m > 300 for m in per_seed)}/{len(per_seed)} above 300 s)")
    def h_ville(a: float) -> float:
        """Above the measured levels, the tail of Ville's bound (P(sup R >= A) ~ 1/A): flatter than the
        fit, which the out-of-sample check above shows under-predicting there (the conservative reading)."""
        return h(a) if a <= measured_to else h(measured_to) * math.exp(measured_to - a)

    def solve(hz: Callable[[float], float], n: int, share: float) -> float:
        """The constant log A with n hz(log A) = share (bisection: hz falls with log A)."""
        lo, hi = 0.0, 60.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if n * hz(mid) > share else (lo, mid)
        return hi

    for tail, hz in (("fitted tail", h), (f"Ville's 1/A tail above {measured_to:.2f}", h_ville)):
        print(f"  per-stage shares from the {tail}:")
        for n in (int(x) for x in args.horizons.split(",")):
            onsets = [int(n * (j + 0.5) / 40) for j in range(40)]
            grow = [growing(max(k, 1)) for k in onsets]
            share_grow = sum(hz(growing(k)) for k in range(1, n + 1))
            bounded = solve(hz, n, args.alpha)
            equal = solve(hz, n, share_grow)  # same share as the growing one
            print(f"  horizon {n} looks ({n * IV / 3600:.1f} h), onsets uniform over it:")
            for name, th, share in (("growing (shipped)", grow, share_grow),
                                    (f"bounded, alpha {args.alpha:g}", [bounded] * len(onsets), args.alpha),
                                    ("bounded, equal share", [equal] * len(onsets), share_grow)):
                m = medians(det, th)
                print(f"    {name:24s} log A {statistics.median(th):5.2f} (median over onsets)  per-stage share "
                      f"{share:.1e}  median delay {statistics.mean(m):4.0f} s (mean of {len(m)} seeds' medians, "
                      f"{sum(x > 300 for x in m)} above 300 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
