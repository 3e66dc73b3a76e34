"""Stored error events per second: SQLite (the baseline) vs PostgreSQL, same batches, same SQL.

Each batch goes through the errors stage's repository, `Store.groups.record_batch` (one
transaction per batch: exactly-once receipts, count upserts, per-minute counts, loggers and the
samples ring), with occurrences prepared beforehand so the figure is the store's, not the
fingerprinter's.

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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.clock import utc  # noqa: E402
from sidecar.store.base import Store  # noqa: E402
from sidecar.store.groups import Occurrence  # noqa: E402
from sidecar.store.postgres import open_postgres  # noqa: E402
from sidecar.store.sqlite import open_sqlite  # noqa: E402

T0 = 1_763_900_000.0


def make_occurrences(n: int, fingerprints: int, file: str = "dev:1:bench") -> list[Occurrence]:
    at = utc(T0)
    return [
        Occurrence(
            event_key=f"{file}@{i * 200}", fingerprint=f"fp{i % fingerprints:04d}", seen_at=at + timedelta(seconds=i * 0.01),
            title=f"ProviderError{i % fingerprints}: kind <n>", message=f"provider call failed kind={i % fingerprints} request={i}",
            error_type=f"ProviderError{i % fingerprints}", level="ERROR", logger="src.daemon.ws_server",
            raw=f"2026-11-23 12:00:00 ERROR src.daemon.ws_server: provider call failed request={i}",
            source="gateway", file="/logs/ws_daemon.log", line=i + 1,
            data={"exception": {"type": f"ProviderError{i % fingerprints}", "message": "kind"}},
            stream=file, offset=i * 200,  # a file event: its receipt is a range row (store/receipt_ranges.py)
        )
        for i in range(n)
    ]


async def run_one(store: Store, occurrences: list[Occurrence], batch: int, writers: int = 1) -> float:
    batches = [occurrences[i:i + batch] for i in range(0, len(occurrences), batch)]
    queue: asyncio.Queue[list[Occurrence]] = asyncio.Queue()
    for b in batches:
        queue.put_nowait(b)

    async def worker() -> None:
        while not queue.empty():
            b = queue.get_nowait()
            await store.groups.record_batch(b, at=b[-1].seen_at)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(writers)))
    elapsed = time.perf_counter() - start
    row = await store.db.fetchone("SELECT SUM(occurrence_count) AS n FROM error_investigations")
    assert row is not None and int(row["n"]) == len(occurrences), f"counted {row}, expected {len(occurrences)}"
    return len(occurrences) / elapsed


async def run_supabase(cluster, occurrences: list[Occurrence], batch: int) -> float:
    """The Supabase backend over HTTP to the tests' PostgREST stand-in on the same cluster (loopback:
    no internet latency, so this is the backend's own cost: previews, JSON, one HTTP call each)."""
    from sidecar.store.supabase import open_supabase
    from tests.conftest import find_free_port
    from tests.store.fake_postgrest import create_project_database, serving

    port = find_free_port()
    async with serving(cluster.dsn(create_project_database(cluster)), {"service-key": "service_role"}, port):
        store = await open_supabase(f"http://127.0.0.1:{port}", "service-key")
        try:
            return await run_one(store, occurrences, batch)
        finally:
            await store.close()


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--fingerprints", type=int, default=50)
    ap.add_argument("--dsn", help="PostgreSQL DSN (default: a throwaway local cluster)")
    ap.add_argument("--supabase-events", type=int, default=2000,
                    help="events for the Supabase backend through the local PostgREST stand-in (0: skip)")
    args = ap.parse_args()
    events = make_occurrences(args.events, args.fingerprints)
    print(f"{args.events} events, batches of {args.batch}, {args.fingerprints} fingerprints; "
          "path: Store.groups.record_batch")

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = await open_sqlite(str(Path(tmp) / "bench.db"))
        try:
            sqlite_rate = await run_one(sqlite, events, args.batch)
        finally:
            await sqlite.close()

    cluster = None
    dsn = args.dsn
    if dsn is None:
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
        supa_rate = None
        if cluster is not None and args.supabase_events > 0:
            supa_rate = await run_supabase(cluster, events[:args.supabase_events], args.batch)
    finally:
        if cluster is not None:
            cluster.destroy()

    print(f"{'backend':<32}{'events/s':>12}{'vs sqlite':>12}")
    print(f"{'sqlite (baseline)':<32}{sqlite_rate:>12,.0f}{1.0:>12.2f}")
    print(f"{'postgres, 1 writer':<32}{pg_rate:>12,.0f}{pg_rate / sqlite_rate:>12.2f}")
    if pg2_rate is not None:
        print(f"{'postgres, 2 concurrent writers':<32}{pg2_rate:>12,.0f}{pg2_rate / sqlite_rate:>12.2f}")
    if supa_rate is not None:
        label = f"supabase (stand-in), {args.supabase_events} ev"
        print(f"{label:<32}{supa_rate:>12,.0f}{supa_rate / sqlite_rate:>12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
