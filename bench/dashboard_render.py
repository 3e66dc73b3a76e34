"""Dashboard render time with 10,000 error groups in the store (issue 9: goal < 100 ms p95).

Starts a real Sidecar (SQLite store in a temp dir, the real aiohttp app), seeds N groups through
`store.groups.record_batch` (each with samples and per-minute counts over the last 24 h; a third
of them diagnosed through `store.diagnoses.set_current`), then times sequential GETs over loopback
for the errors list (first page, a deep page, a search, sort by count), a detail page and the
overview. Baseline in the same run: the /healthz round trip (HTTP + aiohttp overhead only), so
`page - healthz` is the page's own server time.

    .venv/bin/python bench/dashboard_render.py [--groups 10000] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import tempfile
import time
from datetime import UTC, datetime

import aiohttp

from sidecar.app import Sidecar
from sidecar.clock import ManualClock, utc
from sidecar.config import Config
from sidecar.diagnose.model import Diagnosis
from sidecar.store.groups import Occurrence

NOW = 1_795_446_000.0  # 2026-11-23 09:00 UTC
LOGGERS = ("src.daemon.ws_server", "src.providers.kimi", "src.providers.glm", "tools.smart_file_query",
           "src.storage.supabase_client", "src.daemon.ws.semaphore_manager")
LEVELS = ("ERROR", "ERROR", "ERROR", "CRITICAL", "WARNING")
TRACE = (
    "{ts} ERROR {logger}: request {i} failed\n"
    "Traceback (most recent call last):\n"
    '  File "/app/src/daemon/ws_server.py", line 412, in _handle_connection\n'
    "    await websocket.send(json.dumps(response))\n"
    '  File "/usr/local/lib/python3.11/site-packages/websockets/legacy/protocol.py", line 635, in send\n'
    "    await self.ensure_open()\n"
    "app.errors.Failure{i}Error: request {i} failed: semaphore expected 5, got 4\n"
)

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def seed(sidecar: Sidecar, groups: int, rng: random.Random) -> list[str]:
    repo = sidecar.store.groups
    fps = [f"{i:032x}" for i in range(groups)]
    batch: list[Occurrence] = []
    key = 0
    for i, fp in enumerate(fps):
        logger = LOGGERS[i % len(LOGGERS)]
        for _ in range(1 + rng.randrange(3)):
            key += 1
            seen = NOW - rng.randrange(24 * 3600)
            ts = datetime.fromtimestamp(seen, UTC).strftime("%Y-%m-%d %H:%M:%S")
            batch.append(Occurrence(
                event_key=f"bench@{key}", fingerprint=fp, seen_at=utc(seen),
                title=f"app.errors.Failure{i}Error: request <*> failed: semaphore expected <*>, got <*>",
                message=f"request {i} failed", error_type=f"app.errors.Failure{i}Error",
                level=LEVELS[i % len(LEVELS)], logger=logger, raw=TRACE.format(ts=ts, logger=logger, i=i),
                source="gateway", file="/app/logs/ws_daemon.log", line=key,
                data={"exception": {"type": f"app.errors.Failure{i}Error", "message": f"request {i} failed"}},
            ))
        if len(batch) >= 2000:
            await repo.record_batch(batch, samples_per_group=5, at=utc(NOW))
            batch = []
    if batch:
        await repo.record_batch(batch, samples_per_group=5, at=utc(NOW))
    diagnosis = Diagnosis(
        summary="Global semaphore released more often than acquired (leak on the error path).",
        root_cause="The error handler releases the global semaphore a second time after the finally block did.",
        suggested_fix=["Release only in the finally block.", "Add a test that fails a request mid-flight."],
        severity="high", confidence=0.82, category="concurrency",
        evidence=["semaphore expected 5, got 4"], source="rules", model="rules", rule="semaphore-leak",
    )
    for fp in fps[::3]:
        await sidecar.store.diagnoses.set_current(fp, diagnosis, utc(NOW))
    return fps


TOKEN = "bench-dashboard-token"


async def timed(http: aiohttp.ClientSession, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        async with http.get(url, allow_redirects=False) as resp:
            await resp.read()
            assert resp.status == 200, (url, resp.status)  # a 302 to /login would time the wrong page
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(9)
    with tempfile.TemporaryDirectory() as tmp:
        config = Config.model_validate({
            "server": {"host": "127.0.0.1", "port": free_port(), "api_token": TOKEN},
            "store": {"path": f"{tmp}/sidecar.db"},
            "diagnosis": {"kimi_enabled": False},
            "rollouts_file": None, "alerts": {"rules_file": None},
        })
        sidecar = Sidecar(config, clock=ManualClock(start=NOW))
        await sidecar.start()
        try:
            t0 = time.perf_counter()
            fps = await seed(sidecar, args.groups, rng)
            print(f"seeded {args.groups:,} groups in {time.perf_counter() - t0:.1f} s")
            detail = fps[len(fps) // 2]
            pages = {
                "/healthz (baseline)": "/healthz",
                "/errors (page 1)": "/errors",
                "/errors?page=150 (deep page)": "/errors?page=150",
                "/errors?q=failure12 (search)": "/errors?q=failure12",
                "/errors?status=open&level=CRITICAL&sort=count": "/errors?status=open&level=CRITICAL&sort=count",
                "/errors/{fp} (detail)": f"/errors/{detail}",
                "/ (overview)": "/",
            }
            results = {}
            # Reads need the token by default (issue 18): log in as the dashboard's session cookie does, or
            # every page below would time the redirect to /login instead of the page.
            async with aiohttp.ClientSession(cookies={"sidecar_token": TOKEN}) as http:
                for label, path in pages.items():
                    await timed(http, sidecar.url + path, 5)  # warm-up (template compile, caches)
                    results[label] = await timed(http, sidecar.url + path, args.requests)
        finally:
            await sidecar.stop()
    base95 = pct(results["/healthz (baseline)"], 0.95)
    base50 = statistics.median(results["/healthz (baseline)"])
    print(f"\n{args.requests} sequential requests each, {args.groups:,} groups in the store")
    print(f"{'page':50} {'p50 ms':>8} {'p95 ms':>8} {'p95-healthz':>12} {'p95/healthz':>12}")
    for label, values in results.items():
        p50, p95 = statistics.median(values), pct(values, 0.95)
        print(f"{label:50} {p50:8.2f} {p95:8.2f} {p95 - base95:12.2f} {p95 / base95:11.1f}x")
    print(f"\nbaseline /healthz: p50 {base50:.2f} ms, p95 {base95:.2f} ms")


if __name__ == "__main__":
    asyncio.run(main())
