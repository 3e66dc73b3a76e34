"""Two statements that differ only in a negation or aspect adverb (`is not registered` / `is already
registered`, `was never started` / `was just started`) are two events (errors/slots.py `_POLARITY`).

Class: English closed-class words that qualify the verb (negations `not`, `no`, `never`, `none`, `nothing`;
aspect adverbs `already`, `still`, `yet`, `again`, `now`, `just`, `only`, `also`). They are never a value
(a name, an id, a state), so a position where one of them differs is no positional slot (Drain's rule,
slots.py kind 3, would make it one: past the first two tokens, isolated, the rest agreeing).

Generated per seed (random words, no package's text): a statement with a value slot (a masked number
or path) and a polarity word past the first two tokens; twins: the same statement with another polarity
word: two groups. Control: the same position filled with random lowercase names stays ONE group (the
guard does not touch Drain's rule for values).
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper

SEEDS = range(1220, 1226)
POLARITY = ("not", "no", "never", "already", "still", "yet", "again", "now", "just", "only", "also")


def _w(r: random.Random, lo: int = 4, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _value(r: random.Random) -> str:
    return r.choice((str(r.randint(0, 10**6)), f"/{_w(r)}/{_w(r)}.{_w(r, 2, 3)}"))


def _statement(r: random.Random) -> tuple[list[str], int]:
    words = [_w(r) for _ in range(r.randint(5, 8))]
    return words, r.randint(2, len(words) - 2)  # the varying word: past the subject and verb


def _groups(tagged: list[tuple[int, str]]) -> dict[int, set[str]]:
    grouper = MessageGrouper()
    out: dict[int, set[str]] = {}
    for k, line in tagged:
        out.setdefault(k, set()).add(grouper.fingerprint(line, "app.server", "WARNING"))
    return out


def _line(r: random.Random, words: list[str], at: int, word: str) -> str:
    filled = list(words)
    filled[at] = word
    return " ".join(filled) + " " + _value(r)


@pytest.mark.parametrize("seed", SEEDS)
def test_statements_differing_in_a_polarity_word_stay_apart(seed):
    r = random.Random(seed)
    words, at = _statement(r)
    a, b = r.sample(POLARITY, 2)
    tagged = [(k, _line(r, words, at, w)) for k, w in ((0, a), (1, b)) for _ in range(8)]
    r.shuffle(tagged)
    groups = _groups(tagged)
    assert len(groups[0]) == len(groups[1]) == 1, tagged
    assert groups[0] != groups[1], tagged


@pytest.mark.parametrize("seed", SEEDS)
def test_names_in_that_position_are_still_one_slot(seed):
    r = random.Random(seed)
    words, at = _statement(r)
    tagged = [(0, _line(r, words, at, _w(r))) for _ in range(12)]
    assert len(_groups(tagged)[0]) == 1, tagged
