"""A writer's clock learned live survives a restart (metrics/clockfile.py, contract C6).

The class: the gateway's clock is BEHIND ours (by minutes: a VM without NTP, local time written as
UTC), the sidecar is killed or restarted, and the writer appended records after the last read.
The new process replays the file's tail; the stamps alone read like a backlog flushed last
(writerclocks.replay_offset does not guess), so it placed them minutes back, outside the stage.
With the offset the previous process learned (saved per writer) and the file's modification time
confirming it, the tail is placed where it happened. Varied: the offset (3-15 min), the writer's
lag, start_at, the records appended after the last read. Near-miss twins that must NOT shift: no
saved offset (first start), the writer's clock fixed while the sidecar was down, a corrupt file.
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
from sidecar.metrics.jsonl import JsonlSource
from tests.rollout.upstream_writer import UploadMetrics, utc_iso

T0 = 1_763_900_000.0


def append(path: Path, true_t: float, offset: float, n: int, clock: ManualClock) -> None:
    """One record of upload `n` made at `true_t` (our clock), stamped by a writer `offset` s off,
    appended now; the file system's clock is ours (the modification time)."""
    with path.open("a") as f:
        f.write(json.dumps(asdict(UploadMetrics("async", True, 800.0 + n, utc_iso(true_t + offset)))) + "\n")
    os.utime(path, (clock.time(), clock.time()))


def source(path: Path, clock: ManualClock, clock_dir: Path | None, start_at: str) -> JsonlSource:
    return JsonlSource(JsonlStream(name="s", paths=[str(path)], start_at=start_at), clock, None, retention=3600,
                       clock_file=clock_dir / "s.clocks.json" if clock_dir is not None else None)


async def live_then_killed(tmp: Path, clock: ManualClock, rng: random.Random, offset: float, lag: float,
                           clock_dir: Path | None, start_at: str, after: int) -> tuple[Path, dict[int, float]]:
    """Process 1 reads a writer `offset` s off for 2 minutes (learning its clock), dies without a
    word; the writer appends `after` more records; returns the file and each upload's true time."""
    path = tmp / "metrics.jsonl"
    path.write_text("")
    src = source(path, clock, clock_dir, start_at)
    await src.poll()
    truth: dict[int, float] = {}
    n = 0
    for _ in range(120):
        clock.advance(1.0)
        if rng.random() < 0.7:
            truth[n] = clock.time() - lag
            append(path, truth[n], offset, n, clock)
            n += 1
        await src.poll()
    assert src.status()["clock_offset"] == pytest.approx(-offset, abs=lag + 2)  # learned live
    src.close()  # SIGKILL: nothing else
    for _ in range(after):
        clock.advance(1.0)
        truth[n] = clock.time() - lag
        append(path, truth[n], offset, n, clock)
        n += 1
    clock.advance(3.0)
    return path, truth


def placed(src: JsonlSource) -> dict[int, float]:
    return {int(r["duration_ms"] - 800.0): t for t, r in src.window.items()}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
async def test_the_tail_a_killed_sidecar_never_read_is_placed_on_the_writers_learned_clock(
        tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    offset = -rng.uniform(180, 900)  # behind
    lag = rng.choice([0.0, 2.0, 8.0])
    start_at = rng.choice(["beginning", "end"])
    after = rng.randrange(5, 40)
    clock = ManualClock(start=T0)
    path, truth = await live_then_killed(tmp_path, clock, rng, offset, lag, tmp_path / "clocks", start_at, after)
    src = source(path, clock, tmp_path / "clocks", start_at)
    await src.poll()  # the new process's first read: the replay
    got = placed(src)
    tail = [k for k in truth if truth[k] > clock.time() - after - 5]
    assert len(tail) >= 5 and all(k in got for k in tail)
    wrong = [k for k in tail if abs(got[k] - truth[k]) > lag + 2]
    assert not wrong, (seed, offset, [(truth[k], got[k]) for k in wrong[:3]])
    # The twin without a saved offset (the first start, or no clock_dir): the same tail minutes back.
    clock2, twin = ManualClock(start=T0), tmp_path / "twin"
    twin.mkdir()
    path2, truth2 = await live_then_killed(twin, clock2, random.Random(seed), offset, lag, None, start_at, after)
    src2 = source(path2, clock2, None, start_at)
    await src2.poll()
    got2 = placed(src2)
    tail2 = [k for k in truth2 if truth2[k] > clock2.time() - after - 5]
    assert len(tail2) >= 5 and not any(k in got2 and abs(got2[k] - truth2[k]) <= 60 for k in tail2)


async def test_a_clock_fixed_while_the_sidecar_was_down_is_not_applied(tmp_path: Path) -> None:
    """The saved offset says 10 minutes behind; the writer's last records (after an NTP fix) are on
    our clock: the modification time contradicts the saved offset, so the replay places them at
    their stamps, as written (they are not shifted 10 minutes into the future and dropped)."""
    clock = ManualClock(start=T0)
    rng = random.Random(7)
    path, truth = await live_then_killed(tmp_path, clock, rng, -600.0, 0.0, tmp_path / "clocks", "end", 0)
    n = max(truth) + 1
    for k in range(20):  # fixed clock
        clock.advance(1.0)
        truth[n + k] = clock.time()
        append(path, truth[n + k], 0.0, n + k, clock)
    clock.advance(2.0)
    src = source(path, clock, tmp_path / "clocks", "end")
    await src.poll()
    got = placed(src)
    assert all(abs(got[n + k] - truth[n + k]) < 1 for k in range(20))
    assert src.status()["future_in_history"] == 0


async def test_a_corrupt_or_foreign_clock_file_is_ignored(tmp_path: Path) -> None:
    clock = ManualClock(start=T0)
    (tmp_path / "clocks").mkdir()
    path = tmp_path / "metrics.jsonl"
    for body in ("{not json", json.dumps({"version": 99, "writers": {str(path): {"offset": 600}}}),
                 json.dumps({"version": 1, "writers": {str(path): {"offset": "600"}}})):
        (tmp_path / "clocks" / "s.clocks.json").write_text(body)
        path.write_text("")
        append(path, clock.time() - 1, 0.0, 0, clock)
        src = source(path, clock, tmp_path / "clocks", "beginning")
        await src.poll()
        assert [round(t) for t, _ in src.window.items()] == [round(clock.time() - 1)]
        src.close()


async def test_the_offset_is_saved_when_learned_and_dropped_when_the_clock_is_right_again(tmp_path: Path) -> None:
    clock = ManualClock(start=T0)
    rng = random.Random(5)
    path, _ = await live_then_killed(tmp_path, clock, rng, -420.0, 0.0, tmp_path / "clocks", "end", 0)
    saved = json.loads((tmp_path / "clocks" / "s.clocks.json").read_text())["writers"]
    assert list(saved) == [str(path)] and saved[str(path)]["offset"] == pytest.approx(420, abs=2)
    src = source(path, clock, tmp_path / "clocks", "end")
    await src.poll()
    for k in range(90):  # the writer's clock is right again: the estimator follows, the file too
        clock.advance(1.0)
        append(path, clock.time(), 0.0, 1000 + k, clock)
        await src.poll()
    assert json.loads((tmp_path / "clocks" / "s.clocks.json").read_text())["writers"] == {}


@pytest.mark.parametrize("step", [-300.0, -120.0])
async def test_history_from_before_a_clock_step_is_not_shifted_by_the_offset_learned_after_it(
        tmp_path: Path, step: float) -> None:
    """The writer's clock was right, then stepped back (behind by `step`); the sidecar learned the
    new offset live and is restarted (start_at: beginning: the whole file is replayed). The saved
    offset is the clock of the writer's last records only: history from before the step, at stamps
    that were right, must stay where it happened (shifted, it landed minutes later, a second time
    inside the stage: dev seed 6002, 15 uploads too many); the records after the step are placed on
    the saved clock. The near-miss twin (no step) is the first test of this file."""
    clock = ManualClock(start=T0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    src = source(path, clock, tmp_path / "clocks", "beginning")
    truth: dict[int, float] = {}
    for n in range(200):  # 60 s on a right clock, then 140 s behind by `step`
        clock.advance(1.0)
        truth[n] = clock.time()
        append(path, truth[n], 0.0 if n < 60 else step, n, clock)
        await src.poll()
    assert src.status()["clock_offset"] == pytest.approx(-step, abs=2)
    src.close()
    clock.advance(5.0)
    src2 = source(path, clock, tmp_path / "clocks", "beginning")
    await src2.poll()
    got = placed(src2)
    wrong = [n for n in truth if n in got and abs(got[n] - truth[n]) > 2]
    assert not wrong and len(got) == 200, wrong[:5]
