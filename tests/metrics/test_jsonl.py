"""JSONL per-request records from real files: appends, partial lines, rotation, truncation,
malformed and oversized lines, non-request records, timestamps."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream
from sidecar.metrics.jsonl import YIELD_EVERY, JsonlSource, parse_timestamp
from sidecar.metrics.records import items
from sidecar.metrics.recordwindow import RecordWindow
from sidecar.telemetry import Telemetry

NOW = 1_763_900_000.0


def rec(i: int, *, success: bool = True, kind: str = "async", t: float | None = None, **extra) -> dict:
    ts = datetime.fromtimestamp(NOW - 10 + i * 0.01 if t is None else t, tz=UTC).replace(tzinfo=None)
    return {"execution_type": kind, "success": success, "duration_ms": 100.0 + i,
            "error_type": None if success else "TimeoutError", "fallback_used": False,
            "file_size_mb": 1.5, "provider": "kimi", "request_id": f"req-{i}",
            "timestamp": ts.isoformat(), **extra}


def write(path: Path, *records: dict | str, mode: str = "a") -> None:
    with open(path, mode, encoding="utf-8") as f:
        for r in records:
            f.write((r if isinstance(r, str) else json.dumps(r)) + "\n")


def append_raw(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def source(path: Path, clock: ManualClock, telemetry: Telemetry | None = None, **kw) -> JsonlSource:
    cfg = JsonlStream(name="rollout", paths=[str(path)], **{"start_at": "beginning", **kw})
    return JsonlSource(cfg, clock, telemetry, retention=1800)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=NOW)


def test_parse_timestamp_reads_naive_iso_as_utc() -> None:
    assert parse_timestamp("2025-11-23T12:00:00") == datetime(2025, 11, 23, 12, tzinfo=UTC).timestamp()
    assert parse_timestamp("2025-11-23T12:00:00+01:00") == datetime(2025, 11, 23, 11, tzinfo=UTC).timestamp()
    assert parse_timestamp(1_700_000_000_000) == 1_700_000_000.0
    assert parse_timestamp("yesterday") is None and parse_timestamp(True) is None


async def test_reads_records_skips_events_and_counts_malformed(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    tel = Telemetry()
    write(path, rec(1), rec(2, success=False),
          {"timestamp": "2025-11-23T00:00:00", "event_type": "rollout_stage", "stage": 1, "percentage": 1, "metrics": {}},
          "{not json", "[1, 2]", "", rec(3, kind="sync"))
    src = source(path, clock, tel)
    assert await src.poll() == 3
    assert src.skipped == 1 and src.malformed == 2
    assert tel.registry.get_sample_value(
        "sidecar_parse_errors_total", {"source": "metrics:rollout", "reason": "malformed_json"}) == 1
    assert tel.registry.get_sample_value("sidecar_lines_read_total", {"source": "metrics:rollout"}) == 7
    kept = [r for _, r in src.window.items()]
    assert "request_id" not in kept[0] and "timestamp" not in kept[0]
    assert [r["execution_type"] for r in kept] == ["async", "async", "sync"]
    t0 = src.window.records[0][0]
    assert t0 == pytest.approx(NOW - 10 + 0.01)


async def test_partial_line_is_completed_on_the_next_poll(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    line = json.dumps(rec(1))
    path.write_text(line[:20])
    src = source(path, clock)
    assert await src.poll() == 0
    append_raw(path, line[20:] + "\n")
    assert await src.poll() == 1 and src.malformed == 0


async def test_start_at_end_skips_history_but_reads_new_records(tmp_path: Path, clock: ManualClock) -> None:
    """History is what is older than twice the lateness bound; the records of the last
    2 x `max_lateness` seconds at start may be in the current stage's unsettled span (it reaches
    back one bound before the last evaluation, which was before the restart): a sidecar restarted
    mid-stage must not lose what was written between its last evaluation and its first read."""
    path = tmp_path / "metrics.jsonl"
    write(path, rec(1, t=NOW - 3600), rec(2, t=NOW - 241), {"execution_type": "async", "success": True},
          rec(3, t=NOW - 239), rec(6, t=NOW - 121), rec(4, t=NOW - 2))
    src = source(path, clock, start_at="end", max_lateness=120)
    assert await src.poll() == 3
    assert [t for t, _ in src.window.items()] == [pytest.approx(NOW - ago, abs=1e-3) for ago in (239, 121, 2)]
    write(path, rec(5))
    assert await src.poll() == 1


async def test_start_at_end_reads_back_from_a_line_start_within_the_lookback(
        tmp_path: Path, clock: ManualClock) -> None:
    from sidecar.metrics import follow

    path = tmp_path / "metrics.jsonl"
    old = json.dumps(rec(0, t=NOW - 3)) + "\n"
    n = follow.LOOKBACK // len(old) + 50  # more than the lookback holds: it starts mid-file, at a line
    path.write_text(old * n)
    src = source(path, clock, start_at="end")
    read = await src.poll()
    assert 0 < read < n and src.malformed == 0


@pytest.mark.parametrize("junk_mb, junk_lines", [(10, 1), (3, 4), (0.9, 12)])
async def test_start_at_end_reads_back_past_junk_lines_too_long_to_be_records(
        tmp_path: Path, clock: ManualClock, junk_mb: float, junk_lines: int) -> None:
    """Lines over max_line_bytes (skipped when read) written just before a restart do not use up
    the lookback: the records of the lateness bound before them are still read back (a 10 MB line
    pushed them out of a 4 MB byte lookback: generated scenario 9805). The near-miss: lines within
    the limit (0.9 MB each, 11 MB in all) still count, so the lookback stops within 4 MB of them."""
    from sidecar.metrics import follow

    path = tmp_path / "metrics.jsonl"
    before = [rec(k, t=NOW - 100 + k * 0.1) for k in range(300)]
    junk = ("x" * int(junk_mb * 1024 * 1024) + "\n") * junk_lines
    after = [rec(1000 + k, t=NOW - 20 + k) for k in range(10)]
    write(path, *before)
    with path.open("a") as f:
        f.write(junk)
    write(path, *after)
    src = source(path, clock, start_at="end", max_lateness=120)
    await src.poll()
    while src.replaying:  # a replay past READ_BUDGET goes on read by read
        await src.poll()
    got = len(src.window.records)
    if junk_mb * 1024 * 1024 > src.config.max_line_bytes:
        assert got == 310  # before: 10 (the junk filled the byte lookback)
    else:
        assert got == 10 and junk_mb * junk_lines * 1024 * 1024 > follow.LOOKBACK


async def test_rotation_reads_the_end_of_the_old_file_then_the_new_one(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    tel = Telemetry()
    write(path, rec(1))
    src = source(path, clock, tel)
    assert await src.poll() == 1
    write(path, rec(2))  # written before rotation, not yet read
    os.rename(path, tmp_path / "metrics.jsonl.1")
    write(path, rec(3), rec(4), mode="w")
    assert await src.poll() == 3
    assert tel.registry.get_sample_value("sidecar_rotations_total", {"source": "metrics:rollout", "kind": "rotated"}) == 1
    src.close()


async def test_truncation_restarts_at_zero(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    write(path, rec(1), rec(2), rec(3))
    src = source(path, clock)
    assert await src.poll() == 3
    write(path, rec(4), mode="w")  # copytruncate-style: same inode, smaller
    assert await src.poll() == 1
    assert [r["duration_ms"] for _, r in src.window.items()][-1] == 104.0


async def test_oversized_line_is_skipped_and_the_next_line_read(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    src = source(path, clock, max_line_bytes=1024)
    path.write_text("")
    await src.poll()
    write(path, '{"x": "' + "a" * 5000 + '"}', rec(1))
    assert await src.poll() == 1 and src.malformed == 1
    # an oversized partial line that spans polls is dropped as well
    append_raw(path, "b" * 3000)
    assert await src.poll() == 0
    append_raw(path, "b" * 10 + "\n" + json.dumps(rec(2)) + "\n")
    assert await src.poll() == 1 and src.malformed == 2


async def test_missing_file_is_not_an_error_until_it_appears(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "later.jsonl"
    src = source(path, clock, start_at="end")
    assert await src.poll() == 0 and src.last_error is None
    write(path, rec(1))  # created after start: read from its beginning
    assert await src.poll() == 1


async def test_records_without_timestamp_use_arrival_time_and_window_is_bounded(tmp_path: Path,
                                                                                clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    src = source(path, clock, max_records=10)
    await src.poll()
    write(path, *[{"execution_type": "async", "success": True} for _ in range(15)])
    assert await src.poll() == 15
    assert len(src.window.records) == 10 and src.window.evicted == 5
    assert {t for t, _ in src.window.items()} == {NOW}
    clock.advance(3600)
    await src.poll()
    assert len(src.window.records) == 0  # older than the retention


async def test_future_timestamps_get_arrival_time(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    # local time (UTC+11) written without a zone, as if it were UTC: 11 h in the future
    path.write_text("")
    src = source(path, clock)
    await src.poll()
    write(path, rec(1, t=NOW + 11 * 3600), rec(2, t=NOW - 3600))
    # The hour-old one waits for the writer's clock (metrics/held.py): no other record says it changed.
    # Beyond the lateness bound already, it waits while its writer brings no reads that decide (a slow
    # writer's clock step shows in 3 reads), up to max_lateness - SAFETY = 110 s after it arrived.
    assert await src.poll() == 1 and src.status()["held"] == 1
    clock.advance(100)
    assert await src.poll() == 0 and src.status()["held"] == 1
    clock.advance(10)
    assert await src.poll() == 1
    assert [t for t, _ in src.window.items()] == [NOW, pytest.approx(NOW - 3600)]
    # The future one is clamped; the hour-old one is simply old (late), not a clock problem.
    assert src.skewed == 1 and src.status()["clock_skewed"] == 1 and src.status()["late"] == 1
    # In history replayed at start, when a future-stamped record arrived is unknown: not placed.
    replay = source(path, clock)
    assert await replay.poll() == 1 and replay.status()["future_in_history"] == 1


def test_select_finds_late_records_despite_stopping_early() -> None:
    """Records out of time order (several files, late writers) are still selected exactly."""
    rnd = random.Random(3)
    win = RecordWindow(retention=1800, max_records=500)
    for i in range(700):  # past max_records: the oldest are evicted
        t = NOW - 1800 + i * 1800 / 700 - rnd.choice([0, 0, 0, 5, 60, 400])
        win.add(t, {"execution_type": rnd.choice(["async", "sync"]), "i": i})
    win.prune(NOW + 300)  # drops the oldest from the left; late ones behind a younger record stay
    for start, end in [(NOW - 30, NOW), (NOW - 300, NOW - 60), (NOW - 700, NOW - 200), (NOW - 2000, NOW + 10)]:
        want = [(t, r) for t, r in win.items() if start < t <= end and r["execution_type"] == "async"]
        assert list(items(win.select(start, end, {"execution_type": "async"}))) == want


def test_a_shorter_window_cut_from_a_cached_selection_still_sees_new_and_pruned_records() -> None:
    w = RecordWindow(retention=100.0, max_records=1000)
    for i in range(50):
        w.add(float(i), {"execution_type": "async" if i % 2 else "sync"})
    where = {"execution_type": "async"}
    assert len(w.select(0.0, 49.0, where)) == 25
    assert [r[0] for r in w.select(39.0, 49.0, where)] == [41.0, 43.0, 45.0, 47.0, 49.0]
    w.add(49.5, {"execution_type": "async"})  # a record arrives between two measurements
    assert [r[0] for r in w.select(39.0, 49.5, where)][-1] == 49.5
    assert len(w.select(0.0, 49.5, where)) == 26
    w.prune(140.0)  # everything before 40 s leaves the window
    assert [r[0] for r in w.select(0.0, 49.5, where)][0] == 41.0
    assert len(w.select(0.0, 49.5, {"execution_type": "sync"})) == 5  # another filter, not the cache


async def test_a_large_poll_lets_the_event_loop_run_while_it_ingests(tmp_path: Path, clock: ManualClock) -> None:
    """A replay of a big file is ingested in slices: between two turns of the event loop at most
    YIELD_EVERY records are added, and every record still arrives once."""
    path = tmp_path / "metrics.jsonl"
    write(path, *[rec(i, t=NOW - 60 + i * 0.001) for i in range(4500)])
    src = source(path, clock)
    seen: list[int] = []
    running = True

    async def watch() -> None:
        while running:
            seen.append(src.records)
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    assert await src.poll() == 4500
    running = False
    await watcher
    seen.append(src.records)
    steps = [b - a for a, b in itertools.pairwise(seen)]
    assert seen[-1] == 4500 and max(steps) <= YIELD_EVERY, max(steps)


async def test_replayed_history_without_a_time_is_not_placed_now(tmp_path: Path, clock: ManualClock) -> None:
    """Live, an untimed record is put at its arrival; replayed at start, when it arrived is unknown:
    at "now" a file of history would be fresh requests (and a restart would count them twice)."""
    path = tmp_path / "metrics.jsonl"
    tel = Telemetry()
    write(path, *[{"execution_type": "async", "success": True} for _ in range(3)], rec(1))
    src = source(path, clock, tel)
    assert await src.poll() == 1
    assert src.status()["future_in_history"] == 3
    assert tel.registry.get_sample_value(
        "sidecar_metric_records_dropped_total", {"stream": "rollout", "reason": "untimed_in_history"}) == 3
    write(path, {"execution_type": "async", "success": True})
    assert await src.poll() == 1
    assert [t for t, _ in src.window.items()][-1] == NOW
