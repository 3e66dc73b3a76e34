"""Every record the sidecar read counts once in its stage, whatever instant the process is killed at
and whatever happens to the file while it is down (issue 19; generated scenarios 12003, 10121).

The class: a record is counted by the stage at the evaluation AFTER the poll that read it. A process
killed between the two (SIGKILL: nothing flushed, no stop) forgot it; a new process reads the file's
end again - unless the file left its path while nobody ran: deleted (the gateway's writer re-creates
it, "a" mode per record), renamed away (logrotate `create`, RotatingFileHandler), copied and truncated
(logrotate `copytruncate`), or the path swapped for a symlink to a new file (a deploy tool). Then the
records read before the kill exist in no file the new process follows.

Generated per seed (varies what the class varies): the writer (the gateway's records, upstream_writer:
fallback on or off - double-written failures -, request ids none/fixed/unique, its clock on ours or
ahead), the traffic rate, the evaluation interval, `start_at`, the crash point (0 to interval-1 polls
after an evaluation, so sometimes right after one), the downtime, the file's fate and when it happens
in the downtime. The truth: every canary call whose first record was appended before the kill, or
after the fate (into the new file) - the records appended between the kill and the fate were read by
no process and are gone (contract C2 of test_generated_scenarios). Judged once everything has settled
(past the lateness bound): the stage's count equals the truth exactly. Twin: the file stays where it
is (`kept`): the new process re-reads those lines itself; they must count once, not twice.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig
from sidecar.metrics.hub import MetricsHub
from sidecar.store.sqlite import open_sqlite
from tests.rollout.test_gateway_records import STREAM, rollout
from tests.rollout.upstream_writer import plan, records

FATES = ("delete", "rename", "copytruncate", "symlink", "kept")
SEEDS = int(os.environ.get("SIDECAR_CRASH_SEEDS", "4"))
SEED_BASE = int(os.environ.get("SIDECAR_CRASH_SEED_BASE", "1"))
MAX_LATENESS = 120.0


@dataclass
class Case:
    seed: int
    fate: str
    fallback: bool
    ids: str
    offset: float  # the writer's clock minus ours (ahead: read from the file's mtime at a restart)
    rate: float  # gateway calls per second (half of them canary)
    interval: int
    start_at: str
    before: int  # seconds of traffic before the kill
    after_eval: int  # polls since the last evaluation when the process is killed
    down: int  # seconds the sidecar is down
    fate_at: int  # seconds into the downtime when the file leaves its path

    @classmethod
    def draw(cls, seed: int, fate: str) -> Case:
        rng = random.Random(seed * 7907 + FATES.index(fate))
        interval = rng.choice([5, 10, 20, 30])
        before = rng.randrange(4, 12) * interval
        down = rng.choice([2, 5, 15, 40])
        return cls(seed, fate, rng.random() < 0.5, rng.choice(["none", "fixed", "unique"]),
                   rng.choice([0.0, 0.0, 3.0, 45.0, 200.0]), rng.choice([0.5, 1.0, 3.0]), interval,
                   rng.choice(["end", "beginning"]), before, rng.randrange(0, interval), down,
                   rng.randrange(0, down + 1))


def cases() -> list[Case]:
    return [Case.draw(seed, fate) for seed in range(SEED_BASE, SEED_BASE + SEEDS) for fate in FATES]


def hub(path: Path, clock: ManualClock, start_at: str, clock_dir: Path) -> MetricsHub:
    stream = JsonlStream(name=STREAM, paths=[str(path)], start_at=start_at, poll_interval=1.0,  # type: ignore[arg-type]
                         max_lateness=MAX_LATENESS)
    return MetricsHub(MetricsConfig(jsonl=[stream], clock_dir=str(clock_dir)), clock)


@pytest.mark.parametrize("case", cases(), ids=lambda c: f"{c.seed}-{c.fate}")
async def test_every_record_read_counts_once_across_a_kill(make: Any, tmp_path: Path, case: Case) -> None:
    clock = ManualClock(start=1_763_900_000.0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    rng = random.Random(case.seed)
    t0 = clock.time()
    kill_at = case.before + case.after_eval  # seconds after t0
    total = kill_at + case.down + 200 + int(MAX_LATENESS)
    calls = plan(rng, int(case.rate * total), start=t0 + 1.0, rate=case.rate, rollout=50, async_fail=0.05,
                 sync_fail=0.01, fallback=case.fallback, ids=case.ids)  # type: ignore[arg-type]
    # The writer stops 150 s before the end: every record it made is settled when the stage is judged
    # (no record stamped near the last evaluation, on either side of it).
    calls = [call for call in calls if call.start < t0 + total - 150]
    out = sorted(((a, i, c, json.dumps(asdict(m)) + "\n") for i, c in enumerate(calls)
                  for a, m in records(c, case.offset)), key=lambda x: (x[0], x[1]))
    lost: set[int] = set()  # calls whose first record was read by no process
    firsts: dict[int, float] = {}
    for a, i, _, _ in out:
        firsts.setdefault(i, a)
    cfg = rollout(interval=case.interval, max_lateness=MAX_LATENESS)
    cfg = cfg.model_copy(update={"stages": [cfg.stages[0].model_copy(update={"hold": 36_000}), *cfg.stages[1:]]})
    store = await open_sqlite(str(tmp_path / "sidecar.db"))
    store2 = None
    h = hub(path, clock, case.start_at, tmp_path / "clocks")
    await h.jsonl[STREAM].poll()
    c = make([cfg], store, h, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    pos = 0

    def write_until(t: float) -> None:
        nonlocal pos
        while pos < len(out) and out[pos][0] <= t:
            with path.open("a") as f:  # the writer opens the path for every record
                f.write(out[pos][3])
            os.utime(path, (out[pos][0], out[pos][0]))  # the file system's clock is ours
            pos += 1

    try:
        running, down_from = True, 0.0
        for sec in range(1, total + 1):
            if sec == kill_at + 1:  # SIGKILL right after the poll of second kill_at
                h.jsonl[STREAM].close()  # its descriptors close with the process; no stop, no flush
                running, down_from, unread_from = False, clock.time(), pos
            if not running and sec == kill_at + 1 + case.fate_at:
                write_until(clock.time())
                if case.fate != "kept":  # appended since the last read, and gone from the path
                    lost.update(i for _, i, _, _ in out[unread_from:pos] if firsts[i] > down_from)
                fate(path, case.fate, tmp_path)
            if not running and clock.time() >= down_from + case.down:
                write_until(clock.time())
                store2 = await open_sqlite(str(tmp_path / "sidecar.db"))
                h = hub(path, clock, case.start_at, tmp_path / "clocks")
                await h.jsonl[STREAM].poll()  # MetricsHub.start's first read
                c = make([cfg], store2, h, clock=clock, replica="r1")
                running = True
            clock.advance(1.0)
            write_until(clock.time())
            if running:
                await h.jsonl[STREAM].poll()
                if sec % case.interval == 0:
                    await c.tick()
        canary = {i for i, call in enumerate(calls) if call.use_async}
        truth = len(canary - lost)
        counted = (await c._load(cfg.name)).data["samples"]
        assert counted == truth, (counted, truth, len(canary & lost), case)
    finally:
        h.jsonl[STREAM].close()
        await store.close()
        if store2 is not None:
            await store2.close()


def fate(path: Path, kind: str, tmp: Path) -> None:
    """What happens to the file while no sidecar runs."""
    if kind == "delete":
        path.unlink()
    elif kind == "rename":
        os.replace(path, tmp / "metrics.jsonl.1")
    elif kind == "copytruncate":
        shutil.copyfile(path, tmp / "metrics.jsonl.1")
        with path.open("r+b") as f:
            f.truncate(0)
    elif kind == "symlink":
        target = tmp / "real-2.jsonl"
        os.replace(path, tmp / "moved-1.jsonl")
        target.write_text("")
        os.symlink(target, path)
