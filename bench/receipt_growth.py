"""Cost of counting a batch as the receipts table grows: range rows (file events) vs per-event keys (SDK events).

Round 8 measured per-event receipt INSERTs at 3.4 us/event into an empty table and 9.5 us at 40k rows
(random-key B-tree inserts). File events now leave one range row per stream and batch
(store/receipt_ranges.py); SDK events still leave one key each, so both paths are in the same commit
and this compares them in the same run, on the same SQLite store code: the whole `record_batch`
(receipts, group upserts, per-minute counts, samples) per event, CPU seconds of this process
(aiosqlite's thread included), after the table already holds `--fill` events.

    PYTHONPATH=$PWD .venv/bin/python bench/receipt_growth.py [--fill 0,20000,100000] [--batches 20] [--batch 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.clock import utc  # noqa: E402
from sidecar.store.group_batch import Occurrence  # noqa: E402
from sidecar.store.sqlite import open_sqlite  # noqa: E402

T0 = 1_763_900_000.0


def batch(start: int, n: int, ranged: bool) -> list[Occurrence]:
    at = utc(T0)
    out = []
    for i in range(start, start + n):
        key = f"64769:42:abc@{i * 180}" if ranged else f"sentry:1:{i * 2654435761 % (1 << 64):016x}"
        out.append(Occurrence(event_key=key, fingerprint=f"fp{i % 40:03d}", seen_at=at + timedelta(seconds=i * 0.01),
                              title="ProviderError: kind <n>", message=f"provider call failed request={i}",
                              error_type="ProviderError", level="ERROR", logger="gw", raw=f"ERROR failed {i}",
                              stream="64769:42:abc" if ranged else None, offset=i * 180 if ranged else None))
    return out


async def run(fill: int, batches: int, size: int, ranged: bool) -> float:
    with tempfile.TemporaryDirectory() as d:
        store = await open_sqlite(str(Path(d) / "s.db"))
        try:
            for i in range(0, fill, size):
                await store.groups.record_batch(batch(i, size, ranged), at=utc(T0))
            work = [batch(fill + k * size, size, ranged) for k in range(batches)]
            t = time.process_time()
            for b in work:
                await store.groups.record_batch(b, at=utc(T0))
            return (time.process_time() - t) / (batches * size) * 1e6
        finally:
            await store.close()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fill", default="0,20000,100000")
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    print("fill      keyed us/event   ranged us/event   ranged/keyed")
    for fill in (int(x) for x in args.fill.split(",")):
        keyed = await run(fill, args.batches, args.batch, ranged=False)
        ranged = await run(fill, args.batches, args.batch, ranged=True)
        print(f"{fill:>8}  {keyed:>14.2f}  {ranged:>16.2f}  {ranged / keyed:>12.2f}")


if __name__ == "__main__":
    asyncio.run(main())
