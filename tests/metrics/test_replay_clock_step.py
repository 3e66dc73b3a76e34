"""A replay across a step of the writer's clock puts each side on its own clock (dev seed 5072).

The class: the writer's clock is off (ahead or behind, minutes), then steps BACK by D (an NTP fix
toward ours, or a VM resumed further behind); the sidecar learns the new offset live, is SIGKILLed,
and the new process replays the whole file (start_at: beginning). The offset it starts from (the
file's modification time, or the one saved live: metrics/clockfile.py) is the clock of the LAST
records only; applied to the history before the step it put those records D seconds late, inside
the stage a second time (5072: ahead 180 s, then 45 s: 135 s off, 17 uploads counted twice). The
stamps in file order show the step: they drop by D where it happened, and stay down. Before it the
writer's clock was D further ahead: offset(before) = offset(after) - D, step by step.
Varied: the offset before and after (sign, size), where the step falls, the writer's rate and jitter.
Near-miss twins that must NOT move the history: a backlog flushed (the stamps drop by its age, then
jump back up at once: its writer's clock never moved); a few records stamped an hour ahead (a bad
clock read: the stamps jump up at once and drop back; dev seed 9950).
A step FORWARD (stamps jump ahead) is not in this class: in a replay it reads exactly like a pause.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream
from tests.metrics.test_replay_same_place import T0, source
from tests.rollout.upstream_writer import UploadMetrics, utc_iso


async def play(tmp: Path, rng: random.Random, before: float, after: float, step_at: int, backlog: float = 0.0,
               seconds: int = 200, spike: float = 0.0) -> tuple[dict[int, float], dict[int, float]]:
    """A writer on clock `before` (its clock minus ours) until `step_at` s, then on `after`; read live
    each second, SIGKILLed at the end, replayed. With `backlog`, at `step_at` the writer also flushes
    20 records made `backlog` s earlier. Returns (true time, replayed placement) per record."""
    clock = ManualClock(start=T0)
    path = tmp / "metrics.jsonl"
    path.write_text("")
    src = source(path, clock, tmp / "clocks")
    await src.poll()
    truth: dict[int, float] = {}
    n = 0

    def record(made: float, offset: float) -> str:
        nonlocal n
        truth[n] = made
        n += 1
        return json.dumps(asdict(UploadMetrics("async", True, 1000.0 + n - 1, utc_iso(made + offset)))) + "\n"

    rate = rng.choice([0.7, 1.5, 3.0])
    for sec in range(seconds):
        with path.open("a") as f:
            if backlog and sec == step_at:
                for i in range(20):
                    f.write(record(clock.time() - backlog + i * 0.5, before))
            if spike and sec == step_at:
                for i in range(3):  # a bad clock read: stamped `spike` s ahead (not placed: no check)
                    f.write(record(clock.time() + 0.1 * i, before + spike))
                    del truth[n - 1]
            t = clock.time()
            while (t := t + rng.expovariate(rate)) < clock.time() + 1.0:
                f.write(record(t - rng.uniform(0, 0.9), before if sec < step_at or backlog or spike else after))
        clock.advance(1.0)
        os.utime(path, (clock.time(), clock.time()))
        await src.poll()
    src.close()  # SIGKILL
    clock.advance(3.0)
    src2 = source(path, clock, tmp / "clocks")
    await src2.poll()
    return truth, {int(r["duration_ms"]) - 1000: t for t, r in src2.window.items()}


CASES = [(180.0, 45.0), (600.0, 240.0), (-120.0, -420.0), (300.0, -200.0), (90.0, 0.0), (0.0, -300.0)]


@pytest.mark.parametrize("seed", range(6))
async def test_history_before_a_backward_clock_step_is_placed_on_the_clock_it_was_written_on(
        tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    before, after = CASES[seed]
    truth, got = await play(tmp_path, rng, before, after, step_at=rng.randrange(40, 140))
    # Never placed off its true time by more than the writer's jitter (a record not placed at all,
    # ahead of every window, is allowed: the stage totals kept what the live read counted).
    off = [(k, round(got[k] - truth[k], 1)) for k in got if abs(got[k] - truth[k]) > 2.0]
    assert not off, (seed, before, after, len(off), off[:3])
    assert len(got) > 0.8 * len(truth)


@pytest.mark.parametrize("seed", range(3))
async def test_a_backlog_flushed_is_not_a_clock_step(tmp_path: Path, seed: int) -> None:
    rng = random.Random(100 + seed)
    offset = rng.choice([240.0, -300.0])
    truth, got = await play(tmp_path, rng, offset, offset, step_at=rng.randrange(60, 140),
                            backlog=rng.choice([150.0, 400.0]))
    off = [(k, round(got[k] - truth[k], 1)) for k in got if abs(got[k] - truth[k]) > 2.0]
    assert not off, (seed, offset, len(off), off[:3])
    assert len(got) > 0.8 * len(truth)


@pytest.mark.parametrize("seed", range(3))
async def test_records_stamped_far_ahead_are_not_a_clock_step(tmp_path: Path, seed: int) -> None:
    rng = random.Random(200 + seed)
    offset = rng.choice([0.0, 240.0, -300.0])
    truth, got = await play(tmp_path, rng, offset, offset, step_at=rng.randrange(60, 140),
                            spike=rng.choice([600.0, 3600.0]))
    off = [(k, round(got[k] - truth[k], 1)) for k in got if k in truth and abs(got[k] - truth[k]) > 2.0]
    assert not off, (seed, offset, len(off), off[:3])
    assert len(got) > 0.8 * len(truth)


def test_the_clock_file_keeps_the_offsets_a_writer_had_before_bounded(tmp_path: Path) -> None:
    from sidecar.metrics.clockfile import EARLIER, ClockFile

    cf = ClockFile(tmp_path / "c.json")
    for i, offset in enumerate([-180.25, -45.5, 0.0, 300.125, *[600.0 + k for k in range(EARLIER + 3)]]):
        cf.update({"w": offset}, float(i))
    again = ClockFile(tmp_path / "c.json")
    assert again.known("w") == 600.0 + EARLIER + 2
    # Every offset it moved away from, the last EARLIER of them (0 is the default, not kept), current last.
    assert again.candidates("w") == [600.0 + k for k in range(2, EARLIER + 3)]


def test_hostile_stamps_split_a_replay_into_few_spans() -> None:
    """Stamps that jump back and forth on every line (attacker-shaped log content) cost one bounded
    pass: at most MAX_STEPS steps are taken, after 4 x MAX_STEPS drops looked at."""
    from sidecar.metrics.writerclocks import MAX_STEPS, step_offsets

    lines = [json.dumps({"timestamp": utc_iso(T0 + (0 if i % 2 else 500) + i)}).encode() for i in range(5_000)]
    spans = step_offsets(lines, JsonlStream(name="s", paths=["x"]), 30.0, 0.0)
    assert 1 <= len(spans) <= MAX_STEPS + 1
