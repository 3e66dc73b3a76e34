"""CLASSES12 C24's encodings that classes12_gen.c24 does not generate (review, round 10).

C24 (tests/data/secrets/CLASSES12.md) names: JSON `\\u00XX` per character, HTML numeric references per character
DECIMAL OR HEX (`&#115;` or `&#x73;`), base32, base58, Ascii85/base85 (`<~...~>`, base64.b85encode), uuencode
(`begin 644 <file>` then `M...` lines), colon-separated hex at 15 bytes per line (openssl -text), zlib+base64, ROT13,
reversed. classes12_gen.c24 draws five (\\u, decimal references, base32, one-line colon hex, zlib+base64) and C24
passes on them. Generated here, one case per encoding, value and carrier drawn per seed: a leak is the encoded form
(or any of its lines) surviving; HTML references are decoded before looking (html.unescape: what a reader does).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import random
from collections.abc import Callable

import pytest

from sidecar.redaction import redact

from .classes11_gen import key, pw, shape

SEEDS = range(1240, 1243)


def _uu_lines(v: str) -> list[str]:
    b = v.encode()
    return [binascii.b2a_uu(b[i:i + 45]).decode().rstrip("\n") for i in range(0, len(b), 45)]


def _colon_lines(v: str) -> list[str]:
    b = v.encode()
    return [":".join(f"{x:02x}" for x in b[i:i + 15]) + (":" if i + 15 < len(b) else "") for i in range(0, len(b), 15)]


# encoding -> (the text that carries it, the pieces a leak leaves)
ENCODINGS: dict[str, Callable[[random.Random, str], tuple[str, list[str]]]] = {
    "html-hex-references": lambda r, v: (
        f"{r.choice(['api_key_enc', 'password', 'token'])}=" + "".join(f"&#x{ord(c):{r.choice(['x', 'X'])}};" for c in v),
        [v]),
    "ascii85": lambda r, v: (f"api_key_enc=<~{base64.a85encode(v.encode()).decode()}~>", [base64.a85encode(v.encode()).decode()]),
    "uuencode": lambda r, v: (
        f"begin 644 {r.choice(['key.txt', 'token', 'creds.bin'])}\n" + "\n".join(_uu_lines(v)) + "\n`\nend",
        _uu_lines(v)),
    "colon-hex-15-per-line": lambda r, v: (
        f"{r.choice(['private key', 'priv', 'secret key'])}:\n" + "\n".join("    " + ln for ln in _colon_lines(v)),
        _colon_lines(v)),
}


def _leaks(text: str, pieces: list[str], v: str) -> bool:
    out = redact(text)
    seen = html.unescape(out.replace("\\n", "\n"))
    return any(p in out or json.dumps(p)[1:-1] in out for p in pieces) or v in seen


@pytest.mark.parametrize("enc", list(ENCODINGS))
def test_c24_encoding_goes(enc: str) -> None:
    leaks = []
    for s in SEEDS:
        r = random.Random(f"c24-review:{enc}:{s}")
        for _ in range(20):
            v = r.choice([key, pw])(r)
            text, pieces = ENCODINGS[enc](r, v)
            if _leaks(shape(r, text), pieces, v):
                leaks.append(text[:120])
    assert not leaks, (len(leaks), leaks[:2])
