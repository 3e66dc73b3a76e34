"""Redaction time of attacker-shaped lines as a RATIO to a benign line of the same size, in the same run.

    PYTHONPATH=$PWD .venv/bin/python bench/redaction_adversarial.py [--size 1048576] [--baseline-rev REV --baseline-size 16384]

A log line is attacker-controlled and capped at 256 KiB-1 MiB: a rule that re-reads the rest of the line from each of
many starts (a lazy unbounded class before a lookahead) stalls redaction on one line. Each shape of the class (URL
userinfo runs: `//a:` with and without an `@` that no host follows, `a.a.` scheme runs, the round-18 finding
`("//a:"*5+"@")*k`) is filled to `--size` characters with a real userinfo after it, redacted by this tree's uncached
`_apply` (CPU s, best of 3), and divided by the time of a benign line of the same size (an access-log line repeated).
A linear rule keeps the ratio a small constant at every size. With --baseline-rev, the same shapes at --baseline-size
(small: a quadratic baseline at 1 MiB takes hours) for that revision's redactor (bench/redaction.py's old_redactor).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from redaction import old_redactor  # noqa: E402

from sidecar.redaction import _apply  # noqa: E402
from tests.security.test_url_userinfo_linear import ADVERSARIAL  # noqa: E402
from tests.security.test_url_userinfo_linear import SECRET as URL_SECRET  # noqa: E402

# The class's shapes are defined once, by the test that pins their output (tests/security/test_url_userinfo_linear.py).
SHAPES = ADVERSARIAL
BENIGN = '10.0.0.7 - - "GET /v1/chat/completions?model=gpt-4o HTTP/1.1" 200 512 https://example.com:8080/a/b '
SECRET = " " + URL_SECRET


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size] + SECRET


def _cpu(fn: Callable[[str, None], str], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        fn(text, None)
        best = min(best, time.process_time() - t)
    return best


def report(label: str, fn: Callable[[str, None], str], size: int) -> None:
    base = _cpu(fn, _fill(BENIGN, size))
    print(f"{label} size {size}: benign {base:.3f} s")
    for name, unit in SHAPES.items():
        t = _cpu(fn, _fill(unit, size))
        print(f"  {name:14s} {t:8.3f} s  ratio {t / base:6.2f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1 << 20)
    ap.add_argument("--baseline-rev")
    ap.add_argument("--baseline-size", type=int, default=16384)
    args = ap.parse_args()
    report("this tree", _apply, args.size)
    if args.baseline_rev:
        report("this tree", _apply, args.baseline_size)
        report(args.baseline_rev, old_redactor(args.baseline_rev), args.baseline_size)


if __name__ == "__main__":
    main()
