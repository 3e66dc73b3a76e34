"""Every rule runs only when one of its hints occurs in the lowered text (sidecar/redaction/__init__.py: the
Aho-Corasick prefilter). A pattern that can match a text holding none of its hints is a silent leak: a tab where the
hint has a space (`CONNECT<tab>scott/<pw>@db`), a variant prefix the hint does not spell (`fm2a_`). For every rule
built on a regex, hypothesis generates texts the regex matches, and each match must hold a hint."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

import sidecar.redaction as redaction


def _pattern(rule: redaction._Sub) -> re.Pattern[str] | None:
    """The compiled regex a rule substitutes with (kept in its `sub` closure), or None for a function rule."""
    sub = rule.sub
    for cell in sub.__closure__ or ():
        if isinstance(cell.cell_contents, re.Pattern):
            return cell.cell_contents
    return None


# Patterns whose lookaheads hypothesis cannot satisfy by generation; their hint is the pattern's literal start.
UNGENERATABLE = {"gocardless_token", "vault_token"}  # r"\blive_(?=...\d)(?=...[A-Z])...": hint "live_"; `s.`
RULES = [(i, r) for i, r in enumerate(redaction._RULES) if r.hints and _pattern(r) is not None]


def test_most_rules_are_checked() -> None:
    assert len(RULES) >= 100, len(RULES)  # the prefilter table, less the function rules with their own hints


@pytest.mark.parametrize(("index", "rule"), RULES, ids=[f"{i}-{r.kind}" for i, r in RULES])
def test_every_match_of_a_rule_holds_one_of_its_hints(index: int, rule: redaction._Sub) -> None:
    pattern = _pattern(rule)
    assert pattern is not None
    hints: tuple[str, ...] = rule.hints
    missed: list[str] = []

    @settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern))
    def check(text: str) -> None:
        m = pattern.search(text)
        if m is not None and not any(h in text.lower() for h in hints):
            missed.append(m.group(0))

    try:
        check()
    except Unsatisfiable:
        assert rule.kind in UNGENERATABLE, f"rule {index}: hypothesis cannot generate its matches"
        assert any(pattern.pattern.startswith(r"\b" + re.escape(h)) for h in hints)
        return
    assert missed == [], f"rule {index} ({rule.kind}) matched without a hint {hints}: {missed[:3]}"
