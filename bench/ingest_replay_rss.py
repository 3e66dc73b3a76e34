"""Peak RSS of `sidecar replay --jsonl` for 10k vs 100k error events (issue 16: replay must stream).

    .venv/bin/python bench/ingest_replay_rss.py [--baseline-tree DIR]

Generates gateway logs with ~10,000 and ~100,000 error records (each with an 8-line traceback,
error ratio 20%), then runs the real CLI on each in a child process and reads that child's peak
RSS from wait4(). `--baseline-tree` runs the same on another checkout (e.g. a worktree of the
commit before) in the same run, through PYTHONPATH, for a ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ingest_gen import generate  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(tree: str, path: str) -> tuple[float, float, int]:
    """(peak RSS MiB, wall s, events printed) of `sidecar replay --jsonl path` run from `tree`."""
    env = {**os.environ, "PYTHONPATH": tree}
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([sys.executable, "-m", "sidecar", "replay", "--jsonl", path], stdout=out,
                                stderr=subprocess.DEVNULL, env=env, cwd=tempfile.gettempdir())
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        out.seek(0)
        events = sum(1 for _ in out)
    assert proc.returncode == 0, proc.returncode
    return usage.ru_maxrss / 1024, wall, events


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline-tree", help="another checkout to compare with (PYTHONPATH)")
    ap.add_argument("--dir", default=tempfile.gettempdir())
    args = ap.parse_args()
    files = {}
    for n in (10_000, 100_000):
        path = os.path.join(args.dir, f"replay_rss_{n}.log")
        # ~1.2 KiB per error record at a 20% error ratio: size for n errors
        files[n] = (path, generate(path, int(n * 1.25 * 1024 * 1.2), error_ratio=0.2))
    trees = [("this tree", REPO)] + ([("baseline", args.baseline_tree)] if args.baseline_tree else [])
    print("| tree | errors in file | events printed | peak RSS MiB | wall s |")
    print("|---|---|---|---|---|")
    peaks: dict[str, dict[int, float]] = {}
    for name, tree in trees:
        for n, (path, written) in files.items():
            rss, wall, events = run(tree, path)
            peaks.setdefault(name, {})[n] = rss
            print(f"| {name} | {written} | {events} | {rss:.1f} | {wall:.1f} |")
    for name, p in peaks.items():
        print(f"{name}: peak RSS 100k / 10k = {p[100_000] / p[10_000]:.2f}")


if __name__ == "__main__":
    main()
