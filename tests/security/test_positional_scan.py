"""positions.py scans each grammar behind its own literal instead of one alternation of all of them (speed, round
13); the matches must be the alternation's: leftmost first, ties to the grammar listed first, none overlapping, and a
grammar's match that overlapped a taken one must not hide that grammar's next match (review r13: 9 of 40,000 texts
lost one on 2b8e689f)."""

from __future__ import annotations

import random
import re

import pytest

from sidecar.redaction import positions

FRAGMENTS = ("radtest alice s3cr3tA 127.0.0.1 0 testing123", "CONNECT TO db USER bob USING hunter2x",
             "NickServ IDENTIFY pw123456", "PASS hunter22", "AUTHINFO PASS nntpPw99", "rootpw --plaintext rootPw77",
             "host1 path/to/x password pw5678", "AuthInfo: 'P=pw9999'", "client_send = ^abc^pw0000",
             "monitorRole mrPw11", "Master-Key: " + "CD" * 16, "$USER1$ = pw31", "Key Content : wifiPw22",
             "login=u:pw77", "alice * chapPw 10.0.0.1", "define( 'AUTH_KEY', 'saltsalt' )", " ", "\n", ": ", "\\n",
             "user ", "password ", "PASS ", "'", "\"")
SEPARATORS = ("", " ", "\n", " x ", "\\n", ": ")
ALTERNATION = re.compile("|".join(rx.pattern for rx, _, _ in positions._GRAMMARS))


def _spans(matches: list[re.Match[str]]) -> list[tuple[int, int, dict[str, str]]]:
    return [(m.start(), m.end(), {k: v for k, v in m.groupdict().items() if v is not None}) for m in matches]


def test_the_overlap_case_the_review_found() -> None:
    text = "PASS AuthInfo: 'P=pw9999'AuthInfo: 'P=pw9999' x PASS hunter22\n"
    assert _spans(positions._grammar_matches(text)) == _spans(list(ALTERNATION.finditer(text)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_split_scan_finds_what_the_alternation_finds(seed: int) -> None:
    rng = random.Random(f"positional-scan-{seed}")
    differ = []
    for _ in range(3000):
        text = "".join(rng.choice(FRAGMENTS) + rng.choice(SEPARATORS) for _ in range(rng.randint(1, 6)))
        if _spans(positions._grammar_matches(text)) != _spans(list(ALTERNATION.finditer(text))):
            differ.append(text)
    assert not differ, differ[:3]
