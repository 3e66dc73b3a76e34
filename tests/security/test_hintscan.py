"""hintscan.HintScan gives the start offsets `re`'s alternation finditer gives (the name rules' hint loops depend on
them: a skipped or extra start changes which names are read, so the output), on generated text dense in hints.

The class varied: hint lists with shared prefixes in both orders (`pw`/`pwd`, `pass`/`passwd`: the first-listed
branch decides the match's end and so where the next search resumes), overlapping hints (`kimi`/`imi`), repeated
hints, the redactor's own lists; texts built from hint fragments, their near misses and random characters.
"""

from __future__ import annotations

import random
import re
import string

import pytest

from sidecar.redaction.hintscan import HintScan
from sidecar.redaction.providers import HINTS as PROVIDER_HINTS
from sidecar.redaction.secret_names import NAME_HINTS

LISTS: dict[str, tuple[str, ...]] = {
    "names": NAME_HINTS,
    "providers": PROVIDER_HINTS,
    "prefix_short_first": ("pw", "pwd", "pass", "passwd", "ab", "abab"),
    "prefix_long_first": ("passwd", "pass", "pwd", "pw", "abab", "ab"),
    "overlapping": ("kimi", "imi", "mim", "i", "aa", "aaa", "a"),
    "repeated": ("key", "token", "key", "ke"),
}


def _text(r: random.Random, hints: tuple[str, ...]) -> str:
    parts = []
    for _ in range(r.randint(0, 40)):
        pick = r.randrange(4)
        h = r.choice(hints)
        if pick == 0:
            parts.append(h)
        elif pick == 1:
            parts.append(h[:-1] if len(h) > 1 else h + h)  # a near miss: the hint cut short
        elif pick == 2:
            parts.append(h + r.choice(hints))  # two run together: overlaps and resumes
        else:
            parts.append("".join(r.choice(string.ascii_lowercase + " _=:'\"\\-.\n") for _ in range(r.randint(0, 6))))
    return "".join(parts)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("name", sorted(LISTS))
def test_starts_are_finditers(name: str, seed: int) -> None:
    hints = LISTS[name]
    scan = HintScan(hints)
    rx = re.compile("|".join(map(re.escape, hints)))
    r = random.Random(f"hintscan:{name}:{seed}")
    texts = [_text(r, hints) for _ in range(300)]
    assert sum(bool(rx.search(t)) for t in texts) > 200  # the texts do hold hints (a test that cannot fail otherwise)
    for t in texts:
        assert scan.starts(t) == [m.start() for m in rx.finditer(t)], t


def test_no_hint_no_start() -> None:
    assert HintScan(("openai", "kimi")).starts("gpt-4o via azure, model=claude") == []


def test_empty_hint_refused() -> None:
    with pytest.raises(ValueError):
        HintScan(("key", ""))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bitscan_bits_are_the_groups_whose_literal_occurs(seed: int) -> None:
    """BitScan (the engine's rules, positions.py's grammars, keyfiles.py's rows): bit i set exactly when a literal of
    group i occurs, with literals shared between groups, nested in each other, and empty groups."""
    from sidecar.redaction.hintscan import BitScan

    r = random.Random(seed)
    groups = [tuple(r.sample([*LISTS["overlapping"], *LISTS["prefix_short_first"], "user_", "rtmp"], r.randint(0, 4)))
              for _ in range(12)]
    scan = BitScan(groups)
    for _ in range(200):
        text = _text(r, LISTS["overlapping"] + LISTS["prefix_long_first"] + ("user_", "rtmp"))
        assert scan.bits(text) == sum(1 << i for i, g in enumerate(groups) if any(w in text for w in g))
