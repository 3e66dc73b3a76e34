"""CLASSES20.md's classes (tests/security/classes20_gen.py), secrets and their must-keep twins, generated seeds
2000-2005 (never the blind set 20)."""

from __future__ import annotations

import pytest

from sidecar.redaction import redact

from .classes20_gen import KEEP_CLASSES, SECRET_CLASSES, failed, plantings

SEEDS = range(2000, 2006)


@pytest.mark.parametrize("cls", sorted(SECRET_CLASSES))
def test_classes20_secret_goes(cls: str) -> None:
    leaks = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 20) if failed(redact, cls, t, v)]
    assert not leaks, leaks[:3]


@pytest.mark.parametrize("cls", sorted(KEEP_CLASSES))
def test_classes20_twin_stays(cls: str) -> None:
    lost = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 20) if failed(redact, cls, t, v)]
    assert not lost, lost[:3]
