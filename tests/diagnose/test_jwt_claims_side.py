"""CLASSES10 F7 (jwt_claims.py): the answer names the check that refused and the printed setting that feeds it, and
says nothing about the checks that did not refuse (an issuer refusal is not a clock problem).

PyJWT raises for real (jwt/api_jwt.py _validate_iss / _validate_aud) from a verifier whose expected values come from
variables (not literals in the call); a startup record prints the setting in one of the shapes settings print.
"""

from __future__ import annotations

import random
import time

import pytest

from tests.diagnose.classes8_base import _record
from tests.diagnose.classes9_second import at
from tests.diagnose.classes10_gen import _excerpt
from tests.diagnose.logged import diagnose

SEEDS = range(6)


def _refused(rng: random.Random) -> tuple[str, str, str]:
    """(the log, the setting's name, the check's word): issuer or audience refused, the setting printed before."""
    import jwt
    secret = "s" * 64
    check = rng.choice(["issuer", "audience"])
    expected_iss = rng.choice(["https://auth.gw.example.dev/auth/v1", "https://qzkv.supabase.co/auth/v1"])
    expected_aud = rng.choice(["authenticated", "gateway"])
    claims = {"sub": "u-1", "exp": int(time.time()) + 600,
              "iss": "https://abcd.supabase.co/auth/v1" if check == "issuer" else expected_iss,
              "aud": "anon" if check == "audience" else expected_aud}
    token = jwt.encode(claims, secret, algorithm="HS256")
    name = rng.choice({"issuer": ["SUPABASE_JWT_ISSUER", "JWT_ISSUER", "AUTH_JWT_ISS"],
                       "audience": ["SUPABASE_JWT_AUDIENCE", "JWT_AUD", "AUTH_AUDIENCE"]}[check])
    value = expected_iss if check == "issuer" else expected_aud
    error = _record(lambda: jwt.decode(token, secret, algorithms=["HS256"], audience=expected_aud,
                                       issuer=expected_iss),
                    rng.choice(["src.auth.jwt_verify", "src.daemon.auth"]), rng.choice(["token rejected",
                                                                                       "session check failed"]))
    shape = rng.choice([f"auth: {name}={value} (env)", f"environment: LOG_LEVEL=INFO {name}={value}",
                        f"settings loaded, {name}: {value}"])
    return _excerpt(rng, [at(error, 120, "src.core.env_config", shape)], error), name, check


@pytest.mark.parametrize("seed", SEEDS)
def test_the_answer_names_the_refusing_check_and_its_setting(seed: int) -> None:
    log, name, check = _refused(random.Random(seed))
    d = diagnose(log)
    text = f"{d.summary} {d.root_cause}"
    assert d.category == "config", (d.category, d.rule, d.summary)
    assert name in text and check in text, text
    assert "clock" not in text.lower(), text
