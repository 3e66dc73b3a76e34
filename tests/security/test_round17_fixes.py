"""The round-17 re-read's findings (tests/security/round17_fixes_gen.py), each class beside its twin, seeds
1730-1732."""

from __future__ import annotations

import pytest

from sidecar.redaction import redact

from .round17_fixes_gen import KEEP_CLASSES, SECRET_CLASSES, failed, plantings

SEEDS = range(1730, 1733)


@pytest.mark.parametrize("cls", sorted(SECRET_CLASSES))
def test_round17_fix_secret_goes(cls: str) -> None:
    misses = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 12) if failed(redact, cls, t, v)]
    assert not misses, misses[:3]


@pytest.mark.parametrize("cls", sorted(KEEP_CLASSES))
def test_round17_fix_twin_stays(cls: str) -> None:
    lost = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 12) if failed(redact, cls, t, v)]
    assert not lost, lost[:3]
