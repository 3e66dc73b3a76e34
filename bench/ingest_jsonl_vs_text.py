"""JSON-lines vs text scanning, MiB per CPU second, on the same records (issue 16).

    .venv/bin/python bench/ingest_jsonl_vs_text.py [--size-mib 64] [--baseline-tree DIR]

Writes one generated gateway log (bench/ingest_gen.py: 1% errors with tracebacks, INFO payloads that
quote ERROR/CRITICAL/Traceback) and the same records as JSON lines (python-json-logger shape:
timestamp, levelname, name, message, exc_info), then feeds each file through FileParser (the code
path `run` and `replay` share) and reports MiB per CPU second (time.process_time). With
`--baseline-tree`, the same measurement is run on another checkout in a child process, same files.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ingest_gen import generate  # noqa: E402

MIB = 1024 * 1024
_HDR = re.compile(r"^(\S+ \S+) (\w+) (\S+): (.*)$")


def to_jsonl(text_path: str, out_path: str) -> None:
    """The text log's records as JSON lines (header fields + the traceback as exc_info)."""
    with open(text_path, encoding="utf-8") as f, open(out_path, "w", encoding="utf-8") as out:
        rec: dict[str, str] | None = None
        tb: list[str] = []

        def emit() -> None:
            if rec is not None:
                if tb:
                    rec["exc_info"] = "".join(tb).rstrip("\n")
                out.write(json.dumps(rec) + "\n")

        for line in f:
            m = _HDR.match(line.rstrip("\n"))
            if m:
                emit()
                rec = {"timestamp": m.group(1), "levelname": m.group(2), "name": m.group(3), "message": m.group(4)}
                tb = []
            else:
                tb.append(line)
        emit()


def measure(path: str, fmt: str, repeat: int) -> tuple[float, int]:
    """(best CPU seconds of `repeat` runs, events) of FileParser over the whole file."""
    from sidecar.ingest.parser import FileParser, ParserOptions

    best = float("inf")
    events = 0
    for _ in range(repeat):
        p = FileParser("bench", path, ParserOptions(format=fmt))
        n = 0
        t0 = time.process_time()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                n += len(p.feed(chunk))
        n += len(p.flush())
        best = min(best, time.process_time() - t0)
        events = n
    return best, events


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-tree")
    ap.add_argument("--measure-only", nargs=2, metavar=("TEXT", "JSONL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure_only:
        text, jsonl = args.measure_only
        print(json.dumps({"text": measure(text, "text", args.repeat), "jsonl": measure(jsonl, "json", args.repeat)}))
        return
    d = tempfile.gettempdir()
    text, jsonl = os.path.join(d, "bench16_text.log"), os.path.join(d, "bench16.jsonl")
    errors = generate(text, args.size_mib * MIB)
    to_jsonl(text, jsonl)
    rows = []
    trees = [("this tree", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))]
    if args.baseline_tree:
        trees.append(("baseline", args.baseline_tree))
    for name, tree in trees:
        res = subprocess.run([sys.executable, __file__, "--measure-only", text, jsonl, "--repeat", str(args.repeat)],
                             env={**os.environ, "PYTHONPATH": tree}, capture_output=True, text=True, check=True)
        got = json.loads(res.stdout)
        for fmt, path in (("text", text), ("jsonl", jsonl)):
            cpu, events = got[fmt]
            mib = os.path.getsize(path) / MIB
            rows.append((name, fmt, mib, cpu, events, mib / cpu))
    print(f"{errors} error records generated")
    print("| tree | format | MiB | CPU s | events | MiB per CPU s |")
    print("|---|---|---|---|---|---|")
    for name, fmt, mib, cpu, events, rate in rows:
        print(f"| {name} | {fmt} | {mib:.1f} | {cpu:.2f} | {events} | {rate:.1f} |")
    by = {(r[0], r[1]): r[5] for r in rows}
    for name, _ in trees:
        print(f"{name}: JSONL / text MiB per CPU s = {by[(name, 'jsonl')] / by[(name, 'text')]:.2f}")


if __name__ == "__main__":
    main()
