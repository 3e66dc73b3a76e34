"""The saved writer clock is confirmed by the last record, not by a later write (metrics/clockfile.py).

The class (generated scenario 13016): a replay confirmed the writer's saved offset with the file's
modification time minus the last request record's stamp. The mtime dates the file's LAST write; a
line that is no request record written after that record (a gateway event line, a blank line, a
damaged, untimed or deeply nested line: tests/rollout/scenario_gen.junk_line's kinds) moves it on,
and once that gap passes the skew tolerance the saved offset was refused: a writer's history was
placed by the gap's worth late (13016: 67 s, 87 uploads counted twice). Varied per seed: the clock
(ahead or behind, 2-15 min), the writer's lag, start_at, the junk kind, the pause before the junk
(40-200 s, beyond the 30 s tolerance), and whether the killed process read the junk live.
Near-miss twins that must NOT change: the same file without the junk line; the writer's clock fixed
while the sidecar was down with junk after its last record (the saved stamp is not the file's last,
so the offset is not applied).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from tests.metrics.test_clock_file import T0, append, placed, source
from tests.rollout.scenario_gen import junk_line

KINDS = ("invalid_utf8", "invalid_json", "array", "no_type", "nested", "blank", "event")


def add_junk(path: Path, kind: str, clock: ManualClock) -> None:
    with path.open("ab") as f:
        f.write(junk_line(kind, clock.time()))
    os.utime(path, (clock.time(), clock.time()))


async def killed_in_a_pause(tmp: Path, seed: int, junk: bool) -> tuple[Path, dict[int, float], ManualClock, str, float]:
    """Process 1 reads a writer off by a seeded offset for 2 minutes, the writer pauses and (with
    `junk`) appends one non-record line; process 1 dies during the pause (before or after that
    line). Returns the file, each upload's true time, the clock, start_at and the lag."""
    rng = random.Random(seed)
    offset = rng.choice([-1, 1]) * rng.uniform(120, 900)
    lag, start_at, kind = rng.choice([0.0, 2.0, 8.0]), rng.choice(["beginning", "end"]), rng.choice(KINDS)
    clock = ManualClock(start=T0)
    path = tmp / "metrics.jsonl"
    path.write_text("")
    src = source(path, clock, tmp / "clocks", start_at)
    await src.poll()
    truth: dict[int, float] = {}
    for n in range(120):
        clock.advance(1.0)
        truth[n] = clock.time() - lag
        append(path, truth[n], offset, n, clock)
        await src.poll()
    pause = rng.uniform(40, 200)
    junk_at, kill_at = pause * rng.uniform(0.5, 0.9), rng.uniform(10, pause)
    t, written = 0.0, False
    while t < pause:
        clock.advance(1.0)
        t += 1.0
        if junk and not written and t >= junk_at:
            add_junk(path, kind, clock)
            written = True
        if src is not None and t >= kill_at:
            src.close()  # SIGKILL: nothing else
            src = None
        elif src is not None:
            await src.poll()
    if src is not None:
        src.close()
    return path, truth, clock, start_at, lag


@pytest.mark.parametrize("seed", range(1, 9))
async def test_a_line_written_after_the_last_record_does_not_unconfirm_the_writers_saved_clock(
        tmp_path: Path, seed: int) -> None:
    for junk in (True, False):  # the twin without the junk line must place the same
        tmp = tmp_path / f"junk{junk}"
        tmp.mkdir()
        path, truth, clock, start_at, lag = await killed_in_a_pause(tmp, seed, junk)
        src = source(path, clock, tmp / "clocks", start_at)
        await src.poll()  # the new process's first read: the replay
        got = {k: t for k, t in placed(src).items() if k in truth}  # the uploads (a no_type junk line is placed too)
        assert len(got) >= 5
        wrong = [k for k in got if abs(got[k] - truth[k]) > lag + 2]
        assert not wrong, (seed, junk, start_at, [(truth[k], got[k]) for k in wrong[:3]])


@pytest.mark.parametrize("seed", range(11, 15))
async def test_a_clock_fixed_while_down_with_a_line_after_its_records_is_not_shifted(tmp_path: Path, seed: int) -> None:
    """The saved offset's stamp is not the file's last record (records on a fixed clock came after):
    the mtime rule decides, and the gap to the junk line contradicts the saved offset."""
    path, truth, clock, start_at, _ = await killed_in_a_pause(tmp_path, seed, junk=False)
    n = max(truth) + 1
    for k in range(20):  # the writer's clock, fixed while the sidecar was down
        clock.advance(1.0)
        truth[n + k] = clock.time()
        append(path, truth[n + k], 0.0, n + k, clock)
    clock.advance(random.Random(seed).uniform(40, 100))
    add_junk(path, random.Random(seed).choice(KINDS), clock)
    clock.advance(2.0)
    src = source(path, clock, tmp_path / "clocks", start_at)
    await src.poll()
    got = placed(src)
    assert all(abs(got[n + k] - truth[n + k]) < 1 for k in range(20)), [(truth[n + k], got.get(n + k)) for k in range(3)]
