"""Replay throughput on a generated gateway log, against `grep -c ' ERROR ' FILE` in the same run.

    .venv/bin/python bench/ingest_throughput.py [--size-mib 512] [--path /tmp/ingest_bench.log]

Measures, on the same (page-cached) file:
  1. grep -c ' ERROR ' FILE                      (the baseline: a substring count, no parsing)
  2. the replay code path in-process               (FileParser: what `run` and `replay` share)
  3. `sidecar replay --jsonl FILE > /dev/null`     (the CLI: + fingerprints + JSON output)
MiB/s are file bytes over wall time; CPU seconds are shown too (the box is shared).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ingest_gen import generate  # noqa: E402

from sidecar.ingest.parser import ParserOptions  # noqa: E402
from sidecar.ingest.replay import replay_file  # noqa: E402

MIB = 1024 * 1024


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mib", type=int, default=512)
    ap.add_argument("--path", default=None)
    ap.add_argument("--no-cli", action="store_true", help="skip the CLI run")
    args = ap.parse_args()
    path = args.path or f"/tmp/ingest_bench_{args.size_mib}mib.log"
    if not os.path.exists(path) or abs(os.path.getsize(path) - args.size_mib * MIB) > MIB:
        t = time.perf_counter()
        errors = generate(path, args.size_mib * MIB)
        print(f"generated {path}: {os.path.getsize(path) / MIB:.0f} MiB, {errors} error records "
              f"in {time.perf_counter() - t:.1f}s")
    size = os.path.getsize(path)
    mib = size / MIB

    c0 = children_cpu()
    t = time.perf_counter()
    grep = subprocess.run(["grep", "-c", " ERROR ", path], capture_output=True, text=True)
    grep_wall = time.perf_counter() - t
    grep_cpu = children_cpu() - c0
    print(f"grep -c ' ERROR ':      {mib / grep_wall:8.1f} MiB/s  wall {grep_wall:6.2f}s  cpu {grep_cpu:6.2f}s  "
          f"(count {grep.stdout.strip()})")

    t = time.perf_counter()
    c = time.process_time()
    events, _ = replay_file(path, ParserOptions())
    wall = time.perf_counter() - t
    cpu = time.process_time() - c
    print(f"replay path (in-proc):  {mib / wall:8.1f} MiB/s  wall {wall:6.2f}s  cpu {cpu:6.2f}s  "
          f"({len(events)} events; {mib / cpu:.1f} MiB/s per CPU second)")
    print(f"ratio replay/grep (wall): {grep_wall / wall:.3f}  (grep is {wall / grep_wall:.0f}x faster)")

    if not args.no_cli:
        cmd = [os.path.join(os.path.dirname(sys.executable), "sidecar"), "replay", "--jsonl", path]
        c0 = children_cpu()
        t = time.perf_counter()
        with open(os.devnull, "w") as devnull:
            rc = subprocess.run(cmd, stdout=devnull, stderr=subprocess.PIPE, text=True)
        cli_wall = time.perf_counter() - t
        cli_cpu = children_cpu() - c0
        print(f"sidecar replay --jsonl: {mib / cli_wall:8.1f} MiB/s  wall {cli_wall:6.2f}s  cpu {cli_cpu:6.2f}s  "
              f"(exit {rc.returncode})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
