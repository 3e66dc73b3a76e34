"""CLASSES12 B15's forms that classes12_gen.b15 does not generate (review, round 10).

B15 (tests/data/secrets/CLASSES12.md) names: full-width Latin, mathematical alphanumerics (U+1D400 block), circled
and small-capital letters, Cyrillic/Greek homoglyphs mixed into a Latin name, Cf characters inside the name, combining
marks, the emoji labels U+1F511 / U+1F510 / U+1F512, each raw or `\\uXXXX`-escaped in JSON. The class's generator
draws six names (full-width, ZWSP, soft hyphen, U+1F511 with and without VS16) and B15 passes on them; the
redactor's fold (redaction/__init__.py `_folded`) runs only when FOLD_HINTS (full-width prefixes, Cf characters,
three emoji) are in the text. Generated here: the other forms x secret names x separators x carriers; each form is
its own case so the strict xfails list exactly what leaks. NFKC folds mathematical and circled letters (UAX #15:
<font>/<circle> compatibility decompositions); small capitals, homoglyphs and combining marks need UTS #39's
skeleton (or NFD without Mn). The twin (the same spellings of a name that is no secret) must stay as written.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import pytest

from sidecar.redaction import redact

from .classes11_gen import shape
from .classes12_gen import value
from .secret_gen import leaked

SEEDS = range(1230, 1233)
SECRET_WORDS = ["password", "passwd", "api_key", "token", "secret", "db_password", "access_token"]
PLAIN_WORDS = ["region", "username", "timeout", "replicas", "locale"]
_SMALL_CAPS = dict(zip("abcdefghijklmnoprstuvwyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", strict=True))
_HOMOGLYPH = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "k": "\u03ba", "i": "\u0456"}


def _alpha(base: int) -> Callable[[str, random.Random], str]:
    return lambda w, r: "".join(chr(base + ord(c) - 97) if "a" <= c <= "z" else c for c in w)


FORMS: dict[str, Callable[[str, random.Random], str]] = {
    "math-bold": _alpha(0x1D41A), "math-italic-sans": _alpha(0x1D622), "math-monospace": _alpha(0x1D68A),
    "circled": _alpha(0x24D0),
    "small-capitals": lambda w, r: "".join(_SMALL_CAPS.get(c, c) for c in w),
    "homoglyphs": lambda w, r: "".join(_HOMOGLYPH[c] if c in _HOMOGLYPH and r.random() < 0.6 else c for c in w)
    if any(c in _HOMOGLYPH for c in w) else w,
    "combining-marks": lambda w, r: "".join(c + ("\u0301" if c.isalpha() and r.random() < 0.3 else "") for c in w),
    "lock-emoji": lambda w, r: r.choice(["\U0001F512", "\U0001F512\ufe0f", "\U0001F510"]),
}


def _planting(form: str, words: list[str], r: random.Random) -> tuple[str, str]:
    w = r.choice(words)
    name = FORMS[form](w, r)
    if name == w:  # a homoglyph draw that replaced nothing: force one
        name = FORMS["math-bold"](w, r)
    v = value(r) if words is SECRET_WORDS else r.choice(["eu-west-1", "alice", "30s", "3", "en_US"])
    text = f"{r.choice(['', 'config: ', 'login with '])}{name}{r.choice(['=', ': ', '＝', ' = '])}{v}"
    return shape(r, text), v


# folded since (redaction/__init__.py `_folded_more`: gated on the forms themselves, not FOLD_HINTS; the JSON-escaped
# surrogate pairs of the mathematical letters combined by encoded._pair, round 10 third wave)
FOLDED = {"circled", "small-capitals", "math-bold", "math-italic-sans", "math-monospace", "homoglyphs", "combining-marks",
          "lock-emoji"}


@pytest.mark.parametrize("form", [f if f in FOLDED else pytest.param(f, marks=pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="B15 form not folded (round-10 review: the fold runs on FOLD_HINTS only)")) for f in FORMS])
def test_b15_form_secret_goes(form: str) -> None:
    rngs = [random.Random(f"b15-review:{form}:{s}") for s in SEEDS]
    misses = [t for r in rngs for t, v in (_planting(form, SECRET_WORDS, r) for _ in range(20)) if leaked(v, redact(t))]
    assert not misses, (len(misses), misses[:2])


@pytest.mark.parametrize("form", [f for f in FORMS if f != "lock-emoji"])  # an emoji label has no plain spelling
def test_b15_form_of_a_plain_name_stays(form: str) -> None:
    rngs = [random.Random(f"b15-review-twin:{form}:{s}") for s in SEEDS]
    lost = [t for r in rngs for t, v in (_planting(form, PLAIN_WORDS, r) for _ in range(20))
            if v not in redact(t) and json.dumps(v)[1:-1] not in redact(t)]
    assert not lost, (len(lost), lost[:2])
