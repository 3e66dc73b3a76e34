"""Secrets in every carrier of the taxonomy (tests/security/carrier_gen.py): the real HTTP client libraries'
debug output and reprs against a loopback server, argv, bash's environment dumps, config formats, other
languages' names, multiply escaped JSON, percent/base64 encodings and console-wrapped lines. None may
survive `redact`, written as it is, JSON-escaped or repr-escaped."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from sidecar.redaction import redact

from .carrier_gen import aiohttp_output, http_library_output, loopback, offline_cases, websockets_output
from .secret_gen import leaked

SEEDS = [1851, 1852, 1853, 1854, 1855, 1856]


@pytest.mark.parametrize("seed", SEEDS)
def test_no_secret_survives_in_any_offline_carrier(seed: int) -> None:
    items = offline_cases(seed)
    leaks = [(kind, redact(text)) for kind, text, secret in items if leaked(secret, redact(text))]
    assert len(items) >= 25
    assert leaks == [], Counter(k for k, _ in leaks)


@pytest.mark.parametrize("seed", SEEDS[:3])
async def test_no_secret_survives_in_http_library_output(seed: int) -> None:
    r = random.Random(seed)
    with loopback() as base:
        items = http_library_output(r, base) + await aiohttp_output(r, base) + await websockets_output(r)
    for kind, text, secret in items:
        assert secret in text, f"{kind}: the library did not print the secret, the case tests nothing"
    leaks = [(kind, redact(text)) for kind, text, secret in items if leaked(secret, redact(text))]
    assert leaks == []
