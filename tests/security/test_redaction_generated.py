"""Generated adversarial secrets, by class (formats, structural carriers, key names, entropy), in random
spellings and random carriers: none may survive `redact`; generated lines that hold no secret (ids, codes,
model names, prose about secrets) must come out unchanged. Seeds are fixed so a failure reproduces;
the generator (tests/security/secret_gen.py) is written from the formats' documentation, not from the
redactor's patterns."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.redaction import redact, redact_obj

from .secret_gen import BASE_NAMES, PREFIXES, STYLES, benign_lines, cases, leaked, password, spell

SEEDS = [1801, 1802, 1803]


@pytest.mark.parametrize("seed", SEEDS)
def test_no_generated_secret_survives(seed: int) -> None:
    items = cases(seed, per_class=250)
    leaks = Counter(kind for kind, text, secret in items if leaked(secret, redact(text)))
    assert len(items) == 1000
    assert leaks == Counter(), f"{sum(leaks.values())} of {len(items)} leaked: {leaks.most_common()}"


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_lines_without_secrets_survive(seed: int) -> None:
    changed = [(line, redact(line)) for line in benign_lines(seed, 1500) if redact(line) != line]
    assert changed == []


@settings(max_examples=300, deadline=None)
@given(words=st.sampled_from(BASE_NAMES), prefix=st.sampled_from(PREFIXES), style=st.sampled_from(STYLES),
       seed=st.integers(0, 2**32))
def test_any_spelling_of_a_secret_name_in_a_json_record_and_a_dict(words: list[str], prefix: list[str], style: str,
                                                                  seed: int) -> None:
    import random
    name = spell(prefix + words, style)
    value = password(random.Random(seed))
    record = {"level": "error", name: value, "detail": f"{name}={value}"}
    for text in (json.dumps(record), repr(record), json.dumps(json.dumps(record))):
        assert not leaked(value, redact(text)), (name, text)
    assert value not in json.dumps(redact_obj(record))
