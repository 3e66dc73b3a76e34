"""Reviewer round 13: mechanism 1d of sidecar/redaction/announced.py (`inline_banner_sub`, round 13) masks the value that
closes a line when the line names a secret noun ANYWHERE (token, secret, password, access code) and a hand-over word
(is, set, new, default). The value after the colon is then taken as the secret even when it belongs to an ATTRIBUTE of
the secret the sentence is about - its limit, model, encoding, backend, hashing scheme, length, capacity, signing
algorithm: `Configured token model is: kimi-k2-0905-preview`, `token encoding is: cl100k_base`, `Secret store backend
is: vault-prod-01`, `default password hashing scheme is: argon2id`. Those are values a diagnosis reads (a model name,
a backend host, a limit); before round 13 none was masked (reviewer: 0 of 60 generated lines before, 21 of 60 after).
The class the mechanism cites (mysqld --initialize, the MySQL/MariaDB images, magic-wormhole, "Your new API token is:")
has the secret noun as the HEAD of the phrase before the colon, not as a modifier of another noun.
Twin that must stay masked: the hand-over sentences themselves, with a generated value.
Generated: each seed draws the noun, the attribute, its value's shape, the verb and the lead-in.
Fixed (i18, round 13): the secret noun must head its phrase - the word after it hands the value over (announced.py
_heads_phrase)."""

from __future__ import annotations

import random
import string
from collections.abc import Callable

import pytest

from sidecar.redaction import redact

NOUNS = ("token", "API token", "secret", "password", "access code", "session token", "API key", "JWT")
ATTRIBUTES: dict[str, Callable[[random.Random], str]] = {
    "limit": lambda r: str(r.randint(1000, 200000)),
    "model": lambda r: r.choice(["kimi-k2-0905-preview", "glm-4.5-air", "moonshot-v1-32k", "gpt-4o-mini"]),
    "encoding": lambda r: r.choice(["cl100k_base", "o200k_base", "utf-16le"]),
    "backend": lambda r: r.choice(["vault-prod-01", "aws-secretsmanager", "redis-cache-2"]),
    "hashing scheme": lambda r: r.choice(["argon2id", "bcrypt_sha256", "pbkdf2_sha512"]),
    "length": lambda r: f"{r.randint(6, 64)}chars",
    "capacity": lambda r: f"{r.randint(10, 900)}rps",
    "signing algorithm": lambda r: r.choice(["RS256", "ES384", "HS512"]),
}
VERBS = ("is:", "is now:", "set:", "set to:", "(default) is:", "is set to:")
LEADS = ("", "The ", "new ", "Default ", "configured ")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_value_of_a_secrets_attribute_is_kept(seed: int) -> None:
    rng = random.Random(f"r13-inline-{seed}")
    lost = []
    for _ in range(10):
        attribute = rng.choice(list(ATTRIBUTES))
        value = ATTRIBUTES[attribute](rng)
        line = f"{rng.choice(LEADS)}{rng.choice(NOUNS)} {attribute} {rng.choice(VERBS)} {value}"
        if value not in redact(line):
            lost.append(line)
    assert not lost, lost


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_handed_over_secret_closing_its_line_is_masked(seed: int) -> None:
    rng = random.Random(f"r13-inline-twin-{seed}")
    value = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(16, 28)))
    line = rng.choice(["Your new API token is: {v}", "GENERATED ROOT PASSWORD: {v}",
                       "A temporary password is generated for root@localhost: {v}"]).format(v=value)
    assert value not in redact(line), line


# A lead-in clause that uses a secret noun as a MODIFIER ("Token rotation", "Secret manager") before the sentence that
# hands the secret over: inline_banner_sub looks only at the FIRST secret noun of the line (`_SECRET_NOUN.search`),
# `_heads_phrase` rejects it, and the hand-over noun after it is never considered. Reviewer: 48 of 48 generated lines
# leak a letters-only value on 631d8c88, 0 of 48 on 631d8c88^; taking the last noun that heads its phrase: 0 of 48, and
# the attribute test above still passes.
LEAD_INS = ("Token rotation finished, ", "Secret manager sync: ", "Token service restarted; ", "Password vault unlocked, ",
            "Secret store ready. ", "Key rotation job done, ")
HAND_OVERS = ("the new token is:", "generated secret is:", "temporary password is:", "new password set to:",
              "your API token is:", "the new secret is:")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_hand_over_after_a_modifier_noun_is_masked(seed: int) -> None:
    rng = random.Random(f"r13-inline-lead-{seed}")
    leaked = []
    for _ in range(6):
        value = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(18, 26)))  # no entropy to catch
        line = f"{rng.choice(LEAD_INS)}{rng.choice(HAND_OVERS)} {value}"
        if value in redact(line):
            leaked.append(line)
    assert not leaked, leaked
