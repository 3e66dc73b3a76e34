"""A replay across a FORWARD step of the writer's clock places the recent history where the live read
did (round 10 left it: "the pre-step history is placed D early; a pause of the same length reads alike").

The class: the writer's clock is off (or not), then steps FORWARD by D (an NTP fix, a VM clock catching
up); the sidecar learns the new offset live, is SIGKILLed, the new process replays the file. In the
stamps a forward step is a gap - exactly what a pause of the writer's traffic looks like - so the
replay's one offset (the last records' clock: the file's modification time, or the one saved live)
put every record before the step D seconds early: out of the span the stage totals counted it in.
What tells them apart is not in the file: it is what the killed process did. The journal
(metrics/journal.py) holds where it placed each record it read within two lateness bounds - the
span a restart's stage totals still re-measure - and the replay places those lines there again.
Varied per seed: the offset before, the step D (40 s - 10 min), where it falls (within the journal's
span), the writer's rate and jitter, start_at, the records appended after the kill. Asserted: every
record the live read placed within the span is replayed at that very float. Twin: a pause of D
without a clock step (placed as live too, as before). Without a journal (no clock_dir) nothing changes
(test_replay_clock_step.py keeps the backward class's rules).
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
MAX_LATENESS = 120.0


def source(path: Path, clock: ManualClock, clock_dir: Path, start_at: str) -> JsonlSource:
    stream = JsonlStream(name="s", paths=[str(path)], start_at=start_at, max_lateness=MAX_LATENESS)  # type: ignore[arg-type]
    return JsonlSource(stream, clock, None, retention=3600, clock_file=clock_dir / "s.clocks.json",
                       journal_file=clock_dir / "s.journal.jsonl")


def placed(src: JsonlSource) -> dict[int, float]:
    return {int(r["duration_ms"]) - 1000: t for t, r in src.window.items()}


async def play(tmp: Path, seed: int, step: bool) -> tuple[dict[int, float], dict[int, float], float]:
    """(live placement, replayed placement, when the replay ran)."""
    rng = random.Random(seed)
    before = rng.choice([0.0, 0.0, 120.0, -120.0, 300.0])
    d = rng.choice([40.0, 90.0, 200.0, 600.0])
    seconds = rng.randrange(220, 320)
    step_at = rng.randrange(seconds - 200, seconds - 40)
    pause = 0 if step else int(min(d, 60))  # the twin: the writer pauses instead (its clock stays)
    start_at = rng.choice(["beginning", "end"])
    rate = rng.choice([0.7, 1.5, 3.0])
    clock = ManualClock(start=T0)
    path = tmp / "metrics.jsonl"
    path.write_text("")
    src = source(path, clock, tmp / "clocks", start_at)
    await src.poll()
    n = 0

    def record(made: float, offset: float) -> str:
        nonlocal n
        n += 1
        return json.dumps(asdict(UploadMetrics("async", True, 1000.0 + n - 1, utc_iso(made + offset)))) + "\n"

    for sec in range(seconds):
        offset = before + (d if step and sec >= step_at else 0.0)
        if not (step_at <= sec < step_at + pause):
            with path.open("a") as f:
                t = clock.time()
                while (t := t + rng.expovariate(rate)) < clock.time() + 1.0:
                    f.write(record(t - rng.uniform(0, 0.9), offset))
        clock.advance(1.0)
        os.utime(path, (clock.time(), clock.time()))
        await src.poll()
    live = placed(src)
    src.close()  # SIGKILL
    killed = clock.time()
    for _ in range(rng.randrange(0, 10)):  # appended while down
        with path.open("a") as f:
            f.write(record(clock.time() + 0.5, before + (d if step else 0.0)))
        clock.advance(1.0)
        os.utime(path, (clock.time(), clock.time()))
    clock.advance(3.0)
    killed = clock.time()
    src2 = source(path, clock, tmp / "clocks", start_at)
    await src2.poll()
    got = placed(src2)
    src2.close()
    return live, got, killed


@pytest.mark.parametrize("step", [True, False], ids=["forward-step", "pause-twin"])
@pytest.mark.parametrize("seed", range(1, 7))
async def test_recent_history_is_replayed_where_the_live_read_placed_it(tmp_path: Path, seed: int, step: bool) -> None:
    live, got, replayed = await play(tmp_path, seed, step)
    # The span a restart keeps (jsonl RESTART_REACH lateness bounds back from the replay), a second in.
    recent = [k for k, t in live.items() if t >= replayed - 2 * MAX_LATENESS + 1]
    assert len(recent) > 50
    off = [(k, round(got.get(k, float("nan")) - live[k], 2)) for k in recent if got.get(k) != live[k]]
    assert not off, (seed, step, len(off), off[:3])
