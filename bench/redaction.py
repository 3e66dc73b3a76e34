"""Redaction speed, this tree's redactor vs another git revision's, interleaved in one process.

    PYTHONPATH=$PWD .venv/bin/python bench/redaction.py [--baseline-rev 5672e8a [--baseline-rev REV ...]] [--rounds 5]

Input: every log line of evals/cases/*.yaml, 3,000 generated lines without secrets and 3,000 generated
lines with one (tests/security/secret_gen.py, fixed seeds). Both redactors run uncached (their
internal `_apply`), best of `--rounds`, in lines per CPU second; the ratio new/old is the figure to read.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
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
    """The redactor at git revision `rev`: the module sidecar/redaction.py (round 1) or the package
    sidecar/redaction/ (round 2 on), loaded under another name beside this tree's."""
    tmp = Path(tempfile.mkdtemp())
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", f"{rev}:sidecar/redaction"],
                             capture_output=True, text=True)
    name = f"old_redaction_{rev[:10]}"
    if listing.returncode == 0:  # a package
        pkg = tmp / name
        pkg.mkdir()
        for fname in listing.stdout.split():  # the modules and their data files (data/bip39_english.txt, round 11)
            if fname.endswith((".py", ".txt")):
                (pkg / fname).parent.mkdir(parents=True, exist_ok=True)
                (pkg / fname).write_text(subprocess.run(
                    ["git", "-C", str(ROOT), "show", f"{rev}:sidecar/redaction/{fname}"],
                    check=True, capture_output=True, text=True).stdout)
        spec = importlib.util.spec_from_file_location(name, pkg / "__init__.py", submodule_search_locations=[str(pkg)])
    else:
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:sidecar/redaction.py"],
                             check=True, capture_output=True, text=True).stdout
        (tmp / f"{name}.py").write_text(src)
        spec = importlib.util.spec_from_file_location(name, tmp / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
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
    """Lines per CPU second of this process (on a shared, loaded machine wall time mostly measures the others)."""
    t0 = time.process_time()
    for line in data:
        fn(line, None)
    return len(data) / (time.process_time() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline-rev", action="append", default=None,
                    help="a git revision to compare with (repeat the option for several, measured in the same run)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    revs: list[str] = args.baseline_rev or ["5672e8a"]
    olds = {rev: old_redactor(rev) for rev in revs}
    data = lines()
    best_new = 0.0
    best_old = dict.fromkeys(revs, 0.0)
    ratios: list[float] = []  # per round, against the first baseline: the spread
    for _ in range(args.rounds):  # interleaved, so the machine's load falls on every redactor alike
        round_rates = {rev: rate(old, data) for rev, old in olds.items()}
        for rev, r in round_rates.items():
            best_old[rev] = max(best_old[rev], r)
        new_rate = rate(new_apply, data)
        best_new = max(best_new, new_rate)
        ratios.append(new_rate / round_rates[revs[0]])
    print(f"{len(data)} lines, best of {args.rounds} rounds (uncached, per CPU second); load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for rev in revs:
        print(f"baseline {rev}: {best_old[rev]:,.0f} lines/s")
    print(f"this tree: {best_new:,.0f} lines/s  ("
          + ", ".join(f"{best_new / best_old[rev]:.2f}x {rev}" for rev in revs) + ")")
    print(f"per-round ratio vs {revs[0]}: min {min(ratios):.2f} max {max(ratios):.2f}")


if __name__ == "__main__":
    main()
