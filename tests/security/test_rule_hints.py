"""Every rule runs only when one of its hints occurs in the lowered text (sidecar/redaction/__init__.py: the
Aho-Corasick prefilter). A pattern that can match a text holding none of its hints is a silent leak: a tab where the
hint has a space (`CONNECT<tab>scott/<pw>@db`), a variant prefix the hint does not spell (`fm2a_`). For every rule
built on a regex, each match must hold a hint: proven from the parsed pattern when every match opens with a
case-sensitive literal holding a hint (130 of 201 rules), else hypothesis generates texts the regex matches."""

from __future__ import annotations

import re
import re._constants as sre_c  # CPython's own parse of a pattern (what re.compile compiles)
import re._parser as sre_parse

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


_ZERO_WIDTH = (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT)  # \b, ^, lookarounds: consume nothing


def _leading_literals(items: sre_parse.SubPattern | list, icase: bool) -> list[tuple[str, bool]]:
    """The literal text every match of `items` opens with, one entry per top-level alternative path: (text, whether
    the whole of `items` was literal). A literal under IGNORECASE ends the text: re's case folding matches characters
    whose str.lower() is not the hint's (U+017F for 's', U+0130 for 'i'). Any other node ends it too."""
    out = [("", True)]
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre_c.LITERAL and not icase:
            subs = [(chr(av), True)]
        elif op is sre_c.SUBPATTERN:
            _group, add, drop, sub = av
            subs = _leading_literals(sub, (icase or bool(add & re.I)) and not drop & re.I)
        elif op is sre_c.BRANCH:
            subs = [x for branch in av[1] for x in _leading_literals(branch, icase)]
        else:
            subs = [("", False)]
        out = list(dict.fromkeys((s + t, c2) if c else (s, c) for s, c in out for t, c2 in (subs if c else [("", False)])))
        if len(out) > 64:
            return [("", False)]
        if not any(c for _, c in out):
            break
    return out


def _every_match_opens_with_a_hint(pattern: re.Pattern[str], hints: tuple[str, ...]) -> bool:
    """True when the parse proves the property for every match: each alternative opens with a hint literally."""
    opening = _leading_literals(sre_parse.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.I))
    return all(any(h in text.lower() for h in hints) for text, _ in opening)


def test_the_proof_reads_what_re_matches() -> None:
    """Twins: a literal start proves it; a start under IGNORECASE, a class, or one alternative without it does not."""
    assert _every_match_opens_with_a_hint(re.compile(r"\b(?P<pre>ghp_)[A-Za-z0-9]{36}"), ("ghp_",))
    assert _every_match_opens_with_a_hint(re.compile(r"(?<![\w])(?:sk-ant-|sk-proj-)\w+"), ("sk-",))
    assert not _every_match_opens_with_a_hint(re.compile(r"(?i)pin\d+"), ("pin",))
    assert not _every_match_opens_with_a_hint(re.compile(r"(?:sk-|pk_)\w+"), ("sk-",))
    assert not _every_match_opens_with_a_hint(re.compile(r"[Gg]hp_\w+"), ("ghp_",))
    assert not _every_match_opens_with_a_hint(re.compile(r"gh(?i:p)_\w+"), ("ghp_",))


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
    if _every_match_opens_with_a_hint(pattern, hints):
        return  # no match without a hint, by the parse: sampling could only agree
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


# The rules marked `needs="name"` (QUALIFIED, PARENTHESISED, XML, ...) are skipped on a line holding none of the
# name rule's hints: sound only while every secret name holds one. Checked over every secret word and spelling the
# generators use, foreign ones, and generated identifiers. (A name split INSIDE a secret word, `P_WD`, `to_ken`,
# is the exception the prefilter accepts: no rule read those before either.) Asked of the prefilter's own automaton
# (its name bit), not of a copy of its word list: a gate word dropped from __init__.py must fail here.
def _opens_the_name_gate(name: str) -> bool:
    return redaction.RULESET.opens_name_gate(name)


def test_every_spelled_secret_name_holds_a_name_hint() -> None:
    from sidecar.redaction.secret_names import SECRET_WORDS, is_secret_name

    from .secret_gen import BASE_NAMES, PREFIXES, STYLES, spell

    names = [spell(p + b, s) for b in BASE_NAMES for p in PREFIXES for s in STYLES]
    names += [spell([w], s) for w in SECRET_WORDS for s in STYLES] + [f"{w}_{m}" for w in SECRET_WORDS for m in ("v2", "new")]
    missing = [n for n in names if is_secret_name(n) and not _opens_the_name_gate(n)]
    assert missing == []


@settings(max_examples=400, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(st.from_regex(r"\A[A-Za-z][A-Za-z0-9]{0,6}(?:[_.-]?[A-Za-z][a-z0-9]{1,8}){0,3}\Z"))
def test_a_generated_secret_name_holds_a_name_hint(name: str) -> None:
    from sidecar.redaction.secret_names import is_secret_name

    if is_secret_name(name):
        assert _opens_the_name_gate(name), name
