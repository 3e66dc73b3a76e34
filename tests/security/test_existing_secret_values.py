"""Review r16 finding 1: a Helm `existingSecret` value is kept only when it reads as a Secret's NAME (CLASSES17 D43:
`existingSecret: my-db-secret`); a random lowercase/hex value under an `existing*` + `secret` name is a secret and
goes (secret_names.names_where kept any RFC 1123 name, and a random lowercase-and-digits string is one). Names, values,
assignment shapes and carriers vary with the seed."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from sidecar.redaction import redact

from .classes11_gen import shape
from .secret_gen import HEX, leaked, rnd

_LOWER_AN = "abcdefghijklmnopqrstuvwxyz0123456789"
_NAMES = ["existingSecret", "existing_secret", "existing-secret", "EXISTING_SECRET", "existingSecrets",
          "existing.secret"]
_OBJECT_NAMES = ["my-db-secret", "postgres-credentials", "redis-auth", "gw-provider-keys", "app-secrets",
                 "mysql-secret-v2", "smtp-password"]


def _assign(r: random.Random, name: str, value: str) -> str:
    return r.choice([f"{name}={value}", f"{name}: {value}", f'{name}: "{value}"', f"auth:\n  {name}: {value}",
                     f'{{"{name}": "{value}"}}'])


def _random(r: random.Random) -> str:
    while True:  # a digit and a letter, as a generated value has (all-letter names are words)
        v = rnd(r, HEX, 32) if r.random() < 0.5 else rnd(r, _LOWER_AN, r.randrange(16, 33))
        if any(c.isdigit() for c in v) and any(c.isalpha() for c in v):
            return v


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_values_under_existing_secret_names_go(seed: int) -> None:
    r = random.Random(f"existing-secret:{seed}")
    cases = [(v, shape(r, _assign(r, r.choice(_NAMES), v))) for v in (_random(r) for _ in range(12))]
    leaks = [text for v, text in cases if leaked(v, redact(text))]
    assert not leaks, leaks


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_secret_object_names_stay(seed: int) -> None:
    r = random.Random(f"existing-secret-name:{seed}")
    cases = [(v, shape(r, _assign(r, r.choice(_NAMES), v))) for v in (r.choice(_OBJECT_NAMES) for _ in range(12))]
    lost = Counter(v for v, text in cases if v not in redact(text))
    assert not lost, lost.most_common()
