"""Peak RSS while tailing 1,000 files (plus appends to random files), against the process baseline.

    .venv/bin/python bench/ingest_rss.py [--files 1000] [--seconds 10]

Baseline: peak RSS after importing the sidecar and creating the files, before Ingest starts.
Then Ingest tails every file (start_at beginning: each holds ~50 KiB with tracebacks) while a
writer appends to random files; peak RSS (ru_maxrss) is reported with the delta over the baseline.
"""

# The benchmark plays the gateway too: its blocking appends from the event loop are deliberate.
# ruff: noqa: ASYNC230

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time

from sidecar.clock import SystemClock
from sidecar.config import Config
from sidecar.ingest.tail import Ingest
from sidecar.telemetry import Telemetry

TB = (
    "2026-11-23 10:00:00 ERROR app.mod: failed seq={seq}\n"
    "Traceback (most recent call last):\n"
    '  File "/app/src/x.py", line 10, in handler\n'
    "    do()\n"
    "ValueError: bad value {seq}\n"
)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    received = 0

    async def sink(batch):
        nonlocal received
        received += len(batch)

    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, f"svc{i:04d}.log") for i in range(args.files)]
        body = "".join(f"2026-11-23 10:00:00 INFO app.mod: line {i}\n" for i in range(900)) + TB.format(seq=0)
        for p in paths:
            with open(p, "w") as f:
                f.write(body)
        base = peak_mib()
        cfg = Config.model_validate({"sources": [{"paths": [os.path.join(d, "*.log")], "start_at": "beginning"}],
                                     "ingest": {"checkpoint_dir": os.path.join(d, "ck")}})
        ing = Ingest(cfg, sink, SystemClock(), Telemetry())
        t = time.perf_counter()
        await ing.start()
        rnd = random.Random(1)
        seq = 1
        while time.perf_counter() - t < args.seconds:
            for _ in range(20):
                with open(rnd.choice(paths), "a") as f:
                    f.write(TB.format(seq=seq))
                seq += 1
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
        files = len(ing.files)
        await ing.stop()
        peak = peak_mib()
    print(f"files tailed: {files}  events: {received} (expected >= {args.files + seq - 1 - 20})")
    print(f"peak RSS: {peak:.1f} MiB  baseline (imports + files created): {base:.1f} MiB  "
          f"delta: {peak - base:.1f} MiB  ({(peak - base) * 1024 / max(files, 1):.0f} KiB per file)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
