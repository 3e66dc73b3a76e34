"""Where a failing must_not word comes from: the answer FIELD and the RULE/TEMPLATE that wrote it (issue 17, r20).

Aggregates only. For held-out sets this reads nothing of a case but what `sidecar eval` reads to run it, and uses
only `expected.must_not` (the words) and `tags`; it prints counts, never a case id, a word or any case text.
A word is attributed to the field(s) whose text contains it, to "quote" when every occurrence sits inside
a double-quoted span (log text the answer quotes) and to "own" otherwise, and to the deciding rule's yaml template
field when that template's text contains the word (otherwise the rule's python module wrote it: "code").

    PYTHONPATH=$PWD python bench/must_not_sources.py [--sets DIR ...] [--gen 801 802 ...]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sidecar.config import read_yaml
from sidecar.diagnose.calibration import CONFIDENT
from sidecar.diagnose.evaluate import load_cases, run_rules
from sidecar.diagnose.rules import default_rules_path, load_rules

SPENT = ["heldout", "heldout2"] + [f"heldout{n}" for n in range(4, 20)]
DEV = ["cases", "cases-owner", "cases-r18"]
GEN = [801, 802, 803, 901, 902, 903]
QUOTED = re.compile(r'"[^"]*"')


def templates() -> dict[str, dict[str, str]]:
    """rule id -> field -> template text (lower), from rules/diagnoses.yaml."""
    out: dict[str, dict[str, str]] = {}
    for r in read_yaml(Path("rules/diagnoses.yaml"))["rules"]:
        d = r.get("diagnosis", {})
        out[r["id"]] = {"summary": str(d.get("summary", "")).lower(), "root_cause": str(d.get("root_cause", "")).lower(),
                        "fix": " ".join(d.get("suggested_fix", []) or []).lower()}
    return out


def measure(directory: str, rules: object, tpl: dict[str, dict[str, str]], by: Counter[str]) -> tuple[int, int, int, int]:
    cases = load_cases(directory)
    words = {c.id: [w.lower() for w in c.expected.must_not] for c in cases}
    passed = cw = failing = 0
    for s in run_rules(cases, rules):  # type: ignore[arg-type]
        passed += s.passed
        d = s.diagnosis
        if d is None:
            continue
        cw += (not s.passed) and d.confidence >= CONFIDENT
        fields = {"summary": d.summary.lower(), "root_cause": d.root_cause.lower(), "fix": " ".join(d.suggested_fix).lower()}
        for w in words[s.case]:
            if not any(w in t for t in fields.values()):
                continue
            failing += 1
            for name, text in fields.items():
                if w not in text:
                    continue
                outside = QUOTED.sub(" ", text)
                where = "own" if w in outside else "quote"
                own_tpl = tpl.get(d.rule or "", {}).get(name, "")
                src = f"yaml:{d.rule}" if own_tpl and w in own_tpl else f"code:{d.rule}"
                by[f"{name:<10} {where:<5} {src}"] += 1
                by[f"FIELD {name:<10} {where}"] += 1
                by[f"RULE {d.rule}"] += 1
    return passed, cw, failing, len(words)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="*", default=[*DEV, *SPENT])
    ap.add_argument("--gen", nargs="*", type=int, default=GEN)
    ap.add_argument("--top", type=int, default=40)
    a = ap.parse_args()
    rules = load_rules(default_rules_path())
    tpl = templates()
    by: Counter[str] = Counter()
    dirs = [f"evals/{s}" for s in a.sets]
    for seed in a.gen:
        out = f"/tmp/g{seed}"
        if not Path(out).is_dir():
            subprocess.run([sys.executable, "-m", "evals.gen", "--seed", str(seed), "--out", out], check=True,
                           stdout=subprocess.DEVNULL)
        dirs.append(out)
    tot = [0, 0, 0, 0]
    for d in dirs:
        p, cw, f, n = measure(d, rules, tpl, by)
        tot = [tot[0] + p, tot[1] + cw, tot[2] + f, tot[3] + n]
        print(f"{Path(d).name:<12} pass {p:>3}/{n:<3} CW {cw:>2} must_not-words {f:>3}")
    print(f"{'TOTAL':<12} pass {tot[0]:>3}/{tot[3]:<3} CW {tot[1]:>2} must_not-words {tot[2]:>3}")
    for prefix in ("FIELD", "RULE", ""):
        rows = [(k, v) for k, v in by.items() if (k.startswith(prefix + " ") if prefix else not k.split()[0].isupper())]
        print(f"-- by {prefix.lower() or 'field/where/source'}")
        for k, v in sorted(rows, key=lambda kv: -kv[1])[: a.top]:
            print(f"  {v:>4}  {k}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
