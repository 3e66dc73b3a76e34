"""CLASSES19.md's classes (tests/security/classes19_gen.py), secrets and their must-keep twins, generated seeds
1900-1905 (never a blind set), plus the twins of each mechanism they added: the neighbour that must NOT change."""

from __future__ import annotations

import pytest

from sidecar.redaction import redact

from .classes19_gen import KEEP_CLASSES, SECRET_CLASSES, failed, plantings

SEEDS = range(1900, 1906)


@pytest.mark.parametrize("cls", sorted(SECRET_CLASSES))
def test_classes19_secret_goes(cls: str) -> None:
    leaks = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 20) if failed(redact, cls, t, v)]
    assert not leaks, leaks[:3]


@pytest.mark.parametrize("cls", sorted(KEEP_CLASSES))
def test_classes19_twin_stays(cls: str) -> None:
    lost = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 20) if failed(redact, cls, t, v)]
    assert not lost, lost[:3]


@pytest.mark.parametrize("text", [
    "pk_live_0123456789abcdef0123456789abcdef01234567",            # Stripe / Paystack publishable
    "radar publishableKey=prj_live_pk_0123456789abcdef0123456789abcdef01234567",
    "feature_live_rollout_enabled=1 test_prod_migration_step_two done",  # snake_case names around the mode word
    "user_test_ABCDEFGHIJKLMNOPQRSTUVWXYZ",                         # a name without a digit is no random run
    "cs_config=default ck_ratio=0.5 cal_view=week",                 # the WooCommerce / Cal.com prefixes as names
    "TEST-2026-12-07 run APP_USR-guide.md",                         # Mercado Pago's prefixes in prose
])
def test_mode_marked_and_prefixed_twins_stay(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("value", [
    "cal_live_0123456789abcdef0123456789abcdef", "prj_test_sk_0123456789abcdef0123456789abcdef01234567",
    "bb_live_Ab12Cd34Ef56Gh78Ij90Kl12Mn34", "cs_0123456789abcdef0123456789abcdef01234567",
    "APP_USR-1234567890123456-120726-0123456789abcdef0123456789abcdef-123456789",
])
def test_mode_marked_and_prefixed_keys_go_bare(value: str) -> None:
    out = redact(f"sync failed using {value} for workspace 42")
    assert value[-12:] not in out and "for workspace 42" in out


def test_b38_vendor_word_goes_and_its_metadata_stays() -> None:
    """Etsy's `keystring` is the key (B38); the same word before a metadata word names a count or a length."""
    assert "8b0861e8b399afe5" not in redact("keystring 8b0861e8b399afe5e013ed524dfca895")
    for twin in ("key_string_length=32", "keystring_count: 4"):
        assert redact(twin) == twin


@pytest.mark.parametrize("url", [
    "https://eth-mainnet.g.alchemy.com/v2/demo",                 # Alchemy's documented public demo key
    "https://rpc.ankr.com/eth",                                  # Ankr's keyless public endpoint
    "https://mainnet.infura.io/v3/",                             # no key in it
    "https://ipqualityscore.com/api/json/ip/",                   # the endpoint named in docs, no key
])
def test_rpc_path_twins_stay(url: str) -> None:
    text = f"aiohttp.client_exceptions.ClientResponseError: 429, message='Too Many Requests', url=URL('{url}')"
    assert redact(text) == text


def test_rpc_path_key_goes_and_the_host_stays() -> None:
    out = redact("Max retries exceeded with url: https://polygon-mainnet.g.alchemy.com/v2/0885e26f42044fb2082524ca1ca42e8b")
    assert "0885e26f42044fb2" not in out and "https://polygon-mainnet.g.alchemy.com/v2/" in out
