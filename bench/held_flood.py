"""Held records under a flood: the cost of `HeldRecords.due` per poll (re-read r18 finding 3, issue 16).

    .venv/bin/python bench/held_flood.py --trees BASE_DIR THIS_DIR [--records 20000] [--batch 50] [--rounds 3]

Ten writers read in batches of `--batch` records, one `due()` poll per read, as metrics/placing.py polls:
eight whose records look late and do not bunch (a backlog of spread ages: no clock is learned, so every record
waits its `hold`), one whose clock steps back 300 s a third of the way in (placed on the new clock), one slow writer
200 s behind (a record in 5). Time moves 0.01 s a read for the first half, 0.5 s after (waits run out). Up to `limit` (10,000) records wait at once, and every poll asks each of them
`SkewEstimator.agreed_since`. Each tree runs in a fresh child process (PYTHONPATH = that tree), rounds
alternated ABBA; the figure is each tree's median seconds in `due()` and its ratio to the first tree.
The placed records (order and offset, as a digest) and the counters must agree between trees (same decisions),
or the run says so and fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = r"""
import hashlib, json, random, sys, time
from sidecar.metrics.held import HeldRecords
from sidecar.metrics.skew import SkewEstimator
records, batch, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
held = HeldRecords(max_lateness=600.0)
# writers: a backlog of spread ages (never one clock: every record waits its hold - the flood), a clock that steps
# back 300 s mid-run (agreed / confirmed), a slow writer 200 s behind (provisional or expired)
kinds = ["backlog"] * 8 + ["step", "slow"]
skews = {k: SkewEstimator() for k in set(kinds)}
now, read, spent, digest = 1_000_000.0, 0, 0.0, hashlib.sha256()
def place(out):
    for h in out:
        digest.update(f"{h.record['i']}:{h.offset}|".encode())
for i in range(records):
    kind = r.choice(kinds)
    if i % batch == 0:
        read += 1
        now += 0.01 if i < records // 2 else 0.5
        t0 = time.perf_counter()
        place(held.due(now))
        spent += time.perf_counter() - t0
    if kind == "slow" and r.random() < 0.8:
        continue
    if kind == "backlog":
        stamp = now - r.uniform(60.0, 400.0)
    elif kind == "step":
        stamp = now - (300.0 if i > records // 3 else 0.0) - r.uniform(0.0, 2.0)
    else:
        stamp = now - 200.0 - r.uniform(0.0, 5.0)
    skew = skews[kind]
    skew.observe(now - stamp, float(read))
    wait = held.wait(skew, stamp, now)
    if wait is not None:
        held.add({"i": i}, stamp, now, skew, wait)
t0 = time.perf_counter()
place(held.due(now + 10_000))
spent += time.perf_counter() - t0
print(json.dumps({"due_s": spent, "digest": digest.hexdigest()[:16], "expired": held.expired, "agreed": held.agreed,
                  "confirmed": held.confirmed, "provisional": held.provisional}))
"""


def run(tree: str, records: int, batch: int, seed: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.path.abspath(tree)}
    # cwd = the tree: `-c` puts the working directory first on sys.path, before PYTHONPATH
    out = subprocess.run([sys.executable, "-c", CHILD, str(records), str(batch), str(seed)], env=env, cwd=tree,
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{tree}: {out.stderr}")
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trees", nargs="+", required=True)
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    times: dict[str, list[float]] = {t: [] for t in a.trees}
    outcome: dict[str, tuple[str, int, int, int, int]] = {}
    for rnd in range(a.rounds):
        order = a.trees if rnd % 2 == 0 else list(reversed(a.trees))
        for tree in order:
            got = run(tree, a.records, a.batch, a.seed)
            times[tree].append(got["due_s"])
            outcome[tree] = (got["digest"], got["expired"], got["agreed"], got["confirmed"], got["provisional"])
    base = statistics.median(times[a.trees[0]])
    for tree in a.trees:
        med = statistics.median(times[tree])
        print(f"{tree}: due() {med:.3f} s median of {a.rounds} (ratio to first {med / base:.3f}); "
              f"placed digest/expired/agreed/confirmed/provisional {outcome[tree]}")
    if len(set(outcome.values())) > 1:
        sys.exit("the trees decided differently")


if __name__ == "__main__":
    main()
