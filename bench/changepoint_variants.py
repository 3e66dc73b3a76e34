"""Change-trigger designs compared at EQUAL false alarms, all thresholds from one pass (issue 19, round 4).

bench/changepoint_frontier.py fires each detector at a few fixed confidences; the false-alarm counts
at ~1 in 1,000 stages are then too noisy to say which design is better. Here every detector's log
statistic is recorded at every look, so one pass gives, for every threshold log A on a grid:
  - false alarms: the share of healthy stages whose statistic ever reached log A;
  - detection delay (median, p90) of 1% -> 8% regressions, the first look at or above log A after
    the change (trials whose warm-up already reached log A are counted as false, not as delays).
Designs are then compared at the threshold where each has the same false-alarm share on the tuning
seeds (`--match`), and that threshold is carried unchanged to the report seeds.

Traffic: bench/changepoint_frontier.py's model (Poisson arrivals, 30 s looks, min_samples 5, null from
the sync errors of the last `base_window` seconds), reused, not copied.

Usage: .venv/bin/python bench/changepoint_variants.py --seeds 1,2,3,4,5 [--trials 400] [--stages 4000]
"""

from __future__ import annotations

import argparse
import bisect
import math
import random
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.changepoint_frontier import INTERVAL, bad_of, traffic  # noqa: E402
from bench.rollout_traffic import poisson  # noqa: E402
from sidecar.rollout.changepoint import THETAS, bernoulli_llr, null_rate  # noqa: E402


@dataclass(frozen=True)
class Design:
    """A mixture Shiryaev-Roberts trigger: alternatives theta x p0 with weights (sum 1)."""

    name: str
    thetas: Sequence[float] = THETAS
    weights: Sequence[float] | None = None  # None: uniform
    threshold: float = 1.25  # the null is threshold x the baseline rate ...
    floor: float = 0.0125  # ... and at least this
    min_samples: int = 5
    base_window: float = 1800.0
    statistic: str = "sr"  # "sr" (Shiryaev-Roberts) or "cusum" (max instead of sum over change points)
    known_null: float | None = None  # an oracle: told the healthy rate instead of estimating it
    combine: str = "mixture"  # "mixture" (weighted mean over theta) or "max" (GLR over the theta grid)
    per_record: bool = False  # update (and restart) at every request, not once per look
    history: float = 0.0  # seconds of sync requests the hub already holds when the stage starts
    grace: int = 0  # > 0: log A grows by log(looks / grace) past `grace` looks (long holds, see changepoint.py)

    def log_weights(self) -> list[float]:
        w = list(self.weights) if self.weights is not None else [1.0] * len(self.thetas)
        total = sum(w)
        return [math.log(x / total) if x > 0 else -math.inf for x in w]


def path(design: Design, rng: random.Random, gen, rate_s: float, p_base: float, dur: float) -> list[tuple[float, float]]:
    """(look end, log statistic) at every look of one stage."""
    lw = design.log_weights()
    log_r = [-math.inf] * len(design.thetas)
    blocks: list[tuple[int, int]] = []
    keep = int(design.base_window // INTERVAL)
    for _ in range(int(min(design.history, design.base_window) // INTERVAL)):
        ns = poisson(rng, rate_s * INTERVAL)
        blocks.append((ns, bad_of(rng, ns, p_base)))
    pend_n = pend_b = 0
    looks = 0
    t = 0.0
    out = []
    while t < dur:
        ns = poisson(rng, rate_s * INTERVAL)
        blocks.append((ns, bad_of(rng, ns, p_base)))
        if len(blocks) > keep:
            blocks.pop(0)
        n, b = gen(t, t + INTERVAL)
        t += INTERVAL
        pend_n, pend_b = pend_n + n, pend_b + b
        if pend_n < max(1, design.min_samples):
            continue
        p0 = design.known_null or null_rate(design.threshold, sum(x[1] for x in blocks), sum(x[0] for x in blocks),
                                            design.floor)
        assert p0 is not None
        if design.per_record:  # the look's requests one by one, in a random order
            order = [1] * pend_b + [0] * (pend_n - pend_b)
            rng.shuffle(order)
            steps = [(x, 1) for x in order]
        else:
            steps = [(pend_b, pend_n)]
        peak = -math.inf
        for bad, n in steps:
            for i, theta in enumerate(design.thetas):
                p1 = theta * p0
                if p1 >= 1.0:
                    log_r[i] = -math.inf
                    continue
                prev = log_r[i]
                if design.statistic == "sr":
                    base = math.log1p(math.exp(prev)) if prev < 700 else prev
                else:  # CUSUM: restart from 1 when the statistic is below 1
                    base = max(prev, 0.0) if prev != -math.inf else 0.0
                log_r[i] = base + bernoulli_llr(bad, n, p0, p1)
            finite = [x + w for x, w in zip(log_r, lw, strict=True) if x != -math.inf and w != -math.inf]
            if design.combine == "max":
                stat = max(x for x in log_r if x != -math.inf)
            else:
                top = max(finite)
                stat = top + math.log(sum(math.exp(x - top) for x in finite))
            peak = max(peak, stat)  # a record-by-record check sees the peak inside the look
        pend_n = pend_b = 0
        looks += 1
        if design.grace and looks > design.grace:
            peak -= math.log(looks / design.grace)  # the same as raising the threshold by that much
        out.append((t, peak))
    return out


def run(design: Design, seed: int, trials: int, stages: int, stage: float, rate: float,
        grid: Sequence[float], warm_at: float = 600.0) -> dict[float, tuple[float, float, float]]:
    """log A -> (false-alarm share, median delay, p90 delay)."""
    rate_a, rate_s = rate * 0.10, rate * 0.90
    rng = random.Random(seed)
    det: list[tuple[float, list[tuple[float, float]]]] = []
    for _ in range(trials):
        warm = warm_at + rng.randrange(int(INTERVAL))
        det.append((warm, path(design, rng, traffic(rng, rate_a, warm, 0.01, 0.08), rate_s, 0.01,
                               warm + 200 * INTERVAL)))
    rng = random.Random(seed * 7919)
    peaks = sorted(max((s for _, s in path(design, rng, traffic(rng, rate_a, None, 0.01, 0.01), rate_s, 0.01, stage)),
                       default=-math.inf) for _ in range(stages))
    out = {}
    for log_a in grid:
        false = (len(peaks) - bisect.bisect_left(peaks, log_a)) / len(peaks)
        delays = []
        for warm, p in det:
            first = next((t for t, s in p if s >= log_a), None)
            if first is not None and first < warm:
                continue
            delays.append(first - warm if first is not None else math.inf)
        delays.sort()
        out[log_a] = (false, statistics.median(delays), delays[int(0.9 * len(delays))])
    return out


DESIGNS = [
    Design("shipped: 1.25..12 uniform"),
    Design("2..12 uniform", thetas=(2.0, 3.0, 5.0, 8.0, 12.0)),
    Design("3,5,8 uniform", thetas=(3.0, 5.0, 8.0)),
    Design("4,6,9 uniform", thetas=(4.0, 6.0, 9.0)),
    Design("log-uniform 2..16 (13 pts)", thetas=tuple(2.0 * 2 ** (i / 4) for i in range(13))),
    Design("rollback-worthy prior", thetas=THETAS, weights=(0.25, 0.25, 0.5, 1, 1.5, 1.5, 1)),
    Design("single theta 6 (point)", thetas=(6.0,)),
    Design("null = 1.0 x base, floor 1%", threshold=1.0, floor=0.01, thetas=(1.5, 2.0, 3.0, 5.0, 8.0, 12.0)),
    Design("null = 1.1 x base, floor 1.1%", threshold=1.1, floor=0.011),
    Design("shipped, CUSUM", statistic="cusum"),
    Design("shipped, min_samples 1", min_samples=1),
    Design("GLR: max over the shipped grid", combine="max"),
    Design("shipped, per record", per_record=True),
    Design("shipped + 1800 s of sync history at start", history=1800.0),
    Design("history 1800 s, no floor", history=1800.0, floor=0.0),
    Design("shipped, log A grows past 50 looks", grace=50),
    Design("shipped, log A grows past 100 looks", grace=100),
    Design("oracle SR told 1% and 8%", thetas=(8.0,), known_null=0.01),
    Design("oracle CUSUM told 1% and 8%", thetas=(8.0,), known_null=0.01, statistic="cusum"),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="1,2,3,4,5")
    ap.add_argument("--trials", type=int, default=400)
    ap.add_argument("--stages", type=int, default=4000)
    ap.add_argument("--stage", type=float, default=1500.0)
    ap.add_argument("--rate", type=float, default=3.33333)
    ap.add_argument("--warm", type=float, default=600.0, help="healthy seconds before a regression")
    ap.add_argument("--designs", default="", help="comma-separated indexes into DESIGNS (default: all)")
    ap.add_argument("--match", type=float, default=0.0005, help="false-alarm share to compare designs at")
    ap.add_argument("--at", default="", help="report each design at these log A (one per design, comma-separated; "
                    "the thresholds chosen on the tuning seeds), per seed")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    chosen = [DESIGNS[int(i)] for i in args.designs.split(",")] if args.designs else DESIGNS
    grid = [x / 4 for x in range(20, 56)]  # log A from 5.0 to 13.75
    if args.at:
        grid = sorted(set(grid) | {float(x) for x in args.at.split(",")})
    print(f"changepoint_variants: seeds {seeds}, {args.trials} regressions, {args.stages} healthy {args.stage:g}s "
          f"stages per seed; matched at false share {args.match}")
    for d in chosen:
        per = [run(d, s, args.trials, args.stages, args.stage, args.rate, grid, args.warm) for s in seeds]
        pooled = {g: (statistics.mean(p[g][0] for p in per), statistics.mean(p[g][1] for p in per),
                      statistics.mean(p[g][2] for p in per)) for g in grid}
        at = next((g for g in grid if pooled[g][0] <= args.match), grid[-1])
        if args.at:
            at = float(args.at.split(",")[chosen.index(d)])
        f, m, p90 = pooled[at]
        print(f"  {d.name:32s} log A {at:5.2f}: false {f:.5f} median {m:5.0f} s p90 {p90:5.0f} s | per seed "
              f"median {' / '.join(f'{p[at][1]:.0f}' for p in per)} false "
              f"{' / '.join(str(round(p[at][0] * args.stages)) for p in per)}", flush=True)
        for g in grid[::2]:
            print(f"      log A {g:5.2f}: false {pooled[g][0]:.5f} median {pooled[g][1]:5.0f} p90 {pooled[g][2]:5.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
