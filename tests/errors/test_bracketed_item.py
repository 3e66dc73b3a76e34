"""A one-item value in the writer's own brackets is one slot whether it printed a word or a value by its form.

Class (errors/slots.py `_delimited`): a format string that delimits its `%s`
(`[%s]`, `(%s)`, `{%s}`, `<%s>`, a call's `chdir(%s)`) prints a name on one line (`[main]`, `chdir(pwd)`) and a
number or an id on the next, which masking turns into `<*>` (`[<*>]`, `chdir(<*>)`). Before round 17 the `<` and
`>` of the placeholder counted as delimiters inside the item, so the word and the masked item were two events
(one group per order of arrival: the word first kept a second group). The widened template holds `<*>` for
the whole token (keeping `chdir(<*>)` was tried: a narrower template split the ELF dev bench's ssh seed 5).

Generated per seed: 2-6 constant words, the bracketed item at a random position after the first, a plain
word first, then numbers, hyphenated and dotted ids and other words. Near-miss twins that stay apart: the same
statement with a ratio in the brackets at the second token (`[<*>/<*>]`: a constant suffix against a counter,
GROUPING_CLASSES2 S28's `[preauth]` twin; later positions merge it by the positional rule, as before), and the
same item in other brackets (`(main)` / `[<*>]`: another format string).
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper

SEEDS = (1701, 1702, 1703)
BRACKETS = ("[]", "()", "{}", "<>")


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _value(r: random.Random) -> str:
    return r.choice((str(r.randint(1, 99999)), f"{_w(r)}-{r.randint(0, 99)}", f"{_w(r)}.{_w(r)}",
                     f"0x{r.randrange(16**8):08x}", _w(r)))


def _statement(r: random.Random) -> tuple[list[str], int, str, str]:
    words = [_w(r) for _ in range(r.randint(2, 6))]
    at = r.randint(1, len(words))
    br = r.choice(BRACKETS)
    call = _w(r, 3, 6) if r.random() < 0.3 else ""  # a call's parentheses: `chdir(pwd)`
    return words, at, call + br[0], br[1]


def _line(words: list[str], at: int, opener: str, closer: str, item: str) -> str:
    return " ".join([*words[:at], opener + item + closer, *words[at:]])


@pytest.mark.parametrize("seed", SEEDS)
def test_a_word_then_values_in_one_bracket_are_one_group(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(25):
        words, at, opener, closer = _statement(r)
        grouper = MessageGrouper()
        lines = [_line(words, at, opener, closer, item) for item in [_w(r)] + [_value(r) for _ in range(6)]]
        groups = {grouper.fingerprint(line, "svc.worker", "ERROR") for line in lines}
        assert len(groups) == 1, lines



@pytest.mark.parametrize("seed", SEEDS)
def test_a_ratio_or_other_brackets_stay_apart(seed: int) -> None:
    """At the second token (before slots.WORD_FROM: a word against a value by its form is no positional slot
    there, so only the brackets' reading decides)."""
    r = random.Random(seed)
    for _ in range(25):
        words, at, opener, closer = _statement(r)
        word = _w(r)
        grouper = MessageGrouper()
        a = grouper.fingerprint(_line(words, 1, opener, closer, word), "svc.worker", "ERROR")
        ratio = f"{r.randint(1, 9)}/{r.randint(10, 99)}"  # at the second token, where no positional rule applies
        assert grouper.fingerprint(_line(words, 1, opener, closer, ratio), "svc.worker", "ERROR") != a
        other = next(b for b in BRACKETS if b[0] != opener[-1])
        assert grouper.fingerprint(_line(words, 1, other[0], other[1], str(r.randint(1, 999))),
                                   "svc.worker", "ERROR") != a


# The FIRST token (round 18): `[%s] started` - a bracketed value, then ONE word. Longer tails were compared
# before (the `<*>` shelf, `shelves.shelf_of`); two tokens were not (`shelves.learnable`: too little text when
# both may vary). Here only the brackets' item may vary; the word after it names the event.
# Braces are not in this class: `{...}` opening a message is a struct or JSON (`shelves._bracketed`).
FIRST_BRACKETS = ("[]", "()", "<>")
FIRST_ITEMS = ("main", "worker-{n}", "{n}", "pool-{n}-thread-{m}", "io", "scheduler", "0x{h}")


def _first_item(r: random.Random) -> str:
    return r.choice(FIRST_ITEMS).format(n=r.randint(1, 99999), m=r.randint(1, 64), h=f"{r.randrange(16**8):08x}")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_bracketed_first_item_before_one_word_is_one_slot(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(25):
        word = _w(r) + r.choice(("", "", ".", ":"))
        br = r.choice(FIRST_BRACKETS)
        grouper = MessageGrouper()
        lines = [f"{br[0]}{_first_item(r)}{br[1]} {word}" for _ in range(8)]
        lines.insert(r.randint(0, 8), f"{br[0]}{_w(r)}{br[1]} {word}")  # a name by its letters, anywhere
        groups = {grouper.fingerprint(line, "svc.worker", "ERROR") for line in lines}
        assert len(groups) == 1, lines


@pytest.mark.parametrize("seed", SEEDS)
def test_a_bracketed_first_item_twins_stay_apart(seed: int) -> None:
    """Another word after it (another event), a ratio against a word in the brackets (S28's `[preauth]` twin),
    other brackets, no brackets, and a second token that is itself a value (too little text: both may vary).
    The item is a word by its form: a hex-letters word (`(feaa)`) is a value like the ratio, and the two join."""
    r = random.Random(seed)
    for _ in range(25):
        word, other = _w(r), _w(r)
        if other == word:
            continue
        br = r.choice(FIRST_BRACKETS)
        alt = next(b for b in FIRST_BRACKETS if b != br)
        fp = MessageGrouper().fingerprint  # one grouper per statement

        item = _w(r)
        while not set(item) - set("abcdef"):  # a hex-letters word (`feaa`) is a value by its form (variable_like)
            item = _w(r)
        base = fp(f"{br[0]}{item}{br[1]} {word}", "svc.worker", "ERROR")
        assert fp(f"{br[0]}{_first_item(r)}{br[1]} {other}", "svc.worker", "ERROR") != base
        assert fp(f"{br[0]}{r.randint(1, 9)}/{r.randint(10, 99)}{br[1]} {word}", "svc.worker", "ERROR") != base
        assert fp(f"{alt[0]}{item}{alt[1]} {word}", "svc.worker", "ERROR") != base
        assert fp(f"{item} {word}", "svc.worker", "ERROR") != base
        a = fp(f"{br[0]}{_w(r)}{br[1]} {r.randint(1, 999)}", "svc.worker", "ERROR")
        assert fp(f"{br[0]}{_w(r)}{br[1]} {r.randint(1, 999)}", "svc.worker", "ERROR") != a
