"""The change trigger checked between looks (`check_every`) vs at look ends only, at EQUAL false alarms.

Issue 19, round 8. Stand-in of bench/rollout_sim.py's traffic (bench/changepoint_variants.py's model:
Poisson arrivals, 10% canary / 90% sync at `--rate`, 1% errors on both, the canary 1% -> 8% after a
600-630 s warm-up, looks every 30 s interval with at least 5 canary requests, the null from the sync
errors of the last 1800 s) with request arrival TIMES inside each look, so a check every `--check`
seconds can see the statistic of the look in progress (changepoint.py "Checked between looks"): the
peak of a look is right after a bad request, so only the check after each bad request is computed.
For every log A on a grid (one pass): false share = healthy 1,500 s stages (rollout_sim's 10% stage)
whose statistic ever reached log A; delay = first check at or above log A after the change.

Used to fix the shipped threshold from the goal's budget (1e-4 false per stage) on tuning seeds 1-5:
    .venv/bin/python bench/changepoint_watch.py --seeds 1,2,3,4,5 --trials 400 --stages 10000 --check 5 --history 1800
(`--check 0`: looks only, the round-7 trigger; `--thetas 4,6,8,12`: another mixing prior.)
"""

from __future__ import annotations

import argparse
import bisect
import math
import random
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.rollout_traffic import poisson  # noqa: E402 - the simulator's traffic model
from sidecar.rollout.changepoint import THETAS, log_mixture, null_rate, sr_update  # noqa: E402

IV = 30.0  # the evaluation interval


def errors(rng: random.Random, n: int, p: float) -> int:
    return poisson(rng, n * p) if n > 50 else sum(rng.random() < p for _ in range(n))


def mixture(log_r: Sequence[float], bad: int, n: int, p0: float, thetas: Sequence[float]) -> tuple[float, list[float]]:
    """(log of the mixture statistic, per-theta log R) after `bad` of `n` more requests: the sidecar's own
    changepoint.sr_update and log_mixture, so the stand-in cannot drift from the code it stands in for."""
    vals = sr_update(log_r, bad, n, p0, thetas)
    return log_mixture(vals), vals


def path(rng: random.Random, rate_a: float, rate_s: float, change: float | None, dur: float, check: float,
         history: float, thetas: Sequence[float], min_samples: int = 5, window: float = 1800.0,
         known_p0: float | None = None) -> list[tuple[float, float]]:
    """(check time, log statistic) at every look end and, with `check`, after every bad request."""
    log_r = [-math.inf] * len(thetas)
    blocks = [(n, errors(rng, n, 0.01)) for n in (poisson(rng, rate_s * IV) for _ in range(int(min(history, window) // IV)))]
    pending: list[tuple[float, bool]] = []
    t, out, p0 = 0.0, [], None
    while t < dur:
        arrivals = sorted(t + rng.random() * IV for _ in range(poisson(rng, rate_a * IV)))
        recs = [(x, rng.random() < (0.08 if change is not None and x >= change else 0.01)) for x in arrivals]
        if known_p0 is not None:  # the oracle: told the healthy rate, no margin, no baseline noise
            p0 = known_p0
        elif blocks:  # the look's null comes from the sync requests before it
            p0 = null_rate(1.25, sum(b for _, b in blocks), sum(n for n, _ in blocks), 0.0125)
        if p0 is not None and check:
            seen = pending + recs
            for x, bad in recs:
                at = math.ceil((x - 1e-9) / check) * check
                if not bad or at >= t + IV:
                    continue
                upto = [r for r in seen if r[0] <= at]
                if len(upto) >= 1:
                    out.append((at, mixture(log_r, sum(r[1] for r in upto), len(upto), p0, thetas)[0]))
        ns = poisson(rng, rate_s * IV)
        blocks = (blocks + [(ns, errors(rng, ns, 0.01))])[-int(window // IV):]
        t += IV
        pending += recs
        if len(pending) < min_samples or p0 is None:
            continue
        stat, log_r = mixture(log_r, sum(r[1] for r in pending), len(pending), p0, thetas)
        out.append((t, stat))
        pending = []
    return out


def run(seed: int, trials: int, stages: int, check: float, history: float, thetas: Sequence[float],
        grid: Sequence[float], rate: float = 3.33333, stage: float = 1500.0,
        known_p0: float | None = None) -> dict[float, tuple[float, float, float]]:
    """log A -> (false share, median delay, p90 delay)."""
    ra, rs = rate * 0.1, rate * 0.9
    rng = random.Random(seed)
    det = []
    for _ in range(trials):
        warm = 600.0 + rng.randrange(30)
        det.append((warm, path(rng, ra, rs, warm, warm + 200 * IV, check, history, thetas, known_p0=known_p0)))
    rng = random.Random(seed * 7919)
    peaks = sorted(max((s for _, s in path(rng, ra, rs, None, stage, check, history, thetas, known_p0=known_p0)), default=-math.inf)
                   for _ in range(stages))
    res = {}
    for la in grid:
        false = (len(peaks) - bisect.bisect_left(peaks, la)) / len(peaks)
        delays = []
        for warm, p in det:
            first = next((tt for tt, s in p if s >= la), None)
            if first is not None and first < warm:
                continue  # fired during the warm-up: a false alarm, counted above
            delays.append(first - warm if first is not None else math.inf)
        delays.sort()
        res[la] = (false, statistics.median(delays), delays[int(0.9 * len(delays))])
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="1,2,3,4,5")
    ap.add_argument("--trials", type=int, default=400)
    ap.add_argument("--stages", type=int, default=10000)
    ap.add_argument("--check", type=float, default=5.0, help="seconds between checks inside a look (0: look ends only)")
    ap.add_argument("--history", type=float, default=1800.0, help="seconds of sync requests held when a stage starts")
    ap.add_argument("--thetas", default=",".join(str(t) for t in THETAS))
    ap.add_argument("--known-p0", type=float, default=None,
                    help="oracle: the null is this rate (told the healthy rate; with --thetas 8 told the change too)")
    ap.add_argument("--grid", default="6.5,12.25", help="log A range: lo,hi in steps of 0.25")
    args = ap.parse_args()
    thetas = tuple(float(x) for x in args.thetas.split(","))
    lo, hi = (float(x) for x in args.grid.split(","))
    grid = [x / 4 for x in range(int(lo * 4), int(hi * 4) + 1)]
    per = [run(int(s), args.trials, args.stages, args.check, args.history, thetas, grid, known_p0=args.known_p0)
           for s in args.seeds.split(",")]
    print(f"changepoint_watch: seeds {args.seeds}, check {args.check:g} s, history {args.history:g} s, thetas {thetas}")
    for g in grid:
        f, m, p9 = (statistics.mean(p[g][i] for p in per) for i in range(3))
        print(f"  log A {g:5.2f}: false share {f:.5f}  median {m:4.0f} s  p90 {p9:4.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
