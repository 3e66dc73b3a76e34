"""An object's `<...>` repr is ONE value whatever it holds, closed by a token without a `<` too
(errors/token_forms.py `_ANGLE_CLOSE`, round 12).

Class: Python's `object.__repr__` convention (Language Reference 3.3.1: "a string of the form <...some
useful description...>"): the default `<mod.Cls object at 0x7f..>`, and the reprs libraries write, of
any length: `<Cls pending>`, `<Cls fd=N state=S>`, `<Cls [STATE] host:port>`, asyncio's nested
`<Task pending name='Task-N' coro=<func() running>>`. One call site's `%r` / `{obj!r}` prints
any of them. Before round 12 a repr whose last token held no masked value (`<Task pending>`) was split
into words, so each repr shape was a bucket of its own.

Generated per seed (class names, states, words are random; no package's text): statements with a
`<...>` slot at a random position, filled with every repr form; twins:
- two statements that differ in their first (subject) word, with the same repr slot: two groups;
- `>` as an arrow or a comparison (`a -> b`, `x > y`) is no repr: tokens as before (checked on tokenize).
Not covered (left): asyncio's `coro=<f() running at /path/x.py:10>>`: masking's path rule takes the `>>`
into the path's `<*>`, so the group never closes (a masking change: FINGERPRINT_VERSION).
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.token_forms import tokenize

SEEDS = range(1210, 1216)


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _cls(r: random.Random) -> str:
    return "".join(_w(r, 3, 7).title() for _ in range(r.randint(1, 2)))


def _repr(r: random.Random) -> str:
    cls, state = _cls(r), _w(r, 4, 8).upper()
    return r.choice((
        f"<{cls} {_w(r)}>",
        f"<{cls} fd={r.randint(3, 900)} state={state}>",
        f"<{cls} [{state}] {_w(r)}.{_w(r, 2, 4)}:{r.randint(1024, 65535)}>",
        f"<{_w(r, 3, 6)}.{cls} object at 0x7f{r.getrandbits(40):010x}>",
        f"<{cls} {_w(r)} name='{cls}-{r.randint(1, 99)}' coro=<{_w(r)}() {_w(r)}>>",
    ))


def _statement(r: random.Random) -> tuple[list[str], int]:
    words = [_w(r) for _ in range(r.randint(3, 6))]
    return words, r.randint(0, len(words))


def _line(words: list[str], at: int, value: str) -> str:
    return " ".join([*words[:at], value, *words[at:]])


@pytest.mark.parametrize("seed", SEEDS)
def test_a_repr_slot_is_one_group_whatever_the_repr_holds(seed):
    r = random.Random(seed)
    words, at = _statement(r)
    grouper = MessageGrouper()
    lines = [_line(words, at, _repr(r)) for _ in range(25)]
    assert len({grouper.fingerprint(line, "app.loop", "WARNING") for line in lines}) == 1, lines


@pytest.mark.parametrize("seed", SEEDS)
def test_statements_differing_in_their_first_word_stay_apart(seed):
    r = random.Random(seed)
    words, at = _statement(r)
    at = max(at, 1)
    other = [_w(r, 10, 12), *words[1:]]  # another subject word (longer: never equal to the first)
    grouper = MessageGrouper()
    tagged = [(s, _line(w, at, _repr(r))) for s, w in ((0, words), (1, other)) for _ in range(10)]
    r.shuffle(tagged)
    groups: dict[int, set[str]] = {}
    for s, line in tagged:
        groups.setdefault(s, set()).add(grouper.fingerprint(line, "app.loop", "WARNING"))
    assert len(groups[0]) == len(groups[1]) == 1, tagged
    assert groups[0] != groups[1], tagged


def test_arrows_and_comparisons_are_not_reprs():
    assert tokenize("moved a -> b now") == ["moved", "a", "->", "b", "now"]
    assert tokenize("value (x > y) now") == ["value", "(x > y)", "now"]
    assert tokenize("route => upstream ok") == ["route", "=>", "upstream", "ok"]
