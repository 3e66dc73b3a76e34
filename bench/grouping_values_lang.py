"""GA on generated messages whose slot holds a value in another language's notation (GROUPING_CLASSES3
S30, S33, S36, S37, V1, V2): ours vs Drain3, per notation.

The corpora come from tests/errors/value_gen.py (Go `%v` structs, `%+v`, pointers, slices and maps; Java
lists, maps, records, `Object.toString`; Node `util.inspect` objects, arrays and Maps; Perl references),
0-5 items per line, constant words from stdlib docstrings; `twins` is the share of one-word twins whose
lines share no group with their base statement's (ours).

    PYTHONPATH=TREE .venv/bin/python bench/grouping_values_lang.py [--seeds 1,2,3]
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
from value_gen import SHAPES, corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", default="1,2,3")
    seeds = [int(s) for s in ap.parse_args(argv).seeds.split(",")]
    print(f"{'notation':16} {'ours':>6} {'drain3':>7} {'twins apart':>12}")
    all_o, all_d = [], []
    for shape in SHAPES:
        o, d, apart, total = [], [], 0, 0
        for seed in seeds:
            lines, truth = corpus(seed, shape)
            pred = ours(lines)
            o.append(grouping_accuracy(truth, pred))
            d.append(grouping_accuracy(truth, drain3(lines)))
            groups: dict[str, set[str]] = defaultdict(set)
            for t, p in zip(truth, pred, strict=True):
                groups[t].add(p)
            for t in groups:
                if t.endswith("w") and t[:-1] in groups:
                    total += 1
                    apart += not groups[t] & groups[t[:-1]]
        all_o += o
        all_d += d
        print(f"{shape:16} {sum(o) / len(o):6.3f} {sum(d) / len(d):7.3f} {apart:5d}/{total:<5d}")
    print(f"{'mean':16} {sum(all_o) / len(all_o):6.3f} {sum(all_d) / len(all_d):7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
