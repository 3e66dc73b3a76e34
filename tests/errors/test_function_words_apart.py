"""A closed-class word at a position nothing announces is the statement's own word (errors/word_slots.py
FUNCTION_WORDS, round 20 i15g): `Use '<*>' to remove it.` / `... remove them.` are two call sites (a program
prints the pronoun that agrees with its count), as are `for it` / `for them`, `in the` / `in a`. A name printed
by `%s` is never a pronoun, article, preposition or auxiliary (Huddleston & Pullum, CGEL ch. 5-7), while two
names in the same position stay one slot. Generated frames x word pairs x seeds."""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.token_forms import names_failure
from sidecar.errors.word_slots import POLARITY, negated

SEEDS = range(1, 7)
FRAMES = (
    "the scheduler will retry the job for {} after the lease expires",
    "Use 'cache' to remove {} from the index",
    "replica copied the snapshot of {} into the cold tier",
    "the exporter keeps the batch of {} until the flush",
)
PAIRS = (("it", "them"), ("this", "these"), ("him", "her"), ("us", "you"), ("that", "those"))


def _groups(*messages: str) -> int:
    grouper = MessageGrouper()
    return len({grouper.fingerprint(m, "svc") for m in messages})


def _word(rng: random.Random) -> str:
    while True:
        w = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))
        if not (names_failure(w) or negated(w) or w in POLARITY or "ed" in w or "ing" in w or w.endswith("s")):
            return w


@pytest.mark.parametrize("frame", FRAMES)
@pytest.mark.parametrize("pair", PAIRS)
def test_two_pronouns_or_determiners_are_two_statements(frame: str, pair: tuple[str, str]) -> None:
    a, b = pair
    assert _groups(frame.format(a), frame.format(b)) == 2


@pytest.mark.parametrize("frame", FRAMES)
@pytest.mark.parametrize("seed", SEEDS)
def test_a_pronoun_and_a_name_stay_apart_and_names_stay_one_slot(frame: str, seed: int) -> None:
    rng = random.Random(seed)
    x, y, z = _word(rng), _word(rng), _word(rng)
    assert _groups(frame.format(x), frame.format(y), frame.format(z)) == 1
    assert _groups(frame.format("them"), frame.format(x)) == 2


# ISO 639-1 codes that spell like English closed-class words (it, no, an, is, as, be, to, or, am, he, my, so) and
# others (de, fr, es, sv, nl): after a key or a noun that announces the value, a code is a value (round 20 FXG).
_CODES_LIKE_WORDS = ("it", "no", "an", "is", "as", "be", "to", "or", "am", "he", "my", "so")
_CODES = ("de", "fr", "es", "sv", "nl", "pt", "ja")
_KEYED = ("no translations found for language: {}", "falling back to English, language={} missing",
          "catalog loader skipped lang={} for the request", "dictionary for user {} was not loaded")


@pytest.mark.parametrize("frame", _KEYED)
@pytest.mark.parametrize("seed", SEEDS)
def test_a_code_that_spells_like_a_function_word_is_a_value_after_a_key(frame: str, seed: int) -> None:
    rng = random.Random(seed)
    codes = [rng.choice(_CODES_LIKE_WORDS), rng.choice(_CODES), rng.choice(_CODES_LIKE_WORDS)]
    assert _groups(*(frame.format(c) for c in codes)) == 1
