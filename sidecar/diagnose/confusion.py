"""Where the CATEGORY goes wrong: expected x answered, per case kind, and how sure the category answers were.

`sidecar eval` scores a case as passed only when every check holds; the category is the check fresh sets fail most
(round 11: 40 of held-out 11's 60 cases), and the doctrine (evals/TAXONOMY.md, "what must the on-call engineer
change") decides it. These figures say which doctrine decision fails - a code answer where the honest one is unknown,
a config case answered provider - so a change targets a class of confusion, not a case:
- the confusion table: rows the expected category, columns the answered one, the diagonal the right ones;
- per case kind (the cases' own `known` / `near-miss` / `unknown` tags): right categories of all cases;
- a reliability table of the category alone (confidence bin -> how often the category was right) and its Brier,
  since the all-checks table of calibration.py also counts the wording checks, which confidence does not promise.
Pure functions over scores and cases, so the CLI and the tests compute the same figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol, get_args

from .calibration import Outcome, calibrate
from .category_model import RULE as GUESS_RULE
from .model import Category, Diagnosis


# What these figures read of evaluate.Score and evaluate.EvalCase, as protocols: evaluate imports this module, so
# importing it back (even for types) would close an import cycle (tests/foundation/test_import_graph).
class _Expected(Protocol):
    @property
    def category(self) -> str: ...


class LabelledCase(Protocol):
    @property
    def expected(self) -> _Expected: ...

    @property
    def tags(self) -> list[str]: ...


class ScoredCase(Protocol):
    @property
    def case(self) -> str: ...

    @property
    def diagnosis(self) -> Diagnosis | None: ...

    @property
    def checks(self) -> dict[str, bool]: ...

CATEGORIES: tuple[str, ...] = get_args(Category)
KINDS = ("known", "near-miss", "unknown")
NO_ANSWER = "-"  # a case whose excerpt did not parse


def confusion(scores: Sequence[ScoredCase], cases: Mapping[str, LabelledCase]) -> Counter[tuple[str, str]]:
    """(expected category, answered category) -> count, over the scores whose case is known."""
    table: Counter[tuple[str, str]] = Counter()
    for s in scores:
        if s.case in cases:
            answered = s.diagnosis.category if s.diagnosis is not None else NO_ANSWER
            table[(cases[s.case].expected.category, answered)] += 1
    return table


def format_confusion(table: Counter[tuple[str, str]]) -> str:
    """The table as text: only the rows and columns that occur, in the doctrine's order; row totals and right."""
    rows = [c for c in CATEGORIES if any(e == c for e, _ in table)]
    cols = [c for c in (*CATEGORIES, NO_ANSWER) if any(a == c for _, a in table)]
    lines = ["  category confusion: rows expected, columns answered (diagonal right)",
             f"    {'':<12}" + "".join(f"{c[:7]:>8}" for c in cols) + f"{'right':>10}"]
    for e in rows:
        n = sum(table[(e, a)] for a in cols)
        lines.append(f"    {e:<12}" + "".join(f"{table[(e, a)] or '.':>8}" for a in cols) + f"{table[(e, e)]:>6}/{n}")
    return "\n".join(lines)


def kind_of_case(case: LabelledCase) -> str | None:
    """known | near-miss | unknown from the case's tags (the held-out writers' convention), else None."""
    return next((k for k in KINDS if k in case.tags), None)


def category_outcomes(scores: Sequence[ScoredCase], cases: Mapping[str, LabelledCase]) -> list[Outcome]:
    """One outcome per score, right when the CATEGORY is (the check the doctrine decides)."""
    return [Outcome(s.diagnosis.confidence if s.diagnosis else 0.0, bool(s.checks.get("category")),
                    s.case in cases and cases[s.case].expected.category == "unknown") for s in scores]


def format_category_figures(scores: Sequence[ScoredCase], cases: Mapping[str, LabelledCase]) -> str:
    """Per kind right categories, the category's reliability table and Brier, then the confusion table."""
    mine = [s for s in scores if s.case in cases]
    lines: list[str] = []
    kinds = {k: [s for s in mine if kind_of_case(cases[s.case]) == k] for k in KINDS}
    if any(kinds.values()):
        lines.append("  category right by case kind: " + ", ".join(
            f"{k} {sum(bool(s.checks.get('category')) for s in v)}/{len(v)}" for k, v in kinds.items() if v))
    c = calibrate(category_outcomes(mine, cases))
    lines.append(f"  category alone: right {c.right}/{c.total}, confident-wrong category {c.confident_wrong}, "
                 f"Brier {c.brier:.3f}")
    guesses = [s for s in mine if s.diagnosis is not None and s.diagnosis.rule == GUESS_RULE]
    if guesses:  # the situation model's own calibration: its constant against how often its category was right
        g = calibrate(category_outcomes(guesses, cases))
        lines.append(f"  the situation model's guesses ({GUESS_RULE}, category_model.py): right {g.right}/{g.total} "
                     f"at confidence {guesses[0].diagnosis.confidence if guesses[0].diagnosis else 0:.2f}, "
                     f"Brier {g.brier:.3f}")
    lines += [f"    [{b.low:.1f}, {b.high:.1f}{']' if b.high == 1.0 else ')'}  n={b.count:<4} "
              f"conf={b.mean_confidence:.2f}  category acc={b.accuracy:.2f}" for b in c.bins]
    lines.append(format_confusion(confusion(mine, cases)))
    return "\n".join(lines)
