"""Event time (issue 16): every format's own timestamp, per-source zone, received time apart.

first_seen/last_seen and per-minute counts come from the time in the line: a backlog read after a
1 h outage lands in the minutes it happened, not as a burst now. Unusable times (missing, far in
the future, garbage) fall back to the received time and are counted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.config import Config, GroupingConfig
from sidecar.errors.groups import GroupRecorder
from sidecar.ingest.eventtime import event_time
from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.telemetry import Telemetry

MELB = "Australia/Melbourne"


def parse(data: bytes, **opts) -> list:
    p = FileParser("t", "f.log", ParserOptions(**opts))
    return p.feed(data) + p.flush()


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


@pytest.mark.parametrize("line,tz,expected", [
    # format 1, naive, gateway on TZ=Australia/Melbourne: AEDT (+11) in November, AEST (+10) in June
    (b"2025-11-03 17:00:08 ERROR ws: x\n", MELB, utc(2025, 11, 3, 6, 0, 8)),
    (b"2025-06-03 17:00:08,250 ERROR ws: x\n", MELB, utc(2025, 6, 3, 7, 0, 8, 250000)),
    # format 2
    (b"2025-11-03 17:00:08 - ws - ERROR - x\n", MELB, utc(2025, 11, 3, 6, 0, 8)),
    # a zone printed in the line wins over the source's zone
    (b"2025-11-03 17:00:08 UTC ERROR ws: x\n", MELB, utc(2025, 11, 3, 17, 0, 8)),
    (b"2025-11-03T17:00:08+02:00 ERROR ws: x\n", MELB, utc(2025, 11, 3, 15, 0, 8)),
    # no zone anywhere, no TZ: UTC
    (b"2025-11-03 17:00:08 ERROR ws: x\n", None, utc(2025, 11, 3, 17, 0, 8)),
    # JSON lines: timestamp / time / ts, naive or zoned, epoch seconds and milliseconds
    (json.dumps({"timestamp": "2025-11-03T17:00:08", "level": "ERROR", "message": "x"}).encode() + b"\n",
     MELB, utc(2025, 11, 3, 6, 0, 8)),
    (json.dumps({"time": "2025-11-03T17:00:08Z", "level": "error", "msg": "x"}).encode() + b"\n",
     MELB, utc(2025, 11, 3, 17, 0, 8)),
    (json.dumps({"ts": 1762189208.5, "level": "ERROR", "message": "x"}).encode() + b"\n",
     MELB, datetime.fromtimestamp(1762189208.5, UTC)),
    (json.dumps({"ts": 1762189208500, "levelname": "ERROR", "message": "x"}).encode() + b"\n",
     MELB, datetime.fromtimestamp(1762189208.5, UTC)),
])
def test_each_format_and_zone(line: bytes, tz: str | None, expected: datetime, monkeypatch) -> None:
    monkeypatch.delenv("TZ", raising=False)
    (ev,) = parse(line, timezone=tz)
    assert ev.timestamp == expected


def test_default_zone_is_the_environment_tz(monkeypatch) -> None:
    monkeypatch.setenv("TZ", MELB)
    (ev,) = parse(b"2025-11-03 17:00:08 ERROR ws: x\n")
    assert ev.timestamp == utc(2025, 11, 3, 6, 0, 8)


def test_docker_json_file_records_use_the_inner_time() -> None:
    rec = {"log": "2025-11-03 17:00:08 ERROR ws: boom\n", "stream": "stdout", "time": "2025-11-03T06:00:08.1Z"}
    (ev,) = parse(json.dumps(rec).encode() + b"\n", format="docker", timezone=MELB)
    assert ev.timestamp == utc(2025, 11, 3, 6, 0, 8)


def test_bad_timezone_fails_at_config_load() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        Config.model_validate({"sources": [{"paths": ["x.log"], "timezone": "Mars/Olympus"}]})


def test_skew_and_garbage_fall_back_to_received_time() -> None:
    now = utc(2026, 1, 1, 12).timestamp()
    assert event_time(None, now) == (now, "missing")
    assert event_time(utc(2026, 1, 1, 12, 30), now) == (now, "future")  # 30 min ahead: skew
    assert event_time(utc(1970, 1, 1), now) == (now, "too_old")
    assert event_time(utc(2026, 1, 1, 12, 4), now) == (utc(2026, 1, 1, 12, 4).timestamp(), None)  # within 5 min
    assert event_time(utc(2025, 12, 1), now) == (utc(2025, 12, 1).timestamp(), None)  # a month-old backlog


async def test_backlog_after_an_hour_outage_lands_at_its_real_minutes(sqlite_store, monkeypatch) -> None:
    """60 errors logged one a minute during an outage, all read now: 60 minutes of 1, not 1 minute of 60."""
    monkeypatch.setenv("TZ", MELB)
    now = utc(2026, 11, 23, 0, 0, 30).timestamp()
    clock = ManualClock(start=now)
    telemetry = Telemetry()
    recorder = GroupRecorder(sqlite_store, Bus(), clock, telemetry, GroupingConfig())
    # Melbourne local time (AEDT, +11) of the hour before `now`
    lines = b"".join(b"2026-11-23 %02d:%02d:00 ERROR src.upload: kimi upload returned no file ID\n"
                     % (10 + (m // 60), m % 60) for m in range(60))
    events = parse(lines)
    for e in events:
        e.received_at = now  # read in one go after the outage
    garbage = parse(b"1970-01-01 00:00:00 ERROR src.upload: kimi upload returned no file ID\n")
    garbage[0].received_at = now
    garbage[0].offset = 10**6  # another place in the file (the event key is file + offset)
    await recorder.record(events + garbage)
    rows, total = await sqlite_store.groups.list()
    assert total == 1
    fp = rows[0]["error_hash"]
    group = await sqlite_store.groups.get(fp)
    assert group is not None
    assert group["created_at"] == utc(2026, 11, 22, 23, 0)  # first seen: the first line's time
    assert group["last_occurrence_at"] == utc(2026, 11, 23, 0, 0, 30)  # the garbage one: received time
    series = await sqlite_store.groups.series(fp, utc(2026, 11, 23, 0, 0, 30), minutes=61)
    assert series[:60] == [1] * 60 and series[60] == 1  # one a minute, plus the garbage line now
    assert telemetry.registry.get_sample_value("sidecar_event_time_fallback_total", {"reason": "too_old"}) == 1
    lag = telemetry.registry.get_sample_value("sidecar_ingest_lag_seconds", {"source": "t"})
    assert lag == pytest.approx(90.0)  # the last usable event was logged at 23:59:00, read at 00:00:30


async def test_backlog_from_before_a_resolution_is_not_a_regression(sqlite_store) -> None:
    now = utc(2026, 11, 23, 12).timestamp()
    clock = ManualClock(start=now)
    recorder = GroupRecorder(sqlite_store, Bus(), clock, Telemetry(), GroupingConfig())
    (first,) = parse(b"2026-11-23 11:00:00 ERROR src.ws: keepalive ping timeout\n")
    first.received_at = now
    await recorder.record([first])
    fp = (await sqlite_store.groups.list())[0][0]["error_hash"]
    await sqlite_store.groups.set_status(fp, "resolve", utc(2026, 11, 23, 12))
    old = parse(b"2026-11-23 11:30:00 ERROR src.ws: keepalive ping timeout\n")  # from a rotated file read late
    old[0].offset += 1000
    old[0].received_at = now
    await recorder.record(old)
    assert (await sqlite_store.groups.get(fp))["status"] == "resolved"
    clock.advance(60)
    new = parse(b"2026-11-23 12:00:30 ERROR src.ws: keepalive ping timeout\n")
    new[0].offset += 2000
    new[0].received_at = now + 60
    await recorder.record(new)
    assert (await sqlite_store.groups.get(fp))["status"] == "regressed"


def test_docker_stderr_traceback_without_header_gets_dockers_time() -> None:
    """An excepthook traceback on stderr has no log header: Docker's own `time` is its event time."""
    lines = [("stdout", "2025-11-03 17:00:08 INFO src.bootstrap.env_loader: ready\n", "2025-11-03T06:00:08.000Z"),
             ("stderr", "Traceback (most recent call last):\n", "2025-11-03T06:00:09.250Z"),
             ("stderr", '  File "/app/daemon.py", line 3, in <module>\n', "2025-11-03T06:00:09.251Z"),
             ("stderr", "NameError: name 'os' is not defined\n", "2025-11-03T06:00:09.252Z")]
    data = b"".join(json.dumps({"log": log, "stream": st, "time": t}).encode() + b"\n" for st, log, t in lines)
    (ev,) = parse(data, format="docker", timezone=MELB)
    assert (ev.level, ev.logger, ev.exception_type) == ("CRITICAL", "uncaught", "NameError")
    assert ev.timestamp == utc(2025, 11, 3, 6, 0, 9, 250000)
