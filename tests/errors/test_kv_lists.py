"""A list of `key=value` pairs whose key set varies between the lines of one statement is one value
(bench/GROUPING_CLASSES2.md S23; errors/kvlists.py), and the twins that must stay apart do.

Generated per seed: constant words, a run of pairs at a random position (after the first word, so the
learner's head is the statement's), keys drawn per line from a per-statement pool in the spellings the
sources use (logfmt/slog snake_case, audit `auid`, dotted `log.level`, dashed `k8s-app`, camelCase),
values as they print (a number, a bare word, a quoted phrase, empty `k=`, a path). Each statement's
first two lines hold key sets that differ both ways (the rule's trigger); the rest are random subsets,
1 to 5 pairs. Twins:
- T12/pam_unix: the same fixed keys, and the same line with a trailing pair added (`... rhost=x user=root`,
  Loghub labels these apart): two groups;
- S6: fixed keys, values varying (none empty): one group (was already);
- statements with other constant words: apart (4 statements, 4 groups, in the first test).
Not tested here because main already merges them at the same token count (slots.py's positional
comparison, not kvlists.py): one key for another (`... uid=%d` / `... gid=%d`), and one constant word
changed among many beside a run of pairs.
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper

SEEDS = range(1530, 1536)
KEY_STYLES = (
    lambda r: "_".join(_w(r, 2, 6) for _ in range(r.randint(1, 2))),
    lambda r: _w(r, 3, 5),
    lambda r: f"{_w(r, 2, 5)}.{_w(r, 3, 6)}",
    lambda r: f"{_w(r, 2, 4)}-{_w(r, 2, 4)}",
    lambda r: _w(r, 2, 5) + _w(r, 3, 5).title(),
)


def _w(r: random.Random, lo: int, hi: int) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _value(r: random.Random, empty: bool = True) -> str:
    return r.choice((str(r.randint(0, 99999)), _w(r, 3, 8), f'"{_w(r, 3, 6)} {_w(r, 3, 6)}"',
                     f"/{_w(r, 3, 6)}/{_w(r, 3, 6)}", f"{r.randint(0, 9)}.{r.randint(0, 99)}", *([""] if empty else [])))


def _pairs(r: random.Random, keys: list[str], empty: bool = True) -> str:
    return " ".join(f"{k}={_value(r, empty)}" for k in keys)


def _statement(r: random.Random) -> tuple[list[str], int, list[str]]:
    """(constant words, where the pairs go, the statement's key pool)."""
    words = [_w(r, 3, 9) for _ in range(r.randint(3, 7))]
    pool = sorted({r.choice(KEY_STYLES)(r) for _ in range(r.randint(6, 10))})
    return words, r.randint(1, len(words)), pool


def _line(words: list[str], at: int, pairs: str) -> str:
    return " ".join(words[:at] + [pairs] + words[at:])


def _lines(r: random.Random, words: list[str], at: int, pool: list[str], n: int) -> list[str]:
    half = len(pool) // 2
    first, second = r.sample(pool[:half], min(2, half)), r.sample(pool[half:], 2)  # differ both ways
    out = [_line(words, at, _pairs(r, first)), _line(words, at, _pairs(r, second))]
    for _ in range(n - 2):
        out.append(_line(words, at, _pairs(r, r.sample(pool, r.randint(1, min(5, len(pool)))))))
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_varying_key_sets_are_one_group_per_statement(seed):
    r = random.Random(seed)
    statements = [_statement(r) for _ in range(4)]
    tagged = [(k, line) for k, (w, at, pool) in enumerate(statements) for line in _lines(r, w, at, pool, 25)]
    # each statement's first two lines first (in statement order), then everything shuffled
    heads = [t for k in range(len(statements)) for t in [x for x in tagged if x[0] == k][:2]]
    rest = [t for t in tagged if t not in heads]
    r.shuffle(rest)
    grouper = MessageGrouper()
    groups: dict[int, set[str]] = {}
    for k, line in heads + rest:
        groups.setdefault(k, set()).add(grouper.fingerprint(line))
    assert all(len(g) == 1 for g in groups.values()), groups
    assert len(set().union(*groups.values())) == len(statements)


@pytest.mark.parametrize("seed", SEEDS)
def test_twins_stay_apart(seed):
    r = random.Random(seed)
    words, at, pool = _statement(r)
    keys = r.sample(pool, 3)
    grouper = MessageGrouper()

    def fps(lines: list[str]) -> set[str]:
        return {grouper.fingerprint(x) for x in lines}

    # S6: fixed keys, every value set, one group. (An empty `k=` against a set `k=v` at one position
    # is kept apart by slots.py, S6_keyvalue of bench/grouping_classes.py: not this class.)
    fixed = fps([_line(words, at, _pairs(r, keys, empty=False)) for _ in range(8)])
    assert len(fixed) == 1
    extra = r.choice([k for k in pool if k not in keys])
    added = fps([_line(words, at, _pairs(r, keys, empty=False) + f" {extra}={_w(r, 3, 6)}") for _ in range(8)])
    assert len(added) == 1 and not added & fixed  # a trailing pair added: another statement (T12, pam_unix)
