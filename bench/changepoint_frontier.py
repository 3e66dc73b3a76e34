"""How far the change trigger is from the best any detector can do on the same traffic (issue 19).

bench/rollout_sim.py runs the real controller (slow: ~5 min per 1,000 healthy stages); this is a
fast stand-in of its traffic (same model: Poisson arrivals per second at `--rate` x 10% canary /
90% sync, canary and sync errors 1%, the canary 1% -> 8% after a 600-630 s warm-up, looks every
30 s interval, a look needs `min_samples` canary requests, the null from the sync errors of the
last 1800 s) for comparing trigger designs against:

- `shipped`: rollout/changepoint.py as configured in rules/rollouts.yaml (its own functions:
  sr_update / fires / null_rate), at several confidences A = 1 / (1 - confidence);
- `oracle`: a CUSUM that is told both true rates (1% before, 8% after: the simple-vs-simple test
  Lorden/Moustakides proved optimal for detection delay at a given false-alarm rate) and that
  checks every 5 s (not only at the 30 s evaluations). No real trigger can know either rate; it
  bounds what any trigger can do on this traffic.

Reports the median / p90 detection delay at 20 async uploads/min and false alarms in healthy 10%
stages of `--stage` seconds, per seed. Its medians agree with bench/rollout_sim.py's within their
noise (same trigger; seeds 11 / 13: 286 / 266 s here, 265 / 314 s there), but its random streams are
its own: read it for the ranking of designs and the distance to the oracle, rollout_sim for figures.

Usage: .venv/bin/python bench/changepoint_frontier.py [--seeds 11,13] [--trials 300] [--stages 4000]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.rollout_traffic import poisson  # noqa: E402 - the simulator's traffic model, not a copy of it
from sidecar.rollout.changepoint import ChangeState, fires, look, null_rate  # noqa: E402

INTERVAL = 30.0
SUB = 5.0  # the oracle's checking period


def bad_of(rng: random.Random, n: int, p: float) -> int:
    return poisson(rng, n * p) if n > 50 else sum(1 for _ in range(n) if rng.random() < p)


Traffic = Callable[[float, float], tuple[int, int]]  # (start, end) -> canary (requests, bad)


def traffic(rng: random.Random, rate_a: float, change: float | None, before: float, after: float) -> Traffic:
    def gen(a: float, b: float) -> tuple[int, int]:
        if change is not None and a < change < b:
            n1, n2 = poisson(rng, rate_a * (change - a)), poisson(rng, rate_a * (b - change))
            return n1 + n2, bad_of(rng, n1, before) + bad_of(rng, n2, after)
        n = poisson(rng, rate_a * (b - a))
        return n, bad_of(rng, n, after if change is not None and a >= change else before)
    return gen


def shipped(confidence: float, threshold: float = 1.25, floor: float = 0.0125, min_samples: int = 5,
            base_window: float = 1800.0) -> Callable[..., float | None]:
    """The shipped trigger: first evaluation time at which it fires (None: never within `dur`)."""
    def run(rng: random.Random, gen: Traffic, rate_s: float, p_base: float, dur: float) -> float | None:
        state = ChangeState()
        blocks: list[tuple[int, int]] = []
        pend_n = pend_b = 0
        t = 0.0
        while t < dur:
            ns = poisson(rng, rate_s * INTERVAL)
            blocks = (blocks + [(ns, bad_of(rng, ns, p_base))])[-int(base_window // INTERVAL):]
            n, b = gen(t, t + INTERVAL)
            t += INTERVAL
            pend_n, pend_b = pend_n + n, pend_b + b
            if pend_n < max(1, min_samples):
                continue
            p0 = null_rate(threshold, sum(x[1] for x in blocks), sum(x[0] for x in blocks), floor)
            assert p0 is not None
            state = look(state, pend_b, pend_n, p0, t)
            pend_n = pend_b = 0
            if fires(state, confidence)[0]:
                return t
        return None
    return run


def oracle(h: float, p_before: float = 0.01, p_after: float = 0.08) -> Callable[..., float | None]:
    """CUSUM with the true rates, checked every SUB seconds, acting at the next evaluation."""
    up, down = math.log(p_after / p_before), math.log((1 - p_after) / (1 - p_before))

    def run(rng: random.Random, gen: Traffic, rate_s: float, p_base: float, dur: float) -> float | None:
        w, t = 0.0, 0.0
        while t < dur:
            for j in range(int(INTERVAL / SUB)):
                n, b = gen(t + j * SUB, t + (j + 1) * SUB)
                w = max(0.0, w + (n - b) * down) + b * up  # goods first: the path's peak is after the bads
                if w >= h:
                    return t + INTERVAL
            t += INTERVAL
        return None
    return run


def measure(detector: Callable[..., float | None], seed: int, trials: int, stages: int, stage: float,
            rate: float) -> tuple[float, float, int]:
    rate_a, rate_s = rate * 0.10, rate * 0.90
    rng = random.Random(seed)
    delays = []
    for _ in range(trials):
        warm = 600.0 + rng.randrange(int(INTERVAL))
        fired = detector(rng, traffic(rng, rate_a, warm, 0.01, 0.08), rate_s, 0.01, warm + 200 * INTERVAL)
        if fired is None or fired >= warm:  # a firing during the warm-up is counted below, not here
            delays.append(math.inf if fired is None else fired - warm)
    rng = random.Random(seed * 7919)
    false = sum(detector(rng, traffic(rng, rate_a, None, 0.01, 0.01), rate_s, 0.01, stage) is not None
                for _ in range(stages))
    return statistics.median(delays), sorted(delays)[int(0.9 * len(delays))], false


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="11,13")
    ap.add_argument("--trials", type=int, default=300, help="regressions per seed")
    ap.add_argument("--stages", type=int, default=4000, help="healthy stages per seed")
    ap.add_argument("--stage", type=float, default=1500.0, help="healthy stage length, seconds (50 looks)")
    ap.add_argument("--rate", type=float, default=3.33333, help="gateway requests/s (20 async/min at 10%%)")
    ap.add_argument("--confidences", default="0.999,0.9995,0.99975")
    ap.add_argument("--oracle-h", default="8,9,10")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    detectors = [(f"shipped A={1 / (1 - float(c)):.0f}", shipped(float(c))) for c in args.confidences.split(",")]
    detectors += [(f"oracle CUSUM h={h}", oracle(float(h))) for h in args.oracle_h.split(",")]
    print(f"changepoint_frontier: 1% -> 8% at {args.rate * 6:.0f} async/min, seeds {seeds}, {args.trials} "
          f"regressions and {args.stages} healthy {args.stage:g}s stages per seed")
    for name, det in detectors:
        rows = [measure(det, s, args.trials, args.stages, args.stage, args.rate) for s in seeds]
        print(f"  {name:22s} median {' / '.join(f'{m:.0f}' for m, _, _ in rows)} s, p90 "
              f"{' / '.join(f'{p:.0f}' for _, p, _ in rows)} s, false alarms "
              f"{' / '.join(str(f) for _, _, f in rows)} in {args.stages}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
