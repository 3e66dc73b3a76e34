"""The new-group cap: a flood of distinct errors from one logger makes a bounded number of groups."""

from __future__ import annotations

import random
import string

from sidecar.bus import GROUP_NEW, Bus
from sidecar.clock import ManualClock
from sidecar.config import GroupingConfig
from sidecar.errors.floodcap import NewGroupCap, overflow_fingerprint
from sidecar.errors.groups import GroupRecorder
from sidecar.telemetry import Telemetry

from .conftest import make_event

T0 = 1_790_000_000.0


def _unique_lines(n: int, seed: int) -> list[str]:
    """Lines no masking or learning may merge: different plain words in every position."""
    rnd = random.Random(seed)
    word = lambda: "".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(3, 8)))  # noqa: E731
    return [f"{word()} {word()} {word()} {word()}" for _ in range(n)]


def test_cap_is_per_logger_and_per_minute():
    cap = NewGroupCap(3)
    assert [cap.admit("a", 10) for _ in range(5)] == [True, True, True, False, False]
    assert cap.admit("b", 10)  # another logger has its own budget
    assert cap.flooding(10) == {"a": 2}
    assert cap.admit("a", 11)  # a new minute, a new budget
    assert cap.flooding(13) == {}
    assert all(NewGroupCap(0).admit("a", 1) for _ in range(100))  # 0 disables it


async def test_a_flood_of_unique_lines_is_counted_in_one_overflow_group(sqlite_store):
    clock = ManualClock(start=T0)
    bus, telemetry = Bus(), Telemetry()
    sub = bus.subscribe({GROUP_NEW})
    rec = GroupRecorder(sqlite_store, bus, clock, telemetry, GroupingConfig(new_groups_per_logger_per_minute=20))
    lines = _unique_lines(500, seed=1)
    events = [make_event(m, logger="fuzz", offset=i * 100) for i, m in enumerate(lines)]
    for i in range(0, len(events), 50):
        await rec.record(events[i:i + 50])
    # A real error from another logger in the same minute still gets its own group.
    await rec.record([make_event("kimi upload returned no file ID", logger="gw", offset=10**7)])

    rows, total = await sqlite_store.groups.list(limit=100)
    assert total == 20 + 1 + 1  # the cap, the overflow group, the gateway's error
    by_fp = {r["error_hash"]: r for r in rows}
    overflow = by_fp[overflow_fingerprint("fuzz")]
    assert overflow["occurrence_count"] == 480
    assert sum(r["occurrence_count"] for r in rows) == 501  # nothing lost
    assert telemetry.groups_overflow._value.get() == 480
    assert any("fuzz" in w for w in rec.degraded())
    assert sub.queue.qsize() == 22  # one announcement (alert, diagnosis) per group, not per line
    # Memory stays bounded: a refused group keeps no template, nor a first-token tail entry.
    learner = rec.learning.grouper.learner
    assert len(learner) <= 21 and len(learner._tails) <= 21, (len(learner), len(learner._tails))

    # The next minute, the logger may open new groups again; the warning ends after it.
    clock.advance(60)
    more = [make_event(m, logger="fuzz", offset=10**8 + i) for i, m in enumerate(_unique_lines(5, seed=2))]
    await rec.record(more)
    _, total = await sqlite_store.groups.list(limit=100)
    assert total == 27
    clock.advance(120)
    assert rec.degraded() == []


async def test_known_groups_are_never_capped(sqlite_store):
    clock = ManualClock(start=T0)
    rec = GroupRecorder(sqlite_store, Bus(), clock, Telemetry(), GroupingConfig(new_groups_per_logger_per_minute=2))
    lines = _unique_lines(2, seed=3)
    await rec.record([make_event(m, logger="x", offset=i) for i, m in enumerate(lines)])
    # Over the cap with new ones, the two known groups keep counting.
    again = [make_event(m, logger="x", offset=1000 + i) for i, m in enumerate(lines * 3 + _unique_lines(3, seed=4))]
    await rec.record(again)
    rows, total = await sqlite_store.groups.list(limit=10)
    counts = sorted(r["occurrence_count"] for r in rows)
    assert total == 3 and counts == [3, 4, 4]
