"""Damaged lines from a real writer, read from a real file: a write torn mid-line and followed by the
next record, the same line written twice, brackets nested past the JSON decoder's recursion limit.
Each loses at most the damaged record, never the ones around it (found by the generated rollout
scenarios, tests/rollout/test_generated_scenarios.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.metrics.jsonl import JsonlSource, after_torn_write
from sidecar.telemetry import Telemetry

from .test_jsonl import NOW, append_raw, rec, source, write


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=NOW)


def kinds(src: JsonlSource) -> list[str]:
    return [f"{r['execution_type']}:{r['duration_ms']:g}" for _, r in src.window.items()]


async def test_the_record_after_a_torn_write_is_read(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    tel = Telemetry()
    torn = json.dumps(rec(1))[:57]  # the writer died here; its next record follows on the same line
    nested = {"timestamp": "2025-11-23T00:00:00", "event_type": "rollback", "metrics": {"by": {"async": {"n": 1}}}}
    append_raw(path, torn + json.dumps(rec(2)) + "\n")
    append_raw(path, torn + json.dumps(nested) + "\n")  # the next record has objects inside: read whole
    append_raw(path, json.dumps(rec(3))[:40] + json.dumps(rec(4, kind="sync")) + "\n")
    write(path, '{"execution_type": "async", "success": tru', '{"a": 1} trailing', rec(5))
    src = source(path, clock, tel)
    assert await src.poll() == 3
    assert kinds(src) == ["async:102", "sync:104", "async:105"]
    assert src.skipped == 1  # the rollback event, recognised after its fragment
    assert src.torn == 3 and src.malformed == 5
    assert tel.registry.get_sample_value(
        "sidecar_parse_errors_total", {"source": "metrics:rollout", "reason": "torn_write"}) == 3


def test_a_torn_line_is_recovered_only_from_a_whole_object_to_its_end() -> None:
    assert after_torn_write(b'{"a": {"b": 1}}}') == (None, 0)  # inner objects are never the record
    assert after_torn_write(b'xx{"a": [1, 2]}') == ({"a": [1, 2]}, 2)
    assert after_torn_write(b'{"a": 1}') == (None, 0)  # the whole line is not a torn write
    assert after_torn_write(b'xx["a", {"b": 1}]') == (None, 0)
    hostile = b'{"' * 100_000  # bounded work: a few candidates, then give up
    assert after_torn_write(hostile) == (None, 0)


async def test_a_line_written_twice_counts_once(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    tel = Telemetry()
    path.write_text("")
    src = source(path, clock, tel)
    await src.poll()  # live reads (replayed history without a time is not placed at all)
    write(path, rec(1), rec(1), rec(2, success=False), rec(2, success=False), rec(3))
    write(path, '{"execution_type": "async", "success": true}', '{"execution_type": "async", "success": true}')
    whole_second = rec(9, t=NOW - 5.0)
    write(path, whole_second, whole_second)
    # A sub-second stamp repeats only when the line was written twice; lines without a time, or
    # stamped to the second, may be two events.
    assert await src.poll() == 7
    assert src.duplicates == 2
    assert tel.registry.get_sample_value(
        "sidecar_metric_records_dropped_total", {"stream": "rollout", "reason": "duplicate"}) == 2


async def test_memory_for_repeated_lines_is_bounded(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    src = source(path, clock)
    write(path, *(rec(i, t=NOW - 60 + i * 0.001) for i in range(25_000)))
    assert await src.poll() == 25_000
    assert len(src._repeats._seen) <= src._repeats.keep
    write(path, rec(0, t=NOW - 60), rec(24_999, t=NOW - 60 + 24.999))  # long forgotten: counted; just seen: dropped
    assert await src.poll() == 0  # both late: they wait for the writer's clock (metrics/held.py)
    clock.advance(50)  # no read after it decides: it waits until placing it at its stamp would make it late
    assert await src.poll() == 1


async def test_brackets_nested_past_the_recursion_limit_cost_one_line(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "metrics.jsonl"
    write(path, rec(1))
    append_raw(path, '{"execution_type": "async", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    write(path, rec(2))
    src = source(path, clock)
    assert await src.poll() == 2  # before: RecursionError out of poll(), rec(2) and the rest of the read lost
    assert src.malformed == 1
