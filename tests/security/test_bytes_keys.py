"""CLASSES10.md C8 (round 9): a binary key printed as a Python bytes literal (os.urandom's bytes under SECRET_KEY, an
hmac key, a signer key), raw, in a json.dumps line or a Docker record, and its twins: a nonce/IV/salt (public by
design), protocol framing with NUL runs, a PNG header, printable bytes. Seeds 0-2, values from random.Random.randbytes."""

from __future__ import annotations

import json
import random

import pytest

from sidecar.redaction import redact

from .secret_gen import leaked


def _shape(r: random.Random, text: str) -> str:
    return [text, json.dumps({"msg": text}), json.dumps({"log": text + "\n", "stream": "stderr"})][r.randrange(3)]


@pytest.mark.parametrize("seed", range(3))
def test_a_random_key_as_bytes_goes(seed: int) -> None:
    r = random.Random(seed)
    misses = []
    for _ in range(40):
        key = r.randbytes(r.choice([16, 24, 32, 64]))
        shown = repr(key)
        name = r.choice(["SECRET_KEY", "app.secret_key", "hmac key", "signer key", "signing_key", "seed"])
        text = _shape(r, r.choice([f"{name} = {shown}", f"hmac.new(key={shown}, msg=b'x')", f"{name}: {shown} loaded"]))
        if leaked(shown[2:-1], redact(text)):
            misses.append(redact(text)[:200])
    assert not misses, misses[:3]


@pytest.mark.parametrize("seed", range(3))
def test_bytes_that_are_no_key_stay(seed: int) -> None:
    r = random.Random(seed)
    lost = []
    for _ in range(40):
        k = r.randrange(4)
        if k == 0:
            text = f"{r.choice(['nonce', 'iv', 'salt'])} = {r.randbytes(16)!r}"
        elif k == 1:
            text = f"key frame header {bytes(4) + bytes([16]) + r.randbytes(16)!r}"  # length-prefixed framing
        elif k == 2:
            png = bytes([0x89]) + b"PNG" + bytes([13, 10, 26, 10]) + bytes(4) + b"IHDR" + r.randbytes(8)
            text = f"key image magic {png!r}"
        else:
            text = f"api key bytes {b'not-a-key-just-ascii-text-here'!r}"
        text = _shape(r, text)
        if redact(text) != text:
            lost.append(redact(text)[:200])
    assert not lost, lost[:3]
