"""B42 by carrier (idslots.py, tests/security/record_ids_gen.py): an `app_id`-named key in a credential's carrier goes
(query, header, env, a body beside credential fields), a voice/video SDK's public App ID as a log record's own field
among session / routing fields stays. Seeds 4200-4205, 30 a seed (180 a class), the four log shapes."""

from __future__ import annotations

import pytest

from sidecar.redaction import redact

from .record_ids_gen import KEEP_CLASSES, SECRET_CLASSES, failed, plantings

SEEDS = range(4200, 4206)


@pytest.mark.parametrize("cls", sorted(SECRET_CLASSES))
def test_carried_app_id_goes(cls: str) -> None:
    leaks = [redact(t)[-300:] for s in SEEDS for t, v in plantings(cls, s, 30) if failed(redact, cls, t, v)]
    assert not leaks, leaks[:3]


@pytest.mark.parametrize("cls", sorted(KEEP_CLASSES))
def test_record_app_id_stays(cls: str) -> None:
    lost = [redact(t)[-300:] for s in SEEDS for t, v in plantings(cls, s, 30) if failed(redact, cls, t, v)]
    assert not lost, lost[:3]


def test_agora_record_line() -> None:
    """The round-19 regression's shape (written from its description, not its text): an RTC join record."""
    line = ("2026-12-07 10:11:12,345 INFO rtc.session: join ok channel=room-42 uid=1001 "
            "appId=0f3c9a7b12e44d5f8a6b3c2d1e0f9a8b session=s-81 region=us-east")
    assert redact(line) == line
    assert "0f3c9a7b12e44d5f8a6b3c2d1e0f9a8b" not in redact(line + " token=007eJxTYJi")


KEY = "9f3c2a7b14e84d5f8a6b3c2d1e0f9a8b"


@pytest.mark.parametrize("line", [
    f'{{"user":"alice","app_id":"{KEY}"}}',
    f"2026-12-07 10:11:12,345 ERROR app.session: fx call failed app_id={KEY}",
    f"2026-12-07 10:11:12,345 ERROR channel: fx call failed app_id={KEY} base=USD",
    f"Client(app_id='{KEY}', connection_timeout=5)",
    f"config: {{'app_id': '{KEY}', 'user_agent': 'fx/1.0'}}",
    f"fx rates appId={KEY} region=us role=admin sid=a81f session_id=9c1e user_id=42",
    f'POST body {{"appId": "{KEY}", "call_timeout": 30, "stream": true, "callback_url": "https://x.io/cb"}}',
])
def test_generic_fields_are_no_rtc_record(line: str) -> None:
    """The round-20 leak's shapes (the reviewer's probe): generic fields, or RTC words inside other names or in the
    logger name, beside an `app_id` key with no credential word: B42 stands (all kept before this fix)."""
    assert KEY not in redact(line)


@pytest.mark.parametrize("line", [
    f'{{"event": "joined", "appId": "{KEY}", "channelName": "lobby", "user": "alice"}}',
    f"join ok: appId: {KEY}, roomID: r-42, userID: u-1",
    f"INFO rtc.session: first remote frame remoteUid=48213 app_id={KEY}",
])
def test_rtc_record_field_keeps(line: str) -> None:
    assert redact(line) == line
