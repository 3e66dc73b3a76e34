"""Stored error events per second: SQLite (the baseline) vs PostgreSQL, same batches, same SQL.

Each batch goes through the hot path of the errors stage: `Store.groups` when that repository
exists, else the same shape of statements written raw (one transaction per batch: an
`event_receipts` insert per event for exactly-once, then one upsert per fingerprint that adds
to `occurrence_count`, and the per-minute occurrence counter).

PostgreSQL: `--dsn` to use a server, else a throwaway cluster from the machine's PostgreSQL 15
binaries (the same helper the tests use). Prints both figures and the ratio.

    .venv/bin/python bench/store_throughput.py [--events 20000] [--batch 100] [--fingerprints 50]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.clock import utc  # noqa: E402
from sidecar.ingest.record import ErrorEvent  # noqa: E402
from sidecar.store.base import Store  # noqa: E402
from sidecar.store.postgres import open_postgres  # noqa: E402
from sidecar.store.sqlite import open_sqlite  # noqa: E402

T0 = 1_763_900_000.0


def make_events(n: int, fingerprints: int) -> list[tuple[ErrorEvent, str]]:
    out = []
    for i in range(n):
        k = i % fingerprints
        event = ErrorEvent(
            source="gateway", file="/logs/ws_daemon.log", line=i + 1, offset=i * 200, end_offset=i * 200 + 199,
            timestamp=utc(T0 + i * 0.01), level="ERROR", logger="src.daemon.ws_server",
            message=f"provider call failed kind={k} request={i}", raw=f"ERROR provider call failed kind={k}",
            exception_type=f"ProviderError{k}", exception_message=f"kind {k}",
        )
        out.append((event, f"fp{k:04d}"))
    return out


async def record_raw(store: Store, batch: list[tuple[ErrorEvent, str]]) -> None:
    """The groups hot path's statements, for when Store.groups is not there."""
    now = batch[-1][0].timestamp
    async with store.db.transaction() as tx:
        fresh: Counter[str] = Counter()
        first: dict[str, ErrorEvent] = {}
        for event, fp in batch:
            key = f"dev:ino:{event.file}:{event.offset}"
            if await tx.execute(
                "INSERT INTO event_receipts (event_key, error_hash, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT (event_key) DO NOTHING", (key, fp, now)):
                fresh[fp] += 1
                first.setdefault(fp, event)
        for fp in sorted(fresh):  # a fixed order: two replicas never lock rows in opposite orders
            e = first[fp]
            await tx.execute(
                "INSERT INTO error_investigations (id, error_hash, error_message, error_type, created_at, "
                "occurrence_count, last_occurrence_at, updated_at, level, logger) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (error_hash) DO UPDATE SET occurrence_count = error_investigations.occurrence_count "
                "+ excluded.occurrence_count, last_occurrence_at = excluded.last_occurrence_at, "
                "updated_at = excluded.updated_at",
                (f"id-{fp}", fp, e.message, e.exception_type, now, fresh[fp], now, now, e.level, e.logger),
            )
            await tx.execute(
                "INSERT INTO error_occurrences (error_hash, minute, count) VALUES (?, ?, ?) "
                "ON CONFLICT (error_hash, minute) DO UPDATE SET count = error_occurrences.count + excluded.count",
                (fp, int(now.timestamp()) // 60, fresh[fp]),
            )


async def run_one(store: Store, events: list[tuple[ErrorEvent, str]], batch: int, writers: int = 1) -> float:
    batches = [events[i:i + batch] for i in range(0, len(events), batch)]
    queue: asyncio.Queue[list[tuple[ErrorEvent, str]]] = asyncio.Queue()
    for b in batches:
        queue.put_nowait(b)

    async def worker() -> None:
        while not queue.empty():
            await record_raw(store, queue.get_nowait())

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(writers)))
    elapsed = time.perf_counter() - start
    row = await store.db.fetchone("SELECT SUM(occurrence_count) AS n FROM error_investigations")
    assert row is not None and int(row["n"]) == len(events), f"counted {row}, expected {len(events)}"
    return len(events) / elapsed


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--fingerprints", type=int, default=50)
    ap.add_argument("--dsn", help="PostgreSQL DSN (default: a throwaway local cluster)")
    args = ap.parse_args()
    events = make_events(args.events, args.fingerprints)
    print(f"{args.events} events, batches of {args.batch}, {args.fingerprints} fingerprints; path: raw hot-path SQL")

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = await open_sqlite(str(Path(tmp) / "bench.db"))
        try:
            sqlite_rate = await run_one(sqlite, events, args.batch)
        finally:
            await sqlite.close()

    cluster = None
    dsn = args.dsn
    if dsn is None:
        sys.path.insert(0, str(ROOT))
        from tests.conftest import find_free_port
        from tests.store.pgcluster import PgCluster

        cluster = PgCluster(find_free_port())
        cluster.init()
        cluster.start()
        dsn = cluster.dsn(cluster.create_database())
    try:
        pg = await open_postgres(dsn, pool_size=4)
        try:
            pg_rate = await run_one(pg, events, args.batch)
        finally:
            await pg.close()
        pg2_dsn = cluster.dsn(cluster.create_database()) if cluster else None
        pg2_rate = None
        if pg2_dsn:
            pg2 = await open_postgres(pg2_dsn, pool_size=4)
            try:
                pg2_rate = await run_one(pg2, events, args.batch, writers=2)
            finally:
                await pg2.close()
    finally:
        if cluster is not None:
            cluster.destroy()

    print(f"{'backend':<32}{'events/s':>12}{'vs sqlite':>12}")
    print(f"{'sqlite (baseline)':<32}{sqlite_rate:>12,.0f}{1.0:>12.2f}")
    print(f"{'postgres, 1 writer':<32}{pg_rate:>12,.0f}{pg_rate / sqlite_rate:>12.2f}")
    if pg2_rate is not None:
        print(f"{'postgres, 2 concurrent writers':<32}{pg2_rate:>12,.0f}{pg2_rate / sqlite_rate:>12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
