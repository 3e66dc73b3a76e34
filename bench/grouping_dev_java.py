"""GA on JVM applications' log lines from bench/dev_java/DevLogs.java (DEV data: tuned on, not blind).

The Java program logs the way a Jetty / Spring Boot / Hibernate / application stack does through slf4j
`{}` substitution of objects' toString (its header names the sources); each line carries its call site as
the true template. Messages and whole lines (four layouts: logback default, Spring Boot console, Jetty
StdErrLog, log4j2) go to `grouping.ours` (masking + a fresh online learner, what `sidecar fingerprint`
prints) and Drain3 in the same run. `--misses` lists the call sites split or merged.

    PYTHONPATH=TREE .venv/bin/python bench/grouping_dev_java.py [--seeds 1,2,3] [--lines 2000] [--misses]
        [--program DevLogs|DevLogs2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from grouping import drain3, grouping_accuracy, ours  # noqa: E402

SOURCES = sorted((HERE / "dev_java").glob("*.java"))
PROGRAMS = ("DevLogs", "DevLogs2")  # DevLogs2: client libraries' call sites (round 16), shares DevLogs' helpers


def corpus(classes: Path, seed: int, lines: int, program: str = "DevLogs") -> tuple[list[str], list[str], list[str]]:
    """(labels, whole lines, messages) of one seed's run of one Java program."""
    out = subprocess.run(["java", "-cp", str(classes), program, str(seed), str(lines)], capture_output=True,
                         text=True, check=True).stdout
    rows = [r.split("\t") for r in out.splitlines()]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def misses(truth: list[str], pred: list[str], texts: list[str]) -> list[str]:
    """Call sites split over several groups or sharing a group with another call site, with an example each."""
    by_truth: dict[str, dict[str, str]] = defaultdict(dict)
    by_pred: dict[str, set[str]] = defaultdict(set)
    for t, p, x in zip(truth, pred, texts, strict=True):
        by_truth[t].setdefault(p, x)
        by_pred[p].add(t)
    out = []
    for t, groups in sorted(by_truth.items()):
        merged = sorted({o for p in groups for o in by_pred[p]} - {t})
        if len(groups) > 1 or merged:
            out.append(f"  {t}: {len(groups)} groups" + (f", merged with {merged}" if merged else ""))
            out += [f"      {x[:220]}" for x in list(groups.values())[:3]]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--program", choices=PROGRAMS, default="DevLogs")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["javac", "-d", tmp, *map(str, SOURCES)], check=True)
        rows = []
        print(f"{args.program}\n{'seed':>5} {'msg ours':>9} {'drain3':>7} {'line ours':>10} {'drain3':>7}")
        for seed in (int(s) for s in args.seeds.split(",")):
            truth, whole, msgs = corpus(Path(tmp), seed, args.lines, args.program)
            pm, pl = ours(msgs), ours(whole)
            row = (grouping_accuracy(truth, pm), grouping_accuracy(truth, drain3(msgs)),
                   grouping_accuracy(truth, pl), grouping_accuracy(truth, drain3(whole)))
            rows.append(row)
            print(f"{seed:5d} " + " ".join(f"{v:{w}.3f}" for v, w in zip(row, (9, 7, 10, 7), strict=True)))
            if args.misses:
                print("\n".join(misses(truth, pm, msgs)))
        print("mean  " + " ".join(f"{sum(c) / len(c):{w}.3f}" for c, w in zip(zip(*rows, strict=True), (9, 7, 10, 7),
                                                                              strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
