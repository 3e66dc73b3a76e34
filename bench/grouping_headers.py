"""Whole lines vs their messages: does `sidecar fingerprint` group a raw log line as its message?

Per shared Loghub-2k dataset: the raw `<name>_2k.log` lines (headers included) and the `Content`
column (the message Loghub's per-dataset regex cut) are fed to fresh `MessageGrouper`s in the
same run; GA of each against the true `EventId`, their group counts, and how many raw lines
`ingest.sysheaders.cut_header` cuts to exactly the `Content` text (class H of GROUPING_CLASSES.md).

    PYTHONPATH=. .venv/bin/python bench/grouping_headers.py [--data ../shared/datasets/loghub-2k]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grouping as g  # noqa: E402

from sidecar.ingest.sysheaders import cut_header  # noqa: E402


def raw_lines(data: Path, name: str, n: int) -> list[str]:
    text = (data / name / f"{name}_2k.log").read_text(encoding="utf-8")
    return [line.rstrip("\r") for line in text.split("\n")][:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=g.DEFAULT_DATA)
    args = ap.parse_args()
    sums = [0.0, 0.0]
    print(f"{'dataset':10s} {'GA content':>10s} {'GA whole':>9s} {'groups c/w':>11s} {'cut == Content':>15s}")
    for name in g.DATASETS:
        messages, truth = g.load(args.data, name)
        raw = raw_lines(args.data, name, len(messages))
        content, whole = g.ours(messages), g.ours(raw)
        exact = sum(1 for r, m in zip(raw, messages, strict=True)
                    if (c := cut_header(r)) is not None and c.message.strip() == m.strip())
        a, b = g.grouping_accuracy(truth, content), g.grouping_accuracy(truth, whole)
        sums[0] += a
        sums[1] += b
        print(f"{name:10s} {a:10.3f} {b:9.3f} {len(set(content)):5d}/{len(set(whole)):<5d} {exact:7d}/{len(raw)}")
    print(f"{'mean':10s} {sums[0] / len(g.DATASETS):10.4f} {sums[1] / len(g.DATASETS):9.4f}")


if __name__ == "__main__":
    main()
