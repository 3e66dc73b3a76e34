"""An algorithm's registered name after a secret-sounding name stays (keep.is_algorithm): `hmac(sha256)` was
rewritten to `hmac([REDACTED:secret])`, hiding which digest a signature check used. Generated over hashlib's own
names and JWA's, in several spellings and carriers; the twin - a random value under the same name - still goes."""

from __future__ import annotations

import hashlib
import random
import string

import pytest

from sidecar.redaction import redact

NAMES = ("hmac", "secret", "signing_secret", "password_hash", "token_digest", "api_key_hmac")
JWA = ("HS256", "HS512", "RS256", "ES256", "PS384", "EdDSA")
SECRET_NAMES = ("hmac_key", "secret", "signing_secret", "api_key", "password")  # credentials, not digests
CARRIERS = ("{name}({alg})", "{name}={alg}", "{name}: {alg}", '"{name}": "{alg}"', "{name} = '{alg}'")


def _spellings(rng: random.Random) -> list[str]:
    digests = sorted(hashlib.algorithms_available)
    out = []
    for alg in rng.sample(digests, 4) + list(rng.sample(JWA, 2)):
        style = rng.randrange(4)
        out.append(alg.upper() if style == 0 else alg.replace("sha", "SHA-") if style == 1 and alg.startswith("sha")
                   else "hmac-" + alg if style == 2 and not alg[:2].isupper() else alg)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_an_algorithm_name_after_a_secret_name_stays(seed: int) -> None:
    rng = random.Random(seed)
    for alg in _spellings(rng):
        text = f"signature check with {rng.choice(CARRIERS).format(name=rng.choice(NAMES), alg=alg)} failed"
        assert alg in redact(text), (text, redact(text))


@pytest.mark.parametrize("seed", range(6))
def test_a_random_value_under_the_same_name_still_goes(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(6):
        value = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(14, 24)))
        text = f"signature check with {rng.choice(CARRIERS).format(name=rng.choice(SECRET_NAMES), alg=value)} failed"
        assert value not in redact(text), (text, redact(text))
