"""A secret in a log line never reaches the database unless store.keep_raw is set (both backends)."""

from __future__ import annotations

import dataclasses
import json

from sidecar.bus import Bus
from sidecar.config import GroupingConfig, StoreConfig
from sidecar.errors.groups import GroupRecorder
from sidecar.telemetry import Telemetry

from ..errors.conftest import make_event

SECRET = "sk-proj-Q9x2LmZr8TnVb4KcYw7PdHs3JfUa6Ge1"
PW = "correcthorsebatterystaple"


def _event(offset: int = 0):
    ev = make_event(f"upstream 401 with api_key={SECRET} and DB_PASS={PW}", offset=offset)
    return dataclasses.replace(ev, raw=ev.message + "\n  context", context=(f"Authorization: bearer {PW}xyz",))


async def _stored(store, clock, keep_raw: bool) -> str:
    rec = GroupRecorder(store, Bus(), clock, Telemetry(), GroupingConfig(), keep_raw=keep_raw)
    await rec.record([_event()])
    rows, _ = await store.groups.list()
    samples = await store.groups.samples(rows[0]["error_hash"])
    return json.dumps([dict(rows[0]), [dict(s) for s in samples]], default=str)


async def test_samples_are_stored_redacted_by_default(store, clock):
    assert StoreConfig().keep_raw is False
    text = await _stored(store, clock, keep_raw=False)
    assert SECRET not in text and PW not in text
    assert "[REDACTED:" in text and "upstream 401 with api_key=" in text


async def test_keep_raw_stores_the_text_as_logged(sqlite_store, clock):
    text = await _stored(sqlite_store, clock, keep_raw=True)
    assert SECRET in text and PW in text
