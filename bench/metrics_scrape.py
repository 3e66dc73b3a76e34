"""Benchmark: scrape-and-parse time of a ~5,000-line gateway exposition, with the family filter
(the gates' 3 families) vs without (parse everything), over real HTTP on loopback.

Run: .venv/bin/python bench/metrics_scrape.py [--rounds 30]
Prints per-scrape milliseconds (median and p90) for both, the parse-only times, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from sidecar.clock import ManualClock
from sidecar.config import MetricsConfig, ScrapeTarget
from sidecar.metrics.exposition import FamilyFilter, parse_exposition
from sidecar.metrics.hub import MetricsHub
from sidecar.telemetry import Telemetry
from tests.conftest import find_free_port

WANTED = ["mcp_api_calls_total", "mcp_api_latency_seconds", "mcp_memory_usage_bytes"]


def build_registry(target_lines: int = 5000) -> tuple[CollectorRegistry, int]:
    r = CollectorRegistry()
    calls = Counter("mcp_api_calls_total", "API calls", ["provider", "model", "status"], registry=r)
    latency = Histogram("mcp_api_latency_seconds", "API latency", ["provider", "model"],
                        buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120), registry=r)
    Gauge("mcp_memory_usage_bytes", "Memory", registry=r).set(1.5e8)
    models = {"kimi": ["kimi-k2-0905-preview", "kimi-k2-turbo-preview", "moonshot-v1-8k"],
              "glm": ["glm-4.5", "glm-4.5-flash", "glm-4.6"]}
    for provider, names in models.items():
        for model in names:
            for status in ("success", "error", "timeout"):
                calls.labels(provider, model, status).inc(123)
            latency.labels(provider, model).observe(0.7)
    # The rest of a real gateway's exposition: per-user upload counters, storage, cache, tokens.
    uploads = Counter("mcp_file_upload_attempts_total", "Uploads", ["provider", "user_id"], registry=r)
    storage = Histogram("mcp_storage_latency_seconds", "Storage", ["operation", "backend"],
                        buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1), registry=r)
    for op in ("get", "set", "delete", "scan"):
        for backend in ("redis", "supabase", "memory"):
            storage.labels(op, backend).observe(0.004)
    i = 0
    while len(generate_latest(r).splitlines()) < target_lines:
        for _ in range(100):
            uploads.labels("kimi" if i % 2 else "glm", f"user-{i:05d}").inc()
            i += 1
    return r, len(generate_latest(r).splitlines())


async def scrape_times(url: str, families: list[str], rounds: int) -> list[float]:
    clock = ManualClock()
    hub = MetricsHub(MetricsConfig(targets=[ScrapeTarget(name="gw", url=url, families=families)]), clock, Telemetry())
    scraper = hub.scrapers["gw"]
    out = []
    try:
        await scraper.scrape_once()  # warm the connection
        for _ in range(rounds):
            clock.advance(5)
            t0 = time.perf_counter()
            ok = await scraper.scrape_once()
            out.append(time.perf_counter() - t0)
            assert ok, scraper.state.last_error
    finally:
        await hub.stop()
    return out


def parse_times(text: str, flt: FamilyFilter | None, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        parse_exposition(text, flt=flt)
        out.append(time.perf_counter() - t0)
    return out


def fmt(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"median {statistics.median(xs) * 1000:7.2f} ms  p90 {xs[int(len(xs) * 0.9) - 1] * 1000:7.2f} ms"


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    registry, lines = build_registry()
    body = generate_latest(registry)

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/plain")

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = find_free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        print(f"exposition: {lines} lines, {len(body) / 1024:.0f} KiB; {args.rounds} rounds each")
        text = body.decode()
        flt = FamilyFilter(WANTED)
        kept = len(parse_exposition(text, flt=flt))
        print(f"filter keeps {kept} samples of {len(parse_exposition(text))}")
        p_all = parse_times(text, None, args.rounds)
        p_flt = parse_times(text, flt, args.rounds)
        s_all = await scrape_times(url, [], args.rounds)
        s_flt = await scrape_times(url, WANTED, args.rounds)
        print(f"parse only,    no filter: {fmt(p_all)}")
        print(f"parse only,  with filter: {fmt(p_flt)}")
        print(f"scrape+parse,  no filter: {fmt(s_all)}")
        print(f"scrape+parse, with filter: {fmt(s_flt)}")
        print(f"ratio no-filter / filter (median): parse {statistics.median(p_all) / statistics.median(p_flt):.1f}x, "
              f"scrape+parse {statistics.median(s_all) / statistics.median(s_flt):.1f}x")
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
