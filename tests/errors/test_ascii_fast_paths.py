"""Round 20's speed changes give the same answers as the code they replace (issue 15: a speed change re-groups
nothing): the number rule compiled with re.ASCII on ASCII text (masking._NUMBER_ASCII) and names_failure's one
regex search (token_forms._FAILURE_PART) against the split-and-test definition, on generated text that holds
what the two could disagree on (ASCII control separators, K/k/s/S, digits glued to words, `_ . -` runs)."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors import token_forms
from sidecar.errors.masking import _NUMBER, _NUMBER_ASCII

_ASCII = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=80)
_PIECES = ["0", "7", "42", "3.5", "PT30S", "AB12", "ORA-00942", "x", "Ks", "_", ".", "-", "+", " ", "\x1c", "\x1f",
           "\t", "blk_", "0x7f", "req-", "s", "K"]


@settings(max_examples=400, deadline=None)
@given(_ASCII)
def test_the_ascii_number_rule_masks_the_same(text):
    assert _NUMBER_ASCII.sub("<*>", text) == _NUMBER.sub("<*>", text)


@pytest.mark.parametrize("seed", range(5))
def test_the_ascii_number_rule_masks_the_same_on_number_shapes(seed):
    r = random.Random(seed)
    for _ in range(2000):
        text = "".join(r.choice(_PIECES) for _ in range(r.randint(1, 12)))
        assert _NUMBER_ASCII.sub("<*>", text) == _NUMBER.sub("<*>", text), text


def _names_failure_by_parts(token: str) -> bool:  # the definition before round 20
    parts = re.split(r"[_.\-]+", token.strip(token_forms._STRIP).lower())
    return any(part.startswith(token_forms._FAILURE_STEMS) for part in parts if part)


@pytest.mark.parametrize("seed", range(5))
def test_names_failure_is_its_parts_definition(seed):
    r = random.Random(seed)
    stems = list(token_forms._FAILURE_STEMS)
    for _ in range(3000):
        token = "".join(r.choice([r.choice(stems), r.choice(stems).upper(), "_", ".", "-", "__", "x", "ab", "'", "(",
                                  "İ", "ſ", "7"]) for _ in range(r.randint(1, 6)))
        assert token_forms.names_failure.__wrapped__(token) == _names_failure_by_parts(token), token
