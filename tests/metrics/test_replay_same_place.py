"""A replay puts every record where the live read put it, to the bit (dev seed 12023).

The class: a writer's clock is off by minutes (behind or ahead), the sidecar learned the offset
live and placed each record at stamp + offset; it is killed and the new process replays the file.
The stage totals (rollout/stagetotals.py) remember how many requests the last evaluation saw up to
ITS time and carry the ones the window no longer holds there: a record the replay puts even 0.04 s
later than the live read did, across that time, is carried as gone AND counted again (dev seed
12023: live 79.97 s, replayed 80.01 s, 125 counted of 124). The live estimate is a low quantile of
arrival delays: it drifts with transport jitter (tenths of a second) record by record, and the
replay used one saved value (rounded to 1 ms), or for a clock ahead the file's modification time.

So what must hold is equality, not closeness: each record the killed process placed on its
writer's learned clock, the new process places at the same float. Varied: the offset's sign and
size (3-15 min), the writer's append jitter and lag, the records appended after the kill, the
number of polls. Near-miss twins (tests/metrics/test_clock_file.py): no saved offset, a clock fixed
while the sidecar was down (not applied).
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


def source(path: Path, clock: ManualClock, clock_dir: Path) -> JsonlSource:
    return JsonlSource(JsonlStream(name="s", paths=[str(path)], start_at="beginning"), clock, None, retention=3600,
                       clock_file=clock_dir / "s.clocks.json")


def placed(src: JsonlSource) -> dict[int, float]:
    return {int(r["duration_ms"]) - 1000: t for t, r in src.window.items()}


async def play(tmp: Path, seed: int) -> tuple[dict[int, float], dict[int, float], dict[int, float], float]:
    """Live for 100-200 s, killed, up to 20 s of appends, replayed: (live placement, replayed placement,
    stamps, the offset learned live)."""
    rng = random.Random(seed)
    offset = rng.choice([-1, 1]) * rng.uniform(180, 900)  # writer's clock minus ours
    lag = rng.choice([0.0, 0.5, 3.0])
    clock = ManualClock(start=T0)
    path = tmp / "metrics.jsonl"
    path.write_text("")
    src = source(path, clock, tmp / "clocks")
    await src.poll()
    stamps: dict[int, float] = {}
    n = 0

    def write(until: float) -> None:
        nonlocal n
        with path.open("a") as f:
            t = clock.time()
            while True:
                t += rng.expovariate(rng.choice([1.0, 2.5]))
                if t > until:
                    break
                made = t - lag - rng.uniform(0, 0.9)  # made before it is appended: transport jitter
                stamps[n] = made + offset
                f.write(json.dumps(asdict(UploadMetrics("async", True, 1000.0 + n, utc_iso(stamps[n])))) + "\n")
                n += 1
        os.utime(path, (until, until))

    for _ in range(rng.randrange(100, 200)):
        write(clock.time() + 1.0)
        clock.advance(1.0)
        await src.poll()
    live, learned = placed(src), src.status()["clock_offset"]
    src.close()  # SIGKILL
    for _ in range(rng.randrange(0, 20)):
        write(clock.time() + 1.0)
        clock.advance(1.0)
    clock.advance(2.0)
    src2 = source(path, clock, tmp / "clocks")
    await src2.poll()
    return live, placed(src2), stamps, learned


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
async def test_a_replay_places_each_record_where_the_live_read_placed_it(tmp_path: Path, seed: int) -> None:
    live, replayed, stamps, learned = await play(tmp_path, seed)
    assert abs(learned) > 150
    # Placed by the learned offset (not the first records of a clock ahead, put at their arrival
    # while it was being learned: a replay knows no arrival times).
    on_clock = [k for k, t in live.items() if abs(t - stamps[k] - learned) < 0.01]
    assert len(on_clock) > 0.8 * len(live) > 100, (len(on_clock), len(live))
    moved = [(k, live[k], replayed.get(k)) for k in on_clock if replayed.get(k) != live[k]]
    assert not moved, (seed, round(learned), len(moved), moved[:3])
