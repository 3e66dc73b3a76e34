"""Append -> stored through the real app: latency at fixed rates and the saturation point (issue 16).

    .venv/bin/python bench/ingest_saturation.py [--errors 40000] [--rates 1000,5000] [--baseline-tree DIR] [--healthz]

The real `Sidecar` (SQLite store, outage spool, errors stage, ingest) runs in a child process on a
fresh directory. Saturation: a file already holding N error lines (20 message templates, numbered)
is read from the beginning; errors/s = N / (time until the store counted all N). Latency: a writer
process appends error lines at R lines/s for a few seconds, each carrying its write time; the
ingest sink is wrapped to stamp when the store committed the batch. With `--baseline-tree`, the
same runs are made on another checkout (PYTHONPATH) in the same invocation.
"""

# The benchmark plays the gateway and polls its own counters: blocking appends and sleep loops are deliberate.
# ruff: noqa: ASYNC110, ASYNC220, ASYNC230

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The tree whose sidecar package the child runs (its first PYTHONPATH entry), and a bound on a child's run.
TREE = (os.environ.get("PYTHONPATH") or REPO).split(os.pathsep)[0]
CHILD_TIMEOUT = 600
TEMPLATES = [f"src.mod{i}: request failed for tool kimi_chat_{i} id={{n}} seq={{s}}" for i in range(20)]


def line(seq: int, t: float | None = None) -> str:
    msg = TEMPLATES[seq % len(TEMPLATES)].format(n=seq * 7919 % 100000, s=seq)
    return f"2026-11-23 10:00:01 ERROR {msg}{f' t={t:.6f}' if t is not None else ''}\n"


def start_up_as_sidecar_run(freeze: bool) -> bool:
    """Do what the tree's own `sidecar run` does once started; True if that froze the GC's start-up objects.

    Since issue 19 `sidecar run` calls gc.freeze() after start-up (sidecar/app.py): the ~145k objects
    start-up made leave the collector's generations, and each full collection during a saturation
    (1-2 per 20,000 events) stops walking them (~10 us of CPU per event without, ~1.5 with). The
    bench starts `Sidecar` itself, so it mirrors that per tree: a tree whose run() does not freeze
    (the round's baseline) is measured without. `--no-freeze` measures every tree without.
    """
    import gc
    import inspect

    from sidecar import app

    if freeze and "gc.freeze()" in inspect.getsource(app.run):
        gc.freeze()
        return True
    return False


def component(app, name: str):
    """A running stage by name (Sidecar.component before issue 14's restructuring, components after)."""
    return next(c for c in app.components if c.name == name)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def config(d: str, path: str, port: int = 1):
    from sidecar.config import Config

    return Config.model_validate({
        "server": {"host": "127.0.0.1", "port": port},
        "store": {"path": os.path.join(d, "db.sqlite"), "spool_dir": os.path.join(d, "spool")},
        "sources": [{"paths": [path], "start_at": "beginning"}],
        "ingest": {"checkpoint_dir": os.path.join(d, "ck")},
        # The rules of the tree under test (PYTHONPATH), not this script's: a baseline tree cannot load
        # rules written for newer code (it failed to start and the run waited forever).
        "diagnosis": {"kimi_enabled": False, "rules_file": os.path.join(TREE, "rules", "diagnoses.yaml")},
        "alerts": {"rules_file": None},
        "rollouts_file": None,
    })


async def append_and_wait(path: str, text: str, groups, n: int, within: float) -> tuple[float, float]:
    """Append `text` to the tailed file at once and wait until `n` errors are recorded: (wall s, CPU s) it took."""
    t0, c0 = time.perf_counter(), time.process_time()
    with open(path, "a") as f:
        f.write(text)
    deadline = time.perf_counter() + within
    while groups.recorded < n and time.perf_counter() < deadline:
        await asyncio.sleep(0.005)
    return time.perf_counter() - t0, time.process_time() - c0


async def saturation(n: int, healthz: bool = False, freeze: bool = True) -> dict[str, float]:
    """Start the app on an empty log, then append N error lines at once: errors/s until all stored.

    With `healthz`, the app serves and a separate process polls /healthz every 20 ms meanwhile
    (what a liveness probe sees while the sidecar is saturated)."""
    from sidecar.app import Sidecar

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "gw.log")
        open(path, "w").close()
        body = "".join(line(s) for s in range(n))
        port = free_port() if healthz else 1
        app = Sidecar(config(d, path, port))
        await app.start(serve=healthz)
        froze = start_up_as_sidecar_run(freeze)
        groups = app.stages.groups
        await asyncio.sleep(0.5)  # started (imports, migrations, first scan) before the clock starts
        poller = subprocess.Popen([sys.executable, __file__, "--poll", f"http://127.0.0.1:{port}/healthz"],
                                  stdout=subprocess.PIPE, text=True) if healthz else None
        await asyncio.sleep(0.5 if healthz else 0)  # the poller is up
        wall, cpu = await append_and_wait(path, body, groups, n, 120)
        assert groups.recorded == n, f"{groups.recorded} of {n} stored within 120 s"
        out: dict[str, float] = {"errors": n, "wall": wall, "cpu": cpu, "per_s": n / wall, "per_cpu_s": n / cpu,
                                 "gc_frozen": float(froze)}
        if poller is not None:
            poller.terminate()
            lat = sorted(json.loads(poller.communicate(timeout=30)[0] or "[]"))
            if lat:
                out.update(healthz_n=len(lat), healthz_p50_ms=lat[len(lat) // 2] * 1000,
                           healthz_p99_ms=lat[int(0.99 * (len(lat) - 1))] * 1000, healthz_max_ms=lat[-1] * 1000)
        await app.stop()
    return out


def poll(url: str) -> None:
    """GET `url` every 20 ms until terminated; print the latencies (JSON) on SIGTERM."""
    import signal
    import urllib.request

    lat: list[float] = []

    def done(*_: object) -> None:
        print(json.dumps(lat))
        sys.exit(0)

    signal.signal(signal.SIGTERM, done)
    while True:
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                resp.read()
            lat.append(time.perf_counter() - t)
        except OSError:
            lat.append(10.0)  # a failed probe counts as the probe's timeout
        time.sleep(0.02)


async def latency(rate: int, seconds: float) -> dict[str, float]:
    from sidecar.app import Sidecar

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "gw.log")
        open(path, "w").close()
        app = Sidecar(config(d, path))
        await app.start(serve=False)
        ingest = app.stages.ingest
        inner = ingest.sink
        lat: list[float] = []

        async def stamped(batch):
            await inner(batch)
            now = time.time()
            lat.extend(now - float(ev.message.rsplit(" t=", 1)[1]) for ev in batch)

        ingest.sink = stamped
        if hasattr(ingest, "delivery"):  # since issue 16 the sink is called by the delivery queue
            ingest.delivery.sink = stamped
        await asyncio.sleep(0.5)
        n = int(rate * seconds)
        writer = subprocess.Popen([sys.executable, __file__, "--write", path, str(rate), str(n)])
        deadline = time.time() + seconds + 60
        while len(lat) < n and time.time() < deadline:
            await asyncio.sleep(0.05)
        writer.wait()
        await app.stop()
    lat.sort()
    pick = lambda p: lat[min(len(lat) - 1, int(p / 100 * (len(lat) - 1)))] * 1000  # noqa: E731
    return {"rate": rate, "events": len(lat), "p50_ms": pick(50), "p99_ms": pick(99), "max_ms": lat[-1] * 1000}


def write(path: str, rate: int, n: int) -> None:
    """The gateway: `rate` error lines per second, in 10 ms ticks, each carrying its write time."""
    per_tick = max(1, rate // 100)
    start = time.time()
    with open(path, "a", buffering=1) as f:
        s = 0
        while s < n:
            k = min(per_tick, n - s)
            now = time.time()
            f.write("".join(line(s + i, now) for i in range(k)))
            s += k
            delay = start + s / rate - time.time()
            if delay > 0:
                time.sleep(delay)


def child(args: argparse.Namespace) -> None:
    out = {"saturation": asyncio.run(saturation(args.errors, args.healthz, not args.no_freeze)),
           "latency": [asyncio.run(latency(int(r), args.seconds)) for r in args.rates.split(",")]}
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", type=int, default=40000)
    ap.add_argument("--rates", default="1000,5000")
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--baseline-tree")
    ap.add_argument("--healthz", action="store_true", help="serve and poll /healthz during the saturation run")
    ap.add_argument("--no-freeze", action="store_true",
                    help="never gc.freeze() after start-up, even where the tree's `sidecar run` does")
    ap.add_argument("--poll", help=argparse.SUPPRESS)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--write", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write:
        write(args.write[0], int(args.write[1]), int(args.write[2]))
        return
    if args.poll:
        poll(args.poll)
        return
    if args.child:
        child(args)
        return
    trees = [("this tree", REPO)] + ([("baseline", args.baseline_tree)] if args.baseline_tree else [])
    results = {}
    for name, tree in trees:
        res = subprocess.run([sys.executable, __file__, "--child", "--errors", str(args.errors), "--rates", args.rates,
                              "--seconds", str(args.seconds)] + (["--healthz"] if args.healthz else [])
                             + (["--no-freeze"] if args.no_freeze else []), env={**os.environ, "PYTHONPATH": tree},
                             capture_output=True, text=True, cwd=tempfile.gettempdir(), timeout=CHILD_TIMEOUT)
        if res.returncode != 0:
            print(res.stderr[-3000:])
            raise SystemExit(1)
        results[name] = json.loads(res.stdout.strip().splitlines()[-1])
    print("| tree | saturation errors/s (wall) | errors per CPU s | " + " | ".join(
        f"{r}/s p50 / p99 ms" for r in args.rates.split(",")) + " |")
    print("|---|---|---|" + "---|" * len(args.rates.split(",")))
    for name, r in results.items():
        s = r["saturation"]
        lats = " | ".join(f"{x['p50_ms']:.0f} / {x['p99_ms']:.0f} ({x['events']})" for x in r["latency"])
        frozen = " (gc frozen after start-up, as its `sidecar run`)" if s.get("gc_frozen") else ""
        print(f"| {name}{frozen} | {s['per_s']:.0f} | {s['per_cpu_s']:.0f} | {lats} |")
    if args.healthz:
        for name, r in results.items():
            s = r["saturation"]
            print(f"/healthz during saturation, {name}: {s.get('healthz_n', 0):.0f} probes, p50 "
                  f"{s.get('healthz_p50_ms', -1):.0f} ms, p99 {s.get('healthz_p99_ms', -1):.0f} ms, "
                  f"max {s.get('healthz_max_ms', -1):.0f} ms")
    if len(results) == 2:
        a, b = results["this tree"]["saturation"], results["baseline"]["saturation"]
        print(f"saturation ratio this/baseline: wall {a['per_s'] / b['per_s']:.2f}, CPU {a['per_cpu_s'] / b['per_cpu_s']:.2f}")


if __name__ == "__main__":
    main()
