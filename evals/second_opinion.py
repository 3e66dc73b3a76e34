"""A second opinion on the catch-all from the situation AND the kinds of the records around it - measured
leave-one-SET-out, NOT shipped (evals/RESULTS.md, round 16, i17 step 2).

The path: a naive Bayes (sidecar/diagnose/category_model.py's own `predict`) over the situation features
(situation_features.py) and the records' kinds (evals/record_kinds.py), trained on every spent set; asked on the plain
catch-all where the record names a code or a known library's class (category_model.decidable), or a record
deciding_facts.py quotes, or a usage at its limit / another actor (record_kinds.BEARING); answering only at a posterior
>= SWAP_POSTERIOR, and never config from a record alone (--no-config-from-records: the twin tests of origin.py and
onset_change.py, a setting the failing line does not read, switched to config).

    sidecar eval --cases evals/<set> --jsonl > DIR/<set>.jsonl     # every set of TRAINING, today's rules
    python evals/second_opinion.py DIR [--no-config-from-records]

Per set (trained on every other set, dev and gen-dev included): the rules with no model (their catch-all answers
unknown), the round-13 path measured the same way (R13: situation features only, asked only on a code/known class,
any posterior) and this path, with this path's swaps (right / unknown was right). A rules answer by the round-13
model itself (rule `situation-model`) counts as the catch-all's.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from evals.category_model import _answers, folds  # noqa: E402
from evals.category_model import train as count  # noqa: E402
from evals.record_kinds import BEARING, record_kinds  # noqa: E402
from sidecar.diagnose.category_model import RULE, Counts, decidable, predict  # noqa: E402

TRAINING = ("cases", "gen-dev", "heldout", "heldout2", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8",
            "heldout9", "heldout10", "heldout11", "heldout12", "heldout13", "heldout14", "heldout15", "heldout16")
GEN_WEIGHT = 0.05  # LOSO held-out sum over R13: 0.05 +17, 0.2 +17 (with config answers)
R13_GEN_WEIGHT = 0.2  # the round-13 path's own
SWAP_POSTERIOR = 0.9  # LOSO held-out sum over R13: 0 +20 (heldout2 down), 0.85 +18, 0.9 +17, 0.95 +15


@dataclass(frozen=True, slots=True)
class Row:
    """One case as the path reads it."""

    id: str
    category: str
    situation: list[str]
    kinds: list[str]
    decidable: bool

    @property
    def features(self) -> list[str]:
        return list(dict.fromkeys([*self.situation, *self.kinds]))

    @property
    def asked(self) -> bool:
        return self.decidable or "fk:any" in self.kinds or any(k in self.kinds for k in BEARING)


def rows_of(name: str) -> list[Row]:
    """Every case of evals/<name> read as the rules read it (normalised input, its situation)."""
    from sidecar.diagnose.evaluate import load_cases
    from sidecar.diagnose.excerpt import excerpt_to_input
    from sidecar.diagnose.named_exception import named_in_message
    from sidecar.diagnose.situation import situation
    from sidecar.diagnose.situation_features import features_of
    from sidecar.diagnose.wrappers import unwrap

    out = []
    for c in load_cases(REPO / "evals" / name):
        try:
            inp = unwrap(named_in_message(excerpt_to_input(c.log, c.record_line, fingerprint=c.id).well_formed()))
            sit = situation(inp)
            out.append(Row(c.id, c.expected.category, features_of(inp, sit), record_kinds(inp, sit),
                           decidable(inp, sit)))
        except ValueError:
            out.append(Row(c.id, c.expected.category, [], [], False))
    return out


def train(names: tuple[str, ...], rows: dict[str, list[Row]], r13: bool) -> Counts:
    """Counts over `names`: the situation features alone (r13, the round-13 path) or with the records' kinds."""
    return count(names, {n: [(r.id, r.category, r.situation if r13 else r.features) for r in rows[n]] for n in names},
                 R13_GEN_WEIGHT if r13 else GEN_WEIGHT)


def opinion(counts: Counts, r: Row, no_config: bool) -> str:
    """This path's category for a catch-all row (module docstring), unknown when it does not answer."""
    if not r.asked:
        return "unknown"
    cat, p = predict(counts, r.features)
    if p < SWAP_POSTERIOR or (no_config and cat == "config" and not r.decidable):
        return "unknown"
    return cat


def table(answers_dir: Path, no_config: bool) -> str:
    rows = {n: rows_of(n) for n in TRAINING}
    answers = next(iter(_answers([answers_dir]).values()))
    lines = ["set         cases  no-model  R13  this  this-R13  swaps(right / unknown was right)"]
    tot = [0] * 6
    for name, rest in folds(TRAINING, TRAINING):
        counts, old = train(rest, rows, False), train(rest, rows, True)
        fig = [0] * 6
        for r in rows[name]:
            a = answers.get((name, r.id))
            if a is None:
                continue
            ruled = str(a["category"])
            if a["rule"] in ("catch-all", RULE):
                ruled = "unknown"
                first = predict(old, r.situation)[0] if r.decidable else "unknown"
                this = opinion(counts, r, no_config)
            else:
                first = this = ruled
            swap = this != ruled
            fig = [x + y for x, y in zip(fig, [1, ruled == r.category, first == r.category, this == r.category,
                                               swap and this == r.category, swap and r.category == "unknown"],
                                         strict=True)]
        lines.append(f"{name:<10} {fig[0]:>5} {fig[1]:>8} {fig[2]:>4} {fig[3]:>5} {fig[3] - fig[2]:>+8}   "
                     f"{fig[4]} / {fig[5]}")
        tot = [x + y for x, y in zip(tot, fig, strict=True)]
    lines.append(f"{'all':<10} {tot[0]:>5} {tot[1]:>8} {tot[2]:>4} {tot[3]:>5} {tot[3] - tot[2]:>+8}   "
                 f"{tot[4]} / {tot[5]}")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("answers", type=Path, help="a directory of `sidecar eval --jsonl` outputs named <set>.jsonl")
    p.add_argument("--no-config-from-records", action="store_true",
                   help="never answer config where the record names no code or known class")
    args = p.parse_args()
    print(table(args.answers, args.no_config_from_records))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
