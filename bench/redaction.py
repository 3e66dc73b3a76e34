"""Redaction speed, this tree's redactor vs another git revision's, interleaved in one process.

    PYTHONPATH=$PWD .venv/bin/python bench/redaction.py [--baseline-rev d1a3ecd] [--rounds 5]

Input: every log line of evals/cases/*.yaml, 3,000 generated lines without secrets and 3,000 generated
lines with one (tests/security/secret_gen.py, fixed seeds). Both redactors run uncached (their
internal `_apply`), best of `--rounds`; the ratio new/old is the figure to read (noisy machine).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.redaction import _apply as new_apply  # noqa: E402
from tests.security.secret_gen import benign_lines, cases  # noqa: E402


def old_redactor(rev: str) -> Callable[[str, None], str]:
    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:sidecar/redaction.py"],
                         check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "old_redaction.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("old_redaction", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod._apply  # type: ignore[no-any-return]


def lines() -> list[str]:
    out: list[str] = []
    for f in sorted((ROOT / "evals" / "cases").glob("*.yaml")):
        out.extend(str(yaml.safe_load(f.read_text()).get("log", "")).splitlines())
    out.extend(benign_lines(18, 3000))
    out.extend(text for _, text, _ in cases(18, 750))
    return out


def rate(fn: Callable[[str, None], str], data: list[str]) -> float:
    t0 = time.perf_counter()
    for line in data:
        fn(line, None)
    return len(data) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline-rev", default="d1a3ecd")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    old = old_redactor(args.baseline_rev)
    data = lines()
    best_new = best_old = 0.0
    for _ in range(args.rounds):
        best_old = max(best_old, rate(old, data))
        best_new = max(best_new, rate(new_apply, data))
    print(f"{len(data)} lines, best of {args.rounds} rounds (uncached)")
    print(f"baseline {args.baseline_rev}: {best_old:,.0f} lines/s")
    print(f"this tree: {best_new:,.0f} lines/s  ({best_new / best_old:.2f}x the baseline)")


if __name__ == "__main__":
    main()
