"""GroupRecorder: the ingest sink, bus events, rate limits, LRU bound, telemetry, pruning."""

from __future__ import annotations

import asyncio
import dataclasses

from sidecar.bus import GROUP_NEW, GROUP_REGRESSED, GROUP_UPDATED, Bus
from sidecar.clock import utc
from sidecar.config import GroupingConfig
from sidecar.errors.groups import GroupRecorder, event_key
from sidecar.telemetry import Telemetry

from .conftest import capture, event_from_exception, load_module, make_event


def _drain(sub) -> list:
    out = []
    while not sub.queue.empty():
        out.append(sub.queue.get_nowait())
    return out


def _recorder(store, clock, **grouping) -> tuple[GroupRecorder, Bus, Telemetry]:
    bus, telemetry = Bus(), Telemetry()
    return GroupRecorder(store, bus, clock, telemetry, GroupingConfig(**grouping)), bus, telemetry


async def test_new_then_rate_limited_updates(sqlite_store, clock):
    rec, bus, telemetry = _recorder(sqlite_store, clock, updated_interval=10)
    sub = bus.subscribe()
    events = [make_event(f"Connection closed for 10.0.0.{i}:4{i}00: no close frame", offset=i * 100) for i in range(3)]
    await rec.record(events)
    [new] = _drain(sub)
    # The title is a real message (the batch's latest), the learned template is beside it.
    assert new.kind == GROUP_NEW and new.data["count"] == 3
    assert new.data["title"] == "Connection closed for 10.0.0.2:4200: no close frame"
    assert new.data["template"] == "Connection closed for <*>: no close frame"
    assert new.data["level"] == "ERROR" and new.data["logger"] == "src.app" and new.data["exception_type"] is None
    await rec.record([make_event("Connection closed for 10.0.0.9:1: no close frame", offset=1000)])
    assert _drain(sub) == []  # within updated_interval of the announcement
    clock.advance(10)
    await rec.record([make_event("Connection closed for 10.0.0.9:2: no close frame", offset=2000)])
    [upd] = _drain(sub)
    assert upd.kind == GROUP_UPDATED and upd.data["count"] == 5 and upd.at == clock.time()
    assert telemetry.groups_new._value.get() == 1
    assert telemetry.events.labels(level="ERROR")._value.get() == 5
    assert telemetry.groups.labels(status="open")._value.get() == 1


async def test_redelivered_batch_counts_nothing_and_announces_nothing(sqlite_store, clock):
    rec, bus, telemetry = _recorder(sqlite_store, clock, updated_interval=0)
    sub = bus.subscribe()
    batch = [make_event("kimi upload returned no file ID", offset=o) for o in (0, 40, 80)]
    await rec.record(batch)
    _drain(sub)
    await rec.record(batch)  # the tailer re-sends after a crash before its checkpoint was written
    assert _drain(sub) == []
    assert rec.recorded == 3 and telemetry.events.labels(level="ERROR")._value.get() == 3
    rows, _ = await sqlite_store.groups.list()
    assert rows[0]["occurrence_count"] == 3


async def test_resolved_group_that_recurs_is_announced_as_regressed(sqlite_store, clock, tmp_path):
    mod = load_module(tmp_path / "rel", "src/gw/handler.py", "def f(d):\n    return d['k']\n")
    rec, bus, telemetry = _recorder(sqlite_store, clock)
    sub = bus.subscribe()
    first = event_from_exception(capture(mod.f, {}))
    await rec.record([first])
    [new] = _drain(sub)
    assert new.kind == GROUP_NEW and new.data["exception_type"] == "KeyError"
    await sqlite_store.groups.set_status(new.data["fingerprint"], "resolve", utc(clock.time()), "fixed")
    clock.advance(3600)
    again = dataclasses.replace(event_from_exception(capture(mod.f, {})), offset=5000)
    await rec.record([again])
    [reg] = _drain(sub)
    assert reg.kind == GROUP_REGRESSED and reg.data["fingerprint"] == new.data["fingerprint"]
    assert reg.data["regression_count"] == 1 and reg.data["status"] == "regressed" and reg.data["count"] == 2
    assert telemetry.groups_regressed._value.get() == 1
    sample = (await sqlite_store.groups.samples(new.data["fingerprint"], 1))[0]
    assert "Traceback (most recent call last)" in sample["raw"] and sample["data"]["chain"][0]["type"] == "KeyError"


async def test_memory_is_bounded_by_the_lru(sqlite_store, clock):
    rec, _, _ = _recorder(sqlite_store, clock, cache_size=10)
    # 40 events that are 40 groups: a capitalised first word is the event (errors/first_slot.py), each
    # its own shelf. (An ALL-CAPS word in a slot, `kind AA` / `kind BA`, is one enum slot since round 9.)
    await rec.record([make_event(f"{chr(65 + i % 26)}{chr(97 + i // 26)}q distinct failure kind", offset=i)
                      for i in range(40)])
    assert rec.cached_groups == 10
    _, total = await sqlite_store.groups.list()
    assert total == 40  # the store keeps every group


async def test_event_keys_use_the_file_identity_and_offset():
    a = make_event("x", offset=10, file_key="8:99:beef")
    assert event_key(a) == "8:99:beef@10"
    renamed = dataclasses.replace(a, file="/var/log/app.log.1")  # rotation renames, identity stays
    assert event_key(renamed) == event_key(a)
    assert event_key(dataclasses.replace(a, file_key="")) == "gateway:/var/log/app.log@10"


async def test_prune_loop_runs_on_the_injected_clock(sqlite_store, clock):
    rec, _, _ = _recorder(sqlite_store, clock)
    rec.prune_interval = 60
    await rec.record([make_event("old error", offset=0)])
    await rec.start()
    try:
        await asyncio.sleep(0)
        clock.advance(25 * 3600)  # a day later the per-minute counts of that minute are gone
        for _ in range(50):
            clock.advance(61)  # wakes the loop whenever it is waiting for its next round
            await asyncio.sleep(0.01)
            row = await sqlite_store.db.fetchone("SELECT COUNT(*) AS n FROM error_occurrences")
            if row["n"] == 0:
                break
        assert row["n"] == 0
        assert rec.problems() == []
    finally:
        await rec.stop()


async def test_a_store_failure_is_raised_counted_and_reported(sqlite_store, clock):
    rec, _, telemetry = _recorder(sqlite_store, clock)
    await rec.record([make_event("first", offset=0)])
    await sqlite_store.db.execute("DROP TABLE receipt_ranges")  # the database broke under us (file events are counted there)
    import pytest

    from sidecar.store.base import StoreError

    with pytest.raises(StoreError):
        await rec.record([make_event("second", offset=10)])
    assert telemetry.store_errors.labels(operation="groups.record")._value.get() == 1
    assert rec.problems() and "not stored" in rec.problems()[0]
    rows, total = await sqlite_store.groups.list()
    assert total == 1 and rows[0]["occurrence_count"] == 1  # the failed batch left nothing behind


async def test_held_back_updates_are_sent_when_the_interval_is_over(sqlite_store, clock):
    rec, bus, _ = _recorder(sqlite_store, clock, updated_interval=10)
    sub = bus.subscribe()
    await rec.record([make_event("Semaphore leak: expected 5, got 4", offset=0, level="WARNING")])
    assert [e.kind for e in _drain(sub)] == [GROUP_NEW]
    for i in range(1, 5):  # a burst of 4 more within the interval, then silence
        clock.advance(1)
        await rec.record([make_event(f"Semaphore leak: expected 5, got {4 - i % 2}", offset=i * 100, level="WARNING")])
    assert _drain(sub) == [] and rec.flush_updates() == 0
    await rec.start()
    try:
        for _ in range(40):
            clock.advance(1)  # the flush loop sleeps on the injected clock
            await asyncio.sleep(0.005)
            events = _drain(sub)
            if events:
                break
        [upd] = events
        assert upd.kind == GROUP_UPDATED and upd.data["count"] == 5 and upd.data["added"] == 4
    finally:
        await rec.stop()


async def test_events_count_in_the_minute_they_were_read_not_when_stored(sqlite_store, clock):
    """A batch held in the outage spool for ten minutes lands in the minutes it arrived."""
    rec, _bus, _telemetry = _recorder(sqlite_store, clock)
    read_at = clock.time()
    held = [dataclasses.replace(make_event("PGRST205: table not found", offset=o), received_at=read_at + o)
            for o in (0, 61)]  # read in two different minutes
    clock.advance(600)  # the store was down; the spool drains now
    await rec.record(held)
    fp = (await sqlite_store.groups.list())[0][0]["error_hash"]
    first_minute = int(read_at // 60)
    counts = dict(await sqlite_store.groups.minute_counts(fp, first_minute - 1, int(clock.time() // 60)))
    assert counts == {first_minute: 1, int((read_at + 61) // 60): 1}
    group = await sqlite_store.groups.get(fp)
    assert group["last_occurrence_at"] == utc(read_at + 61)
    # An event with no read time (built outside ingest) counts now; a read time in the future is capped.
    await rec.record([make_event("PGRST205: table not found", offset=500)])
    future = dataclasses.replace(make_event("PGRST205: table not found", offset=900), received_at=clock.time() + 3600)
    await rec.record([future])
    counts = dict(await sqlite_store.groups.minute_counts(fp, first_minute - 1, int(clock.time() // 60) + 120))
    assert counts[int(clock.time() // 60)] == 2 and sum(counts.values()) == 4


async def test_the_alert_of_a_learned_group_shows_a_redacted_message_with_the_template_beside_it(sqlite_store, clock):
    """What reaches a chat channel: a real message, never a title made of `<*>`, and never the secret
    that message carried (redacted before it leaves the machine)."""
    from sidecar.alerts.events import EventMapper
    from sidecar.redaction import redact

    rec, bus, _ = _recorder(sqlite_store, clock)
    sub = bus.subscribe()
    secret = "sk-live-" + "Zq8" * 12
    await rec.record([make_event(f"upstream refused key {secret} for tenant acme_corp", offset=0),
                      make_event(f"upstream refused key {secret} for tenant globex_inc", offset=100)])
    [new] = _drain(sub)
    outcome = EventMapper("http://sidecar", redact=redact).map(new)
    (alert,) = [*outcome.fire, *([outcome.hold] if outcome.hold else [])]
    assert alert.title.startswith("New error: upstream refused key ") and alert.title.endswith("for tenant globex_inc")
    assert secret not in alert.title and secret not in str(alert.fields)
    assert alert.fields["Template"] == "upstream refused key <*> for tenant <*>"
    assert "<*>" not in alert.title
