"""SDK events per second into SQLite through the Sentry envelope endpoint, and envelope -> visible.

The baseline, in the same run and process, is the same events handed straight to the sink that
the endpoint delivers to (the spool in front of the errors stage): the ratio is what HTTP, auth,
envelope parsing and the per-request store commit cost. Each accepted envelope is already stored
when the endpoint answers 200, so "visible" is checked right after each timed request (a
`GET /api/groups/{fp}` that must find it) and the latency is the request's round trip.

    .venv/bin/python bench/collect.py [--events 2000] [--concurrency 4] [--distinct 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.app import Sidecar  # noqa: E402
from sidecar.config import Config  # noqa: E402
from sidecar.ingest.collect import sentry  # noqa: E402
from tests.conftest import find_free_port  # noqa: E402

KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "bench-token"


def event(i: int, distinct: int) -> dict:
    k = i % distinct
    return {"event_id": f"{i:032x}", "level": "error", "platform": "python", "release": "gw@1.0",
            "exception": {"values": [{"type": f"Error{k}", "value": f"failure {i}", "module": "app.errors",
                                      "stacktrace": {"frames": [{"abs_path": "/app/src/ws.py", "function": f"handler{k}",
                                                                 "lineno": 10 + k, "context_line": f"raise Error{k}()",
                                                                 "in_app": True}]}}]}}


def envelope(e: dict) -> bytes:
    payload = json.dumps(e).encode()
    return b"\n".join([json.dumps({"event_id": e["event_id"]}).encode(),
                       json.dumps({"type": "event", "length": len(payload)}).encode(), payload]) + b"\n"


def config(tmp: Path, port: int) -> Config:
    return Config.model_validate({
        "server": {"host": "127.0.0.1", "port": port, "api_token": TOKEN},
        "store": {"path": str(tmp / "sidecar.db")}, "ingest": {"checkpoint_dir": str(tmp / "ckpt")},
        "rollouts_file": None, "alerts": {"rules_file": None}, "diagnosis": {"kimi_enabled": False},
        "collect": {"sentry": {"projects": [{"id": 1, "keys": [KEY], "events_per_second": 1e9}]}},
    })


async def run(n: int, concurrency: int, distinct: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        # Baseline: the same events, converted once, straight into the sink (no HTTP).
        base = Sidecar(config(tmp / "direct", find_free_port()))
        await base.start(serve=False)
        events = [sentry.to_error_event(event(i, distinct), 1, time.time()) for i in range(n)]
        started = time.process_time(), time.perf_counter()
        assert base.stages.sink is not None
        for e in events:
            await base.stages.sink([e])
        direct_cpu, direct_wall = time.process_time() - started[0], time.perf_counter() - started[1]
        await base.stop()

        port = find_free_port()
        sidecar = Sidecar(config(tmp / "http", port))
        await sidecar.start()
        url = f"http://127.0.0.1:{port}/api/1/envelope/"
        headers = {"X-Sentry-Auth": f"Sentry sentry_key={KEY}, sentry_version=7"}
        bodies = [envelope(event(i, distinct)) for i in range(n)]
        latencies: list[float] = []
        async with aiohttp.ClientSession() as http:
            queue = iter(range(n))

            async def worker() -> None:
                for i in queue:
                    t0 = time.perf_counter()
                    async with http.post(url, data=bodies[i], headers=headers) as r:
                        assert r.status == 200, await r.text()
                    latencies.append(time.perf_counter() - t0)

            started = time.process_time(), time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            http_cpu, http_wall = time.process_time() - started[0], time.perf_counter() - started[1]
            async with http.get(f"http://127.0.0.1:{port}/api/groups?limit=100",
                                headers={"Authorization": f"Bearer {TOKEN}"}) as r:
                items = (await r.json())["items"]
        await sidecar.stop()
    assert len(items) == distinct and sum(int(g["occurrence_count"]) for g in items) == n, "lost or extra events"
    lat = sorted(latencies)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    print(f"events: {n} ({distinct} distinct errors), one event per envelope, concurrency {concurrency}")
    print(f"direct to the sink (baseline): {n / direct_wall:8.0f} events/s wall, {n / direct_cpu:8.0f} per CPU-second")
    print(f"through /api/1/envelope/:      {n / http_wall:8.0f} events/s wall, {n / http_cpu:8.0f} per CPU-second "
          f"(client and server share this process and core)")
    print(f"ratio envelope/direct (CPU):   {direct_cpu / http_cpu:.2f}")
    print(f"envelope -> stored and visible: p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {lat[-1] * 1000:.1f} ms, "
          f"mean {statistics.mean(lat) * 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--distinct", type=int, default=20)
    args = ap.parse_args()
    asyncio.run(run(args.events, args.concurrency, args.distinct))


if __name__ == "__main__":
    main()
