"""A quoted word: a constant of its call site or a value the call filled in (errors/quoted_words.py).

Class: a word in ASCII quotes (`'ACTIVE'`, `"force"`) is either written into the format string (one word per call
site, written again each time it fires) or filled in by a `%s`/`%r` (a new word per event). Generated per seed:
statements of 3-7 constant words with a quoted word at a random position and a number elsewhere (the other value
that changes while a constant stays), quoted with `'` or `"`.

* constants: two or three call sites differing only in their quoted word; each fires `CONSTANT_SIGHTINGS` times
  (other values changing) before the next one fires -> one group per call site (failed before: masking made them
  one);
* values (twin): one call site whose quoted word is new on every line -> one group (as before);
* a value by its form (`'user42'`), a dict key before `:`, a name a keep rule kept (`no attribute 'get'`) behave
  as before;
* restart: a template loaded from the store counts again; its constant seen again keeps the next word apart.
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.quoted_words import CONSTANT_SIGHTINGS
from sidecar.errors.templates import TemplateLearner

SEEDS = (1801, 1802, 1803)


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _statement(r: random.Random) -> tuple[list[str], int, int, str]:
    """Constant words, the quoted word's position and the number's, and the quote."""
    words = [_w(r) for _ in range(r.randint(3, 7))]
    at = r.randint(1, len(words))
    num = r.choice([i for i in range(len(words) + 1) if i != at])
    return words, at, num, r.choice("'\"")


def _line(words: list[str], at: int, num: int, quote: str, word: str, r: random.Random) -> str:
    out = list(words)
    slots = sorted([(at, quote + word + quote), (num, str(r.randint(1, 99999)))], reverse=True)
    for pos, tok in slots:
        out.insert(pos, tok)
    return " ".join(out)


def _constant(r: random.Random) -> str:
    return r.choice((_w(r).upper(), _w(r), _w(r) + "_" + _w(r)))


@pytest.mark.parametrize("seed", SEEDS)
def test_call_sites_differing_in_a_quoted_constant_stay_apart(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(20):
        words, at, num, quote = _statement(r)
        sites = list(dict.fromkeys(_constant(r) for _ in range(r.randint(2, 3))))
        grouper = MessageGrouper()
        groups = []
        for site in sites:
            fps = {grouper.fingerprint(_line(words, at, num, quote, site, r), "app.jobs", "ERROR")
                   for _ in range(CONSTANT_SIGHTINGS + r.randint(0, 2))}
            assert len(fps) == 1, (site, words)
            groups.append(fps.pop())
        assert len(set(groups)) == len(sites), (sites, words)
        # every call site firing again, interleaved, keeps its own group
        for site, group in zip(sites, groups, strict=True):
            assert grouper.fingerprint(_line(words, at, num, quote, site, r), "app.jobs", "ERROR") == group


@pytest.mark.parametrize("seed", SEEDS)
def test_a_quoted_value_new_on_every_line_is_one_group(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(20):
        words, at, num, quote = _statement(r)
        grouper = MessageGrouper()
        lines = [_line(words, at, num, quote, v, r) for v in dict.fromkeys(_w(r) for _ in range(12))]
        lines.insert(r.randint(0, len(lines)), _line(words, at, num, quote, f"user{r.randint(1, 999)}", r))
        assert len({grouper.fingerprint(line, "app.jobs", "ERROR") for line in lines}) == 1, lines


def test_names_a_keep_rule_kept_and_dict_keys_stay_apart() -> None:
    """The issue's over-merge stays fixed: two attributes missing in one place are two errors, however often."""
    grouper = MessageGrouper()
    get = {grouper.fingerprint(f"request {i} failed: 'NoneType' object has no attribute 'get'", "app", "ERROR")
           for i in range(5)}
    other = grouper.fingerprint("request 9 failed: 'Config' object has no attribute 'timeout_secs'", "app", "ERROR")
    assert len(get) == 1 and other not in get
    # a key before its colon is kept by masking as a name and stays a name (masking._quoted)
    a = grouper.fingerprint("schema check: field 'name': required in request body 7", "app", "ERROR")
    b = grouper.fingerprint("schema check: field 'email': required in request body 8", "app", "ERROR")
    assert a != b


@pytest.mark.parametrize("seed", SEEDS)
def test_after_a_restart_a_constant_seen_again_keeps_the_next_word_apart(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(10):
        words, at, num, quote = _statement(r)
        first, second = "ACTIVE", "FAILED"
        before = MessageGrouper()
        group = before.fingerprint(_line(words, at, num, quote, first, r), "app.jobs", "ERROR")
        learner = TemplateLearner()
        learner.load([(t.fingerprint, t.bucket, t.text) for t in before.learner.templates()], before.learner.merges())
        after = MessageGrouper(learner)
        for _ in range(CONSTANT_SIGHTINGS):
            assert after.fingerprint(_line(words, at, num, quote, first, r), "app.jobs", "ERROR") == group
        assert after.fingerprint(_line(words, at, num, quote, second, r), "app.jobs", "ERROR") != group
