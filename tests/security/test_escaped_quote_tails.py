"""Round 18 finding: a secret holding a quote, inside a JSON string (one to three json.dumps levels), left its tail
after the mark - (a) an UNQUOTED value (`password=Ab3\\"dEf...`) stopped at the escaped quote, and the mark also ate
the escape's backslashes so the JSON record no longer parsed; (b) a QUOTED value whose string has no closing quote on
its line (a truncated record) stopped at the escaped quote inside it. Before the fix: 120/120 of (a) and 60/60 of (b)
failed here. Twins: a value ending in an escaped BACKSLASH before its string's close, and a plain value before the
close, keep the record valid JSON (before: the close's backslashes were eaten at levels 2-3)."""

from __future__ import annotations

import json
import random
import string

from sidecar.redaction import redact

_NAMES = ("password", "api_key", "client_secret", "token", "db_password", "secret")
_AN = string.ascii_letters + string.digits


def _nest(line: str, level: int) -> str:
    for _ in range(level):
        line = json.dumps({"msg": line})
    return line


def _value(r: random.Random) -> tuple[str, str]:
    head = "".join(r.choice(_AN) for _ in range(r.randint(4, 10)))
    tail = "".join(r.choice(_AN) for _ in range(r.randint(8, 14)))
    return head + '"' + tail, tail


def test_unquoted_value_with_escaped_quote_goes_whole() -> None:
    bad = []
    for seed in range(120):
        r = random.Random(seed)
        v, tail = _value(r)
        text = _nest(f"{r.choice(_NAMES)}{r.choice(('=', ': '))}{v} {r.choice(('failed', 'rejected', '(retry 2)'))}",
                     r.randint(1, 3))
        out = redact(text)
        if tail in out or "[REDACTED:" not in out:
            bad.append(out)
        json.loads(out)  # the record still parses
    assert not bad, bad[:3]


def test_quoted_value_without_closing_quote_goes_whole() -> None:
    bad = []
    for seed in range(60):
        r = random.Random(seed)
        v, tail = _value(r)
        # a repr-like `name="<v with \">` (the quote escaped in the string itself), cut before its closing quote
        level = r.randint(0, 3)
        text = _nest(f'{r.choice(_NAMES)}="' + v.replace('"', '\\"'), level)
        out = redact(text)
        if tail in out:
            bad.append(out)
        if level:
            json.loads(out)
    assert not bad, bad[:3]


def test_string_close_after_value_keeps_record_valid() -> None:
    for level in (1, 2, 3):
        for line in ("pw=C:\\\\", "password=Xy7Kq2mPw9Lz", "token: Xy7Kq2mPw9Lz\\"):
            out = redact(_nest(line, level))
            json.loads(out)
            assert "Xy7Kq2mPw9Lz" not in out and "[REDACTED:" in out, out
