"""Dashboard and list API at scale (issue 21): 100,000 groups and 5,000,000 occurrences, SQLite and PostgreSQL.

Starts a real Sidecar (real aiohttp app, real store) per backend, fills the tables with bulk
multi-row INSERTs (not through the errors stage: that would take an hour at this size; the rows
have the shape the stage writes, and the search index is kept by the 0016 triggers / built by
pg_trgm as in production), then times sequential GETs over loopback for every list page and list
endpoint the dashboard offers. Baseline in the same run: the /healthz round trip.

Data: occurrence counts follow a heavy tail (a few groups with 100k+, most with a handful) summing
to --occurrences; each group has 1-12 per-minute rows within the last 24 h (hot groups more), one
sample, levels/loggers/statuses spread as in bench/dashboard_render.py, a third diagnosed.

    .venv/bin/python bench/dashboard_scale.py [--groups 100000] [--occurrences 5000000]
        [--requests 60] [--backend sqlite|postgres|both] [--dense]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dashboard_render import free_port, pct, timed  # noqa: E402
from sidecar.app import Sidecar  # noqa: E402
from sidecar.clock import ManualClock  # noqa: E402
from sidecar.config import Config  # noqa: E402
from sidecar.store import keyset  # noqa: E402
from sidecar.store.groups import sort_values  # noqa: E402

NOW = 1_795_446_000.0  # 2026-11-23 09:00 UTC
LOGGERS = ("src.daemon.ws_server", "src.providers.kimi", "src.providers.glm", "tools.smart_file_query",
           "src.storage.supabase_client", "src.daemon.ws.semaphore_manager")
LEVELS = ("ERROR", "ERROR", "ERROR", "CRITICAL", "WARNING")
STATUSES = ("open",) * 7 + ("resolved", "regressed", "muted")
SEVERITIES = ("low", "medium", "high", "critical")
CHUNK = 500


def _ts(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def counts(groups: int, total: int, rng: random.Random) -> list[int]:
    """A heavy-tailed split of `total` occurrences over `groups` groups (each at least 1)."""
    weights = [1.0 / (i + 1) ** 0.9 for i in range(groups)]
    rng.shuffle(weights)
    scale = (total - groups) / sum(weights)
    out = [1 + int(w * scale) for w in weights]
    out[0] += total - sum(out)
    return out


async def seed(db: Any, groups: int, occurrences: int, rng: random.Random, dense: bool = False) -> None:
    per_group = counts(groups, occurrences, rng)
    end_minute = int(NOW // 60)
    rows, occ_rows, samples = [], [], []
    for i in range(groups):
        fp = f"{i:032x}"
        level, logger = LEVELS[i % len(LEVELS)], LOGGERS[i % len(LOGGERS)]
        n = per_group[i]
        last = NOW - rng.randrange(24 * 3600)
        first = last - rng.randrange(7 * 24 * 3600)
        status = STATUSES[rng.randrange(len(STATUSES))]
        diagnosed = i % 3 == 0
        title = f"app.errors.Failure{i}Error: request <*> failed: semaphore expected <*>, got <*>"
        rows.append((fp, fp, f"request {i} failed: semaphore expected 5, got 4", f"app.errors.Failure{i}Error",
                     _ts(first), status == "resolved", n, _ts(last), status, level, logger, title,
                     "concurrency" if diagnosed else None, SEVERITIES[i % 4] if diagnosed else None,
                     "rules" if diagnosed else None, _ts(last)))
        # --dense: a hot group errs in most minutes (n // 5 minute rows, up to all 1,440), the
        # worst case for the 24 h sparklines; default: at most 12 minute rows per group.
        minutes = min(1440, max(1, n // 5)) if dense else min(n, 1 + min(11, n // 50))
        spread = sorted(rng.sample(range(1440), minutes))
        share = [n // minutes] * minutes
        share[-1] += n - sum(share)
        occ_rows.extend((fp, end_minute - m, c) for m, c in zip(spread, share, strict=True) if c > 0)
        samples.append((fp, _ts(last), "gateway", "/app/logs/ws_daemon.log", i, level, logger,
                        f"request {i} failed: semaphore expected 5, got 4 (request_id=req-{i:06x})",
                        f"Traceback ...\napp.errors.Failure{i}Error: request {i} failed", f"bench@{i}"))
    # One group row per (fingerprint); per-minute rows may repeat a minute: sum them first.
    merged: dict[tuple[str, int], int] = {}
    for fp, minute, c in occ_rows:
        merged[(fp, minute)] = merged.get((fp, minute), 0) + c
    await _insert(db, "error_investigations", "id, error_hash, error_message, error_type, created_at, resolved, "
                  "occurrence_count, last_occurrence_at, status, level, logger, title, category, severity, "
                  "diagnosis_source, updated_at", rows)
    await _insert(db, "error_occurrences", "error_hash, minute, count",
                  [(fp, m, c) for (fp, m), c in merged.items()])
    hourly: dict[tuple[str, int], int] = {}  # what record_batch maintains beside the minute rows
    for (fp, minute), c in merged.items():
        hourly[(fp, minute // 60)] = hourly.get((fp, minute // 60), 0) + c
    await _insert(db, "error_hourly", "error_hash, hour, count", [(fp, h, c) for (fp, h), c in hourly.items()])
    totals: dict[int, int] = {}
    for (_, minute), c in merged.items():
        totals[minute] = totals.get(minute, 0) + c
    await _insert(db, "error_minute_totals", "minute, count", sorted(totals.items()))
    await _insert(db, "error_samples", "error_hash, seen_at, source, file, line, level, logger, message, raw, "
                  "event_key", samples)
    print(f"  {len(rows):,} groups, {sum(per_group):,} occurrences, {len(merged):,} minute rows, "
          f"{len(samples):,} samples", flush=True)


async def _insert(db: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    width = columns.count(",") + 1
    marks = "(" + ", ".join("?" for _ in range(width)) + ")"
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        await db.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join(marks for _ in chunk)}",
                         [v for r in chunk for v in r])


PAGES = {
    "/healthz (baseline)": "/healthz",
    "/ (overview)": "/",
    "/errors (page 1)": "/errors",
    "/errors?page=500 (deep page)": "/errors?page=500",
    "/errors?sort=severity": "/errors?sort=severity",
    "/errors?q=failure1234 (search)": "/errors?q=failure1234",
    "/errors?status=open&level=CRITICAL&sort=count": "/errors?status=open&level=CRITICAL&sort=count",
    "/errors?logger=src.providers.kimi&sort=first_seen": "/errors?logger=src.providers.kimi&sort=first_seen",
    "/errors/{fp} (detail, hottest group)": "/errors/{hot}",
    "/api/groups": "/api/groups",
    "/api/groups?sort=severity": "/api/groups?sort=severity",
    "/api/groups?q=failure1234": "/api/groups?q=failure1234",
    "/api/groups?status=open&level=CRITICAL&sort=count": "/api/groups?status=open&level=CRITICAL&sort=count",
    "/api/groups/{fp}": "/api/groups/{hot}",
    # Keyset (issue 21, round 2): the pager's "Older" link at page 500, and the API's next_cursor.
    "/errors?cursor= (page 500 by cursor)": "/errors?page=500&cursor={deep}",
    "/errors?sort=severity&cursor= (page 500 by cursor)": "/errors?sort=severity&page=500&cursor={deep_sev}",
    "/api/groups?cursor= (page 500 by cursor)": "/api/groups?cursor={deep}",
    "/errors?sort=count (page 1: the 50 hottest groups' sparklines)": "/errors?sort=count",
}


# --matrix: every offered filter with every sort on the list API (issue 21: an index for every
# offered filter + sort), first page and a cursor page.
MATRIX_FILTERS = ("status=open", "level=CRITICAL", "logger=src.providers.kimi", "category=concurrency",
                  "status=resolved&category=concurrency")
MATRIX_SORTS = ("last_seen", "count", "first_seen", "severity")


async def run(backend: str, args: argparse.Namespace, tmp: str, dsn: str | None) -> dict[str, list[float]]:
    store: dict[str, Any] = {"path": f"{tmp}/sidecar.db"} if backend == "sqlite" else {"backend": "postgres", "dsn": dsn}
    config = Config.model_validate({
        "server": {"host": "127.0.0.1", "port": free_port(), "read_access": "open"},
        "store": store, "diagnosis": {"kimi_enabled": False}, "rollouts_file": None, "alerts": {"rules_file": None},
    })
    sidecar = Sidecar(config, clock=ManualClock(start=NOW))
    await sidecar.start()
    try:
        t0 = time.perf_counter()
        await seed(sidecar.store.db, args.groups, args.occurrences, random.Random(21), dense=args.dense)
        # Statistics (and on PostgreSQL the visibility map for index-only scans), as autovacuum
        # gives a long-running database.
        await sidecar.store.db.execute("VACUUM ANALYZE" if backend == "postgres" else "ANALYZE")
        print(f"  seeded in {time.perf_counter() - t0:.0f} s", flush=True)
        repo = sidecar.store.groups
        hot = (await repo.list(sort="count", limit=1))[0][0]["error_hash"]
        cursors = {}
        for key, sort in (("deep", "last_seen"), ("deep_sev", "severity")):
            edge = (await repo.list(sort=sort, limit=1, offset=min(499 * 50, args.groups) - 1))[0][0]
            cursors[key] = quote(keyset.encode(sort, sort_values(sort, edge), backward=False), safe="")
        results = {}
        pages = dict(PAGES)
        if args.matrix:
            pages = {"/healthz (baseline)": "/healthz"}
            for flt in MATRIX_FILTERS:
                for sort in MATRIX_SORTS:
                    pages[f"/api/groups?{flt}&sort={sort}"] = f"/api/groups?{flt}&sort={sort}"
        async with aiohttp.ClientSession() as http:
            for label, path in pages.items():
                url = sidecar.url + path.format(hot=hot, **cursors)
                await timed(http, url, 3)
                results[label] = await timed(http, url, args.requests)
        # In process: what the hottest page's sparklines cost beside its list query (issue 21 (d):
        # pre-aggregate only if the sparklines are the cost).
        from sidecar.web.pages import data
        from sidecar.web.pages import views as v
        from sidecar.web.pages.errors import ROW_SPARK_HOURS

        fps = [r["error_hash"] for r in (await repo.list(sort="count", limit=50))[0]]

        async def from_minutes() -> dict[str, list[int]]:  # the sparkline query before error_hourly
            end = int(NOW // 60)
            marks = ", ".join("?" for _ in fps)
            rows = await sidecar.store.db.fetchall(
                f"SELECT error_hash, minute, count FROM error_occurrences WHERE error_hash IN ({marks}) "
                "AND minute > ? AND minute <= ?", [*fps, end - 1440, end])
            per: dict[str, list[tuple[int, int]]] = {fp: [] for fp in fps}
            for r in rows:
                per[r["error_hash"]].append((int(r["minute"]), int(r["count"])))
            return {fp: v.bucket_counts(pts, end, 1440, 24) for fp, pts in per.items()}

        for label, call in (
            ("in process: list query, sort=count page 1", lambda: repo.list(sort="count", limit=50)),
            ("in process: their sparklines from per-minute rows (before)", from_minutes),
            ("in process: their sparklines from error_hourly (now)", lambda: data.hourly_sparklines(
                sidecar, fps, NOW, ROW_SPARK_HOURS)),
        ):
            times = []
            for _ in range(args.requests + 3):
                t = time.perf_counter()
                await call()
                times.append((time.perf_counter() - t) * 1000)
            results[label] = times[3:]
        return results
    finally:
        await sidecar.stop()


def report(backend: str, args: argparse.Namespace, results: dict[str, list[float]]) -> None:
    base95 = pct(results["/healthz (baseline)"], 0.95)
    print(f"\n{backend}: {args.requests} sequential requests each, {args.groups:,} groups, "
          f"{args.occurrences:,} occurrences")
    print("| page | p50 ms | p95 ms | p95/healthz |\n|---|---|---|---|")
    for label, values in results.items():
        p50, p95 = statistics.median(values), pct(values, 0.95)
        print(f"| {label} | {p50:.2f} | {p95:.2f} | {p95 / base95:.1f}x |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--occurrences", type=int, default=5_000_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--matrix", action="store_true", help="every filter x sort on /api/groups instead")
    parser.add_argument("--dense", action="store_true", help="hot groups err in most minutes (sparkline worst case)")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        print(f"{backend}: seeding", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            if backend == "postgres":
                from tests.conftest import find_free_port
                from tests.store.pgcluster import PgCluster

                cluster = PgCluster(find_free_port())
                cluster.init()
                cluster.start()
                try:
                    results = await run(backend, args, tmp, cluster.dsn(cluster.create_database()))
                finally:
                    cluster.destroy()
            else:
                results = await run(backend, args, tmp, None)
        report(backend, args, results)


if __name__ == "__main__":
    asyncio.run(main())
