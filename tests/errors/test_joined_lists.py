"""A tail that is a list joined with `", "` after a `key:` is ONE value whatever its length
(errors/token_forms.py `_joined_list`, round 12).

Class: Python's `", ".join(names)` (and Go's `strings.Join(xs, ", ")`) at the end of a message, after the
word that names what is listed (`collected packages: a, b, c`, `unknown pids: 12, 15`): one call site
prints one item or many, and each count was a token-count bucket of its own before round 12.

Generated per seed (random words; no package's text): statements `<words> <noun>: <items>` with 1 to 6
items of mixed forms (words, identifiers with digits, dotted names, hosts); twins:
- two statements whose words differ in their subject: two groups;
- a tail of failure words after the colon (`error: timeout, retrying` / `error: refused, retrying`): two
  groups (a failure word is no list item);
- a tail of multi-word phrases (`x: disk full, retrying`) is no list: tokens as before.
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.token_forms import tokenize

SEEDS = range(1230, 1236)


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _item(r: random.Random) -> str:
    return r.choice((_w(r), f"{_w(r)}{r.randint(1, 99)}", f"{_w(r)}_{_w(r)}", f"{_w(r)}.{_w(r)}",
                     f"{_w(r)}-{r.randint(1, 40)}.{_w(r, 2, 4)}"))


def _statement(r: random.Random) -> list[str]:
    return [_w(r) for _ in range(r.randint(2, 5))] + [_w(r) + ":"]


def _line(r: random.Random, words: list[str]) -> str:
    return " ".join(words) + " " + ", ".join(_item(r) for _ in range(r.randint(1, 6)))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_joined_list_is_one_value_whatever_its_length(seed):
    r = random.Random(seed)
    words = _statement(r)
    other = [_w(r, 10, 12), *words[1:]]  # another subject: never equal
    grouper = MessageGrouper()
    tagged = [(k, _line(r, w)) for k, w in ((0, words), (1, other)) for _ in range(15)]
    r.shuffle(tagged)
    groups: dict[int, set[str]] = {}
    for k, line in tagged:
        groups.setdefault(k, set()).add(grouper.fingerprint(line, "app.installer", "INFO"))
    assert len(groups[0]) == len(groups[1]) == 1, tagged
    assert groups[0] != groups[1], tagged


@pytest.mark.parametrize("seed", SEEDS)
def test_failure_words_after_the_colon_stay_apart(seed):
    r = random.Random(seed)
    words = [_w(r) for _ in range(r.randint(2, 4))]
    then = _w(r)
    grouper = MessageGrouper()
    a = grouper.fingerprint(" ".join(words) + f" error: timeout, {then}", "app.client", "ERROR")
    b = grouper.fingerprint(" ".join(words) + f" error: refused, {then}", "app.client", "ERROR")
    assert a != b


def test_phrases_are_not_list_items():
    assert tokenize("upload stopped: disk full, retrying") == ["upload", "stopped:", "disk", "full,", "retrying"]
    assert tokenize("collected packages: a, b") == ["collected", "packages:", "a, b"]
