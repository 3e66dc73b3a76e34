"""Re-read r16: LiveKit's API key id (`API` + 12, clientkeys.py) was kept under any name but secret/server/admin/password,
so `signing_key=API...` - a secret of that shape under a signing or private name - was kept. The shape is kept only
where the words before it name the key's id (`api key`, `key id`, `iss`; LiveKit's own `API Key:` output), never under a
secret, signing, private or password name. Names, carriers (k=v, JSON, YAML, a Go CLI's padded label, prose) and values
vary with the seed; each secret-named value has a key-id-named twin in the same carrier."""

from __future__ import annotations

import json
import random

import pytest

from sidecar.redaction import redact

from .classes11_gen import shape
from .secret_gen import AN, leaked, rnd

_SECRET_NAMES = ["signing_key", "private_key", "LIVEKIT_SIGNING_KEY", "jwtSigningKey", "PRIVATE_KEY", "api_secret",
                 "LIVEKIT_API_SECRET", "signingKey", "token_signing_key", "db_password"]
_ID_NAMES = ["LIVEKIT_API_KEY", "api_key", "apiKey", "key_id", "livekit_api_key", "LK_API_KEY", "iss", "apiKeyId"]


def _carrier(r: random.Random, k: int, name: str, value: str) -> str:
    if k == 0:
        return f"{name}={value}"
    if k == 1:
        return json.dumps({name: value, "room": r.choice(["support", "standup", "agent-7"])})
    if k == 2:
        return f"livekit:\n  {name}: \"{value}\"\n  url: wss://lk.example.test"
    return f"{name}:{' ' * r.randrange(2, 6)}{value}"  # a Go CLI's padded label (`lk`, livekit-server generate-keys)


def _pairs(seed: int) -> list[tuple[str, str, str, str]]:
    """(text, secret-named value, twin text, key-id-named value) in the same carrier."""
    r = random.Random(f"livekit-key-names:{seed}")
    out = []
    for _ in range(10):
        k = r.randrange(4)
        secret_name = r.choice(_SECRET_NAMES if k != 3 else ["Signing Key", "Private Key", "API Secret", "JWT Signing Key"])
        id_name = r.choice(_ID_NAMES if k != 3 else ["API Key", "Key ID", "LiveKit API Key"])
        v, w = "API" + rnd(r, AN, 12), "API" + rnd(r, AN, 12)
        out.append((shape(r, _carrier(r, k, secret_name, v)), v, shape(r, _carrier(r, k, id_name, w)), w))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_key_id_shape_under_a_secret_name_goes(seed: int) -> None:
    leaks = [text for text, v, _, _ in _pairs(seed) if leaked(v, redact(text))]
    assert not leaks, leaks


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_key_id_under_a_key_id_name_stays(seed: int) -> None:
    lost = [twin for _, _, twin, w in _pairs(seed) if w not in redact(twin)]
    assert not lost, lost
