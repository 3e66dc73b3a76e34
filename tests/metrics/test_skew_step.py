"""The writer's clock steps mid-stream (NTP after a VM resumes): its records are put back on our
clock after a few reads, not after 58 records (the low quantile of 64 delays). Until then each one
looked 15 minutes late (outside its stage, a live source gone stale): found by the generated rollout
scenarios (seeds 28 and 56: 14 and 15 canary uploads lost to a stage). A backlog flushed in one read
is still not a step."""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, RolloutConfig
from sidecar.metrics.held import SAFETY
from sidecar.metrics.jsonl import JsonlSource
from sidecar.metrics.model import Measurement
from sidecar.metrics.skew import SkewEstimator
from sidecar.rollout.evaluate import StageEvaluator
from sidecar.rollout.gates import GateVerdict
from sidecar.rollout.state import RUNNING, Snapshot
from tests.rollout.test_changepoint import shipped
from tests.rollout.upstream_writer import UploadMetrics, utc_iso


async def _empty_source(tmp_path: Path, retention: float) -> tuple[ManualClock, Path, JsonlSource]:
    """A JSONL source on an empty metrics file, polled once, on a manual clock."""
    clock = ManualClock(start=1_763_900_000.0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    src = JsonlSource(JsonlStream(name="s", paths=[str(path)]), clock, None, retention=retention)
    await src.poll()
    return clock, path, src


def record(t: float, writer_offset: float, n: int) -> str:
    return json.dumps(asdict(UploadMetrics("async", True, 800.0 + n * 0.37, utc_iso(t + writer_offset)))) + "\n"


@pytest.mark.parametrize("step", [-900.0, 900.0, -300.0])
async def test_a_writer_clock_step_is_followed_within_a_few_reads(tmp_path: Path, step: float) -> None:
    clock, path, src = await _empty_source(tmp_path, retention=1800)
    n = 0
    for offset in (0.0, step):
        for _ in range(60):  # a record a second (0.5 s before each read), read every second
            clock.advance(0.5)
            with path.open("a") as f:
                f.write(record(clock.time(), offset, n))
            n += 1
            clock.advance(0.5)
            await src.poll()
    assert src.status()["clock_offset"] == pytest.approx(-step, abs=2)
    start = 1_763_900_000.0 + 0.5
    placed = {round((r["duration_ms"] - 800.0) / 0.37): t for t, r in src.window.items()}
    assert len(placed) == 120
    misplaced = [k for k, t in placed.items() if abs(t - (start + k)) > 30]  # by the step, not by read lag
    assert not misplaced, misplaced  # before: 57-58 (one a second for a minute); round 6: 8


def test_delays_read_in_one_read_are_not_a_step() -> None:
    skew = SkewEstimator()
    for i in range(40):
        skew.observe(0.4, at=float(i))
    assert skew.offset() == 0.0
    for _ in range(30):  # a backlog 400 s old, all in read 41
        skew.observe(400.0, at=41.0)
    assert skew.offset() == 0.0
    for i in range(3):  # the writer's new clock, read after read
        for _ in range(3):
            skew.observe(400.0, at=42.0 + i)
    assert skew.offset() == 400.0


def test_backlogs_in_two_reads_and_one_live_record_are_not_a_clock() -> None:
    """Generated scenario 7035: after a restart, a paused writer whose clock is 600 s behind flushes two
    backlogs (20 records of 10 s each, 400 s old, read 7 s apart), then writes its first live record.
    Three reads, and the low quantile (~990 s) bunches: it was taken as the writer's clock, the
    backlogs were placed at "now" and counted in the stage. Only the live record shows the clock;
    the offset waits for live reads that agree (the class list: metrics/skew.py's docstring - a
    backlog, a step, a new writer, bogus future stamps)."""
    skew = SkewEstimator()
    for read, age in ((670.0, 400.0), (677.0, 400.0)):
        for i in range(20):
            skew.observe(600.0 + age - i * 0.5, at=read)
    skew.observe(600.2, at=692.0)
    assert skew.offset() == 0.0
    for i, read in enumerate((693.0, 694.0, 695.0)):  # the live writer, read after read: its clock
        for _ in range(3):
            skew.observe(600.0 + 0.1 * i, at=read)
    assert skew.offset() == pytest.approx(600.0, abs=1.0)
    # A writer on one skewed clock from the start is taken as before (every read shows it).
    steady = SkewEstimator()
    for i in range(10):
        steady.observe(-120.0 + 0.3 * (i % 3), at=float(i))
    assert steady.offset() == pytest.approx(-120.0, abs=1.0)


async def test_history_longer_than_one_read_is_not_a_clock_offset(tmp_path: Path) -> None:
    """Found by the generated scenarios (seed 1016, fresh): a restart replays a file holding a 10 MB
    line; the replay takes two reads (8 MB budget each) and the second was taken as live, its ages
    as a 45 s clock offset, then every live record was moved 45 s ahead (29 uploads too many)."""
    clock = ManualClock(start=1_763_900_000.0)
    path = tmp_path / "metrics.jsonl"
    with path.open("w") as f:
        for n in range(100):
            f.write(record(clock.time() - 200 + n, 0.0, n))
        f.write('{"event_type": "rollback", "metrics": "' + "x" * (10 * 1024 * 1024) + '"}\n')
        for n in range(100, 200):
            f.write(record(clock.time() - 140 + (n - 100) * 0.5, 0.0, n))
    src = JsonlSource(JsonlStream(name="s", paths=[str(path)], start_at="beginning"), clock, None, retention=1800)
    assert await src.poll() == 100  # the budget ends inside the long line
    clock.advance(1)
    assert await src.poll() == 100
    assert src.status()["clock_offset"] == 0.0  # before: 44.5
    for n in range(200, 230):  # live records from here on
        clock.advance(1)
        with path.open("a") as f:
            f.write(record(clock.time(), 0.0, n))
        await src.poll()
    assert src.status()["clock_offset"] == 0.0 and src.skewed == 0


@pytest.mark.parametrize("glob", [False, True])
@pytest.mark.parametrize("clock_b", [-300.0, 240.0])
async def test_two_writers_with_their_own_clocks_are_each_put_on_ours(
        tmp_path: Path, clock_b: float, glob: bool) -> None:
    """Two gateway processes append to their own files of one stream; one clock is right, the other
    minutes off. One estimate over both took the busier writer's clock: the other's records landed
    minutes off their stage (generated scenarios, round 7: 13 of 15 two-writer scenarios wrong)."""
    clock = ManualClock(start=1_763_900_000.0)
    a, b = tmp_path / "metrics.jsonl", tmp_path / "metrics.jsonl-b"
    a.write_text("")
    b.write_text("")
    paths = [str(a) + "*"] if glob else [str(a), str(b)]
    src = JsonlSource(JsonlStream(name="s", paths=paths), clock, None, retention=1800)
    await src.poll()
    n = 0
    for _ in range(60):
        clock.advance(0.5)
        for path, offset in ((a, 0.0), (a, 0.0), (b, clock_b)):  # A the busier one
            with path.open("a") as f:
                f.write(record(clock.time(), offset, n))
            n += 1
        clock.advance(0.5)
        await src.poll()
    start = 1_763_900_000.0 + 0.5
    placed = {round((r["duration_ms"] - 800.0) / 0.37): t for t, r in src.window.items()}
    assert len(placed) == 180
    misplaced = [k for k, t in placed.items() if abs(t - (start + k // 3)) > 30]
    assert not misplaced, misplaced  # before: 60 (all of B's) with B behind (ahead: put at arrival)
    offsets = src.status()["clock_offsets"]
    assert offsets[str(a)] == 0.0 and offsets[str(b)] == pytest.approx(-clock_b, abs=2)


async def test_a_replay_longer_than_one_read_takes_the_writer_clock_from_the_files_end(tmp_path: Path) -> None:
    """start_at: beginning over more than one read's budget (a 10 MB line in the history): the writer's
    clock (3 min ahead) is read from the file's last record, not from the end of the first read
    (generated scenario 9831: history placed ~100 s late, 44 uploads counted twice after a SIGKILL)."""
    now = 1_763_900_000.0
    clock = ManualClock(start=now)
    path = tmp_path / "metrics.jsonl"
    with path.open("w") as f:
        for i in range(50):
            f.write(record(now - 100 + i, 180.0, i))
        f.write('{"event_type": "rollback", "metrics": "' + "x" * (10 * 1024 * 1024) + '"}\n')
        for i in range(50, 100):
            f.write(record(now - 100 + i, 180.0, i))
    os.utime(path, (now - 1, now - 1))  # the last write: the file system's clock is the sidecar's
    src = JsonlSource(JsonlStream(name="s", paths=[str(path)], start_at="beginning"), clock, None, retention=1800)
    for _ in range(5):
        await src.poll()
    placed = {round((r["duration_ms"] - 800.0) / 0.37): t for t, r in src.window.items()}
    assert len(placed) == 100
    assert all(abs(t - (now - 100 + k)) < 2 for k, t in placed.items()), placed  # before: the first 50 ~50 s late


@pytest.mark.parametrize("shape", ["live", "one_read", "ages_spread", "two_reads"])
@pytest.mark.parametrize(("behind", "k"), [(-300.0, 3), (-900.0, 5), (-180.0, 7)])
async def test_a_writer_behind_that_goes_quiet_after_a_few_records(
        tmp_path: Path, shape: str, behind: float, k: int) -> None:
    """A writer whose clock is behind writes `k` (< 8) records and goes quiet (W8 after W9): too few for
    the clock estimate proper (8 over 3 reads), so each record waited 30 s (metrics/held.py) and was
    put at its stamp, minutes before its stage (generated scenario 16027: a second gateway process
    300 s behind, 6 records over 6 reads, then a 200 s pause; 5 of 7 readable uploads counted).
    `live`: one record per read, delays agreeing: placed on that clock. Twins that must stay at their
    stamps: the same records in one read (a backlog flushed at once), one per read with ages growing
    by a minute each (a backlog read slowly), or in only two reads (no clock from fewer than 3)."""
    clock, path, src = await _empty_source(tmp_path, retention=3600)
    made: dict[int, float] = {}  # record number -> when it was written (our clock)
    for i in range(k):
        clock.advance(0.5)
        extra = 60.0 * i if shape == "ages_spread" else 0.0
        made[i] = clock.time()
        with path.open("a") as f:
            f.write(record(clock.time(), behind - extra, i))
        clock.advance(0.5)
        if shape == "live" or shape == "ages_spread" or (shape == "two_reads" and i in (0, k - 1)):
            await src.poll()
    for _ in range(120):  # quiet: the writer paused; reads go on, the waits end (a slow writer's: 110 s, held.py)
        clock.advance(1.0)
        await src.poll()
    placed = {round((r["duration_ms"] - 800.0) / 0.37): t for t, r in src.window.items()}
    assert sorted(placed) == list(range(k))
    off_by = {i: round(placed[i] - made[i]) for i in placed}
    if shape == "live":
        assert all(abs(d) <= 2 for d in off_by.values()), off_by  # before: each at its stamp, `behind` off
    else:
        assert all(abs(d - (behind - (60.0 * i if shape == "ages_spread" else 0.0))) <= 2
                   for i, d in off_by.items()), off_by
    assert src.status()["clock_offset"] == 0.0  # the estimate proper is untouched: too few records


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("shape", ["live", "backlog"])
async def test_a_writer_behind_near_the_lateness_bound_waits_what_is_left_of_it(
        tmp_path: Path, seed: int, shape: str) -> None:
    """A writer 80-105 s behind (120 s lateness bound): its records, as they stand, are within the old
    40 s margin of the bound, so they were placed at once at their stamps - its first 7 records (before
    the 8-record estimate) put 80-105 s early, before the stage they belong to. They now wait what is left
    before the bound (metrics/held.py SAFETY) and the estimate places them. Twin: a backlog of records as
    old, flushed in one read, is not a clock and stays at its stamps."""
    import random

    rng = random.Random(seed)
    behind = round(rng.uniform(80.0, 105.0), 1)
    clock, path, src = await _empty_source(tmp_path, retention=3600)
    made: dict[int, float] = {}
    if shape == "backlog":
        with path.open("a") as f:
            for i in range(10):
                made[i] = clock.time() - behind + i * 2.0  # written long ago, flushed now
                f.write(record(made[i], 0.0, i))
        await src.poll()
    else:
        gap = rng.choice([1.0, 2.0, 3.0])  # 20-60 records a minute
        for i in range(12):
            clock.advance(gap / 2)
            made[i] = clock.time()
            with path.open("a") as f:
                f.write(record(clock.time(), -behind, i))
            clock.advance(gap / 2)
            await src.poll()
    for _ in range(110):  # the waits end (no read after a backlog decides it: up to the bound's, held.py)
        clock.advance(1.0)
        await src.poll()
    placed = {round((r["duration_ms"] - 800.0) / 0.37): t for t, r in src.window.items()}
    assert sorted(placed) == sorted(made)
    if shape == "live":
        off = {i: round(placed[i] - made[i], 1) for i in made}
        assert all(abs(d) <= 2 for d in off.values()), (behind, off)  # before: the first 7 at -behind
    else:
        assert all(abs(placed[i] - made[i]) <= 1 for i in made), placed  # at their stamps


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("shape", ["step_then_pause", "backlog"])
async def test_delays_that_do_not_bunch_leave_the_writer_clock_in_use(tmp_path: Path, seed: int, shape: str) -> None:
    """Generated scenario 19027: a writer 600 s behind (learned from ~25 records after a restart) steps
    300 s forward (NTP), writes a few records and pauses 90 s (W9 then W8). Its kept delays now held
    two clocks; the median minus the 10th percentile spread past the tolerance, which was read as "no
    clock" (offset 0): every record after the pause waited 30 s for an estimate and the live source was
    called stale. A spread shows no clock, so the one in use stands until a step is taken (skew.py).
    `backlog`: the same writer flushes a backlog bigger than its kept delays (the other spread): before,
    also offset 0, and its live records then went minutes back to their stamps.
    Varied by seed: the learned clock (180-900 s behind), the step (toward ours, 90 s to all of it
    but 60), the records learned (10-40), before the pause (2-7), the pause (60-150 s)."""
    import random

    rng = random.Random(seed * 7919 + 19027)
    behind = rng.choice([-900.0, -600.0, -300.0, -180.0])
    step = rng.uniform(90.0, -behind - 60.0) if shape == "step_then_pause" else 0.0
    learned, before_pause, pause = rng.randrange(10, 41), rng.randrange(2, 8), rng.uniform(60.0, 150.0)
    clock, path, src = await _empty_source(tmp_path, retention=3600)
    made: dict[int, float] = {}  # record number -> when it was written (our clock)

    async def live(n: int, writer_offset: float) -> None:
        for _ in range(n):
            clock.advance(0.5)
            made[len(made)] = clock.time()
            with path.open("a") as f:
                f.write(record(clock.time(), writer_offset, len(made) - 1))
            clock.advance(0.5)
            await src.poll()

    await live(learned, behind)
    assert src.status()["clock_offset"] == pytest.approx(-behind, abs=2)
    if shape == "backlog":  # calls made 400-1000 s ago, flushed in one write: more than the live delays kept
        with path.open("a") as f:
            for i in range(learned + 10):
                f.write(record(clock.time() - rng.uniform(400.0, 1000.0), behind, 10_000 + i))
        await live(before_pause, behind)
    else:
        await live(before_pause, behind + step)
    clock.advance(pause)  # the writer pauses; the sidecar's reads find nothing
    await src.poll()
    resumed = len(made)
    await live(12, behind + step)
    placed = {k: t for k, t in ((round((r["duration_ms"] - 800.0) / 0.37), t) for t, r in src.window.items())
              if k < 10_000}
    assert sorted(placed) == sorted(made)
    off = {i: round(placed[i] - made[i], 1) for i in made if i >= learned}
    assert all(abs(d) <= 2 for d in off.values()), (behind, step, off)  # before: 30 s held, then -behind - step off
    newest_after_resume = max(placed[i] for i in range(resumed, resumed + 3))
    assert newest_after_resume >= made[resumed + 2] - 2  # fresh within 3 records of the resume, not after 30 s
    assert src.status()["clock_offset"] == pytest.approx(-(behind + step), abs=2)


def _reads(cfg: RolloutConfig, src: JsonlSource, now: float, newest: float | None) -> str:
    """What the shipped rollout's freshness rule (rollout/evaluate.py `_freshness`: max_staleness 60 s,
    max_lateness 120 s) reads for a gate measuring `src` at `now` whose newest placed sample is `newest`.
    `cfg` is `shipped()`, parsed once by the caller: parsing rules/rollouts.yaml on every read was 97% of
    this file's CPU (pure-Python YAML, ~0.18 s a parse, 300-700 reads a test)."""
    snap = Snapshot(name=cfg.name, state=RUNNING, stage_index=1, percent=10.0, started_at=now - 600,
                    stage_started_at=now - 600, stage_elapsed=600.0, running_since=now - 600, incident=1, version=1)
    m = Measurement(1.0, 1, 1, newest=newest, arrived=src.window.newest_arrival({}), held=src.holding)
    v = StageEvaluator(cfg, snap, None, now)._freshness(GateVerdict("g", "gate", "pass", "r"), m, None)  # type: ignore[arg-type]
    return "stale" if v.stale else "late" if v.late else "fresh"


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("shape", ["back_beyond_bound", "back_within_bound", "forward", "backlog"])
async def test_a_slow_writer_clock_step(tmp_path: Path, seed: int, shape: str) -> None:
    """A writer whose clock steps BACK and that writes a record every 10-40 s (the gateway's quiet hours:
    1.5-6 uploads a minute in all): each record looked late by the step and waited 30 s for its writer's
    clock, but the step proper needs 8 delays (minutes at this pace), so each was put at its stamp, the
    step early - beyond the lateness bound lost to its stage - and the live source read `stale` while they
    waited (round 16's left item; up to 3.6 minutes at a record per 40 s). Now a held record is placed on
    the clock its writer's reads since it agree on (3 reads, metrics/held.py), waits longer while its
    writer is slow, and its arrival keeps the source alive meanwhile (never `stale`: the freshness rule of
    rollout/evaluate.py `_freshness` - stale unless the newest sample is within max_staleness 60 s, or a
    record arrived within it and the newest is within max_lateness 120 s).
    Varied by seed: the step (back 130-900 s beyond the bound, back 35-100 s within it, forward 35-600 s),
    the pace (a record every 10-60 s; round 17: 10-40 s kept 3 gaps within max_lateness, at 45 s or more
    the source read `stale` 119-163 s after the step while records waited, and `back_within_bound` between
    two arrivals: freshness is now the evaluator's own rule, `_reads`). `back_within_bound`: the first record(s) wait only what is left
    before the bound (SAFETY) and go at their stamps, counted (the doctrine's trade, held.py); the rest
    are placed on the new clock. Twin `backlog`: the same slow writer flushes records 200-600 s old in one
    write, then goes on on its clock: they stay at their stamps (a backlog comes in one read)."""
    import random

    rng = random.Random(seed * 1_000_003 + 17)
    gap = rng.uniform(10.0, 60.0)
    step = {"back_beyond_bound": -rng.uniform(130.0, 900.0), "back_within_bound": -rng.uniform(35.0, 100.0),
            "forward": rng.uniform(35.0, 600.0), "backlog": 0.0}[shape]
    clock, path, src = await _empty_source(tmp_path, retention=3600)
    made: dict[int, float] = {}  # record number -> when it was written (our clock)
    offset, due, stepped_at = 0.0, clock.time() + 0.5, math.inf
    stale_at: list[float] = []
    cfg = shipped()
    while len(made) < 24 or clock.time() < due:  # 12 records on the right clock, 12 after the step
        if len(made) == 12 and stepped_at == math.inf:  # 12 records on the right clock, then the step
            stepped_at = clock.time()
            offset = step
            if shape == "backlog":
                with path.open("a") as f:
                    for i in range(rng.randrange(3, 9)):
                        f.write(record(clock.time() - rng.uniform(200.0, 600.0), 0.0, 10_000 + i))
        if clock.time() >= due:
            made[len(made)] = due
            with path.open("a") as f:
                f.write(record(due, offset, len(made) - 1))
            due += gap
        await src.poll()
        now = clock.time()
        placed_times = [t for t, _ in src.window.items() if t <= now + 5]
        if now > stepped_at and _reads(cfg, src, now, max(placed_times, default=None)) == "stale":
            stale_at.append(round(now - stepped_at))
        clock.advance(1.0)
    placed = {round((r["duration_ms"] - 800.0) / 0.37): t for t, r in src.window.items()}
    assert sorted(k for k in placed if k < 10_000) == sorted(made)
    assert not stale_at, (gap, step, stale_at)  # before: stale 40-220 s after the step at these paces
    off = {i: round(placed[i] - made[i], 1) for i in made if i >= 12}
    # At a record every 55 s or more the step's first record cannot see 3 reads within the wait the
    # lateness bound allows (max_lateness - SAFETY, metrics/held.py): beyond the bound it goes at its stamp.
    lost = int(shape == "back_beyond_bound" and 2 * gap > 120.0 - SAFETY)
    first = 2 if shape == "back_within_bound" else lost
    assert all(abs(off[i]) <= 2 for i in off if i >= 12 + first), (gap, step, off)  # before: 4-7 off by the step
    backlog = [t for t, r in src.window.items() if round((r["duration_ms"] - 800.0) / 0.37) >= 10_000]
    assert all(stepped_at - t >= 199 for t in backlog)  # at their stamps, not placed on a clock
    # Every live record within its stage's bound (before: 4-7 beyond it, lost to the stage); the backlog's late.
    assert src.late == len(backlog) + lost
