"""CPU of one rollout evaluation against the real MetricsHub with 10k / 50k / 200k records in the window.

The shipped `async-upload` rollout (rules/rollouts.yaml) at its 10% stage, the real MetricsHub fed
records shaped like the gateway's metrics.jsonl spread over the 1800 s window (10% async incl. 1%
sync_fallback, 90% sync), a real SQLite store, a ManualClock advanced one interval per evaluation.
Reports CPU seconds per evaluation (time.process_time, median of --repeat) and the ratio to the
10k case measured in the same run (the machine is shared and noisy).

Both hub implementations run in the same invocation: `walk` (re-walks the window's records for
every measurement: the implementation before the incremental aggregates) and `incremental`
(metrics/aggregate.py). For each, /healthz latency during the evaluations: an aiohttp server with
a /healthz route in the evaluating event loop, polled every 5 ms by a client in another thread
(its own loop); p50/p99/max of the probes in flight while an evaluation ran (the simulated
traffic of each interval is ingested outside those spans; the first evaluation, which builds
the aggregates, is reported apart as "first" CPU).

Usage: .venv/bin/python bench/rollout_hub_eval.py [--repeat 5] [--sizes 10000,50000,200000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.clock import ManualClock, utc  # noqa: E402
from sidecar.config import JsonlStream, MetricsConfig, RolloutsFile, read_yaml  # noqa: E402
from sidecar.metrics.hub import MetricsHub  # noqa: E402
from sidecar.rollout.controller import RolloutController  # noqa: E402
from sidecar.store.sqlite import open_sqlite  # noqa: E402


class Prober:
    """GETs /healthz every 5 ms from its own thread and loop; latencies in ms."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[tuple[float, float]] = []  # (sent at, latency ms)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not self.stop.is_set():
                t0 = time.perf_counter()
                try:
                    async with session.get(self.url) as resp:
                        await resp.read()
                except (aiohttp.ClientError, TimeoutError):
                    pass  # counted with the time it took: a stall is what we measure
                self.samples.append((t0, (time.perf_counter() - t0) * 1000))
                await asyncio.sleep(0.005)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


FREEZE = False


async def one(size: int, repeat: int, seed: int, incremental: bool) -> dict[str, float]:
    clock = ManualClock(start=1_763_900_000.0)
    hub = MetricsHub(MetricsConfig(window=1800, jsonl=[JsonlStream(name="async_upload", paths=["/nonexistent"],
                                                                    max_records=size + 10)]), clock,
                     incremental=incremental)
    cfg = RolloutsFile.model_validate(read_yaml(ROOT / "rules" / "rollouts.yaml")).rollouts[0]
    cfg = cfg.model_copy(update={"stages": cfg.stages[1:]})  # the 10% stage first
    rng = random.Random(seed)
    span = 1700.0
    now = clock.time()
    for i in range(size):
        t = now - span + span * i / size
        r = rng.random()
        kind = "sync" if r < 0.9 else ("sync_fallback" if r < 0.901 else "async")
        hub.ingest_record("async_upload", {"execution_type": kind, "success": rng.random() > 0.01,
                                           "duration_ms": rng.lognormvariate(6.5, 0.4), "provider": "kimi",
                                           "file_size_mb": 1.0, "fallback_used": kind == "sync_fallback"}, t=t)
    if FREEZE:
        gc.freeze()  # diagnostic: the records loaded so far leave the collector's generations
    app = web.Application()
    app.router.add_get("/healthz", lambda request: web.json_response({"status": "ok"}))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_sqlite(str(Path(tmp) / "b.db"))
        c = RolloutController([cfg], store, hub, clock=clock, replica="bench")
        await c.repo.ensure(cfg.name, utc(clock.time()))
        await c.act(cfg.name, "start")
        t0 = time.process_time()
        await c.evaluate(cfg.name, force=True)  # builds the aggregates (incremental) on first use
        out["first"] = time.process_time() - t0
        prober = Prober(f"http://127.0.0.1:{port}/healthz")
        prober.thread.start()
        await asyncio.sleep(0.2)
        prober.samples.clear()
        times = []
        spans: list[tuple[float, float]] = []  # wall time of each evaluation
        for _ in range(repeat):
            clock.advance(cfg.interval)
            for _ in range(int(size / span * cfg.interval)):  # the traffic of one interval
                hub.ingest_record("async_upload", {"execution_type": "sync", "success": True, "duration_ms": 700.0})
            await asyncio.sleep(0.1)  # ingesting the interval's records is not the evaluation
            t0, w0 = time.process_time(), time.perf_counter()
            await c.evaluate(cfg.name, force=True)
            times.append(time.process_time() - t0)
            spans.append((w0, time.perf_counter()))
            await asyncio.sleep(0.1)  # the loop's idle time between evaluations (the real interval is 30 s)
        prober.stop.set()
        prober.thread.join()
        await c.stop()
        await store.close()
    await runner.cleanup()
    # Probes in flight during an evaluation: what a health check sees while one runs.
    during = [ms for sent, ms in prober.samples
              if any(sent <= end and sent + ms / 1000 >= start for start, end in spans)]
    out.update(cpu=statistics.median(times), p50=pct(during, 0.5), p99=pct(during, 0.99),
               max=max(during, default=float("nan")), probes=len(during))
    return out


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", default="10000,50000,200000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--gc-freeze", action="store_true",
                    help="diagnostic: gc.freeze() after loading (do GC passes over the window cause the stalls?)")
    args = ap.parse_args()
    globals()["FREEZE"] = args.gc_freeze
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"rollout_hub_eval: shipped async-upload rollout at 10%, median of {args.repeat} evaluations")
    for size in sizes:
        walk = await one(size, args.repeat, args.seed, incremental=False)
        inc = await one(size, args.repeat, args.seed, incremental=True)
        for label, r in (("walk", walk), ("incremental", inc)):
            print(f"{size:>7} records, {label:11s}: {r['cpu'] * 1000:8.1f} ms CPU/evaluation (first {r['first'] * 1000:7.1f} ms);"
                  f" /healthz p50 {r['p50']:6.1f} ms p99 {r['p99']:7.1f} ms max {r['max']:7.1f} ms ({r['probes']:.0f} probes)")
        print(f"{size:>7} records, incremental / walk: CPU {inc['cpu'] / walk['cpu']:.3f}x, "
              f"/healthz p99 {inc['p99'] / walk['p99']:.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
