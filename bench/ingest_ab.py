"""Saturation A/B between source trees, in one invocation, on two workloads (issue 16).

    .venv/bin/python bench/ingest_ab.py --trees BASE_DIR THIS_DIR [--rounds 4] [--errors 20000] [--workload both]
    .venv/bin/python bench/ingest_ab.py --trees THIS_DIR --rounds 1 --profile /tmp/p   # cProfile, one file per workload

Each run is a fresh child process: the real `Sidecar` (SQLite store, errors stage, ingest, no HTTP)
started on an empty log, then N error records appended at once; errors per CPU second until the store
counted all N. Trees are alternated round by round (ABBA) so that a load change on this shared
machine hits both; the figure is each tree's median and the ratio of medians to the first tree.

Workloads:
- `bench`: `ingest_saturation.line` (20 templates, one line per record, shared timestamps);
- `mix`: a workload the ingest code was not tuned on (round 4): 400 message templates, a logged
  traceback on 1 error in 8, an INFO line before about half of the errors, format 2 headers on a
  third, millisecond timestamps (distinct event times).
"""

# The benchmark plays the gateway and polls its own counters: blocking appends and sleep loops are deliberate.
# ruff: noqa: ASYNC110, ASYNC230

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

import ingest_saturation as sat

WORKLOADS = ("bench", "mix")


def mix_body(n: int, seed: int = 7) -> str:
    """N error records of the untuned mix (see the module docstring)."""
    r = random.Random(seed)
    out = []
    for s in range(n):
        k = r.randrange(400)
        ts = f"2026-11-23 10:{(s // 2000) % 60:02d}:{(s // 40) % 60:02d},{s % 1000:03d}"
        if r.random() < 0.5:
            out.append(f"{ts} INFO gw.http: GET /v1/chat/completions 200 in {r.randrange(900)} ms\n")
        msg = f"worker {k} failed to call upstream_{k % 37} after {r.randrange(9)} retries (req={r.getrandbits(40):x})"
        if s % 3 == 0:
            out.append(f"{ts} - gw.worker{k % 11} - ERROR - {msg}\n")
        else:
            out.append(f"{ts} ERROR gw.worker{k % 11}: {msg}\n")
        if s % 8 == 0:
            out.append("Traceback (most recent call last):\n"
                       f'  File "/app/gw/worker{k % 11}.py", line {100 + k}, in run\n    await self.call()\n'
                       f'  File "/app/gw/upstream.py", line {40 + k % 37}, in call\n    raise UpstreamError(msg)\n'
                       f"gw.errors.UpstreamError: upstream_{k % 37} refused: {r.getrandbits(32):x}\n")
    return "".join(out)


def body(workload: str, n: int) -> str:
    return "".join(sat.line(s) for s in range(n)) if workload == "bench" else mix_body(n)


async def run_once(workload: str, n: int, profile: str | None) -> dict[str, float]:
    from sidecar.app import Sidecar

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "gw.log")
        open(path, "w").close()
        text = body(workload, n)
        app = Sidecar(sat.config(d, path))
        await app.start(serve=False)
        sat.start_up_as_sidecar_run(True)
        groups = app.stages.groups
        await asyncio.sleep(0.5)
        prof = None
        if profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        wall, cpu = await sat.append_and_wait(path, text, groups, n, 300)
        if prof is not None and profile:
            prof.disable()
            prof.dump_stats(profile)
        assert groups.recorded == n, f"{groups.recorded} of {n} stored"
        await app.stop()
    return {"per_s": n / wall, "per_cpu_s": n / cpu}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trees", nargs="+", default=[sat.REPO], help="source trees; ratios are against the first")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--errors", type=int, default=20000)
    ap.add_argument("--workload", choices=(*WORKLOADS, "both"), default="both")
    ap.add_argument("--profile", help="path prefix: write a cProfile per run (PREFIX.<workload>.<round>.prof)")
    ap.add_argument("--child", nargs=2, metavar=("WORKLOAD", "PROFILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        wl, prof = args.child
        print(json.dumps(asyncio.run(run_once(wl, args.errors, prof or None))))
        return
    workloads = WORKLOADS if args.workload == "both" else (args.workload,)
    trees = [os.path.abspath(t) for t in args.trees]
    res: dict[tuple[str, str], list[float]] = {(w, t): [] for w in workloads for t in trees}
    for r in range(args.rounds):
        for w in workloads:
            for t in (trees if r % 2 == 0 else trees[::-1]):
                prof = f"{args.profile}.{w}.{r}.tree{trees.index(t)}.prof" if args.profile else ""
                out = subprocess.run([sys.executable, __file__, "--errors", str(args.errors), "--child", w, prof],
                                     env={**os.environ, "PYTHONPATH": t}, capture_output=True, text=True,
                                     cwd=tempfile.gettempdir(), timeout=sat.CHILD_TIMEOUT)
                if out.returncode != 0:
                    print(out.stderr[-3000:])
                    raise SystemExit(1)
                res[(w, t)].append(json.loads(out.stdout.strip().splitlines()[-1])["per_cpu_s"])
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for w in workloads:
        base = res[(w, trees[0])]
        for t in trees:
            v = res[(w, t)]
            ratio = statistics.median(v) / statistics.median(base)
            rounds = ", ".join(f"{a / b:.2f}" for a, b in zip(v, base, strict=True))
            print(f"{w:5s} {t}: errors per CPU s median {statistics.median(v):7.0f} ({1e6 / statistics.median(v):.1f} "
                  f"us/event), runs {[round(x) for x in v]}; ratio {ratio:.2f} (per round {rounds})")


if __name__ == "__main__":
    main()
