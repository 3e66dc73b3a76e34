"""Leak classes of held-out 8 (development data), generated: DingTalk robot signing secrets (`SEC` + 64 hex, also
after a string's escaped newline), and a password word's own-language copula that is also an English word
(Finnish/Estonian `on`, Norwegian/Danish `er`, Dutch `is`) or a multiword Greek password phrase before a quoted
value; each with kept counterparts (a bare hex digest, prose after the same words)."""

from __future__ import annotations

import json
import random

import pytest

from sidecar.redaction import redact
from sidecar.redaction.textstats import password_like

from .secret_gen import password, rnd


def _carried(r: random.Random, line: str) -> list[str]:
    return [f"2026-12-06 04:56:33,108 WARNING src.x: {line}", json.dumps({"log": line + "\n", "stream": "stderr"}),
            json.dumps({"level": "error", "message": line}),
            f"Traceback (most recent call last):\n  File \"/app/x.py\", line {r.randint(1, 99)}, in f\n"
            f"PermissionError: {line}"]


@pytest.mark.parametrize("seed", range(8))
def test_dingtalk_signing_secret_goes_bare_digest_stays(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(6):
        sec = "SEC" + rnd(r, "0123456789abcdef", 64)
        for line in (f"string_to_sign = f'{{ts}}\\n{sec}'", f"dingtalk secret={sec}", f"robot sign with {sec} failed",
                     f'{{"secret": "{sec}"}}', f"hmac key {sec}"):
            for text in _carried(r, line):
                out = redact(text)
                assert sec not in out and sec[3:] not in out, text
        digest = rnd(r, "0123456789abcdef", 64)
        kept = f"upload took 3 sec {digest} sha256 ok; SECTION {r.randint(1, 9)} SECONDS=30"
        assert redact(kept) == kept


_OWN = [("käyttäjän {u} salasana on {v}", "käyttäjän {u} salasana on vanhentunut"),
        ("salasana oli {v}", "salasana oli väärä ja tunnus lukittiin"),
        ("kasutaja {u} parool on {v}", "parool on aegunud"),
        ("passordet til {u} er {v}", "passordet er feil for brukeren"),
        ("adgangskoden er {v}", "adgangskoden er forkert"),
        ("het wachtwoord van {u} is {v}", "het wachtwoord is onjuist"),
        ("λάθος κωδικός πρόσβασης '{v}'", "λάθος κωδικός πρόσβασης για τον χρήστη"),
        ("ο κωδικός πρόσβασης: {v}", "ο κωδικός πρόσβασης έληξε"),
        ("Λάθος κωδικό πρόσβασης \"{v}\" για {u}", "Λάθος κωδικό πρόσβασης για {u}")]


@pytest.mark.parametrize("seed", range(8))
def test_own_language_copula_and_greek_phrase_values_go_prose_stays(seed: int) -> None:
    r = random.Random(seed)
    for leak, prose in _OWN:
        v = password(r)
        while not password_like(v):  # a bare value after prose must read as a password (languages.py)
            v = password(r)
        u = r.choice(["ops", "budi", "mario", "admin"])
        for text in _carried(r, leak.format(u=u, v=v)):
            out = redact(text)
            assert v not in out and json.dumps(v)[1:-1] not in out, text
        kept = prose.format(u=u)
        assert redact(kept) == kept
