"""CPU of one rollout evaluation against the real MetricsHub with 10k / 50k / 200k records in the window.

The shipped `async-upload` rollout (rules/rollouts.yaml) at its 10% stage, the real MetricsHub fed
records shaped like the gateway's metrics.jsonl spread over the 1800 s window (10% async incl. 1%
sync_fallback, 90% sync), a real SQLite store, a ManualClock advanced one interval per evaluation.
Reports CPU seconds per evaluation (time.process_time, median of --repeat) and the ratio to the
10k case measured in the same run (the machine is shared and noisy).

Usage: .venv/bin/python bench/rollout_hub_eval.py [--repeat 5] [--sizes 10000,50000,200000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.clock import ManualClock, utc  # noqa: E402
from sidecar.config import JsonlStream, MetricsConfig, RolloutsFile, read_yaml  # noqa: E402
from sidecar.metrics.hub import MetricsHub  # noqa: E402
from sidecar.rollout.controller import RolloutController  # noqa: E402
from sidecar.store.sqlite import open_sqlite  # noqa: E402


async def one(size: int, repeat: int, seed: int) -> float:
    clock = ManualClock(start=1_763_900_000.0)
    hub = MetricsHub(MetricsConfig(window=1800, jsonl=[JsonlStream(name="async_upload", paths=["/nonexistent"],
                                                                    max_records=size + 10)]), clock)
    cfg = RolloutsFile.model_validate(read_yaml(ROOT / "rules" / "rollouts.yaml")).rollouts[0]
    cfg = cfg.model_copy(update={"stages": cfg.stages[1:]})  # the 10% stage first
    rng = random.Random(seed)
    span = 1700.0
    now = clock.time()
    for i in range(size):
        t = now - span + span * i / size
        r = rng.random()
        kind = "sync" if r < 0.9 else ("sync_fallback" if r < 0.901 else "async")
        hub.ingest_record("async_upload", {"execution_type": kind, "success": True,
                                           "duration_ms": rng.lognormvariate(6.5, 0.4), "provider": "kimi",
                                           "file_size_mb": 1.0, "fallback_used": kind == "sync_fallback"}, t=t)
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_sqlite(str(Path(tmp) / "b.db"))
        c = RolloutController([cfg], store, hub, clock=clock, replica="bench")
        await c.repo.ensure(cfg.name, utc(clock.time()))
        await c.act(cfg.name, "start")
        times = []
        for _ in range(repeat):
            clock.advance(cfg.interval)
            for _ in range(int(size / span * cfg.interval)):  # the traffic of one interval
                hub.ingest_record("async_upload", {"execution_type": "sync", "success": True, "duration_ms": 700.0})
            t0 = time.process_time()
            await c.evaluate(cfg.name, force=True)
            times.append(time.process_time() - t0)
        await c.stop()
        await store.close()
    return statistics.median(times)


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", default="10000,50000,200000")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    base = None
    for size in sizes:
        cpu = await one(size, args.repeat, args.seed)
        base = base or cpu
        print(f"{size:>7} records in window: {cpu * 1000:8.1f} ms CPU per evaluation "
              f"(median of {args.repeat}), {cpu / base:5.1f}x the {sizes[0]} case")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
