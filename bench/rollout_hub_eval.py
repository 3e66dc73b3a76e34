"""CPU of one rollout evaluation against the real MetricsHub with 10k / 50k / 200k records in the window.

The shipped `async-upload` rollout (rules/rollouts.yaml) at its 10% stage, the real MetricsHub fed
records shaped like the gateway's metrics.jsonl spread over the 1800 s window (10% async incl. 1%
sync_fallback, 90% sync), a real SQLite store, a ManualClock advanced one interval per evaluation.
Reports CPU seconds per evaluation (time.process_time, median of --repeat) and the ratio to the
10k case measured in the same run (the machine is shared and noisy).

Both hub implementations run in the same invocation: `walk` (re-walks the window's records for
every measurement: the implementation before the incremental aggregates) and `incremental`
(metrics/aggregate.py). For each, /healthz latency during the evaluations: an aiohttp server with
a /healthz route in the evaluating event loop, polled on 4 connections every 4 ms by a client in
another process; p50/p99/max of the probes in flight while an evaluation ran, and the p99 of the
probes that overlapped no evaluation (the machine's noise floor in the same run). Because probe
latency on a shared machine is mostly scheduling noise, two figures that do not depend on it:
the longest event-loop step during the evaluations in main-thread CPU ms (how long the loop
could not answer because of the work), and one full GC pass with the window held. The simulated
traffic of each interval is ingested outside the evaluations; the controller is built before the
first record (as in `sidecar run`); the first evaluation is reported apart as "first" CPU.

With `--baseline-tree DIR` (e.g. /work/main) the incremental hub of DIR and of this tree run each
in its own child process (PYTHONPATH = the tree; the tree's own rules/rollouts.yaml), alternately,
`--rounds` times per size, and the ratios this tree / baseline are printed: the same-run comparison
against main (the walk is left out: it was the baseline of round 2).

Usage: .venv/bin/python bench/rollout_hub_eval.py [--repeat 5] [--sizes 10000,50000,200000]
       [--baseline-tree /work/main [--rounds 2]] [--held N]
`--held N`: N live records wait for their writer's clock (metrics/held.py) through the evaluations (round 18: the
wait's bookkeeping per measurement, RecordPlacer.holding).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web

# The tree whose sidecar package (and rules) run here: the first PYTHONPATH entry, else this repo.
ROOT = Path((os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parents[1])).split(os.pathsep)[0]).resolve()
sys.path.insert(0, str(ROOT))

from sidecar.clock import ManualClock, utc  # noqa: E402
from sidecar.config import JsonlStream, MetricsConfig, RolloutsFile, read_yaml  # noqa: E402
from sidecar.metrics.hub import MetricsHub  # noqa: E402
from sidecar.rollout.controller import RolloutController  # noqa: E402
from sidecar.store.sqlite import open_sqlite  # noqa: E402

PROBE_SCRIPT = """
import asyncio, sys, time
import aiohttp

async def probe(session, url):
    while True:
        t0 = time.monotonic()
        try:
            async with session.get(url) as resp:
                await resp.read()
        except (aiohttp.ClientError, TimeoutError):
            pass  # counted with the time it took: a stall is what we measure
        print(t0, (time.monotonic() - t0) * 1000, flush=True)
        await asyncio.sleep(0.004)

async def main(url):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        await asyncio.gather(*(probe(session, url) for _ in range(4)))

asyncio.run(main(sys.argv[1]))
"""


class Prober:
    """GETs /healthz on 4 connections, each every 4 ms, from another process (as a kubelet or load balancer does: a thread
    in this process would compete for the GIL and time its own waits); latencies in ms, sent
    times on CLOCK_MONOTONIC (time.monotonic, the same clock in both processes)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[tuple[float, float]] = []  # (sent at, latency ms)
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", PROBE_SCRIPT, self.url], stdout=subprocess.PIPE, text=True)

    def stop(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        self.proc.terminate()
        out, _ = self.proc.communicate(timeout=30)
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2:  # the last line may be cut by the terminate
                self.samples.append((float(parts[0]), float(parts[1])))


class StepMeter:
    """The main thread's CPU time of every event-loop step (asyncio Handle._run) taken while
    `on`: how long the loop could not answer anything because of the work itself. CPU time, so a
    process descheduled by a loaded machine does not count (the probes above do see that)."""

    def __init__(self) -> None:
        self.on = False
        self.steps: list[float] = []  # ms
        self._orig = asyncio.events.Handle._run

    def __enter__(self) -> StepMeter:
        orig, meter = self._orig, self

        def run(handle: asyncio.events.Handle) -> None:
            if not meter.on:
                orig(handle)
                return
            t0 = time.thread_time()
            orig(handle)
            meter.steps.append((time.thread_time() - t0) * 1000)

        asyncio.events.Handle._run = run  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.events.Handle._run = self._orig  # type: ignore[method-assign]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


FREEZE = False
FREEZE_AT_START = False


def hold(hub: MetricsHub, n: int, rng: random.Random, now: float) -> None:
    """`n` live records that wait for their writer's clock (metrics/held.py) during the evaluations: read
    live (a read number, as a poll sets it), stamped 40-45 or 85-90 s before now in turn (delays that do not
    bunch: no clock explains them), never released (no poll runs here). Each measurement of the stream asks
    when the oldest of them arrived (RecordPlacer.holding)."""
    src = hub.jsonl["async_upload"]
    for i in range(n):
        src._read_no = float(i)  # noqa: SLF001 - what a poll sets for the lines it reads
        delay = rng.uniform(40.0, 45.0) + 45.0 * (i % 2)
        src.ingest({"execution_type": "async", "success": True, "duration_ms": 700.0,
                    "timestamp": utc(now - delay).replace(tzinfo=None).isoformat()})
    src._read_no = math.nan  # noqa: SLF001


HELD = 0  # --held


async def one(size: int, repeat: int, seed: int, incremental: bool) -> dict[str, float]:
    if FREEZE_AT_START:
        gc.freeze()  # as `sidecar run` does once started (app.run): start-up objects leave the GC's reach
    clock = ManualClock(start=1_763_900_000.0)
    hub = MetricsHub(MetricsConfig(window=1800, jsonl=[JsonlStream(name="async_upload", paths=["/nonexistent"],
                                                                    max_records=size + 10)]), clock,
                     incremental=incremental)
    cfg = RolloutsFile.model_validate(read_yaml(ROOT / "rules" / "rollouts.yaml")).rollouts[0]
    cfg = cfg.model_copy(update={"stages": cfg.stages[1:]})  # the 10% stage first
    # The controller exists before the first record, as in `sidecar run` (built before the metrics
    # stage reads anything): a hub that prepares its aggregates when the controller checks the
    # specs then keeps them up as the records arrive.
    tmp = tempfile.TemporaryDirectory()
    store = await open_sqlite(str(Path(tmp.name) / "b.db"))
    c = RolloutController([cfg], store, hub, clock=clock, replica="bench", check=hub.check_spec)
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
    if HELD:
        hold(hub, HELD, rng, now)
        out_held = hub.jsonl["async_upload"].status()["held"]
    if FREEZE:
        gc.freeze()  # diagnostic: the records loaded so far leave the collector's generations
    app = web.Application()
    app.router.add_get("/healthz", lambda request: web.json_response({"status": "ok"}))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    out: dict[str, float] = {"held": float(out_held) if HELD else 0.0}
    with tmp:
        await c.repo.ensure(cfg.name, utc(clock.time()))
        await c.act(cfg.name, "start")
        t0 = time.process_time()
        await c.evaluate(cfg.name, force=True)  # builds the aggregates (incremental) on first use
        out["first"] = time.process_time() - t0
        prober = Prober(f"http://127.0.0.1:{port}/healthz")
        prober.start()
        await asyncio.sleep(1.0)  # the prober's interpreter starts
        ready = time.monotonic()
        times = []
        spans: list[tuple[float, float]] = []  # wall time of each evaluation
        meter = StepMeter()
        for _ in range(repeat):
            clock.advance(cfg.interval)
            for _ in range(int(size / span * cfg.interval)):  # the traffic of one interval
                hub.ingest_record("async_upload", {"execution_type": "sync", "success": True, "duration_ms": 700.0})
            await asyncio.sleep(0.1)  # ingesting the interval's records is not the evaluation
            t0, w0 = time.process_time(), time.monotonic()
            with meter:
                meter.on = True
                await c.evaluate(cfg.name, force=True)
                meter.on = False
            times.append(time.process_time() - t0)
            spans.append((w0, time.monotonic()))
            await asyncio.sleep(0.1)  # the loop's idle time between evaluations (the real interval is 30 s)
        prober.stop()
        # What one full collection of this process costs with the window held: the stall any
        # evaluation (or request) that happens to trigger one would see.
        g0 = time.thread_time()
        gc.collect()
        out["full_gc"] = (time.thread_time() - g0) * 1000
        await c.stop()
        await store.close()
    await runner.cleanup()
    # Probes in flight during an evaluation: what a health check sees while one runs.
    during, idle = [], []
    for sent, ms in prober.samples:
        if sent >= ready:
            overlaps = any(sent <= end and sent + ms / 1000 >= start for start, end in spans)
            (during if overlaps else idle).append(ms)
    # `idle`: the probes that overlapped no evaluation: the machine's own noise floor in this run.
    out.update(cpu=statistics.median(times), p50=pct(during, 0.5), p99=pct(during, 0.99),
               max=max(during, default=float("nan")), probes=len(during),
               step_max=max(meter.steps, default=float("nan")), step_p99=pct(meter.steps, 0.99), idle_p99=pct(idle, 0.99), idle_probes=len(idle))
    return out


def child(tree: str, size: int, repeat: int, seed: int, freeze_at_start: bool = False) -> dict[str, float]:
    """One incremental run of `size` records in a fresh process importing `tree`."""
    env = {**os.environ, "PYTHONPATH": tree}
    cmd = [sys.executable, __file__, "--child", "--sizes", str(size), "--repeat", str(repeat), "--seed", str(seed),
           "--held", str(HELD)]
    if FREEZE:
        cmd.append("--gc-freeze")
    if FREEZE_AT_START or freeze_at_start:
        cmd.append("--freeze-at-start")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def fmt(r: dict[str, float]) -> str:
    return (f"{r['cpu'] * 1000:7.1f} ms CPU/evaluation (first {r['first'] * 1000:6.1f} ms); /healthz p50 "
            f"{r['p50']:6.1f} ms p99 {r['p99']:7.1f} ms max {r['max']:7.1f} ms ({r['probes']:.0f} probes; "
            f"p99 outside evaluations {r['idle_p99']:.1f} ms); longest loop step {r['step_max']:.1f} ms CPU; "
            f"one full GC {r['full_gc']:.1f} ms; {r['held']:.0f} held")


def compare(args: argparse.Namespace, sizes: list[int]) -> int:
    this = str(Path(__file__).resolve().parents[1])
    base = str(Path(args.baseline_tree).resolve())
    print(f"rollout_hub_eval: incremental hub, this tree {this} vs baseline {base}; "
          f"median of {args.repeat} evaluations per run, {args.rounds} round(s) per size")
    for size in sizes:
        runs: dict[str, list[dict[str, float]]] = {"baseline": [], "this": []}
        for _ in range(args.rounds):
            for label, tree in (("baseline", base), ("this", this)):
                r = child(tree, size, args.repeat, args.seed, freeze_at_start=label == "this" and args.freeze_this)
                runs[label].append(r)
                print(f"{size:>7} records, {label:8s}: {fmt(r)}", flush=True)
        med = {k: {m: statistics.median(r[m] for r in v) for m in ("cpu", "p50", "p99", "max")} for k, v in runs.items()}
        print(f"{size:>7} records, this / baseline (medians over rounds): CPU {med['this']['cpu'] / med['baseline']['cpu']:.3f}x, "
              f"/healthz p99 {med['this']['p99']:.1f} vs {med['baseline']['p99']:.1f} ms "
              f"= {med['this']['p99'] / med['baseline']['p99']:.3f}x, max {med['this']['max'] / med['baseline']['max']:.3f}x",
              flush=True)
    return 0


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", default="10000,50000,200000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--gc-freeze", action="store_true",
                    help="diagnostic: gc.freeze() after loading (do GC passes over the window cause the stalls?)")
    ap.add_argument("--freeze-at-start", action="store_true",
                    help="gc.freeze() before building the hub, as `sidecar run` does after start-up")
    ap.add_argument("--baseline-tree", help="compare this tree's incremental hub with DIR's (each in a child process)")
    ap.add_argument("--freeze-this", action="store_true",
                    help="with --baseline-tree: this tree's child freezes start-up objects, as its `sidecar run` "
                         "does (a baseline from before round 3 of #19 does not)")
    ap.add_argument("--rounds", type=int, default=1, help="with --baseline-tree: alternating runs per size")
    ap.add_argument("--held", type=int, default=0,
                    help="live records waiting for their writer's clock during the evaluations (metrics/held.py)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    globals()["FREEZE"] = args.gc_freeze
    globals()["FREEZE_AT_START"] = args.freeze_at_start
    globals()["HELD"] = args.held
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        print(json.dumps(await one(sizes[0], args.repeat, args.seed, incremental=True)))
        return 0
    if args.baseline_tree:
        return compare(args, sizes)
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
