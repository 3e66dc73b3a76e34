"""CPU of an evaluation whose whole-stage gate that is not a proportion (p95) is in its settling span.

Issue 19, round 20 item 2: evaluate._settling_reading measured the whole span so far at every evaluation
(only for the stream's freshness); it now looks incrementally (StageTotals.look: the previous look's
interval + max_lateness). The real MetricsHub holds N gateway-shaped records (10% async) over the span's
first 1,700 s (settle 1800), replayed from a file; StageEvaluator runs every 10 s on a ManualClock at
1,700-1,800 s into the stage, carrying its totals as the controller does. Reports process CPU per
evaluation (median of the evaluations after the first, which reads the whole span in both trees).

Usage: python bench/settle_look.py --sizes 50000,200000 [--trees A B]  (each tree in its own process,
PYTHONPATH = the tree; ratios B / A printed). Without --trees: this tree only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import asyncio, json, random, statistics, sys, time
from datetime import UTC, datetime
from pathlib import Path
from sidecar.clock import ManualClock
from sidecar.config import GateConfig, JsonlStream, MetricsConfig, RolloutConfig, StageConfig
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec
from sidecar.rollout.evaluate import StageEvaluator
from sidecar.rollout.state import RUNNING, Snapshot

n, path = int(sys.argv[1]), Path(sys.argv[2])
rng = random.Random(n)
start = 1_763_900_000.0
with path.open("w") as f:
    for _ in range(n):
        t = start + rng.uniform(0, 1700)
        kind = "async" if rng.random() < 0.1 else "sync"
        iso = datetime.fromtimestamp(t, tz=UTC).replace(tzinfo=None).isoformat()
        f.write(json.dumps({"execution_type": kind, "success": rng.random() > 0.01,
                            "duration_ms": rng.lognormvariate(6.5, 0.5), "timestamp": iso}) + "\n")

async def main():
    clock = ManualClock(start=start + 1700)
    hub = MetricsHub(MetricsConfig(jsonl=[JsonlStream(name="s", paths=[str(path)], start_at="beginning",
                                                      max_records=max(2 * n, 100_000))]), clock)
    await hub.jsonl["s"].poll()
    p95 = MetricSpec(source="jsonl", stream="s", function="quantile", quantile=0.95, field="duration_ms",
                     where={"execution_type": "async"})
    gate = GateConfig(name="p95", metric=p95, op="<=", threshold=5000.0, on_fail="hold")
    cfg = RolloutConfig(name="r", flag="F", interval=10, max_lateness=120, settle=1800, max_staleness=600,
                        stages=[StageConfig(percent=10, hold=60, gates=[gate]), StageConfig(percent=50)])
    data = {}
    cpu = []
    for _ in range(10):
        snap = Snapshot(name="r", state=RUNNING, stage_index=0, percent=10, started_at=start,
                        stage_started_at=start, stage_elapsed=0.0, running_since=start, incident=1, version=1,
                        data=dict(data))
        t = time.process_time()
        ev = await StageEvaluator(cfg, snap, hub.measure, clock.time()).run()
        cpu.append(time.process_time() - t)
        data["totals"] = ev.totals
        clock.advance(10)
    print(json.dumps({"first": cpu[0], "median": statistics.median(cpu[1:])}))

asyncio.run(main())
"""


def run(tree: Path, n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(Path(d) / "metrics.jsonl")], check=True,
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50000,200000")
    ap.add_argument("--trees", nargs="*", default=[str(Path(__file__).resolve().parents[1])])
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    for n in (int(x) for x in a.sizes.split(",")):
        got: dict[str, list[float]] = {t: [] for t in a.trees}
        for _ in range(a.rounds):
            for t in a.trees:  # alternately: the shared machine's noise hits both
                got[t].append(run(Path(t), n)["median"])
        meds = {t: statistics.median(v) for t, v in got.items()}
        line = "  ".join(f"{Path(t).name}: {m * 1000:.2f} ms" for t, m in meds.items())
        if len(a.trees) == 2:
            first, second = a.trees
            line += f"  ratio {meds[second] / meds[first]:.3f}"
        print(f"N={n}: CPU per evaluation (median) {line}", flush=True)


if __name__ == "__main__":
    main()
