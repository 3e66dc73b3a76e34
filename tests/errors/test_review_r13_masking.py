"""Reviewer round 13: the `month_date` mask rule (sidecar/errors/masking_rules.py, round 13) reads any capitalised word
that BEGINS with a month's abbreviation as the month: `\\b(?:Jan|...|Dec)[a-z]*` takes `Decoder`, `Marshaller`,
`Octets`, `Separator`, `Junction`, `Augmenter`, `Mayday` too. Followed by `<n>, <n>` the word and both numbers become
one `<*>`: `Decoder 3, 4 frames dropped` -> `<*> frames dropped`, and so does `Marshaller 3, 4 frames dropped` - two
statements differing in the one word that names the component get one template (and a title without it).
The class of the rule (its own comment: JUL SimpleFormatter `%1$tb %1$td, %1$tY`, DateFormat MEDIUM/LONG en_US) is a
month NAME - `Dec`, `Dec.`, `December` - never a longer word. Twin that must keep masking: the real month names.
Generated: each seed draws the two words, the numbers and the words after them."""

from __future__ import annotations

import random

import pytest

from sidecar.errors.masking import normalize_message

# capitalised words that begin with a month's abbreviation and are not months
LOOKALIKES = ("Decoder", "Marshaller", "Octets", "Separator", "Junction", "Augmenter", "Mayday", "Decimals", "Marker",
              "Junctions", "Janitor", "Novelty", "Aprons")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "January", "September",
          "Dec.", "March")
AFTER = ("frames dropped", "failed", "out of range", "rejected by the peer", "not ready")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_word_that_begins_like_a_month_stays_in_the_template(seed: int) -> None:
    rng = random.Random(f"r13-month-{seed}")
    a, b = rng.sample(LOOKALIKES, 2)
    x, y, tail = rng.randint(1, 9999), rng.randint(1, 9999), rng.choice(AFTER)
    first, second = normalize_message(f"{a} {x}, {y} {tail}"), normalize_message(f"{b} {x}, {y} {tail}")
    assert first != second and a in first and b in second, (first, second)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_month_name_date_is_still_one_slot(seed: int) -> None:
    rng = random.Random(f"r13-month-twin-{seed}")
    tail = rng.choice(AFTER)
    masked = {normalize_message(f"{m} {rng.randint(1, 28)}, {rng.randint(1990, 2030)} {tail}") for m in rng.sample(MONTHS, 3)}
    assert masked == {f"<*> {tail}"}, masked
