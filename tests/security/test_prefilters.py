"""A rule's cheap prefilter never changes its output: `separated.qualified_sub` (QUALIFIED run only on a text that
holds its qualifier-separator-value tail) gives what `QUALIFIED.sub` gives, and `parenthesised_sub` (only on a text
holding `(<value>)`) what `PARENTHESISED.sub` gives, on generated texts that vary the name
(secret word, provider, plain word, two words), the qualifier (`for`/`of`/`from` with 1-4 words, quoted words,
parentheses), the separator (`:`, `=`, `is`, `was`, `to`, none) and the value (random, prose, already marked), with
near misses (a qualifier and no separator, a separator and no value) that must stay as they are.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

import pytest

from sidecar.redaction.separated import (
    PARENTHESISED,
    QUALIFIED,
    parenthesised_repl,
    parenthesised_sub,
    qualified_repl,
    qualified_sub,
)

MARK = "[REDACTED:secret]"
NAMES = ["password", "DB_PASS", "api key", "secret token", "openai_admin", "user", "login", "auth.token", "pin"]
QUALS = ["for", "of", "from"]
SEPS = [":", "=", "is", "was", "to", "", " -"]


def _value(r: random.Random) -> str:
    return r.choice([
        "".join(r.choice(string.ascii_letters + string.digits + "+/_-") for _ in range(r.randint(3, 30))),
        r.choice(["incorrect", "expired", "missing", "[REDACTED:password]", "${DB_PASS}"]),
        "",
    ])


def _text(r: random.Random) -> str:
    name = r.choice(NAMES)
    if r.random() < 0.3:
        qual = "(" + r.choice(["user bob", "db", "x" * r.randint(1, 45)]) + ")"
    else:
        words = [r.choice(["user", "bob", "'svc account'", "db:main", "is", "the", "prod"]) for _ in range(r.randint(1, 4))]
        qual = r.choice(QUALS) + "".join(r.choice([" ", "\t", "  "]) + w for w in words)
    line = f"{name}{r.choice(['', ' '])}{qual}{r.choice(['', ' '])}{r.choice(SEPS)}{r.choice([' ', '', '  '])}{_value(r)}"
    return r.choice(["{}", "ERROR app: {} (attempt 2)", "{}\nnext line for bob: ok", '{{"msg": "{}"}}']).format(line)


def _same_output(sub: Callable[[str], str], plain: Callable[[str], str], texts: list[str]) -> None:
    """The prefiltered rule gives the plain rule's output on every text, and both branches are exercised (some texts
    are redacted, some stay)."""
    changed = 0
    for t in texts:
        want = plain(t)
        assert sub(t) == want, t
        changed += want != t
    assert 0 < changed < len(texts)


@pytest.mark.parametrize("seed", range(6))
def test_qualified_prefilter_same_output(seed: int) -> None:
    r = random.Random(f"prefilter:qualified:{seed}")
    sub, repl = qualified_sub(MARK), qualified_repl(MARK)
    _same_output(sub, lambda t: QUALIFIED.sub(repl, t), [_text(r) for _ in range(1500)])


def _call(r: random.Random) -> str:
    name = r.choice(NAMES + ["Fernet", "verify_token", "print", "token ", "set_password\t"])
    val = _value(r) if r.random() < 0.7 else " ".join(_value(r) for _ in range(2))  # a blank: not one value
    quote = r.choice(["", "'", '"', "b'", "B\""])
    close = quote[-1:] if r.random() < 0.8 else ""  # an unclosed quote: a near miss
    line = f"{name}{r.choice(['', ' '])}({r.choice(['', ' '])}{quote}{val}{close}{r.choice(['', ' ', '  '])}{r.choice([')', ''])}"
    return r.choice(["{}", "ERROR app: {} failed", "{} (most recent call last)", '{{"msg": "{}"}}']).format(line)


@pytest.mark.parametrize("seed", range(6))
def test_parenthesised_prefilter_same_output(seed: int) -> None:
    r = random.Random(f"prefilter:parenthesised:{seed}")
    sub, repl = parenthesised_sub(MARK), parenthesised_repl(MARK)
    _same_output(sub, lambda t: PARENTHESISED.sub(repl, t), [_call(r) for _ in range(1500)])
