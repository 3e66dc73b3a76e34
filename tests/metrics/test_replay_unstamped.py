"""A replayed record its own stamp cannot place goes where its writer's previous record went.

The class (dev seed 6032): a record without a usable time - no timestamp (`odd/no_timestamp`), or a
stamp far beyond what its writer's clock explains (a bad clock read an hour ahead) - is placed at
its arrival live. A replay has no arrival times; it left such records out of the window, so those
read after the last evaluation and before a restart were lost to the stage (6032: 3 short). The file
is in append order: the record was written, and read live, no earlier than its predecessor, whose
replayed time is the float the live read used. Varied per seed: the writer's clock (right, ahead or
behind 45-600 s), how far the spike is ahead (10 min - 6 h), how many odd records and of which kind,
start_at, the records after them. Asserted: every odd record is in the replayed window, at the time its
predecessor in the file was replayed to, and no later than the live read put it (never later is what
keeps a restart from counting it twice: tests/rollout/test_replaced_counts.py). Near-miss twins: a run longer than a spike (MAX_RUN)
and a file that starts with untimed records still leave them out (no predecessor to follow; a spike at a file's start reads as a
clock step back, writerclocks.step_offsets).
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.metrics.unstamped import MAX_RUN
from tests.metrics.test_clock_file import T0, placed, source
from tests.rollout.upstream_writer import UploadMetrics, utc_iso


def write(path: Path, n: int, stamp: float | None, clock: ManualClock) -> None:
    rec = asdict(UploadMetrics("async", True, 800.0 + n, utc_iso(stamp) if stamp is not None else ""))
    if stamp is None:
        del rec["timestamp"]
    with path.open("a") as f:
        f.write(json.dumps(rec) + "\n")
    os.utime(path, (clock.time(), clock.time()))


@pytest.mark.parametrize("seed", range(1, 9))
async def test_odd_records_read_before_a_restart_are_replayed_after_their_predecessor(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    offset = rng.choice([0.0, 1.0, -1.0]) * rng.choice([45.0, 120.0, 600.0])
    start_at = rng.choice(["beginning", "end"])
    clock = ManualClock(start=T0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    src = source(path, clock, tmp_path / "clocks", start_at)
    await src.poll()
    odd: list[int] = []
    n = 0
    for sec in range(150):
        clock.advance(1.0)
        if sec in (90, 130) or (90 < sec < 140 and rng.random() < 0.05):
            for _ in range(rng.randrange(1, 4)):
                odd.append(n)
                spike = rng.choice([None, rng.uniform(600, 6 * 3600)])
                write(path, n, None if spike is None else clock.time() + offset + spike, clock)
                n += 1
        if rng.random() < 0.7:
            write(path, n, clock.time() + offset, clock)
            n += 1
        await src.poll()
    live = placed(src)
    src.close()
    clock.advance(rng.uniform(2, 20))
    replay = source(path, clock, tmp_path / "clocks", start_at)
    await replay.poll()
    got = placed(replay)
    assert odd and all(k in got for k in odd), (seed, [k for k in odd if k not in got])
    for k in odd:  # where the record before it in the file went (itself possibly odd), never later than live
        assert got[k] == got[max(j for j in got if j < k)] and got[k] <= live[k] + 1e-6, (seed, k, got[k], live[k])


@pytest.mark.parametrize("run", [MAX_RUN + 1, 40])
async def test_a_run_longer_than_a_spike_stays_out(tmp_path: Path, run: int) -> None:
    """More than MAX_RUN records in a row without a usable time are a clock the replay does not know
    (dev seed 13013: copies of history 900 s ahead), not a spike."""
    clock = ManualClock(start=T0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    n = 0
    for part in ("normal", "run", "normal"):
        for _ in range(run if part == "run" else 5):
            clock.advance(1.0)
            write(path, n, clock.time() + (3600 if part == "run" else 0), clock)
            n += 1
    src = source(path, clock, None, "beginning")
    await src.poll()
    assert sorted(placed(src)) == [*range(5), *range(5 + run, 10 + run)]


async def test_a_file_that_starts_with_odd_records_leaves_them_out(tmp_path: Path) -> None:
    clock = ManualClock(start=T0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    write(path, 0, None, clock)
    write(path, 1, None, clock)
    for k in range(2, 6):
        clock.advance(1.0)
        write(path, k, clock.time(), clock)
    src = source(path, clock, None, "beginning")
    await src.poll()
    assert sorted(placed(src)) == [2, 3, 4, 5] and src.status()["future_in_history"] == 2


@pytest.mark.parametrize("seed", range(1, 9))
async def test_odd_records_a_file_ends_with_are_replayed_after_their_predecessor(tmp_path: Path, seed: int) -> None:
    """Round 11 (generated scenario 14026): the spike is the file's last lines when the sidecar comes
    back - read live before a kill, or appended while it was down - with no placed record after it.
    Varied: the writer's clock, start_at, the spike's length (1..MAX_RUN) and kind (no timestamp, or
    stamped 10 min - 6 h ahead), whether the process read it live before dying, the downtime. Twin:
    one record more than a spike at the end stays out (a clock the replay does not know)."""
    rng = random.Random(seed)
    offset = rng.choice([0.0, 1.0, -1.0]) * rng.choice([45.0, 120.0, 600.0])
    start_at = rng.choice(["beginning", "end"])
    read_live = rng.random() < 0.5
    for run, expect in ((rng.randrange(1, MAX_RUN + 1), True), (MAX_RUN + 1, False)):
        clock = ManualClock(start=T0)
        path = tmp_path / f"metrics-{run}.jsonl"
        path.write_text("")
        clocks = tmp_path / f"clocks-{run}"
        src = source(path, clock, clocks, start_at)
        await src.poll()
        n = 0
        for _ in range(rng.randrange(30, 90)):
            clock.advance(1.0)
            if rng.random() < 0.7:
                write(path, n, clock.time() + offset, clock)
                n += 1
            await src.poll()
        before = n
        for _ in range(run):
            clock.advance(rng.uniform(0.05, 0.5))
            write(path, n, None, clock)
            n += 1
        clock.advance(0.5)
        if read_live:
            await src.poll()
        live = placed(src)
        src.close()
        clock.advance(rng.uniform(2, 20))
        replay = source(path, clock, clocks, start_at)
        await replay.poll()
        got = placed(replay)
        odd = range(before, n)
        if not expect:
            assert not any(k in got for k in odd), (seed, run)
            continue
        assert all(k in got for k in odd), (seed, run, [k for k in odd if k not in got])
        for k in odd:
            assert got[k] == got[before - 1], (seed, k)
            if read_live:
                assert got[k] <= live[k] + 1e-6, (seed, k, got[k], live[k])
