"""A second opinion on the catch-all from the situation AND the kinds of the records around it - measured
leave-one-SET-out, NOT shipped (evals/RESULTS.md, round 16 step 2 and round 17, i17).

The path: a naive Bayes (sidecar/diagnose/category_model.py's own `predict`) over the situation features
(situation_features.py) and the records' kinds, each ASSERTED or DENIED (evals/record_kinds.py's one reader,
kinds_of), trained on every spent set; asked on the plain catch-all where the record names a code or a known library's
class (category_model.decidable), or a record deciding_facts.py quotes, or a usage at its limit / another actor
asserted and tied to the error (record_kinds.BEARING); answering only at a posterior >= a gate, fixed (--gate) or
chosen INSIDE each fold (leave-one-set-out over the fold's own training sets; --safe: fewest inner sets down first).
Round 17's negation, two ways (a veto of the kind itself, read from the same counts, not a list per mechanism):
--veto: no answer whose category the assertion of a kind the records DENY speaks for most (denied_for);
--support: off a code/class, only a category an asserted, tied kind speaks for most (asserted_for).

    sidecar eval --cases evals/<set> --jsonl > DIR/<set>.jsonl     # every set of TRAINING, today's rules
    python evals/second_opinion.py DIR [--safe] [--veto] [--support] [--gate P] [--tied] [--after-r13] ...

Per set (trained on every other set, dev and gen-dev included): the rules' answer as shipped, the rules with no model
(their catch-all answers unknown), the round-13 path measured the same way (R13: situation features only, asked only
on a code/known class, any posterior) and this path, with the fold's gate and this path's swaps (right / unknown was
right). A rules answer by the round-13 model itself (rule `situation-model`) counts as the catch-all's.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from evals.category_model import _answers, folds, tally  # noqa: E402
from evals.category_model import train as count  # noqa: E402
from evals.record_kinds import BEARING, record_kinds  # noqa: E402
from sidecar.diagnose.category_model import RULE, Counts, decidable, predict  # noqa: E402

TRAINING = ("cases", "gen-dev", "heldout", "heldout2", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8",
            "heldout9", "heldout10", "heldout11", "heldout12", "heldout13", "heldout14", "heldout15", "heldout16")
GEN_WEIGHT = 0.05  # LOSO held-out sum over R13: 0.05 +17, 0.2 +17 (with config answers)
R13_GEN_WEIGHT = 0.2  # the round-13 path's own
SWAP_POSTERIOR = 0.9  # round 16's fixed gate (chosen on the sets it was scored on)
GATES = (0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 1.01)  # the gates a fold chooses from (1.01: never answer)
Answers = dict[tuple[str, str], dict[str, object]]


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

    def asked(self, opts: Options) -> bool:
        """The path asks the model on this catch-all row: a code / known class, a record deciding_facts quotes, or a
        usage at its limit / another actor asserted (tied: and naming what the error names)."""
        if opts.decidable_only:
            return self.decidable
        if opts.tied:
            return self.decidable or any(k.startswith("rel:") and k.endswith("+link") for k in self.kinds)
        return self.decidable or "fk:any" in self.kinds or any(f"{k}+link" in self.kinds for k in BEARING)

    @property
    def reads_setting(self) -> bool:
        """A record prints a setting the error reads (asserted; record_kinds.kinds_of)."""
        return "rel:setting+link" in self.kinds


@dataclass(frozen=True, slots=True)
class Options:
    """What the table measures: the variants of the module docstring."""

    no_config: bool = False
    config_needs_setting: bool = False
    tied: bool = False
    gate: float | None = None
    safe: bool = False
    after_r13: bool = False
    decidable_only: bool = False
    veto: bool = False
    support: bool = False


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


def opinion(counts: Counts, r: Row, gate: float, opts: Options) -> str:
    """This path's category for a catch-all row (module docstring), unknown when it does not answer."""
    if not r.asked(opts):
        return "unknown"
    cat, p = predict(counts, r.features)
    if (opts.veto and denied_for(counts, r.kinds, cat)) or p < gate \
            or (opts.support and not r.decidable and not asserted_for(counts, r.kinds, cat)) or (opts.no_config and cat == "config" and not r.decidable) \
            or (opts.config_needs_setting and cat == "config" and not r.reads_setting):
        return "unknown"
    return cat


def _catch_all(a: dict[str, object] | None) -> bool:
    return a is not None and a["rule"] in ("catch-all", RULE)


def chosen_gate(rest: tuple[str, ...], rows: dict[str, list[Row]], answers: Answers, opts: Options) -> float:
    """The posterior gate chosen INSIDE a fold: leave-one-set-out over the fold's own training sets (`rest`), the gate
    whose swaps gain most on their held-out sets (ties: the higher gate, fewer answers)."""
    gain, down = dict.fromkeys(GATES, 0), dict.fromkeys(GATES, 0)
    for inner, inner_rest in folds(tuple(n for n in rest if n.startswith("heldout")), rest):
        counts = train(inner_rest, rows, False)
        old = train(inner_rest, rows, True) if opts.after_r13 else None
        here = dict.fromkeys(GATES, 0)
        for r in rows[inner]:
            if not _catch_all(answers.get((inner, r.id))) or (
                    old is not None and r.decidable and predict(old, r.situation)[0] != "unknown"):
                continue
            for g in GATES:
                this = opinion(counts, r, g, opts)
                here[g] += (this == r.category) - (r.category == "unknown")
        for g in GATES:
            gain[g] += here[g]
            down[g] += here[g] < 0
    if opts.safe:  # the brief's bar inside the fold: fewest held-out sets down, then the most gained
        return max(GATES, key=lambda g: (-down[g], gain[g], g))
    return max(GATES, key=lambda g: (gain[g], g))


def table(answers_dir: Path, opts: Options) -> str:
    rows = {n: rows_of(n) for n in TRAINING}
    answers = next(iter(_answers([answers_dir]).values()))
    lines = ["set         cases  shipped  no-model  R13  this  this-R13  gate  swaps(right / unknown was right)"]
    tot = [0] * 7
    for name, rest in folds(TRAINING, TRAINING):
        gate = chosen_gate(rest, rows, answers, opts) if opts.gate is None else opts.gate
        counts, old = train(rest, rows, False), train(rest, rows, True)
        fig = [0] * 7
        for r in rows[name]:
            a = answers.get((name, r.id))
            if a is None:
                continue
            ruled = shipped = str(a["category"])
            if _catch_all(a):
                ruled = "unknown"
                first = predict(old, r.situation)[0] if r.decidable else "unknown"
                this = first if opts.after_r13 and first != "unknown" else opinion(counts, r, gate, opts)
            else:
                first = this = ruled
            swap = this != ruled
            fig = tally(fig, [1, ruled == r.category, first == r.category, this == r.category,
                              swap and this == r.category, swap and r.category == "unknown", shipped == r.category])
        lines.append(f"{name:<10} {fig[0]:>5} {fig[6]:>8} {fig[1]:>8} {fig[2]:>4} {fig[3]:>5} {fig[3] - fig[2]:>+8}"
                     f"  {gate:.2f}   {fig[4]} / {fig[5]}")
        tot = tally(tot, fig)
    lines.append(f"{'all':<10} {tot[0]:>5} {tot[6]:>8} {tot[1]:>8} {tot[2]:>4} {tot[3]:>5} {tot[3] - tot[2]:>+8}"
                 f"        {tot[4]} / {tot[5]}")
    return "\n".join(lines)


def favours(counts: Counts, feature: str) -> str | None:
    """The category whose cases carry `feature` most often relative to their size (None: no case carries it)."""
    rates = {c: t.get(feature, 0.0) / max(1.0, counts.prior.get(c, 0.0)) for c, t in counts.features.items()}
    best = max(rates, key=lambda c: rates[c], default=None)
    return best if best is not None and rates[best] > 0 else None


def denied_for(counts: Counts, kinds: list[str], cat: str) -> list[str]:
    """The kinds the records DENY (record_kinds.kinds_of: released, below its limit, a setting not read, not tied to
    the error) whose assertion speaks for `cat` most: the answer would rest on a kind the records deny - a veto of the
    kind itself, read from the same counts, not a list per mechanism."""
    out = []
    for k in kinds:
        base, sep, _ = k.partition("~")
        if sep and favours(counts, f"{base}+link") == cat:
            out.append(base)
    return out


def asserted_for(counts: Counts, kinds: list[str], cat: str) -> list[str]:
    """The kinds the records ASSERT, tied to the error, whose assertion speaks for `cat` most: what the answer rests on."""
    return [k for k in kinds if k.endswith("+link") and favours(counts, k) == cat]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("answers", type=Path, help="a directory of `sidecar eval --jsonl` outputs named <set>.jsonl")
    p.add_argument("--no-config-from-records", action="store_true",
                   help="never answer config where the record names no code or known class")
    p.add_argument("--config-needs-setting", action="store_true",
                   help="answer config only where a record prints a setting the error reads (asserted, not denied)")
    p.add_argument("--tied", action="store_true", help="ask on a usage at its limit / another actor only when the "
                   "record is tied to the error by what it names (record_kinds.bearing)")
    p.add_argument("--gate", type=float, help="a fixed posterior gate (default: chosen inside each fold)")
    p.add_argument("--safe", action="store_true", help="choose the gate with the fewest inner held-out sets down")
    p.add_argument("--after-r13", action="store_true", help="the round-13 model's answer stands where it gives one")
    p.add_argument("--decidable-only", action="store_true", help="ask only where the round-13 path asks")
    p.add_argument("--veto", action="store_true", help="no answer resting on a kind the records deny (denied_for)")
    p.add_argument("--support", action="store_true", help="off a code/class, answer only a category an asserted tied "
                   "kind speaks for (asserted_for)")
    args = p.parse_args()
    print(table(args.answers, Options(args.no_config_from_records, args.config_needs_setting, args.tied, args.gate,
                                      args.safe, args.after_r13, args.decidable_only,
                                      args.veto, args.support)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
