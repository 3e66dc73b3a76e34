"""What the read journal (sidecar/metrics/journal.py) costs: records/s and bytes written per record by a
JSONL metrics stream with the journal vs without it, on the same generated gateway records, in one run.

    PYTHONPATH=$PWD .venv/bin/python bench/journal_cost.py [--records 120000] [--rates 20,300,3000] [--repeat 3]

Per rate (gateway records/s), the stream follows a real file that a writer appends one second of
records to before each poll (as `sidecar run` polls every second), on a manual clock; records are the
gateway's own (tests/rollout/upstream_writer: async/sync/sync_fallback, double-written failures with
fallback off, request ids none/unique). The two variants alternate (without, with, without, with...)
so load on the shared machine hits both alike; each figure is the median over `--repeat` runs.
- CPU: process CPU seconds spent in the polls (time.process_time), records/s = placed records / CPU s.
- Bytes: what the process wrote (/proc/self/io `wchar`: every write(2), the journal's appends and
  rewrites, the clock file) per placed record; the metrics file's own bytes are written by the bench's
  writer before the poll and are not in either figure.
The ratio (with / without) is the figure to read; absolute records/s depend on the box and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sidecar.clock import ManualClock  # noqa: E402
from sidecar.config import JsonlStream, MetricsConfig  # noqa: E402
from sidecar.metrics.hub import MetricsHub  # noqa: E402
from tests.rollout.upstream_writer import plan, records  # noqa: E402


def wchar() -> int:
    with open("/proc/self/io") as f:
        for line in f:
            if line.startswith("wchar:"):
                return int(line.split()[1])
    raise RuntimeError("no wchar in /proc/self/io")


def seconds_of_lines(n: int, rate: float, seed: int) -> list[bytes]:
    """`n` gateway records at `rate` records/s, as one chunk of bytes per second of their writing."""
    rng = random.Random(seed)
    t0 = 1_763_900_000.0
    calls = plan(rng, n, start=t0, rate=rate, rollout=50, async_fail=0.05, sync_fail=0.01, fallback=seed % 2 == 0,
                 ids="unique" if seed % 3 == 0 else "none")
    out = sorted((a, json.dumps(asdict(m)) + "\n") for c in calls for a, m in records(c))
    chunks: list[bytes] = []
    sec, buf = 1, []
    for a, line in out:
        while a > t0 + sec:
            chunks.append("".join(buf).encode())
            sec, buf = sec + 1, []
        buf.append(line)
    chunks.append("".join(buf).encode())
    return chunks


async def run(chunks: list[bytes], journal: bool, tmp: Path) -> tuple[int, float, int]:
    """(records placed, CPU seconds in the polls, bytes the process wrote)."""
    path = tmp / "metrics.jsonl"
    path.write_bytes(b"")
    clock = ManualClock(start=1_763_900_000.0)
    stream = JsonlStream(name="async_upload", paths=[str(path)], start_at="beginning", poll_interval=1.0)
    hub = MetricsHub(MetricsConfig(jsonl=[stream], clock_dir=str(tmp / "clocks") if journal else None), clock)
    source = hub.jsonl["async_upload"]
    await source.poll()
    cpu = 0.0
    wrote = 0
    with path.open("ab") as f:
        for chunk in chunks:
            clock.advance(1.0)
            f.write(chunk)
            f.flush()
            os.utime(path, (clock.time(), clock.time()))
            w0, c0 = wchar(), time.process_time()
            await source.poll()
            cpu += time.process_time() - c0
            wrote += wchar() - w0
    placed = source.records
    source.close()
    return placed, cpu, wrote


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=120_000, help="gateway calls per run")
    ap.add_argument("--rates", default="20,300,3000", help="gateway calls per second")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"journal cost: {args.records} calls per run, median of {args.repeat} alternated runs, "
          f"load {os.getloadavg()[0]:.1f} at start")
    print(f"{'calls/s':>8} {'records':>8} {'rec/s without':>14} {'rec/s with':>11} {'CPU ratio':>9} "
          f"{'B/rec without':>13} {'B/rec with':>10}")
    for rate in (float(r) for r in args.rates.split(",")):
        chunks = seconds_of_lines(args.records, rate, seed=int(rate))
        cpu: dict[bool, list[float]] = {False: [], True: []}
        per: dict[bool, list[float]] = {False: [], True: []}
        placed = 0
        for _ in range(args.repeat):
            for journal in (False, True):
                with tempfile.TemporaryDirectory() as d:
                    placed, seconds, wrote = await run(chunks, journal, Path(d))
                cpu[journal].append(seconds)
                per[journal].append(wrote / max(1, placed))
        without, with_ = statistics.median(cpu[False]), statistics.median(cpu[True])
        print(f"{rate:>8.0f} {placed:>8} {placed / without:>14.0f} {placed / with_:>11.0f} {with_ / without:>9.2f} "
              f"{statistics.median(per[False]):>13.1f} {statistics.median(per[True]):>10.1f}")
    print(f"load {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    asyncio.run(main())
