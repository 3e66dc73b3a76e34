"""Append-to-event latency: a line appended to a live file -> its ErrorEvent accepted by the sink.

    .venv/bin/python bench/ingest_latency.py [--appends 1000] [--interval-ms 10]

Runs the real Ingest component (real clock, real watchfiles wake-ups, real files) with a sink that
records the arrival time of each event; a writer task appends one ERROR line (carrying its write
time as a sequence id) every `interval` ms, alternating with INFO lines now and then. Latency =
arrival - write. The baseline in the same run is the file-system notification alone: the time
from an append to watchfiles reporting it (what any watcher-driven tailer pays at least).
"""

# The benchmark plays the gateway too: its blocking appends from the event loop are deliberate.
# ruff: noqa: ASYNC230

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time

from watchfiles import awatch

from sidecar.clock import SystemClock
from sidecar.config import Config
from sidecar.ingest.tail import Ingest
from sidecar.telemetry import Telemetry

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def measure_ingest(directory: str, appends: int, interval: float) -> list[float]:
    path = os.path.join(directory, "gateway.log")
    with open(path, "w") as f:
        f.write("2026-11-23 10:00:00 INFO app: start\n")
    written: dict[int, float] = {}
    latencies: list[float] = []
    done = asyncio.Event()

    async def sink(batch):
        now = time.perf_counter()
        for ev in batch:
            seq = int(ev.message.rsplit("seq=", 1)[1])
            latencies.append(now - written[seq])
        if len(latencies) >= appends:
            done.set()

    cfg = Config.model_validate({
        "sources": [{"paths": [path], "start_at": "end"}],
        "ingest": {"checkpoint_dir": os.path.join(directory, "ck")},
    })
    ing = Ingest(cfg, sink, SystemClock(), Telemetry())
    await ing.start()
    await asyncio.sleep(0.3)
    with open(path, "a", buffering=1) as f:
        for seq in range(appends):
            written[seq] = time.perf_counter()
            f.write(f"2026-11-23 10:00:01 ERROR app.mod: request failed seq={seq}\n")
            if seq % 10 == 9:
                f.write("2026-11-23 10:00:01 INFO app.mod: ok\n")
            await asyncio.sleep(interval)
    try:
        await asyncio.wait_for(done.wait(), timeout=30)
    finally:
        await ing.stop()
    return latencies


async def measure_app(directory: str, appends: int, interval: float) -> list[float]:
    """Through the real app pipeline: Sidecar (SQLite store, spool, errors stage) with ingest wired.

    The ingest component's sink (the spool in front of the errors stage) is wrapped to stamp the
    time it returned: at that point the batch is committed to the store.
    """
    from sidecar.app import Sidecar

    path = os.path.join(directory, "app-gateway.log")
    with open(path, "w") as f:
        f.write("2026-11-23 10:00:00 INFO app: start\n")
    cfg = Config.model_validate({
        "server": {"host": "127.0.0.1", "port": 1},
        "store": {"path": os.path.join(directory, "db.sqlite"), "spool_dir": os.path.join(directory, "spool")},
        "sources": [{"paths": [path], "start_at": "end"}],
        "ingest": {"checkpoint_dir": os.path.join(directory, "ck2")},
        "diagnosis": {"kimi_enabled": False, "rules_file": os.path.join(REPO, "rules", "diagnoses.yaml")},
        "alerts": {"rules_file": None},
        "rollouts_file": None,
    })
    app = Sidecar(cfg)
    await app.start(serve=False)
    ingest = app.stages.ingest
    inner = ingest.sink
    written: dict[int, float] = {}
    latencies: list[float] = []
    done = asyncio.Event()

    async def stamped(batch):
        await inner(batch)
        now = time.perf_counter()
        for ev in batch:
            latencies.append(now - written[int(ev.message.rsplit("seq=", 1)[1])])
        if len(latencies) >= appends:
            done.set()

    ingest.sink = stamped
    await asyncio.sleep(0.3)
    try:
        with open(path, "a", buffering=1) as f:
            for seq in range(appends):
                written[seq] = time.perf_counter()
                f.write(f"2026-11-23 10:00:01 ERROR app.mod: request failed seq={seq}\n")
                await asyncio.sleep(interval)
        await asyncio.wait_for(done.wait(), timeout=30)
    finally:
        await app.stop()
    return latencies


async def measure_watch(directory: str, appends: int, interval: float) -> list[float]:
    path = os.path.join(directory, "watch.log")
    open(path, "w").close()
    stop = asyncio.Event()
    seen: list[float] = []
    pending: list[float] = []

    async def watcher():
        async for _ in awatch(directory, debounce=50, step=5, stop_event=stop, watch_filter=None):
            now = time.perf_counter()
            while pending:
                seen.append(now - pending.pop(0))

    task = asyncio.create_task(watcher())
    await asyncio.sleep(0.3)
    with open(path, "a", buffering=1) as f:
        for _ in range(appends):
            pending.append(time.perf_counter())
            f.write("x\n")
            await asyncio.sleep(interval)
    await asyncio.sleep(0.3)
    stop.set()
    await task
    return seen


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--appends", type=int, default=1000)
    ap.add_argument("--interval-ms", type=float, default=10.0)
    ap.add_argument("--through-app", action="store_true",
                    help="also measure through the app pipeline (store, spool, errors stage)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        base = await measure_watch(d, min(args.appends, 300), args.interval_ms / 1000)
        lat = await measure_ingest(d, args.appends, args.interval_ms / 1000)
        app_lat = await measure_app(d, args.appends, args.interval_ms / 1000) if args.through_app else None
    ms = [x * 1000 for x in lat]
    bms = [x * 1000 for x in base]
    print(f"appends: {len(ms)} every {args.interval_ms:g} ms")
    print(f"ingest append->event: p50 {pct(ms, 50):6.1f} ms  p99 {pct(ms, 99):6.1f} ms  max {max(ms):6.1f} ms  "
          f"mean {statistics.mean(ms):6.1f} ms")
    if app_lat:
        ams = [x * 1000 for x in app_lat]
        print(f"app append->stored:   p50 {pct(ams, 50):6.1f} ms  p99 {pct(ams, 99):6.1f} ms  max {max(ams):6.1f} ms  "
              f"mean {statistics.mean(ams):6.1f} ms")
    print(f"baseline watchfiles notification: p50 {pct(bms, 50):6.1f} ms  p99 {pct(bms, 99):6.1f} ms")
    print(f"ratio p99 ingest/watch: {pct(ms, 99) / max(pct(bms, 99), 1e-9):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
