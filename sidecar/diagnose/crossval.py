"""Leave-kind-out: how the engine does on a *kind* of situation it has no rule of its own for.

The dev cases were seen while the rules were written, so their score says little about unseen
errors. This estimate splits the cases by situation kind (the remote/component they concern:
Kimi, GLM, the database, websockets, asyncio, the gateway's own code, unknowns) and, for each
kind, drops every rule that answers only cases of that kind (the rules written *for* it), then
scores that kind's cases with what is left: the other kinds' rules, the class-level taxonomy and
the catch-all. It is a pessimistic figure for a new kind and an honest one for confident-wrong:
a rule of another kind that fires confidently here is exactly the failure unseen errors show.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass

from .calibration import Calibration, calibrate
from .evaluate import EvalCase, Score, load_inputs, outcomes, run_rules
from .excerpt import excerpt_to_input
from .rules import RuleSet
from .situation import situation

_LOCAL_KINDS = (("asyncio", {"asyncio", "semaphore", "concurrency"}),
                ("websocket", {"websocket", "ws"}))


def kind_of(case: EvalCase) -> str:
    """The situation kind of a case: unknown | kimi | glm | database | websocket | asyncio | gateway."""
    if case.expected.category == "unknown":
        return "unknown"
    tags = set(case.tags)
    try:
        sit = situation(excerpt_to_input(case.log, case.record_line))
    except ValueError:
        return "gateway"
    if sit.remote in ("kimi", "glm"):
        return sit.remote
    if sit.remote in ("supabase", "redis") or tags & {"supabase", "postgres", "redis"}:
        return "database"
    if "websockets" in sit.components or tags & {"websocket"} or sit.code("ws_close"):
        return "websocket"
    for name, marks in _LOCAL_KINDS:
        if tags & marks or name in sit.components:
            return name
    return "gateway"


@dataclass(frozen=True, slots=True)
class Fold:
    kind: str
    cases: int
    dropped_rules: int
    scores: list[Score]
    calibration: Calibration


def leave_kind_out(cases: list[EvalCase], rules: RuleSet) -> list[Fold]:
    """One fold per kind: that kind's cases scored without the rules that only that kind uses."""
    by_id = {c.id: c for c in cases}
    full = run_rules(cases, rules)
    used: dict[str, set[str]] = defaultdict(set)  # rule id -> kinds whose cases it answered
    kinds = {c.id: kind_of(c) for c in cases}
    for s in full:
        if s.diagnosis is not None and s.diagnosis.rule:
            used[s.diagnosis.rule].add(kinds[s.case])
    folds: list[Fold] = []
    for kind in sorted(set(kinds.values())):
        own = {rule for rule, where in used.items() if where == {kind}}
        reduced = RuleSet([r for r in rules.rules if r.id not in own], f"{rules.source} without {kind}")
        mine = [c for c in cases if kinds[c.id] == kind]
        scores = run_rules(mine, reduced)
        for s in scores:
            s.checks.pop("rule", None)  # the expected rule was dropped on purpose
        folds.append(Fold(kind, len(mine), len(own), scores, calibrate(outcomes(scores, by_id))))
    return folds


def format_folds(folds: list[Fold], cases: list[EvalCase]) -> str:
    by_id = {c.id: c for c in cases}
    lines = ["leave-kind-out: each kind scored without the rules only its cases use",
             f"  {'kind':<10} {'cases':>5} {'rules dropped':>13} {'right':>7} {'confident-wrong':>15} {'unknowns>0.4':>12}"]
    for f in folds:
        c = f.calibration
        lines.append(f"  {f.kind:<10} {f.cases:>5} {f.dropped_rules:>13} {c.right:>3}/{c.total:<3} {c.confident_wrong:>15} "
                     f"{c.unknowns_over_ceiling:>6}/{c.unknowns:<5}")
    total = calibrate(outcomes([s for f in folds for s in f.scores], by_id))
    lines.append(f"  all        {total.total:>5} {'':>13} {total.right:>3}/{total.total:<3} {total.confident_wrong:>15} "
                 f"{total.unknowns_over_ceiling:>6}/{total.unknowns:<5}  ({100 * total.accuracy:.0f}%, Brier {total.brier:.3f})")
    return "\n".join(lines)


def main_leave_kind_out(args: argparse.Namespace) -> int:
    """`sidecar eval --leave-kind-out`: the folds' table (the CLI calls this, not evaluate.py, so
    evaluate does not import this module back)."""
    _, rules, cases = load_inputs(args)
    print(format_folds(leave_kind_out(cases, rules), cases))
    return 0
