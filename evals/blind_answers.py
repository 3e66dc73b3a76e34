"""The rules engine's BLIND answers on each spent held-out set, and a leave-one-set-out check of a confidence split.

Every spent set was tuned on, so its figures today say little about a fresh set. The answers the engine gave before
anyone read a set still exist: the commit that added `evals/heldoutN` holds the tree that had never seen it. This
extracts that tree (`git archive <commit> sidecar rules`) and runs it on today's case files (today's doctrine labels),
one `--jsonl` file per set. `--loso` then rates the catch-all by what the record names (diagnose/honest_unknown.py): the rate of a
record naming a deciding fact fitted on all sets but one and scored on that one, against the engines' own confidences.

    python evals/blind_answers.py /tmp/blind             # write /tmp/blind/heldoutN.jsonl (skips sets already there)
    python evals/blind_answers.py /tmp/blind --loso      # the leave-one-set-out table
Never run on a blind set (the lead's): only `evals/heldout*` sets that are spent are listed in SPENT.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SPENT = ("heldout", "heldout2", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9", "heldout10",
         "heldout11", "heldout12")


def _git(*args: str) -> bytes:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True).stdout


def blind_run(name: str, out: Path) -> bool:
    """Write out/<name>.jsonl from the tree of the commit that added evals/<name>; False when that tree cannot."""
    commit = _git("log", "--reverse", "--diff-filter=A", "--format=%H", "--", f"evals/{name}").split()[0].decode()
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(_git("archive", commit, "sidecar", "rules"))) as tar:
            tar.extractall(tmp, filter="data")
        run = subprocess.run([sys.executable, "-m", "sidecar", "eval", "--cases", str(REPO / "evals" / name), "--jsonl"],
                             cwd=tmp, env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    if not run.stdout.strip():  # an early tree without --jsonl (held-out 1's)
        print(f"{name} ({commit[:7]}): no answers ({run.stderr.strip().splitlines()[-1:]})", file=sys.stderr)
        return False
    (out / f"{name}.jsonl").write_text(run.stdout)
    print(f"{name} ({commit[:7]}): {len(run.stdout.splitlines())} answers", file=sys.stderr)
    return True


def _rows(out: Path) -> list[dict[str, object]]:
    """Each blind catch-all/other answer with its set, whether it was right, and whether the record names a fact."""
    from sidecar.diagnose.evaluate import load_cases
    from sidecar.diagnose.excerpt import excerpt_to_input
    from sidecar.diagnose.honest_unknown import what_the_record_names
    from sidecar.diagnose.situation import situation

    rows: list[dict[str, object]] = []
    for path in sorted(out.glob("heldout*.jsonl")):
        cases = {c.id: c for c in load_cases(REPO / "evals" / path.stem)}
        for line in path.read_text().splitlines():
            r = json.loads(line)
            case = cases[r["id"]]
            try:
                says = bool(what_the_record_names(situation(excerpt_to_input(case.log, case.record_line).well_formed())))
            except ValueError:
                says = False
            rows.append({"set": path.stem, "rule": r["rule"], "confidence": r["confidence"] or 0.0,
                         "passed": r["passed"], "category": r["category"] == case.expected.category, "says": says})
    return rows


def loso(out: Path) -> str:
    """Brier per left-out set: the engines' own confidences vs the catch-all rated by a split fitted on the others."""
    from evals.category_model import folds
    from sidecar.diagnose.honest_unknown import RECORD_SAYS_NOTHING

    rows = _rows(out)
    lines = ["set        answers  catch-alls  fitted(says, plain)  Brier all checks  Brier category"]
    totals = [0.0, 0.0, 0.0, 0.0]
    sets = tuple(sorted({str(r["set"]) for r in rows}, key=lambda n: (len(n), n)))
    for name, rest in folds(sets, sets):
        train = [r for r in rows if r["set"] in rest and r["rule"] == "catch-all"]
        rate = {s: sum(bool(r["category"]) for r in train if r["says"] == s) / max(1, sum(r["says"] == s for r in train))
                for s in (True, False)}
        rate[False] = RECORD_SAYS_NOTHING  # fixed, not fitted (honest_unknown.py: primary.py compares it with Kimi's)
        test = [r for r in rows if r["set"] == name]
        rated = [rate[bool(r["says"])] if r["rule"] == "catch-all" else float(r["confidence"]) for r in test]  # type: ignore[arg-type]
        figs = [sum((c - bool(r[k])) ** 2 for c, r in zip(confs, test, strict=True))
                for k in ("passed", "category") for confs in ([float(r["confidence"]) for r in test], rated)]  # type: ignore[arg-type]
        totals = [t + f for t, f in zip(totals, figs, strict=True)]
        n = len(test)
        lines.append(f"{name:<10} {n:>7}  {sum(r['rule'] == 'catch-all' for r in test):>10}  {rate[True]:.2f}, {rate[False]:.2f}"
                     f"           {figs[0] / n:.3f} -> {figs[1] / n:.3f}     {figs[2] / n:.3f} -> {figs[3] / n:.3f}")
    n = len(rows)
    lines.append(f"{'all':<10} {n:>7}  {'':>10}  {'':>10}           {totals[0] / n:.3f} -> {totals[1] / n:.3f}     "
                 f"{totals[2] / n:.3f} -> {totals[3] / n:.3f}")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, help="directory for heldoutN.jsonl")
    p.add_argument("--loso", action="store_true", help="print the leave-one-set-out table from the files there")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.loso:
        print(loso(args.out))
        return 0
    for name in SPENT:
        if not (args.out / f"{name}.jsonl").exists():
            blind_run(name, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
