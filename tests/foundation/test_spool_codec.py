"""The outage spool's codec (pydantic TypeAdapter): any batch of events comes back equal, also with
undecodable bytes (lone surrogates) and naive or aware datetimes; a record written by the earlier
hand codec (tests/data/spool/legacy_batch.json, written by it before it was replaced) still decodes;
unknown keys are ignored and missing ones take defaults; anything else is a SpoolCodecError."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.ingest.record import ContextLines, ErrorEvent, ExceptionInfo, Frame
from sidecar.store.spool_codec import SpoolCodecError, decode_batch, encode_batch

LEGACY = Path(__file__).resolve().parents[1] / "data" / "spool" / "legacy_batch.json"

TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=30)  # surrogates included
OPT_TEXT = st.none() | TEXT
FRAMES = st.builds(Frame, TEXT, st.none() | st.integers(0, 10**6), TEXT, OPT_TEXT, st.none() | st.booleans())
ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5, minutes=30))])
TIMES = st.none() | st.builds(lambda dt, tz: dt.replace(tzinfo=tz), st.datetimes(), ZONES)
JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-2**53, 2**53) | TEXT,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                       max_leaves=8)
EVENTS = st.builds(
    ErrorEvent, source=TEXT, file=TEXT, line=st.integers(1, 10**7), offset=st.integers(0, 2**40),
    end_offset=st.integers(0, 2**40), timestamp=TIMES, level=TEXT, logger=OPT_TEXT, message=TEXT, raw=TEXT,
    exception_type=OPT_TEXT, exception_message=OPT_TEXT, frames=st.lists(FRAMES, max_size=3).map(tuple),
    chain=st.lists(st.builds(ExceptionInfo, TEXT, TEXT, st.lists(FRAMES, max_size=2).map(tuple)), max_size=2).map(tuple),
    truncated=st.booleans(),
    # as the parser makes it (the bytes read, decoded when looked at: any bytes, CR, invalid UTF-8) or a tuple
    context=st.lists(TEXT, max_size=3).map(tuple) | st.binary(min_size=1, max_size=40).map(ContextLines),
    received_at=st.none() | st.floats(0, 2e9, allow_nan=False), file_key=TEXT,
    extra=st.none() | st.dictionaries(TEXT, JSONISH, max_size=3))


@settings(max_examples=120, deadline=None)
@given(st.lists(EVENTS, max_size=4))
def test_any_batch_round_trips_as_one_line(events: list[ErrorEvent]) -> None:
    data = encode_batch(events)
    assert b"\n" not in data and b"\r" not in data
    assert decode_batch(data) == events


def legacy_events() -> list[ErrorEvent]:
    """What the hand codec was given when it wrote tests/data/spool/legacy_batch.json."""
    return [
        ErrorEvent(source="gateway", file="/app/logs/ws_daemon.log", line=120, offset=9000, end_offset=9400,
                   timestamp=datetime(2026, 11, 23, 12, 0, 1, tzinfo=UTC), level="ERROR", logger="src.providers.kimi",
                   message="kimi upload returned no file ID for /mnt/a b.pdf",
                   raw="2026-11-23 12:00:01 ERROR ...\nTraceback", exception_type="KeyError",
                   exception_message="'file_id'",
                   frames=(Frame("/app/src/providers/kimi.py", 88, "upload", "    return body['file_id']", True),
                           Frame("<frozen>", None, "run")),
                   chain=(ExceptionInfo("ValueError", "bad", ()),
                          ExceptionInfo("KeyError", "'file_id'", (Frame("/app/x.py", 3, "f"),))),
                   truncated=True, context=("line before", "another\twith tab"), received_at=1795435201.25,
                   file_key="2049:1234:abcd",
                   extra={"release": "1.2.3", "tags": {"env": "prod"}, "n": [1, 2.5, None, True]}),
        ErrorEvent(source="docker", file="/var/lib/docker/c.log", line=1, offset=0, end_offset=80,
                   timestamp=None, level="CRITICAL", logger=None,
                   message="undecodable \udcff\udcfe bytes — ünïcode \u2028", raw="raw \udcff"),
        ErrorEvent(source="gateway", file="f", line=2, offset=80, end_offset=90,
                   timestamp=datetime(2026, 11, 23, 12, 0, 2, tzinfo=timezone(timedelta(hours=2))), level="ERROR",
                   logger="x", message="naive next", raw="r"),
        ErrorEvent(source="gateway", file="f", line=3, offset=90, end_offset=99,
                   timestamp=datetime(2026, 11, 23, 12, 0, 3), level="ERROR", logger="x", message="naive", raw="r"),
    ]


def test_a_record_of_the_earlier_codec_still_decodes() -> None:
    data = LEGACY.read_bytes()
    assert b'{"$dt":' in data  # the old datetime marker
    assert decode_batch(data) == legacy_events()


def test_unknown_keys_are_ignored_and_missing_ones_take_defaults() -> None:
    [item] = json.loads(encode_batch(legacy_events()[:1]))
    item["added_by_a_newer_version"] = {"x": 1}
    for optional in ("extra", "file_key", "chain", "received_at"):
        del item[optional]
    [back] = decode_batch(json.dumps([item]).encode())
    assert back.extra is None and back.file_key == "" and back.chain == () and back.message == item["message"]


@pytest.mark.parametrize("garbage", [
    b"", b"not json", b"{}", b"[1, 2]", b'[{"source": "s"}]', b"[" * 10_000, b'[{"$dt": 5}]',
    b'[{"source":"s","file":"f","line":"x","offset":0,"end_offset":1,"timestamp":null,"level":"E",'
    b'"logger":null,"message":"m","raw":"r"}]',
    "[\"\udcff\"]".encode("utf-8", "surrogatepass"), b"\xff\xfe[]",
])
def test_an_undecodable_record_is_a_spool_codec_error(garbage: bytes) -> None:
    with pytest.raises(SpoolCodecError):
        decode_batch(garbage)
