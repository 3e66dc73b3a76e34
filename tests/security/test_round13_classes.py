"""Round 13's classes (issue 18): set 14's spec-in leaks and set 13's JSON-escaped line starts, generated over their
families by tests/security/round13_gen.py (tools, spellings, value shapes, the four log shapes), with must-keep twins
sharing each carrier. Fixed on seeds 1500-1502; these (1510-1512) were not looked at while fixing."""

from __future__ import annotations

import pytest

from sidecar.redaction import redact

from .round13_gen import KEEP_CLASSES, SECRET_CLASSES, failed, plantings

SEEDS = range(1510, 1513)


@pytest.mark.parametrize("cls", sorted(SECRET_CLASSES))
def test_round13_secret_goes(cls: str) -> None:
    misses = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 10) if failed(redact, cls, t, v)]
    assert not misses, misses[:3]


@pytest.mark.parametrize("cls", sorted(KEEP_CLASSES))
def test_round13_twin_stays(cls: str) -> None:
    lost = [redact(t)[:300] for s in SEEDS for t, v in plantings(cls, s, 10) if failed(redact, cls, t, v)]
    assert not lost, lost[:3]


@pytest.mark.parametrize("text", [
    "stage:compile:3",  # a word, a number, a path in the middle field of `a:b:<digit>` is no password
    "db-main:5432:1",
    "cache:/var/cache/app:5",
    'AT+CGDCONT=1,"IP","iot.carrier.example"',
    "Password authentication failed for user: svc_reporting7",
    "Verification code sent to: +49-151-5550",
    "Key ID is: 3f9a1c7e0b2d",
    "wormhole send report.tgz",
    "key_hash = 9f86d081884c7d659a2feaa0c55ad015",  # a digest that names a key (LiteLLM), unlike MTProto's api_hash
])
def test_round13_near_misses_stay(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("sep", [(",", ":"), (", ", ": ")])
def test_banner_in_docker_records_of_any_spacing(sep: tuple[str, str]) -> None:
    # announced.py reads the record seam as names.DOCKER_SEAM does: moby's compact form and a re-serialiser's spaced one
    import json

    lines = ["Please use the following password to proceed to installation:", "", "0529133bab83207e74e5ef799ff6187b"]
    text = "\n".join(json.dumps({"log": line + "\n", "stream": "stdout", "time": "t"}, separators=sep) for line in lines)
    assert "0529133bab83207e74e5ef799ff6187b" not in redact(text)


@pytest.mark.parametrize("name", ["api_hash", "apiHash", "API_HASH"])
def test_mtproto_api_hash_is_a_credential(name: str) -> None:
    text = f'{{"output": "[pyrogram]\\napi_id = 2840137\\n{name} = caea9d9f9e1ff90f93dd5c401808c637"}}'
    assert "caea9d9f9e1ff90f93dd5c401808c637" not in redact(text)
