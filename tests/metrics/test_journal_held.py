"""A record held for its writer's clock when the process dies counts once after a restart, whatever
happened to its file meanwhile (issue 19, round 11's "left": held records were not journaled).

The class: a live record whose stamp is behind its writer's clock estimate by more than the tolerance
waits up to 30 s (metrics/held.py) for the estimate to say whether the writer's clock stepped or the
record is late. Placed only then, it was journaled only then (metrics/journal.py): a process killed
during the wait (SIGKILL, OOM) forgot it, and a restart could not read it again when its file left
its path while nobody ran (deleted, renamed away, copied and truncated, swapped for a symlink).

Generated per seed (what the class varies): why records are held - the writer's clock stepped back
(NTP after a resumed VM: every later record looks late until the estimate follows) or a backlog of
old records flushed at once (a stalled shipper) -, by how much (beyond the tolerance, below or beyond
the lateness bound), when in the wait the kill comes, the writer (fallback on or off: double-written
failures; request ids), its clock, `start_at`, the traffic rate, the downtime, the file's fate.
Judged as a gate reads it: the stream's canary count and failures over the stage equal the truth.
Twin that must NOT change: the file stays (`kept`): the replay reads the held lines again and places
them by its own reading; counted once, not twice.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from tests.metrics.test_journal_straddle import FATES, MAX_LATENESS, hub
from tests.rollout.test_crash_points import fate
from tests.rollout.test_gateway_records import STREAM, spec
from tests.rollout.upstream_writer import plan, records

SEEDS = range(1, 1 + int(os.environ.get("SIDECAR_HELD_SEEDS", "4")))


@dataclass
class Case:
    seed: int
    fate: str
    cause: str  # "step": the writer's clock stepped back; "backlog": old records flushed at once
    behind: float  # seconds the held records' stamps are behind the writer's clock estimate
    fallback: bool
    ids: str
    offset: float
    start_at: str
    rate: float
    before: int
    held_for: int  # seconds between the read of the first held record and the kill (< the 30 s wait)
    down: int

    @classmethod
    def draw(cls, seed: int, fate: str) -> Case:
        rng = random.Random(seed * 6133 + FATES.index(fate))
        cause = rng.choice(["step", "backlog"])
        behind = rng.choice([rng.uniform(40, 75), rng.uniform(125, 160)])  # both sides of the lateness bound's margin
        return cls(seed, fate, cause, round(behind, 1), rng.random() < 0.5, rng.choice(["none", "fixed", "unique"]),
                   rng.choice([0.0, 0.0, 3.0, 45.0]), rng.choice(["end", "beginning"]), rng.choice([1.0, 2.0, 3.0]),
                   rng.randrange(30, 60), rng.randrange(0, 3) if cause == "step" else rng.randrange(0, 25),
                   rng.choice([2, 5, 15, 40]))


CASES = [Case.draw(seed, fate) for seed in SEEDS for fate in FATES]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.seed}-{c.fate}-{c.cause}")
async def test_a_record_held_for_its_writers_clock_counts_once_across_a_kill(tmp_path: Path, case: Case) -> None:
    clock = ManualClock(start=1_763_900_000.0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    rng = random.Random(case.seed)
    t0 = clock.time()
    kill = t0 + case.before
    held_from = kill - case.held_for
    calls = plan(rng, int(case.rate * (case.before + 10)), start=t0, rate=case.rate, rollout=50, async_fail=0.08,
                 sync_fail=0.01, fallback=case.fallback, ids=case.ids)  # type: ignore[arg-type]
    calls = [c for c in calls if records(c)[-1][0] < kill]  # every record written before the kill
    out: list[tuple[float, str]] = []
    for c in calls:
        for a, m in records(c, case.offset):
            if case.cause == "step" and a >= held_from:
                m = records(c, case.offset - case.behind)[[x for x, _ in records(c)].index(a)][1]
            out.append((a, json.dumps(asdict(m))))
    if case.cause == "backlog":  # a stalled shipper's records, stamped `behind` ago, flushed at once
        old = plan(rng, rng.randrange(3, 12), start=held_from - case.behind - 3, rate=3.0, rollout=50,
                   async_fail=0.2, sync_fail=0.01, fallback=case.fallback, ids=case.ids)  # type: ignore[arg-type]
        out += [(held_from, json.dumps(asdict(m))) for c in old for _, m in records(c, case.offset)]
        calls += old
    out.sort(key=lambda x: x[0])
    canary = sum(c.use_async for c in calls)
    failed = sum(bool(c.canary_failed()) for c in calls)
    h = hub(path, clock, case.start_at, tmp_path / "clocks")
    await h.jsonl[STREAM].poll()
    pos = 0
    while clock.time() < kill:
        clock.advance(1.0)
        with path.open("a") as f:
            while pos < len(out) and out[pos][0] <= clock.time():
                f.write(out[pos][1] + "\n")
                pos += 1
        os.utime(path, (clock.time(), clock.time()))  # the file system's clock is ours
        await h.jsonl[STREAM].poll()
    held = h.jsonl[STREAM].status()["held"]
    h.jsonl[STREAM].close()  # SIGKILL: descriptors closed with the process, nothing flushed
    clock.advance(case.down / 2)
    fate(path, case.fate, tmp_path)
    clock.advance(case.down / 2)
    h = hub(path, clock, case.start_at, tmp_path / "clocks")
    try:
        for _ in range(40):  # past the 30 s wait: every record the new process holds is placed
            await h.jsonl[STREAM].poll()
            clock.advance(1.0)
        m = await h.measure(spec("error_rate"), 3 * MAX_LATENESS)
        assert (m.count, m.successes) == (canary, failed), (held, str(h.jsonl[STREAM].status()), case)
    finally:
        h.jsonl[STREAM].close()
