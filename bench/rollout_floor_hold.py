"""How often the 1% stage's 99.5% success floor trips within its shipped 48 h hold, by canary error rate.

rollout_sim's healthy stages hold 600 s; the shipped 1% stage holds 48 h, and the floor's sequential test
(valid for rates <= 0.5% errors) keeps looking. 2 uploads/min at the 1% stage (20/min at 10%), a look every
30 s (5,760 looks), the shipped gate: mixture LR over MIXTURE_RATIOS at 0.5% errors, failing at
LR >= 1/(1 - 0.999), tripping after 3 failures in a row. Round 4 rolled back on such a trip; round 5 holds.

Usage: PYTHONPATH=$PWD .venv/bin/python bench/rollout_floor_hold.py SEED STREAMS   (200 streams: ~15 s CPU)
"""

import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sidecar.rollout.stats import MIXTURE_RATIOS  # noqa: E402

seed, streams = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
t, looks, per_look = 0.005, 5760, 1.0
ratios = [r for r in MIXTURE_RATIOS if t * r < 1]
lb = [math.log(r) for r in ratios]
lg = [math.log((1 - t * r) / (1 - t)) for r in ratios]
limit = math.log(1000.0) + math.log(len(ratios))  # mean over ratios >= 1000  <=>  sum >= 1000 k


def poisson1() -> int:
    k, p, lim = 0, 1.0, math.exp(-per_look)
    while True:
        p *= rng.random()
        if p <= lim:
            return k
        k += 1


for p in (0.005, 0.0075, 0.01, 0.02):
    trips = []
    for _ in range(streams):
        b = g = 0
        streak = 0
        for k in range(looks):
            n = poisson1()
            e = sum(1 for _ in range(n) if rng.random() < p)
            b += e
            g += n - e
            m = max(b * x + g * y for x, y in zip(lb, lg, strict=True))
            s = m + math.log(sum(math.exp(b * x + g * y - m) for x, y in zip(lb, lg, strict=True)))
            streak = streak + 1 if s >= limit else 0
            if streak >= 3:
                trips.append(k + 1)
                break
    med = sorted(trips)[len(trips) // 2] if trips else float("nan")
    print(f"canary errors {p:.2%}: floor tripped in {len(trips)}/{streams} 48 h stages; median at look {med} "
          f"(~{med * 30 / 3600:.1f} h)", flush=True)
