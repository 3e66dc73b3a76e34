"""Diagnosis.reanswered: a second look's own answer replaces the fields it gives, puts its evidence before the
answer's (distinct, the first kept) and leaves what it does not give as it was - the contract the 53 looks that
call it rely on (they copied the answer by hand before)."""

from __future__ import annotations

import random

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import RULES


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_second_looks_answer_replaces_only_what_it_gives(seed: int) -> None:
    rng = random.Random(seed)
    d = RULES.diagnose(excerpt_to_input(f"2026-12-06 14:00:00 ERROR app.jobs: step {rng.randint(1, 99)} failed\n"
                                        f"KeyError: '{rng.choice(['ledger', 'tenant', 'owner'])}'"))
    shown = [f"record {rng.randint(100, 999)}", *d.evidence[:1]]  # one line of its own, one the answer has already
    again = d.reanswered(rule=f"{d.rule}+look", category="config", confidence=0.45, summary="s", root_cause="r",
                         evidence=shown)
    assert again.evidence == list(dict.fromkeys([*shown, *d.evidence]))
    assert (again.category, again.rule, again.summary) == ("config", f"{d.rule}+look", "s")
    assert (again.severity, again.suggested_fix, again.source) == (d.severity, d.suggested_fix, d.source)
    kept = d.reanswered(rule=d.rule, category=d.category, confidence=d.confidence, summary=d.summary,
                        root_cause=d.root_cause, severity="critical")
    assert kept.evidence == d.evidence and kept.severity == "critical"
