"""Redaction speed, this tree's redactor vs another git revision's, interleaved in one process.

    PYTHONPATH=$PWD .venv/bin/python bench/redaction.py [--baseline-rev 5672e8a] [--rounds 5]

Input: every log line of evals/cases/*.yaml, 3,000 generated lines without secrets and 3,000 generated
lines with one (tests/security/secret_gen.py, fixed seeds). Both redactors run uncached (their
internal `_apply`), best of `--rounds`, in lines per CPU second; the ratio new/old is the figure to read.
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
    """The redactor at git revision `rev`: the module sidecar/redaction.py (round 1) or the package
    sidecar/redaction/ (round 2 on), loaded under another name beside this tree's."""
    tmp = Path(tempfile.mkdtemp())
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", f"{rev}:sidecar/redaction"],
                             capture_output=True, text=True)
    name = f"old_redaction_{rev[:10]}"
    if listing.returncode == 0:  # a package
        pkg = tmp / name
        pkg.mkdir()
        for fname in listing.stdout.split():
            if fname.endswith(".py"):
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
    ap.add_argument("--baseline-rev", default="5672e8a")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    old = old_redactor(args.baseline_rev)
    data = lines()
    best_new = best_old = 0.0
    for _ in range(args.rounds):
        best_old = max(best_old, rate(old, data))
        best_new = max(best_new, rate(new_apply, data))
    print(f"{len(data)} lines, best of {args.rounds} rounds (uncached, per CPU second)")
    print(f"baseline {args.baseline_rev}: {best_old:,.0f} lines/s")
    print(f"this tree: {best_new:,.0f} lines/s  ({best_new / best_old:.2f}x the baseline)")


if __name__ == "__main__":
    main()
