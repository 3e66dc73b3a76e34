"""A filter first asked while its stream's records wait for their writer's clock (metrics/held.py) knows
they arrived (round 17): newest_arrival seeded from the placed records only, so it said None (the gate
read `stale`, rollout/evaluate.py `_freshness`) until a record was placed or arrived after the ask.
Twins: a filter the waiting records do not match stays None; placed arrivals still count.

Round 18: the window reads the waiting records from their holder (HeldRecords.waiting) instead of keeping
a copy, and `holding` (when the oldest waiting record arrived, read at every measurement) is kept as
records come and go instead of a min over them per measurement: the same answers, through the real
JsonlSource on a real file, also when our wall clock steps back between two arrivals."""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream
from sidecar.metrics.jsonl import JsonlSource
from tests.rollout.upstream_writer import UploadMetrics, utc_iso

T0 = 1_763_900_000.0


class WallClock(ManualClock):
    """A manual wall clock that can also step back (time.time() after an NTP correction); ManualClock only advances."""

    def set(self, when: float) -> None:
        if when < self.time():
            self._now = when
        else:
            super().set(when)


def line(kind: str, t: float, ok: bool = True) -> str:
    return json.dumps(asdict(UploadMetrics(kind, ok, 800.0, utc_iso(t)))) + "\n"


async def _source(tmp_path: Path) -> tuple[ManualClock, Path, JsonlSource]:
    clock = WallClock(start=T0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    src = JsonlSource(JsonlStream(name="s", paths=[str(path)]), clock, None, retention=1800)
    await src.poll()
    return clock, path, src


async def _append_and_read(clock: ManualClock, src: JsonlSource, path: Path, text: str, at: float) -> None:
    clock.set(at)
    with path.open("a") as f:
        f.write(text)
    await src.poll()


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_mark_made_while_records_wait_starts_from_their_arrival(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    clock, path, src = await _source(tmp_path)
    placed_at = T0 + rng.uniform(1.0, 100.0)
    await _append_and_read(clock, src, path, line("sync", placed_at - 1), placed_at)  # on time: placed
    # Records stamped 40-45 or 85-90 s before they are read (in turn), each in its own read: their delays do
    # not bunch within the 30 s tolerance (no clock), so each waits for its writer's clock.
    held = sorted(T0 + 200.0 + rng.uniform(0.0, 25.0) for _ in range(rng.randrange(2, 5)))  # within one 30 s wait
    for i, at in enumerate(held):
        delay = rng.uniform(40.0, 45.0) + 45.0 * (i % 2)
        await _append_and_read(clock, src, path, line("async", at - delay, rng.random() < 0.5), at)
    assert src.status()["held"] == len(held)
    assert src.holding == held[0]
    w = src.window
    assert w.newest_arrival({"execution_type": "async"}) == held[-1]  # round 17: None
    assert w.newest_arrival({}) == held[-1]
    assert w.newest_arrival({"execution_type": "sync"}) == placed_at  # twin: placed only
    assert w.newest_arrival({"execution_type": "other"}) is None  # twin: matches nothing
    later = held[-1] + rng.uniform(0.5, 4.0)
    await _append_and_read(clock, src, path, line("async", later - 65.0), later)
    assert w.newest_arrival({"execution_type": "async"}) == later  # the mark moves as before
    # Every wait ends (at most max_lateness): nothing is held, `holding` says so, the marks stay.
    clock.set(later + 200.0)
    await src.poll()
    assert src.status()["held"] == 0 and src.holding is None
    assert w.newest_arrival({"execution_type": "async"}) == later


async def test_holding_is_the_oldest_arrival_when_our_clock_steps_back(tmp_path: Path) -> None:
    """Our wall clock (time.time()) may step back between two reads: the oldest waiting arrival is then not the
    first waiting record's. Twin: records placed out of the middle leave the oldest of the rest."""
    clock, path, src = await _source(tmp_path)
    await _append_and_read(clock, src, path, line("async", T0 + 100.0 - 70.0), T0 + 100.0)
    await _append_and_read(clock, src, path, line("async", T0 + 60.0 - 45.0), T0 + 60.0)  # the clock stepped back 40 s
    assert src.status()["held"] == 2
    assert src.holding == T0 + 60.0
    await _append_and_read(clock, src, path, line("async", T0 + 80.0 - 85.0), T0 + 80.0)
    assert src.status()["held"] == 3 and src.holding == T0 + 60.0
