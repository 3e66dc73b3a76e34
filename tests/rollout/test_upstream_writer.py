"""Every record variant the gateway's writer produces, read back through a real MetricsHub from a
real file: the canary's and the baseline's counts equal the truth of the calls that were made.

The records come from tests/rollout/upstream_writer.py, which re-enacts the wrapper's control
flow (fallback on/off, retries, double-written failures, no/unique/fixed request_id, concurrent
calls interleaving their lines, rollout_stage events). The file is read the way `sidecar run`
reads it: polled while being written, lines cut mid-write, truncated and rewritten, with the
writer's clock off.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec
from tests.rollout.upstream_writer import Call, Writer, lines, plan, records, stage_event

STREAM = "async_upload"
CANARY = MetricSpec(source="jsonl", stream=STREAM, function="success_rate", where={"execution_type": "async"},
                    failure_when={"execution_type": "sync_fallback"})
BASELINE = MetricSpec(source="jsonl", stream=STREAM, function="success_rate", where={"execution_type": "sync"})


def hub_for(path: Path, clock: ManualClock, start_at: str = "beginning") -> MetricsHub:
    return MetricsHub(MetricsConfig(window=7200, jsonl=[JsonlStream(name=STREAM, paths=[str(path)],
                                                                    start_at=start_at)]), clock)  # type: ignore[arg-type]


def truth(calls: list[Call]) -> tuple[tuple[int, int], tuple[int, int]]:
    """((canary trials, canary successes), (baseline trials, baseline successes))."""
    canary = [c.canary_failed() for c in calls if c.use_async]
    base = [c.baseline_failed() for c in calls if not c.use_async]
    return (len(canary), canary.count(False)), (len(base), base.count(False))


async def replay(hub: MetricsHub, clock: ManualClock, writer: Writer, text: list[tuple[float, str]],
                 rng: random.Random, poll_every: float = 5.0, lag: float = 0.0) -> None:
    """Append each line at its time (arriving `lag` s later), polling every `poll_every` s, and
    cut some writes mid-line so a poll sees half a record."""
    next_poll = clock.time() + poll_every
    for t, line in text:
        while t + lag > next_poll:
            clock.advance(max(0.0, next_poll - clock.time()))
            await hub.jsonl[STREAM].poll()
            next_poll += poll_every
        writer.append(line, cut=rng.randrange(1, len(line)) if rng.random() < 0.1 else None)
    writer.append("")
    clock.advance(poll_every)
    await hub.jsonl[STREAM].poll()


@pytest.mark.parametrize("fallback", [True, False])
@pytest.mark.parametrize("ids", ["none", "unique"])
@pytest.mark.parametrize("seed", [1, 2])
async def test_canary_and_baseline_counts_equal_the_calls_made(tmp_path: Path, clock: ManualClock, fallback: bool,
                                                               ids: str, seed: int) -> None:
    rng = random.Random(seed)
    calls = plan(rng, 1500, start=clock.time(), rate=3.0, rollout=10 if seed == 1 else 50, async_fail=0.08,
                 sync_fail=0.02, fallback=fallback, ids=ids)  # type: ignore[arg-type]
    text = lines(calls)
    text.insert(len(text) // 2, (text[len(text) // 2][0], __import__("json").dumps(stage_event(clock.time(), 2, 10)) + "\n"))
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = hub_for(path, clock)
    await replay(hub, clock, Writer(path), text, rng)
    window = clock.time() - calls[0].start + 60
    c, b = await hub.measure(CANARY, window), await hub.measure(BASELINE, window)
    (cn, cx), (bn, bx) = truth(calls)
    assert (c.count, c.successes) == (cn, cx)
    assert (b.count, b.successes) == (bn, bx)
    status = hub.jsonl[STREAM].status()
    doubled = sum(1 for k in calls if k.canary_failed() and not fallback)
    assert status["duplicates"] == doubled and status["malformed"] == 0 and status["skipped"] == 1
    assert status["clock_offset"] == 0.0


async def test_failures_of_a_function_wrapped_with_a_fixed_request_id_all_count(tmp_path: Path,
                                                                                clock: ManualClock) -> None:
    """The id is the decorator's argument: every call of that function carries it. Distinct
    failures seconds apart are distinct; only each call's own second record is dropped."""
    rng = random.Random(5)
    calls = plan(rng, 400, start=clock.time(), rate=1.0, rollout=100, async_fail=0.3, sync_fail=0.0,
                 fallback=False, ids="fixed")
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = hub_for(path, clock)
    await replay(hub, clock, Writer(path), lines(calls), rng)
    c = await hub.measure(CANARY, clock.time() - calls[0].start + 60)
    assert (c.count, c.successes) == truth(calls)[0]


async def test_a_retried_request_with_the_same_id_is_a_new_failure(tmp_path: Path, clock: ManualClock) -> None:
    t0 = clock.time()
    attempts = [("fatal", 0.4)]
    calls = [Call(start=t0 + s, use_async=True, attempts=attempts, fallback=False,  # type: ignore[arg-type]
                  request_id="req-1", file_size_mb=2.0) for s in (0.0, 0.6, 5.0)]
    assert len([r for c in calls for r in records(c)]) == 6
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = hub_for(path, clock)
    await replay(hub, clock, Writer(path), lines(calls), random.Random(0))
    c = await hub.measure(CANARY, 120)
    assert (c.count, c.successes) == (3, 0)


@pytest.mark.parametrize("offset", [-200.0, -45.0, 3600.0, 11 * 3600.0])
async def test_a_writer_clock_off_by_minutes_or_a_zone_still_counts_every_record_as_fresh(
        tmp_path: Path, clock: ManualClock, offset: float) -> None:
    """utcnow() on a host whose clock is off (or local time written as UTC): the records still
    land in the current window, and the newest one is seconds old, not `offset`."""
    rng = random.Random(9)
    calls = plan(rng, 600, start=clock.time(), rate=1.0, rollout=30, async_fail=0.05, sync_fail=0.01,
                 fallback=True)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = hub_for(path, clock, start_at="end")
    await replay(hub, clock, Writer(path), lines(calls, clock_offset=offset), rng)
    c = await hub.measure(CANARY, 300)  # the last 5 minutes, on the sidecar's clock
    recent = [k for k in calls if k.use_async and k.start > clock.time() - 290]
    assert c.count is not None and abs(c.count - len(recent)) <= 3
    assert c.newest is not None and clock.time() - c.newest < 15
    assert abs(hub.jsonl[STREAM].status()["clock_offset"] + offset) < 10


async def test_a_file_truncated_and_rewritten_past_the_read_offset_loses_nothing(
        tmp_path: Path, clock: ManualClock) -> None:
    rng = random.Random(3)
    first = plan(rng, 200, start=clock.time(), rate=2.0, rollout=50, async_fail=0.1, sync_fail=0.0, fallback=True)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = hub_for(path, clock)
    await replay(hub, clock, Writer(path), lines(first), rng)
    size = path.stat().st_size
    # Truncated in place (same inode), then the gateway writes more than before before the next poll.
    second = plan(rng, 400, start=clock.time(), rate=2.0, rollout=50, async_fail=0.1, sync_fail=0.0, fallback=True)
    with path.open("r+") as f:
        f.truncate(0)
    text = lines(second)
    writer = Writer(path)
    while path.stat().st_size <= size:  # no poll until the file is longer than it was
        t, line = text.pop(0)
        clock.advance(max(0.0, t - clock.time()))
        writer.append(line)
    await replay(hub, clock, writer, text, rng)
    c = await hub.measure(CANARY, clock.time() - first[0].start + 60)
    (n1, x1), _ = truth(first)
    (n2, x2), _ = truth(second)
    assert (c.count, c.successes) == (n1 + n2, x1 + x2)
    assert hub.jsonl[STREAM].status()["malformed"] == 0


async def test_a_backlog_of_old_records_is_late_not_a_clock_offset(tmp_path: Path, clock: ManualClock) -> None:
    rng = random.Random(4)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = hub_for(path, clock, start_at="end")
    await hub.jsonl[STREAM].poll()
    clock.advance(900)
    # The writer flushes the last 15 minutes at once (e.g. after a stall).
    calls = plan(rng, 300, start=clock.time() - 900, rate=0.33, rollout=50, async_fail=0.0, sync_fail=0.0,
                 fallback=True)
    calls = [k for k in calls if k.start < clock.time() - 5]
    Writer(path).append("".join(line for _, line in lines(calls)))
    await hub.jsonl[STREAM].poll()
    clock.advance(110)  # the late ones wait for the writer's clock (metrics/held.py): no read after them decides,
    # so up to the lateness bound's wait (max_lateness - 10 s); nothing explains them
    await hub.jsonl[STREAM].poll()
    assert hub.jsonl[STREAM].status()["clock_offset"] == 0.0
    assert hub.jsonl[STREAM].status()["late"] > 0 and hub.jsonl[STREAM].status()["held"] == 0
