"""The outage spool: store-or-spool, ordered drain with backoff, bounded size, crash safety."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime, timedelta, timezone

import pytest

from sidecar.ingest.record import ErrorEvent, ExceptionInfo, Frame
from sidecar.store.base import StoreError, StoreUnavailable
from sidecar.store.spool import Spool, SpoolingSink
from sidecar.store.spool_codec import decode_batch, encode_batch
from sidecar.telemetry import Telemetry

from .events import make_event


class Downstream:
    """Stands in for the errors stage's sink: records batches, or raises StoreUnavailable while down."""

    def __init__(self) -> None:
        self.batches: list[list[ErrorEvent]] = []
        self.down = False
        self.reject: set[int] = set()  # event lines rejected with a non-transient StoreError
        self.calls = 0

    async def __call__(self, events: list[ErrorEvent]) -> None:
        self.calls += 1
        await asyncio.sleep(0)
        if self.down:
            raise StoreUnavailable("postgres: connection refused")
        if any(e.line in self.reject for e in events):
            raise StoreError("postgres: value too long")
        self.batches.append(events)

    @property
    def lines(self) -> list[int]:
        return [e.line for b in self.batches for e in b]


async def settle(rounds: int = 50) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0.001)


async def until(predicate, clock=None, step: float = 1.0, limit: int = 2000) -> None:
    for _ in range(limit):
        if predicate():
            return
        if clock is not None:
            clock.advance(step)
        await asyncio.sleep(0.002)
    raise AssertionError("condition not reached")


def test_codec_round_trip_is_lossless():
    frames = (Frame("src/a.py", 3, "f"), Frame("<frozen importlib>", None, "<module>"))
    event = ErrorEvent(
        source="s", file="/l/x.log", line=7, offset=10, end_offset=99,
        timestamp=datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=timezone(timedelta(hours=-5))),
        level="CRITICAL", logger=None, message="bad \u00e9\u4e2d\n\"quoted\" \udcff surrogate",
        raw="line1\nline2\r\n\x00", exception_type="a.b.Err", exception_message=None, frames=frames,
        chain=(ExceptionInfo("KeyError", "'k'", ()), ExceptionInfo("a.b.Err", "x", frames)),
        truncated=True, context=("c1", "c2"),
    )
    plain = ErrorEvent(source="s", file="f", line=1, offset=0, end_offset=5, timestamp=None, level="ERROR",
                       logger="l", message="m", raw="m")
    data = encode_batch([event, plain])
    assert b"\n" not in data
    back = decode_batch(data)
    assert back == [event, plain]
    assert isinstance(back[0].frames, tuple) and isinstance(back[0].frames[0], Frame)
    assert isinstance(back[0].chain[1].frames[0], Frame)
    assert back[0].timestamp.utcoffset() == timedelta(hours=-5)


async def test_passes_through_while_store_is_up(tmp_path, clock):
    down = Downstream()
    sink = SpoolingSink(down, tmp_path / "spool", 1 << 20, clock)
    await sink.start()
    try:
        await sink([make_event(0), make_event(1)])
        await sink([])
        assert down.lines == [1, 4] and sink.problems() == [] and sink.spool.records == 0
    finally:
        await sink.stop()


async def test_outage_spools_then_drains_in_order(tmp_path, clock):
    down = Downstream()
    telemetry = Telemetry()
    sink = SpoolingSink(down, tmp_path / "spool", 1 << 20, clock, telemetry=telemetry, retry_min=1, retry_max=8)
    await sink.start()
    try:
        await sink([make_event(0)])
        down.down = True
        for i in range(1, 6):
            await sink([make_event(i), make_event(i + 100)])  # returns: spooled and fsynced
        assert sink.spooling and sink.spool.records == 5
        problems = sink.problems()
        assert len(problems) == 1 and "store unavailable" in problems[0] and "5 batches" in problems[0]
        assert telemetry.spool_bytes._value.get() > 0
        # the drainer retries with backoff on the injected clock while the store stays down
        calls = down.calls
        clock.advance(1)
        await settle()
        assert down.calls > calls and sink.spooling
        # new batches keep their place behind the spooled ones even after the store is back
        down.down = False
        await sink([make_event(6)])
        await until(lambda: not sink.spooling, clock)
        assert down.lines == [1, 4, 304, 7, 307, 10, 310, 13, 313, 16, 316, 19]
        assert sink.problems() == [] and sink.spool.pending_bytes == 0
        assert telemetry.spool_bytes._value.get() == 0
        assert [p.name for p in (tmp_path / "spool").glob("seg-*")] != []  # one fresh, empty segment
        assert all(p.stat().st_size == 0 for p in (tmp_path / "spool").glob("seg-*"))
    finally:
        await sink.stop()


async def test_full_spool_pauses_the_caller_without_loss(tmp_path, clock):
    down = Downstream()
    one = len(encode_batch([make_event(0)])) + 10
    sink = SpoolingSink(down, tmp_path / "spool", 3 * one + 5, clock, retry_min=1, retry_max=1)
    await sink.start()
    try:
        down.down = True
        for i in range(3):
            await sink([make_event(i)])
        blocked = asyncio.create_task(sink([make_event(3)]))
        await settle()
        assert not blocked.done(), "a full spool must make the caller wait (reading pauses)"
        assert any("spool full" in p for p in sink.problems())
        down.down = False
        await until(lambda: blocked.done() and not sink.spooling, clock)
        await blocked
        assert down.lines == [1, 4, 7, 10]
    finally:
        await sink.stop()


async def test_spool_survives_a_restart_and_a_torn_record(tmp_path, clock):
    down = Downstream()
    down.down = True
    sink = SpoolingSink(down, tmp_path / "spool", 1 << 20, clock)
    await sink.start()
    for i in range(4):
        await sink([make_event(i)])
    await sink.stop()
    # a crash in the middle of a fifth append leaves half a line behind
    (seg,) = sorted((tmp_path / "spool").glob("seg-*.spool"))
    seg.write_bytes(seg.read_bytes() + b"0badc0de [{\"source\":")
    down.down = False
    again = SpoolingSink(down, tmp_path / "spool", 1 << 20, clock)
    await again.start()
    try:
        assert again.spooling  # leftovers from the earlier run are drained first
        await until(lambda: not again.spooling, clock)
        assert down.lines == [1, 4, 7, 10]
    finally:
        await again.stop()


def test_partially_drained_spool_resumes_at_the_saved_position(tmp_path):
    spool = Spool(tmp_path / "spool", 1 << 20, segment_bytes=600)  # several segments
    spool.open()
    payloads = [encode_batch([make_event(i)]) for i in range(6)]
    for p in payloads:
        spool.append(p)
    assert len(list((tmp_path / "spool").glob("seg-*"))) > 1
    for expected in payloads[:2]:
        got, end = spool.peek()
        assert got == expected
        spool.ack(end)
    spool.close()
    reopened = Spool(tmp_path / "spool", 1 << 20, segment_bytes=600)
    reopened.open()
    assert reopened.records == 4
    rest = []
    while (item := reopened.peek()) is not None:
        rest.append(item[0])
        reopened.ack(item[1])
    assert rest == payloads[2:] and reopened.records == 0 and reopened.pending_bytes == 0
    reopened.close()


async def test_a_rejected_batch_is_set_aside_and_the_rest_drain(tmp_path, clock):
    down = Downstream()
    sink = SpoolingSink(down, tmp_path / "spool", 1 << 20, clock, retry_min=1, retry_max=1, max_delivery_failures=3)
    await sink.start()
    try:
        down.down = True
        for i in range(3):
            await sink([make_event(i)])
        down.down = False
        down.reject = {4}  # the second batch is refused for good
        await until(lambda: not sink.spooling, clock)
        assert down.lines == [1, 7] and sink.set_aside == 1
        dead = (tmp_path / "spool" / "dead" / "rejected.jsonl").read_text()
        assert "value too long" in dead and "request=1" in dead
    finally:
        await sink.stop()


def test_empty_spool_accepts_one_oversized_batch(tmp_path):
    nbytes = 1024
    spool = Spool(tmp_path / "s", nbytes)
    spool.open()
    big = encode_batch([make_event(i) for i in range(20)])
    assert len(big) > nbytes and spool.has_room(len(big))
    spool.append(big)
    assert not spool.has_room(10)
    spool.close()


async def test_a_lost_write_race_is_retried_at_once_not_spooled(tmp_path, clock):
    from sidecar.store.conflict import StoreConflict

    class Racy(Downstream):
        def __init__(self, conflicts: int) -> None:
            super().__init__()
            self.conflicts = conflicts

        async def __call__(self, events):
            if self.conflicts:
                self.conflicts -= 1
                self.calls += 1
                raise StoreConflict("postgres: could not serialize access due to concurrent update")
            await super().__call__(events)

    racy = Racy(conflicts=2)
    sink = SpoolingSink(racy, tmp_path / "a", 1 << 20, clock)
    await sink.start()
    try:
        await sink([make_event(0)])
        assert racy.lines == [1] and racy.calls == 3 and not sink.spooling
    finally:
        await sink.stop()
    stubborn = Racy(conflicts=10)
    sink = SpoolingSink(stubborn, tmp_path / "b", 1 << 20, clock)
    await sink.start()
    try:
        await sink([make_event(0)])
        assert stubborn.lines == [] and sink.spooling and sink.spool.records == 1  # kept, not lost
    finally:
        await sink.stop()


async def test_an_unusable_spool_directory_pauses_instead_of_losing(tmp_path, clock):
    (tmp_path / "a-file").write_text("not a directory")
    down = Downstream()
    sink = SpoolingSink(down, tmp_path / "a-file" / "spool", 1 << 20, clock)
    await sink.start()  # the sidecar still starts
    try:
        assert sink.problems() and "outage spool unusable" in sink.problems()[0]
        await sink([make_event(0)])
        assert down.lines == [1]
        down.down = True
        with pytest.raises(StoreUnavailable):  # ingest keeps the batch and retries it
            await sink([make_event(1)])
        down.down = False
        await sink([make_event(1)])
        assert down.lines == [1, 4]
    finally:
        await sink.stop()


def test_a_failed_append_leaves_no_torn_record(tmp_path, monkeypatch):
    import errno

    from sidecar.store.spool import SpoolError

    spool = Spool(tmp_path / "s", 1 << 20)
    spool.open()
    spool.append(encode_batch([make_event(0)]))
    real_write = os.write

    def disk_full_halfway(fd, data):  # the disk takes half the line, then is full
        real_write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full_halfway)
    with pytest.raises(SpoolError, match="No space left"):
        spool.append(encode_batch([make_event(1)]))
    monkeypatch.setattr(os, "write", real_write)
    spool.append(encode_batch([make_event(2)]))
    spool.close()
    again = Spool(tmp_path / "s", 1 << 20)
    again.open()
    lines = []
    while (item := again.peek()) is not None:
        lines.extend(e.line for e in decode_batch(item[0]))
        again.ack(item[1])
    assert lines == [1, 7]
    again.close()


def test_one_process_per_spool_directory(tmp_path):
    from sidecar.store.spool import SpoolError

    first = Spool(tmp_path / "s", 1 << 20)
    first.open()
    try:
        # flock locks belong to the open file description: a second open() conflicts like a second process
        with pytest.raises(SpoolError, match="in use by another sidecar"):
            Spool(tmp_path / "s", 1 << 20).open()
    finally:
        first.close()
    again = Spool(tmp_path / "s", 1 << 20)
    again.open()  # released on close
    again.close()
