"""The masking rules' documented examples are what the code does (RULES is executable documentation)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors.masking import MAX_CHARS, RULES, error_codes, normalize_message

EXAMPLES = [(rule.name, given, expected) for rule in RULES for given, expected in rule.examples]


@pytest.mark.parametrize(("rule", "given", "expected"), EXAMPLES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(EXAMPLES)])
def test_rule_examples(rule, given, expected):
    assert normalize_message(given) == expected
    assert normalize_message(given, cached=False) == expected


def test_the_engine_applies_every_mask_rule():
    from sidecar.errors.masking import APPLIED_MASK_RULES, MASK_RULES

    assert sorted(APPLIED_MASK_RULES) == sorted(r.name for r in MASK_RULES)


def test_every_rule_is_documented_with_an_example_and_a_reason():
    for rule in RULES:
        assert rule.examples, rule.name
        assert len(rule.why) > 30, rule.name
    assert len({r.name for r in RULES}) == len(RULES)


def test_long_messages_are_parameterised_on_their_start_only():
    head = "Payload rejected: "
    a = head + "x" * MAX_CHARS + " tail one"
    b = head + "x" * MAX_CHARS + " tail two"
    assert normalize_message(a) == normalize_message(b)
    assert len(normalize_message("y" * 40_000)) <= MAX_CHARS


def test_whitespace_and_placeholder_runs_collapse():
    assert normalize_message("  a\t b  \n c ") == "a b c"
    assert normalize_message("ids 1, 2, 3 failed") == normalize_message("ids 7 failed") == "ids <*> failed"


def test_error_codes_lists_what_names_the_error():
    assert error_codes("Error code: 429 - {'code': 'PGRST204'} sent 1011 (internal error)") == (
        "Error code: 429", "code': 'PGRST204", "sent 1011 (internal error)")
    assert error_codes("nothing here 42") == ()
    assert error_codes("ORA-00942: table or view does not exist") == ("ORA-00942",)


def test_invalid_and_odd_text_does_not_break_normalisation():
    for text in ["", "\x00\x01", "\ud800 lone surrogate", "'unterminated", '"', "<*>", "://", "a" * 5000 + "1"]:
        assert isinstance(normalize_message(text), str)


def test_pathological_inputs_finish():
    """Inputs built to make regexes backtrack (the suite's timeout would catch a blow-up)."""
    cases = ["a." * 1100, "x-" * 500 + ".com " * 100, "/a" * 1100, "'" * 2100, '"a ' * 700, ":" * 2100,
             "0:" * 1100, "ab:" * 700, "user " * 500, "1" * 2100, "a1." * 700, "HTTP/1.1 " * 250,
             "code: " * 400, "http://" + "a/" * 1000, "a@" * 1000, "<*>" * 700, "aa:" * 700,
             "password for " * 160, "Mon Jan 1 " * 200, "1 seconds " * 200, "C:\\" * 700]
    for text in cases:
        out = normalize_message(text, cached=False)
        assert len(out) <= MAX_CHARS


_KEYED_TEXT = st.lists(st.sampled_from([
    "code", "Code", "STATUS", "status", "type", "error_type", "err_code", "return_code", "Return code", "exit status",
    "http status", "errno", "reason", "sqlstate", "close code", "'", '"', ":", "=", " ", "  ", " is ", "-", "42",
    "429", "0x1f", "abc", "x.y", "\u0130", "\u00df", "\n"]), max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_KEYED_TEXT)
def test_a_keyed_code_scan_from_the_first_keyword_finds_what_a_full_scan_finds(text: str) -> None:
    """`keyed_start` skips the text before the first keyword: the same matches as a scan from 0."""
    from sidecar.errors.keep_spans import _KEYED, keyed_start

    full = [m.span() for m in _KEYED.finditer(text)]
    assert [m.span() for m in _KEYED.finditer(text, keyed_start(text, text.lower()))] == full



@settings(max_examples=400, deadline=None)
@given(text=_KEYED_TEXT | st.lists(st.sampled_from(["statu\u017f", "\u212aode", "code", "x", " ", "=", "1"]),
                                   max_size=8).map("".join))
def test_keyed_matches_near_the_keywords_are_the_full_scan(text: str) -> None:
    """`keyed_matches` tries the regex only just before each keyword: on ASCII text the same matches
    as a full scan; other text (where `(?i)` reaches the long s and the Kelvin sign) is scanned as before."""
    from sidecar.errors.keep_spans import _KEYED, keyed_matches, keyed_start

    got = [m.span() for m in keyed_matches(text, text.lower())]
    if text.isascii():
        assert got == [m.span() for m in _KEYED.finditer(text)]
    else:
        assert got == [m.span() for m in _KEYED.finditer(text, keyed_start(text, text.lower()))]


# Pieces of e-mail addresses and host:port pairs, and what tells them from look-alikes (`Obj@<*>` JVM
# refs, `<*>:<*>` times, `name:<*>` without a dot), glued in any order.
_ADDRESS_PIECES = ["a", "Z", "_", "-", ".", "+", "@", ":", "<*>", " ", "localhost", "ex.com", "é", "\u0663", "/"]


@settings(max_examples=600, deadline=None)
@given(text=st.lists(st.sampled_from(_ADDRESS_PIECES), max_size=14).map("".join))
def test_the_literal_prefilters_pass_every_text_their_rule_would_change(text: str) -> None:
    """`_after_numbers` runs the e-mail and host:port rules only on texts their literal-first prefilters
    find: each prefilter matches a part of every match of its rule, so skipping a text changes nothing."""
    from sidecar.errors.masking import _EMAIL, _EMAIL_HINT, _HOST_PORT, _HOST_PORT_HINT

    if _EMAIL.search(text):
        assert _EMAIL_HINT.search(text), text
    if _HOST_PORT.search(text):
        assert _HOST_PORT_HINT.search(text[::-1]), text
