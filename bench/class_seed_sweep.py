"""The class-generator tests of tests/diagnose over their full seed sweep, with figures per file.

The suite checks each class's answer on 3 seeds (tests/diagnose/class_checks.SUITE_SEEDS: the CI limit of 10 minutes);
this runs the same test files with SIDECAR_CLASS_SEEDS=N (default 6, what the suite ran before round 13) and prints,
per file, how many (class, generator, seed) cases passed, failed, were strict xfails as expected, or passed though
marked xfail. Nothing is timed: the figures are answers, not speed.

    PYTHONPATH=$PWD .venv/bin/python bench/class_seed_sweep.py [--seeds 6] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

FILES = [
    "tests/diagnose/test_classes8.py",
    "tests/diagnose/test_classes9.py",
    "tests/diagnose/test_classes9_second.py",
    "tests/diagnose/test_class_specs.py",
]


def outcome(case: ET.Element) -> str:
    """junit's record of one test: passed, failed (a failure or an error), xfailed (skipped with pytest's xfail
    message) or skipped."""
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    skipped = case.find("skipped")
    if skipped is not None:
        return "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
    return "passed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6, help="seeds per class (SIDECAR_CLASS_SEEDS)")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (--dist loadfile)")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "sweep.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str(args.workers),
               "--dist", "loadfile", "-rfE", f"--junitxml={report}", *FILES]
        env = {**os.environ, "SIDECAR_CLASS_SEEDS": str(args.seeds), "PYTHONPATH": str(root)}
        run = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if not report.exists():
            print(run.stdout[-4000:], run.stderr[-4000:], sep="\n")
            return 2
        counts: dict[str, Counter[str]] = {f: Counter() for f in FILES}
        failed: list[str] = []
        for case in ET.parse(report).iter("testcase"):
            name = case.get("classname", "").replace(".", "/") + ".py"
            got = outcome(case)
            counts.setdefault(name, Counter())[got] += 1
            if got == "failed":
                failed.append(f"{name}::{case.get('name')}")
    print(f"class-generator tests, SIDECAR_CLASS_SEEDS={args.seeds}")
    for name, c in counts.items():
        print(f"  {name}: {c['passed']} passed, {c['failed']} failed, {c['xfailed']} xfailed, {c['skipped']} skipped")
    for name in failed:
        print(f"  FAILED {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
