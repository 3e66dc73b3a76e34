"""Round 17's classes (issue 18): set 18's spent spec-out leak (a Dropbox Sign key as the Basic user-id) and its
must-keep losses (a Svix and a Stripe signature header, a Vault token accessor, a Twilio Account SID) as classes,
and kustomize's hash-suffixed Secret names in the kind's slot (kept) beside values outside its grammar (redacted),
generated over their families by tests/security/round17_gen.py (vendors' key shapes, carriers, field spellings,
dummy passwords, the four log shapes), with twins sharing each carrier. Fixed on seeds 1700-1709; these (1720-1722)
were looked at only to run them."""

from __future__ import annotations

import pytest

from sidecar.redaction import redact

from .round17_gen import KEEP_CLASSES, SECRET_CLASSES, failed, plantings

SEEDS = range(1720, 1723)


@pytest.mark.parametrize("cls", sorted(SECRET_CLASSES))
def test_round17_secret_goes(cls: str) -> None:
    misses = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 12) if failed(redact, cls, t, v)]
    assert not misses, misses[:3]


@pytest.mark.parametrize("cls", sorted(KEEP_CLASSES))
def test_round17_twin_stays(cls: str) -> None:
    lost = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 12) if failed(redact, cls, t, v)]
    assert not lost, lost[:3]


@pytest.mark.parametrize("text", [
    "webhook_signing_secret: v1,Lw/mFSClU2p3xRpRPZPvsqNixnxXigTX8DVt4gCAJ9Y=",  # the SECRET's name, not a signature's
    "+ curl -u Kq7sN2vR9xYb3mT8wLp4: https://x.chargebee.com/api/v2/customers",
])
def test_round17_near_misses_redacted(text: str) -> None:
    assert redact(text) != text
