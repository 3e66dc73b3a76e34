"""Stored password verifiers stay, password-equivalent stored forms go (sidecar/redaction/verifiers.py; CLASSES14.md
D32 and D35, CLASSES16.md D41 against C14). The verifiers are made by the algorithms their formats name (crypt(3),
hashlib PBKDF2/scrypt/SHA) and laid out as mosquitto_passwd, Django, passlib, OpenLDAP, Transmission, qBittorrent and
RabbitMQ write them (tests/security/verifier_gen.py); the twins put a plain password, an unnamed digest, a PostgreSQL
md5 verifier, an NT hash and Dovecot's plaintext schemes in the same slots."""

from __future__ import annotations

from collections import Counter

import pytest

from sidecar.redaction import redact

from .secret_gen import leaked
from .verifier_gen import twin_cases, verifier_cases

SEEDS = [1901, 1902, 1903]


@pytest.mark.parametrize("seed", SEEDS)
def test_verifiers_survive_and_equivalents_go(seed: int) -> None:
    kept = verifier_cases(seed, 4)
    lost = Counter(kind for kind, text, value in kept if value not in redact(text))
    assert len(kept) == 32 and not lost, f"verifiers lost: {lost.most_common()}"
    twins = twin_cases(seed, 4)
    leaks = Counter(kind for kind, text, value in twins if leaked(value, redact(text)))
    assert len(twins) == 20 and not leaks, f"twins leaked: {leaks.most_common()}"


def test_empty_password_constants_kept_beside_the_nt_hash() -> None:
    """secretsdump row: the empty LM constant stays, the account's NT hash goes (MS-NLMP 3.3.1)."""
    row = "svc:1107:aad3b435b51404eeaad3b435b51404ee:6c8abc726c7eecdd76ba552f5f225b30:::"
    assert redact(row) == "svc:1107:aad3b435b51404eeaad3b435b51404ee:[REDACTED:nt_hash]:::"
    empty = "Guest:501:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::"
    assert redact(empty) == empty


@pytest.mark.parametrize("seed", [1941, 1942, 1943])
def test_the_most_common_human_passwords_go(seed: int) -> None:
    import random

    rng = random.Random(seed)
    leaks = []
    for _ in range(6):
        value = rng.choice(["123456", "12345678", "123456789", "abc123", "abcd1234", "123123"])
        text = rng.choice(["password={v}", "DB_PASSWORD={v}", '{{"password": "{v}"}}', "redis_password: {v}",
                           "--password {v}"]).format(v=value)
        if leaked(value, redact(text)):
            leaks.append(text)
    assert not leaks, leaks


@pytest.mark.parametrize("seed", [1951, 1952, 1953])
def test_a_stand_in_shaped_password_goes(seed: int) -> None:
    """A word and an ascending run (`Summer-123456`, `Welcome_abcdef`) is a stand-in's shape under a key's name and a
    human's password under a password's name (review re-read r14): the password slot wins."""
    import random

    rng = random.Random(seed)
    leaks = []
    for _ in range(6):
        value = rng.choice(["Summer", "Welcome", "Admin", "Company", "Spring"]) + rng.choice("-_") + \
            rng.choice(["123456", "12345678", "abcdef", "abc123"])
        text = rng.choice(["DB_PASSWORD={v}", 'password: "{v}"', "--password={v}", '{{"passwd": "{v}"}}']).format(v=value)
        if leaked(value, redact(text)):
            leaks.append(text)
    assert not leaks, leaks
