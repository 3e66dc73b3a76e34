"""The must-keep taxonomy (sidecar/redaction/keep.py) by class: values already masked by the library that
printed them, values public by design, identifiers/digests/nonces/cursors announced by their name. Each is
generated (tests/security/keep_gen.py, fixed seeds; key material from `cryptography`) in the carriers a log
uses, and must come out of `redact` unchanged. The tensions of the taxonomy (same shape, other name) are
checked both ways: the name or scheme before the value decides."""

from __future__ import annotations

import base64
import random
from collections import Counter

import pytest

from sidecar.redaction import redact

from .keep_gen import keep_cases, rnd
from .secret_gen import AN, HEX, leaked

SEEDS = [1841, 1842]


@pytest.mark.parametrize("seed", SEEDS)
def test_nothing_of_a_must_keep_class_is_redacted(seed: int) -> None:
    items = keep_cases(seed, per_class=150)
    changed = [(kind, text, redact(text)) for kind, text, _ in items if redact(text) != text]
    assert len(items) == 450
    by_kind = Counter(kind for kind, _, _ in changed)
    assert changed == [], f"{len(changed)} of {len(items)} changed: {by_kind.most_common()}"


def _same_shape_pairs(r: random.Random) -> list[tuple[str, str, bool]]:
    """(line, value, must it go?): the same value shape, announced once as a secret and once as an identifier."""
    hex32, b64_24 = rnd(r, HEX, 32), base64.b64encode(r.randbytes(16)).decode()
    token = rnd(r, AN, 43)
    return [
        (f"Ocp-Apim-Subscription-Key: {hex32}", hex32, True),
        (f"x-request-id: {hex32}", hex32, False),
        (f"GET /v1/x?subscription-key={hex32} 401", hex32, True),
        (f"Authorization: Basic {b64_24}", b64_24, True),
        (f"Sec-WebSocket-Key: {b64_24}", b64_24, False),
        (f"Content-MD5: {b64_24}", b64_24, False),
        (f"token sha256~{token}", f"sha256~{token}", True),
        (f"image@sha256:{rnd(r, HEX, 64)}", "sha256:", False),
        (f"HEROKU_API_KEY={hex32[:8]}-{hex32[8:12]}-4{hex32[13:16]}-a{hex32[17:20]}-{hex32[20:]}", hex32[20:], True),
        (f"request {hex32[:8]}-{hex32[8:12]}-4{hex32[13:16]}-a{hex32[17:20]}-{hex32[20:]} failed", hex32[20:], False),
        (f"session_id={token}", token, True),
        (f"next_page_token={token}", token, False),
        (f"csrf_token={token}", token, True),
        (f"api_key=sk-proj-{token}", token, True),
        (f"api_key=sk-proj-{'*' * 40}{token[:4]}", "*" * 40, False),
        (f"JSESSIONID: {token}", token, True),
        (f"PHPSESSID={token}", token, True),
        (f"x-guploader-uploadid: {token}", token, False),
        (f'If-None-Match: "{b64_24}"', b64_24, False),
        (f"kid: {token}", token, False),
        (f"blob_name=uploads/2026/{token}.pdf", token, False),
        (f"x-csrf-token: {token}", token, True),
    ]


@pytest.mark.parametrize("seed", [1843, 1844, 1845])
def test_the_name_before_a_value_decides_not_its_shape(seed: int) -> None:
    wrong = [(line, redact(line), must_go) for line, value, must_go in _same_shape_pairs(random.Random(seed))
             if leaked(value, redact(line)) == must_go]
    assert wrong == []
