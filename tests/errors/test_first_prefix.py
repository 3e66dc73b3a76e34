"""A value leading the message (GROUPING_CLASSES S2; errors/across_counts.py `place_value_first`): one group
whatever the order of arrival, and the twins that name the event there stay apart.

Generated per seed: a leading value printed as a name (letters) on one line and as a number on another,
before a tail of 4-8 words drawn from stdlib docstrings (record_gen.WORDS), in both orders of arrival; the
twins: a function name written into the format string before `: ` (CLASSES2 T11: `fn_name32: W W` and
`fn_name_l: W W` are two format strings, as iproute2's `rta_addattr32:`/`rta_addattr_l:` are), and a level
or verb form in front (`error:`/`warning:`, `Started`/`Stopped`: T20, first_slot.py).
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper

from .record_gen import WORDS

SEEDS = range(1561, 1567)


def _tail(r: random.Random) -> str:
    # no `-ed`/`-ing` word right after the value: a verb form there reads as the event's (first_slot.py)
    words = [r.choice([w for w in WORDS if not w.endswith(("ed", "ing"))])]
    return " ".join(words + [r.choice(WORDS) for _ in range(r.randint(3, 7))])


def _name(r: random.Random) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(4, 9)))


@pytest.mark.parametrize("seed", SEEDS)
def test_order_of_arrival_does_not_decide(seed: int) -> None:
    """A number after a name in front (same rest) joins it, as the name after the number did already."""
    r = random.Random(seed)
    tail = _tail(r)
    a, b = f"{_name(r)} {tail}", f"{r.randint(10, 99999)} {tail}"
    forward, backward = MessageGrouper(), MessageGrouper()
    assert forward.fingerprint(a) == forward.fingerprint(b)
    assert backward.fingerprint(b) == backward.fingerprint(a)
    # and later names and numbers join that group in either learner
    more = [f"{_name(r)} {tail}" if r.random() < 0.5 else f"{r.randint(10, 99999)} {tail}" for _ in range(10)]
    assert {forward.fingerprint(m) for m in more} == {forward.fingerprint(a)}
    assert {backward.fingerprint(m) for m in more} == {backward.fingerprint(a)}


@pytest.mark.parametrize("seed", SEEDS)
def test_function_names_written_before_a_colon_stay_apart(seed: int) -> None:
    r = random.Random(seed)
    tail = _tail(r)
    fn = "_".join(_name(r) for _ in range(2))
    grouper = MessageGrouper()
    first = grouper.fingerprint(f"{fn}_l: {tail}")
    second = grouper.fingerprint(f"{fn}{r.randint(8, 64)}: {tail}")  # masked: `<*>:` against a literal
    assert first != second


@pytest.mark.parametrize("seed", SEEDS)
def test_event_words_in_front_stay_apart(seed: int) -> None:
    r = random.Random(seed)
    tail = _tail(r)
    grouper = MessageGrouper()
    levels = [grouper.fingerprint(f"{w}: {tail}") for w in ("error", "warning", "fatal")]
    assert len(set(levels)) == 3
    verbs = [grouper.fingerprint(f"{w} {tail}") for w in ("Started", "Stopped")]
    assert len(set(verbs)) == 2
