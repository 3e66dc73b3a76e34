"""Driver for a load-proof redaction cost: N passes of an uncached redactor over bench/redaction.py's lines.

    PYTHONHASHSEED=0 PYTHONPATH=$PWD valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \\
        .venv/bin/python bench/redaction_callgrind.py N [REV]

Instructions per pass = (Collected with N=3 - Collected with N=1) / 2: start-up, imports and the first pass's cold
caches cancel. REV: a git revision's redactor (bench/redaction.py's old_redactor); without it, this tree's.
Wall-clock speed is bench/redaction.py's (the lead runs it on a quiet machine).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from redaction import lines, old_redactor  # noqa: E402


def main() -> None:
    fn: Callable[[str, None], str]
    if len(sys.argv) > 2:
        fn = old_redactor(sys.argv[2])
    else:
        from sidecar.redaction import _apply
        fn = _apply
    data = lines()
    for _ in range(int(sys.argv[1])):
        for line in data:
            fn(line, None)


if __name__ == "__main__":
    main()
