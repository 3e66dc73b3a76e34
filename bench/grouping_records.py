"""GA on generated structured-logging records (GROUPING_CLASSES3 H28-H31, H36, T16, V1/V2/V4): ours vs Drain3.

The corpora come from tests/errors/record_gen.py (seven library layouts, message words, key names and
value kinds drawn per seed, twins: the same message with another key set, the same keys with one message
word changed). Whole lines (`raw`) and what a header cut leaves (`content`: `msg=... k=v`) per library;
`twins` is the share of twin statements whose lines share no group with their base's (ours).

    PYTHONPATH=TREE .venv/bin/python bench/grouping_records.py [--seeds 1,2,3,4,5]

Run with PYTHONPATH at two trees for before/after.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "errors"))

from grouping import drain3, grouping_accuracy, ours  # noqa: E402
from record_gen import LIBRARIES, corpus  # noqa: E402


def twins_apart(truth: list[str], predicted: list[str]) -> tuple[int, int]:
    """(twins whose groups are disjoint from their base's, twins present)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for t, p in zip(truth, predicted, strict=True):
        groups[t].add(p)
    twins = [t for t in groups if t[-1] in "kw" and t[:-1] in groups]
    return sum(1 for t in twins if not groups[t] & groups[t[:-1]]), len(twins)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", default="1,2,3,4,5")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"{'library':10} {'mode':8} {'ours':>6} {'drain3':>7} {'twins apart':>12}")
    all_ours, all_drain = [], []
    for content in (False, True):
        for lib in LIBRARIES:
            if content and lib not in ("gokit", "logrus", "slogtext"):
                continue
            o, d, apart, total = [], [], 0, 0
            for seed in seeds:
                lines, truth = corpus(seed, library=lib, content=content)
                pred = ours(lines)
                o.append(grouping_accuracy(truth, pred))
                d.append(grouping_accuracy(truth, drain3(lines)))
                a, t = twins_apart(truth, pred)
                apart, total = apart + a, total + t
            all_ours.extend(o)
            all_drain.extend(d)
            print(f"{lib:10} {'content' if content else 'raw':8} {sum(o) / len(o):6.3f} {sum(d) / len(d):7.3f}"
                  f" {apart:5d}/{total:<5d}")
    print(f"{'mean':19} {sum(all_ours) / len(all_ours):6.3f} {sum(all_drain) / len(all_drain):7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
