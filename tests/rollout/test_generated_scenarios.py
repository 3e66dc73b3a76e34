"""Generated end-to-end scenarios: the gateway's writer, its file and the sidecar's life, played
against the real metrics stream and rollout controller, judged by a model that knows the truth.

Taxonomy: what a real writer and a real deployment do to the records the gates read
(the writer: research/upstream-gateway.md 4.1, re-enacted in upstream_writer.py; files and processes:
POSIX rename/unlink/truncate semantics, logrotate's `create` and `copytruncate`, Docker bind mounts).

The writer (tools/decorators/async_upload_wrapper.py, tools/monitoring/async_upload_metrics.py)
- W1 appends one `json.dumps(asdict(UploadMetrics))` line per outcome, opening the path in "a" mode for
  every record: a deleted or renamed file is re-created by the next record.
- W2 `sync_fallback` (fallback on, the default): a failed async upload is ONE record, `success: true`.
- W3 fallback off: a failed async upload is TWO `success: false` records microseconds apart.
- W4 fallback switched on/off mid-stage (a redeploy with ASYNC_UPLOAD_FALLBACK changed): both shapes mix.
- W5 `request_id` None (documented usage), fixed per function, or unique per call.
- W6 timestamp = utcnow().isoformat() at the record (naive, no fraction at .000000); duration_ms =
  (time.time() - start) x 1000: negative when the wall clock stepped back (NTP) during the call.
- W7 non-request lines share the file: `rollout_stage` / `rollback` events (`event_type`), nested.
- W8 the writer stops (process down) or pauses (longer or shorter than max_staleness), then resumes.
- W9 the writer's clock is off (ahead or behind, beyond the lateness bound or not), or one read is bogus
  (records from the future); a buffered writer flushes calls made minutes ago (from the past, late).
- W10 a write cut short (disk full, killed mid-write): a partial last line, either completed by a later
  write (split across two polls) or never (torn: the next record is appended right after the fragment).
- W11 the same line written twice (a retried write, a shipper's at-least-once copy).
Hostile or broken content (the file is an input like any other)
- C1 invalid UTF-8; invalid JSON; a JSON array; a blank line; a line of 10 MB; 100,000 nested brackets.
- C2 unknown fields (scalars and nested), missing fields (no execution_type, no timestamp), flags as
  strings ("true"), NaN / Infinity / negative durations, an aware timestamp (+11:00).
The file
- F1 not created at start, created late by the first record; F2 deleted (then re-created by W1);
- F3 rotated by rename (logrotate `create`, RotatingFileHandler); F4 copytruncate (lines appended between
  the last read and the truncation exist only in the copy: a documented logrotate race, counted as lost);
- F5 replaced by a symlink to a new file (a bind-mount or deploy tool swapping the path).
The sidecar
- S1 restarted mid-stage (start_at end: the window's history is gone; beginning: history replayed);
- S2 two replicas on one store, each following the file with its own metrics stream.
Regression: the canary's async error rate 1% -> 40% at a random time (a third of the scenarios).

The model (scenario_world.World.check, at every evaluation, against the API's summary):
- promote only on fresh data (a true canary record at most max_staleness old), with min_samples true
  uploads in the stage, and not 40 uploads into a regression; roll back only a regressed canary, and within
  240 s of the regression once 100 canary uploads were readable;
- `decision_reason: stale` whenever no canary record came for max_staleness; never `stale` on a live
  source (outside 60 s after a clock change, backlog or restart);
- the stage's sample count never above the uploads the writer made (duplicates, replays, double
  writes, rotations counted once), never below the readable ones when nothing was lost;
- a healthy, fresh stage promotes within 120 s after its hold.

The contract behind the model (round 7), from the issue and the writer, not from the sidecar's code.
What the model grants, and where that comes from:
- C1 Time resolution: 1-2 s at boundaries (staleness, the stage's start). The sidecar reads the file
  every `poll_interval` (1 s) and a record is placed by its stamp; a record within a poll of a
  boundary can fall on either side of it.
- C2 Lost records are not demanded: a torn line (the writer died mid-record: no complete record
  exists), lines written between the last read and a copytruncate when the copy is not followed
  (logrotate(8), `copytruncate`: "some logging data might be lost"), records older than the
  lateness bound (the issue: "late records count ... up to a lateness bound, counted in a metric
  beyond it"), and records stamped in the future before the writer's clock is known (no reader can
  place them; they arrive now and are counted now).
- C3 Nothing else is lost and nothing counts twice, across rotations, restarts (SIGKILL included,
  either `start_at`), replicas, duplicate lines and double-written failures (the issue's record
  semantics). Round 6's model granted up to 8 misplaced records per writer clock step and dropped
  what a `start_at: end` restart had read but not evaluated (both limits taken from the code):
  removed, the code fixed (metrics/held.py, follow.LOOKBACK).
- C4 After a restart, clock change or backlog: 60 s before a live source must look fresh again and
  before the lower count bound applies. A record behind its writer's clock estimate may wait up to
  30 s for it (metrics/held.py) - longer (up to the lateness bound's wait) only while its writer has
  brought fewer than 3 reads since it (a slow writer, round 17; the model's 60 s was not widened:
  seeds 20000-22059 found nothing with it); the upper bound (never more than made) applies at once.
- C5 A writer whose clock is off by more than the skew tolerance AND that appends a constant `lag`
  late shows only offset + lag (the file holds the stamp and nothing else: upstream_writer.py,
  `timestamp = utcnow().isoformat()`): its stage boundary and freshness move by the lag. Per writer:
  with two writers, each one's own offset decides (round 10: the model looked at writer A's only).
- C6 A restart may lose what a writer whose clock is BEHIND ours appended after the last
  evaluation: without arrival times, a file's tail stamped minutes back reads exactly like a backlog
  flushed last (W9), so a new process places it where the stamps say until live records show the
  clock. A clock AHEAD is read from the file's modification time (no loss).
"""

from __future__ import annotations

import dataclasses
import os
import random
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.store.base import Store
from tests.rollout.scenario_gen import TrueCall, generate
from tests.rollout.scenario_model import Model
from tests.rollout.scenario_world import play

# Seeds 1-4, plus the seeds that found a class wrong on the round-6 start tree (bench/RESULTS.md, round 6):
# 2 nested brackets, 9 16 duplicate writes, 12 torn write, 11 restart after rotation, 28 56 clock step,
# 29 glob + copytruncate, 112 137 restart with the writer's clock ahead. SCENARIO_SEEDS=1,2,... overrides.
FOUND = [9, 11, 12, 16, 28, 29, 56, 112, 137,
         # round 7 (new classes): 7003 two writers with their own clocks, 7005 and 7011 a SIGKILL with a
         # writer clock off
         7003, 7005, 7011,
         # 7028: a writer ahead paused 90 s, then a SIGKILL: the replay took its clock from the
         # records before the pause and counted 18 uploads twice
         7028,
         # 9831 (fresh set 9800-9859): a replay longer than one read took the writer's clock from the end
         # of the first read (a 10 MB line in the history): 44 uploads counted twice after a SIGKILL
         9831,
         # round 8: 7035 two backlogs from a writer 10 minutes behind, read 7 s apart, plus its first live
         # record made "three reads" of bunched delays: taken as its clock (20 too many; metrics/skew.py
         # _support). 9914 (fresh set 9900-9959): a replica revived after a copytruncate lacked 17
         # uploads its peer held; both counted them (stagetotals carry). 10133 (blind set 10100-10159, found
         # on the carry's first form): the carried successes re-derived each evaluation drifted to 0 and
         # a healthy stage's success gate failed
         7035, 9914, 10133,
         # round 9, second wave: 12023 (fresh set 12000-12059, broken by 52f42a1): a writer 180 s behind,
         # SIGKILL, replay with the saved offset 0.1 s off the drifting live estimate: a record crossed the
         # last evaluation's time, was carried as gone and counted again (metrics/skew.py JITTER).
         # 5072 (dev 5000-5079, open since round 9's first wave): a replay placed the history from before
         # a writer's clock step (+180 s -> +45 s) with the last offset: 135 s late, 17 counted twice
         # (metrics/writerclocks.step_offsets)
         12023, 5072,
         # round 11: 12003 and 10121 (dev): records read after the last evaluation, then a SIGKILL, then the
         # file deleted or copytruncated while down: gone from every file (metrics/journal.py); 12003 also
         # needed the model to stop demanding what was appended while no replica ran and deleted unread
         12003, 10121,
         # 14026 (round 10's fresh set, spent): a record without a timestamp appended while the sidecar was
         # down was the file's last line when it came back: a spike no placed record followed, left out
         # (metrics/unstamped.py `ends`)
         14026]
SEEDS = [int(s) for s in os.environ.get("SCENARIO_SEEDS", "").split(",") if s] or [*range(1, 5), *FOUND]


# Found and NOT fixed (strict xfail: it fails the run once it passes). Empty in round 8 (7035 fixed), again
# in round 9 (5072 fixed).
OPEN: dict[int, str] = {}
PARAMS = [pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=OPEN[s])) if s in OPEN else s
          for s in [*SEEDS, *([] if os.environ.get("SCENARIO_SEEDS") else OPEN)]]


@pytest.mark.parametrize("seed", PARAMS)
async def test_generated_scenario(seed: int, tmp_path: Path, sqlite_store: Store, clock: ManualClock) -> None:
    sc = generate(seed)
    world = await play(sc, tmp_path, sqlite_store, clock)
    assert not world.findings, sc.describe() + "\n" + "\n".join(f"{f.at:.0f}s: {f.what}" for f in world.findings)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("offset", [600.0, -180.0, 0.0, 20.0])  # beyond the 30 s skew tolerance, and twins within
def test_stage_count_floor_and_ceiling_move_by_a_skewed_writers_lag(seed: int, offset: float) -> None:
    """The judge's promotion floor (min_samples true uploads) and the stage count's ceiling are one
    count (scenario_model.Model.stage_uploads): uploads made up to `lag` s before the stage's start
    by a writer whose clock is off beyond the tolerance count in the stage (C5: it shows offset + lag
    only, so the sidecar places them where they were appended). A writer within the tolerance shows
    its lag as lateness: the same uploads stay in the stage before (fresh seed 20021, round 16). Uploads
    made but not yet appended count in neither, until appended."""
    rng = random.Random(seed)
    lag = rng.choice([2.0, 5.0, 8.0])
    clock = ManualClock(start=1_763_900_000.0)
    start = clock.time() + 240.0
    model = Model()
    model.sc = dataclasses.replace(generate(seed), writers=1, offset_b=0.0)
    model.offset, model.lag, model.boundary_moved = offset, lag, lag if abs(offset) > 30 else 0.0
    in_lag = [start - 2 - rng.uniform(0.1, lag - 0.1) for _ in range(rng.randint(5, 40))]
    before = [start - 2 - lag - rng.uniform(0.1, 100) for _ in range(rng.randint(5, 40))]
    inside = [start - 2 + rng.uniform(0, 190) for _ in range(rng.randint(5, 40))]
    model.truth = [TrueCall(t, canary=True, failed=False, shown=t + lag) for t in [*in_lag, *before, *inside]]
    model.truth += [TrueCall(t, canary=False, failed=False) for t in inside]  # baseline: never counted
    clock.advance(240.0 + 201.0)
    skewed = abs(offset) > 30
    assert model.stage_uploads(start, clock.time()) == len(inside) + (len(in_lag) if skewed else 0)
    # Made in the stage but not yet appended (the writer's lag): no reader has them, neither count does.
    made = [clock.time() - rng.uniform(0.1, lag - 1.6) for _ in range(rng.randint(1, 10))]
    model.truth += [TrueCall(t, canary=True, failed=False, shown=t + lag) for t in made]
    assert model.stage_uploads(start, clock.time()) == len(inside) + (len(in_lag) if skewed else 0)
    clock.advance(lag)
    assert model.stage_uploads(start, clock.time()) == len(inside) + len(made) + (len(in_lag) if skewed else 0)
