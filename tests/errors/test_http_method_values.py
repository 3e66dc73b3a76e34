"""An HTTP request method in a slot nothing announces is a value (`method GET is already registered` /
`method DELETE ...`), the only capitals the ALL-CAPS guard lets vary (errors/access_records.py `HTTP_METHODS`).

Class: RFC 9110 s.9 methods (GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE) and PATCH (RFC 5789), the
IANA HTTP Method Registry's common entries: the request's attribute, like its path. Twins that must stay
apart in the same position (the round-9 ALL-CAPS guard): errno names (`EACCES` / `ENOENT`, errno(3)) and
random capitalised states (`FOLLOWING` / `LEADING`).

Generated per seed (random words; no package's text): a statement with the capitals past its subject and
verb, a value (number) elsewhere.
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper

SEEDS = range(1240, 1246)
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
ERRNO_NAMES = ("EACCES", "ENOENT", "EPERM", "EEXIST", "ENOSPC", "EBADF", "EAGAIN", "EPIPE")


def _w(r: random.Random, lo: int = 4, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _statement(r: random.Random) -> tuple[list[str], int]:
    words = [_w(r) for _ in range(r.randint(5, 8))]
    return words, r.randint(2, len(words) - 2)


def _line(r: random.Random, words: list[str], at: int, caps: str) -> str:
    filled = list(words)
    filled[at] = caps
    return " ".join(filled) + f" {r.randint(0, 10**6)}"


def _fps(r: random.Random, words: list[str], at: int, values: list[str]) -> list[str]:
    grouper = MessageGrouper()
    return [grouper.fingerprint(_line(r, words, at, v), "app.router", "ERROR") for v in values]


@pytest.mark.parametrize("seed", SEEDS)
def test_methods_in_one_position_are_one_group(seed):
    r = random.Random(seed)
    words, at = _statement(r)
    values = [r.choice(METHODS) for _ in range(14)]
    assert len(set(_fps(r, words, at, values))) == 1, values


@pytest.mark.parametrize("seed", SEEDS)
def test_errno_names_and_states_in_that_position_stay_apart(seed):
    r = random.Random(seed)
    words, at = _statement(r)
    a, b = r.sample(ERRNO_NAMES, 2)
    assert len(set(_fps(r, words, at, [a, b]))) == 2
    s1, s2 = _w(r, 6, 8).upper(), _w(r, 9, 10).upper()
    assert len(set(_fps(r, words, at, [s1, s2]))) == 2
    method = r.choice(METHODS)
    assert len(set(_fps(r, words, at, [method, a]))) == 2  # a method against an errno name: two events
