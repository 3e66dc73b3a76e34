"""A flood of unique error lines through the errors stage: groups, RSS and database growth.

100,000 lines that no masking or learning can merge (random plain words in every position, one
logger) are recorded in batches of 500 by `GroupRecorder` into a fresh SQLite database, the clock
advancing 1 s per batch (a 100,000-line flood over ~3 minutes). Reported: groups made, peak RSS
growth, database size, events counted. The baseline in the same run is the cap disabled
(`new_groups_per_logger_per_minute: 0`, the behaviour before issue 15).

    .venv/bin/python bench/grouping_flood.py [--lines 100000] [--cap 100] [--no-baseline]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import string
import sys
import tempfile
import time
from pathlib import Path

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.config import GroupingConfig
from sidecar.errors.groups import GroupRecorder
from sidecar.ingest.record import ErrorEvent
from sidecar.store.sqlite import open_sqlite
from sidecar.telemetry import Telemetry


def lines(n: int, seed: int = 15) -> list[str]:
    rnd = random.Random(seed)
    words = ["".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(3, 9))) for _ in range(5000)]
    return [" ".join(rnd.choice(words) for _ in range(rnd.randint(4, 9))) for _ in range(n)]


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _files_size(folder: str) -> int:
    """The database with its WAL and shared-memory files."""
    return sum(p.stat().st_size for p in Path(folder).iterdir())


async def run(messages: list[str], cap: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "flood.db"
        store = await open_sqlite(str(path))
        try:
            clock = ManualClock(start=1_790_000_000.0)
            rec = GroupRecorder(store, Bus(), clock, Telemetry(),
                                GroupingConfig(new_groups_per_logger_per_minute=cap))
            await rec.record([ErrorEvent(source="b", file="/f", line=1, offset=0, end_offset=1, timestamp=None,
                                         level="ERROR", logger="fuzz", message="warm up", raw="warm up",
                                         file_key="k")])
            db0 = _files_size(tmp)
            rss0 = _rss_mib()
            peak = rss0
            t0 = time.perf_counter()
            for i in range(0, len(messages), 500):
                batch = [ErrorEvent(source="b", file="/f", line=j + 2, offset=(j + 1) * 100, end_offset=0,
                                    timestamp=None, level="ERROR", logger="fuzz", message=m, raw=m, file_key="k")
                         for j, m in enumerate(messages[i:i + 500], start=i)]
                await rec.record(batch)
                clock.advance(1.0)
                peak = max(peak, _rss_mib())
            seconds = time.perf_counter() - t0
            _, groups = await store.groups.list(limit=1)
            counted = await store.groups.receipt_count()
            db_files = _files_size(tmp)
        finally:
            await store.close()
    return {"groups": groups, "events": counted, "rss_growth_mib": peak - rss0,
            "db_growth_mib": (db_files - db0) / 2**20, "lines_per_s": len(messages) / seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--cap", type=int, default=GroupingConfig().new_groups_per_logger_per_minute)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
    messages = lines(args.lines)
    print(f"{len(messages):,} lines, {len(set(messages)):,} distinct; pid {os.getpid()}")
    runs = [("cap", args.cap)] + ([] if args.no_baseline else [("no cap (baseline)", 0)])
    for label, cap in runs:
        r = asyncio.run(run(messages, cap))
        print(f"{label:<18} cap={cap:<4} groups {r['groups']:>7,}  events {r['events']:>7,.0f}  "
              f"RSS +{r['rss_growth_mib']:6.1f} MiB  DB +{r['db_growth_mib']:6.1f} MiB  {r['lines_per_s']:8,.0f} lines/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
