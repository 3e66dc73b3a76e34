"""Driver for `valgrind --tool=callgrind`: N untimed passes of ours (or Drain3) over the distinct
`Content` lines of the named shared Loghub-2k datasets (the never-seen mode of bench/grouping.py).

Instruction counts do not move with the machine's load, so they are the before/after figure for a
speed change on a shared machine. Per pass = (count at N=2) - (count at N=1): start-up cancels.

    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p \\
        .venv/bin/python bench/grouping_callgrind.py ours 2 Linux,OpenSSH,BGL
    callgrind_annotate /tmp/cg.<pid> | head   # "PROGRAM TOTALS"
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grouping as g  # noqa: E402


def main() -> None:
    who, passes, names = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
    logging.getLogger("drain3").setLevel(logging.ERROR)
    lines = [m for name in names for m in dict.fromkeys(g.load(g.DEFAULT_DATA, name)[0])]
    fn = g.ours if who == "ours" else g.drain3
    for _ in range(passes):
        out = fn(lines)
    print(f"{who}: {passes} passes over {len(lines):,} lines, {len(set(out)):,} groups")


if __name__ == "__main__":
    main()
