"""A double-written failure counts once wherever its two records are placed (dedupe.WriterDoubleWrites).

The class (dev seed 9840): with fallback off the gateway's wrapper writes `success: false` twice
per failed call, microseconds apart on its own clock (tests/rollout/upstream_writer.records). The
pair rule compared the times the sidecar PLACED the records at; a writer whose clock is off has
its first records put at arrival (future stamps, not explained yet) or held until its clock is
learned (metrics/held.py), so the two records of one call could land seconds apart and both
count. Varied per seed: the writer's clock (ahead or behind, 45-900 s), its lag, request ids, the
failure share, a clock step midway (the estimator re-learns it), records read one second at a
time from the file's first line. Near-miss twins that must NOT merge: genuine failures of other
calls (counted per call), and a second writer (its own file and clock) writing the very same
calls: each writer's pairs count once, the two writers' records twice.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream
from sidecar.metrics.jsonl import JsonlSource
from tests.rollout.upstream_writer import Call, lines, plan, records

T0 = 1_763_900_000.0


def failures(src: JsonlSource) -> int:
    return sum(1 for _, r in src.window.items() if r.get("execution_type") == "async" and r.get("success") is False)


async def follow(tmp: Path, writers: list[tuple[list[tuple[float, str]], str]], until: float) -> JsonlSource:
    """Append each writer's lines at their (true) times to its own file, polled every second."""
    clock = ManualClock(start=T0)
    paths = []
    for i in range(len(writers)):
        p = tmp / f"metrics-{i}.jsonl"
        p.write_text("")
        paths.append(p)
    src = JsonlSource(JsonlStream(name="s", paths=[str(p) for p in paths], start_at="beginning",
                                  dedupe_failures=True), clock, None, retention=7200)
    await src.poll()
    todo = [list(w) for w, _ in writers]
    while clock.time() < until:
        clock.advance(1.0)
        for k, (p, queue) in enumerate(zip(paths, todo, strict=True)):
            with p.open("a") as f:
                while queue and queue[0][0] + float(writers[k][1]) <= clock.time():
                    f.write(queue.pop(0)[1])
        await src.poll()
    return src


def calls_of(rng: random.Random, n: int) -> list[Call]:
    """A few good calls (the records before the writer's clock is learned: skew.py's
    min_observations, 8), then a run of failures, then failures at a seeded share. A pair straddles
    the moment the clock is learned when that moment falls between its two records (an even number
    of good calls first: those seeds fail without the per-writer rule; odd ones are twins)."""
    rate, ids = rng.uniform(0.5, 3.0), rng.choice(["none", "unique", "fixed"])
    kw = dict(rate=rate, rollout=100, sync_fail=0.0, fallback=False, ids=ids)
    head = plan(rng, rng.randrange(2, 10), start=T0 + 1, async_fail=0.0, **kw)  # type: ignore[arg-type]
    run = plan(rng, 6, start=head[-1].start, async_fail=1.0, **kw)  # type: ignore[arg-type]
    return head + run + plan(rng, n, start=run[-1].start, async_fail=rng.uniform(0.2, 0.5), **kw)  # type: ignore[arg-type]


def stepped(calls: list[Call], offset: float, step: float | None) -> list[tuple[float, str]]:
    """Lines of `calls` stamped by a clock `offset` off that steps to `step` halfway through the
    calls (None: no step): each record on the clock of the moment it is written."""
    if step is None:
        return lines(calls, offset)
    at = calls[len(calls) // 2].start
    out = [(t, json.dumps(asdict(m1 if t < at else m2)) + "\n") for c in calls
           for (t, m1), (_, m2) in zip(records(c, offset), records(c, step), strict=True)]
    return sorted(out, key=lambda x: x[0])


@pytest.mark.parametrize("seed", range(1, 9))
async def test_a_failure_written_twice_counts_once_on_a_writer_clock_that_is_off(tmp_path: Path, seed: int) -> None:
    """Several short streams per seed: where the learning moment falls (between a pair's two
    records, or not) depends on the reads, so each seed tries a few (6c198ec: 2 of 40 streams
    ahead of ours counted one failure twice). Behind writers' first records are held until their
    clock is known (metrics/held.py), so both records of a pair wait for the same estimate: twins."""
    rng = random.Random(seed)
    for k in range(4):
        calls = calls_of(rng, 60)
        offset = rng.choice([1, 1, -1]) * rng.choice([45.0, 120.0, 300.0, 900.0])
        step = rng.choice([None, offset + rng.choice([-240.0, 240.0])])
        lag = rng.choice(["0", "0.5", "3"])
        tmp = tmp_path / str(k)
        tmp.mkdir()
        src = await follow(tmp, [(stepped(calls, offset, step), lag)], max(c.start for c in calls) + 60)
        truth = sum(1 for c in calls if c.canary_failed())
        assert truth >= 5
        assert failures(src) == truth, (seed, k, offset, step, lag, failures(src), truth)


@pytest.mark.parametrize("seed", range(11, 15))
async def test_two_writers_writing_the_same_calls_each_count(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    calls = calls_of(rng, 120)
    a, b = rng.choice([0.0, 300.0, -120.0]), rng.choice([0.0, -600.0, 200.0])
    src = await follow(tmp_path, [(lines(calls, a), "0"), (lines(calls, b), "0")], max(c.start for c in calls) + 60)
    assert failures(src) == 2 * sum(1 for c in calls if c.canary_failed())
