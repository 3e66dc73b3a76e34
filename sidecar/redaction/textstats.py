"""How random a string reads: Shannon entropy, character-class switches, word-likeness.

The lowest layer of the redactor: the name rules (secret_names.py, names.py) and the entropy fallback
(entropy.py) both measure strings with these, and nothing here imports the rest of the package, so the
modules above it form no import cycle.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import groupby

_CLASS_OF = str.maketrans({**{c: "l" for c in "abcdefghijklmnopqrstuvwxyz"},
                            **{c: "u" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, **{c: "d" for c in "0123456789"}})
_OTHER = re.compile(r"[^lud]")


def shannon(s: str) -> float:
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def switch_rate(s: str) -> float:
    """Character-class changes per character; an Upper->lower change (a capitalised word) does not count.

    Counted on the string of classes (`l`/`u`/`d`/`o`, made by two C-level passes): the class boundaries are the
    runs less one, and the Upper->lower ones are the `ul` pairs (a pair cannot overlap itself)."""
    if not s:
        return 0.0
    classes = _OTHER.sub("o", s.translate(_CLASS_OF))
    boundaries = sum(1 for _ in groupby(classes)) - 1
    return (boundaries - classes.count("ul")) / len(s)


def wordlike(part: str) -> bool:
    """A part of an identifier or a path that reads as a word, a number or a short code."""
    if len(part) <= 8 or part.isdigit() or part.isalpha() and (part.islower() or part.isupper() or part.istitle()):
        return True
    return switch_rate(part) < 0.2


def password_like(val: str) -> bool:
    """ASCII, 8+ characters, 3+ letters and a digit, and mixed case or a symbol: `qjWGvXAit2kc`, `uI1Y0JXq5$243`;
    not a timestamp (`2026-12-02T03:15`), a word, or a number."""
    v = val.rstrip(".,:;!?")
    letters = [c for c in v if c.isalpha()]
    return (v.isascii() and len(v) >= 8 and len(letters) >= 3 and any(c.isdigit() for c in v)
            and (any(c.isupper() for c in letters) and any(c.islower() for c in letters)
                 or any(not c.isalnum() for c in v)))


def password_like_any_script(val: str) -> bool:
    """`password_like`, or the same shape with letters outside ASCII among ASCII ones (`JBewp1BmăîșțH0GltnȘ680`;
    CLASSES10.md C5: PostgreSQL and Redis take any bytes): 8+ characters, no blank, a digit, both cases, an ASCII
    letter, and every character a letter, a digit or an ASCII symbol (a word of another script alone stays prose)."""
    v = val.rstrip(".,:;!?")
    if v.isascii():
        return password_like(val)
    return len(v) >= 8 and (any(c.isdigit() for c in v) and any(c.isupper() for c in v) and any(c.islower() for c in v)
            and any(c.isascii() and c.isalpha() for c in v)
            and all(c.isalnum() or c.isascii() and c.isprintable() and not c.isspace() for c in v))


def complex_password(val: str) -> bool:
    """`password_like`, or a password without a digit that meets a complexity policy's "three of four categories"
    (upper case, lower case, digits, symbols: Windows' "Password must meet complexity requirements", the usual
    generators' classes) and reads as random: a part mixes case inside it and the classes switch often
    (`fLDE#*.FqN-PdI$j`; not `Content-Type`, `X-Request-Id`, `OpenAI-Organization`)."""
    v = val.rstrip(".,:;!?")
    if password_like(val):
        return True
    classes = (any(c.isupper() for c in v), any(c.islower() for c in v), any(c.isdigit() for c in v),
               any(not c.isalnum() for c in v))
    mixed = any(p.isalpha() and not (p.islower() or p.isupper() or p.istitle()) for p in _SYMBOLS.split(v))
    return v.isascii() and len(v) >= 8 and sum(classes) >= 3 and mixed and switch_rate(v) >= 0.2


_SYMBOLS = re.compile(r"[^A-Za-z0-9]+")
