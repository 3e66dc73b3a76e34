"""Set 17's must-keep classes (spent): a secret's name in a value slot, LiveKit's API key id, a resource id after a
collection in a path, each kept over seeds, and the secrets each rule exists for still redacted
(tests/security/named_refs_gen.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from sidecar.redaction import redact

from .named_refs_gen import kept_cases, secret_twins
from .secret_gen import leaked


@pytest.mark.parametrize("seed", [1701, 1702, 1703])
def test_names_ids_and_resource_ids_stay(seed: int) -> None:
    kept = kept_cases(seed, 6)
    lost = Counter(kind for kind, text, value in kept if value not in redact(text))
    assert len(kept) == 18 and not lost, f"lost: {lost.most_common()}"


@pytest.mark.parametrize("seed", [1701, 1702, 1703])
def test_the_secrets_in_the_same_slots_go(seed: int) -> None:
    twins = secret_twins(seed, 6)
    leaks = Counter(kind for kind, text, value in twins if leaked(value, redact(text)))
    assert len(twins) == 30 and not leaks, f"leaked: {leaks.most_common()}"
