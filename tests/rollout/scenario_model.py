"""The model of a generated rollout scenario: what the right decision is, from the writer's account of
the truth (tests/rollout/scenario_gen.TrueCall), compared with what the API says at every evaluation.

Split from scenario_world.py (round 16: 546 lines, two ideas): the world PLAYS the scenario (the file,
the writer, the sidecar replicas); this module JUDGES it. The contract it checks is written in
tests/rollout/test_generated_scenarios.py's docstring (C1-C6). `Model` is mixed into `World`: it reads
the world's truth, clocks and stage bookkeeping, and records a `Finding` per broken rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sidecar.clock import ManualClock
from sidecar.config import RolloutConfig
from sidecar.rollout.state import RUNNING
from sidecar.rollout.views import summary
from tests.rollout.scenario_gen import Scenario, TrueCall

if TYPE_CHECKING:
    from tests.rollout.scenario_world import Replica

NAME = "async-upload"
HOLD = 240.0
MIN_SAMPLES = 60


@dataclass
class Finding:
    at: float
    what: str


class Model:
    """The rules a scenario's run must keep (see the module docstring); `World` supplies the state."""

    sc: Scenario
    cfg: RolloutConfig
    clock: ManualClock
    t0: float
    truth: list[TrueCall]
    findings: list[Finding]
    promotions: list[float]
    rollback_at: float | None
    offset: float
    lag: float
    stage_index: int
    stage_started: float
    boundary_moved: float
    window_reset: float
    unsettled_since: float
    lossy_since: float

    def live(self) -> list[Replica]:
        raise NotImplementedError

    def _burst(self, n: int, t0: float, t1: float) -> None:
        raise NotImplementedError

    def newest(self, canary: bool, since: float, now: float, async_only: bool = False,
               c5: bool = False) -> float | None:
        """The newest event time of a readable record appended by `now` (a lagging writer's are not yet);
        `c5`: each as its own writer's clock shows it (contract C5: a skewed writer's lag reads as clock)."""
        ts = [c.t + (self.lag_as_clock(c.writer_b) if c5 else 0.0) for c in self.truth
              if c.canary == canary and c.readable and since <= c.t <= now
              and (c.shown or c.t) <= now and (c.async_record or not async_only)]
        return max(ts, default=None)

    def delivered(self, now: float) -> float | None:
        """When the newest readable canary record was appended (by `now`), whatever its stamp."""
        return max((c.shown or c.t for c in self.truth if c.canary and c.readable and (c.shown or c.t) <= now),
                   default=None)

    def lag_as_clock(self, writer_b: bool | None = None) -> float:
        """C5, per writer: the lag a writer whose clock is off beyond the skew tolerance shows as its
        clock (None: the most any writer shows). Writer B has a clock of its own (offset_b): until
        round 10 only writer A's offset was looked at, and a lagging B skewed 240-300 s was judged
        fresh-but-called-collecting against its true stamps (dev seeds 13009, 5024)."""
        writers = [(self.offset, False)] + ([(self.sc.offset_b, True)] if self.sc.writers == 2 else [])
        skewed = any(abs(o) > 30 for o, b in writers if writer_b is None or b == writer_b)
        return self.lag if skewed else 0.0

    def count(self, since: float, until: float, readable_only: bool = False) -> int:
        """True canary uploads in [since, until]; `readable_only`: those the sidecar must count by
        `until` (appended by then; late records from a backlog may or may not fall inside the
        lateness bound: not required)."""
        return sum(1 for c in self.truth if c.canary and since <= c.t <= until
                   and (not readable_only or (c.readable and not c.late and not c.restart_loss
                                              and (c.shown or c.t) <= until)))

    def stage_uploads(self, since: float, now: float) -> int:
        """True canary uploads of the stage that started at `since` (our clock), by `now`: the one
        count both the promotion's floor (min_samples) and the stage count's ceiling are judged on.
        C1: 2 s at the boundary. C5: a writer whose clock is off beyond the skew tolerance and that
        appends a constant lag shows offset + lag only (the file holds `timestamp = utcnow()` and
        nothing else, no arrival time: research/upstream-gateway.md 4.1, upstream_writer.py), so
        the sidecar places its records where they were appended and the stage's start moves back
        by the lag (the lag at the stage's start or now, whichever is more). Until round 16 only the
        ceiling moved it: fresh seed 20021 (a writer 600 s ahead lagging 8 s, 34 uploads made 6 s
        before the promotion and appended 2 s after it) was judged "promoted with 52 true canary
        uploads < 60" when the sidecar's 80 were the uploads the ceiling itself granted.
        Only uploads appended by `now` (C1: within 1.5 s): a lagging writer's last uploads are made but
        not yet in the file, so neither count can stand on them (before, the ceiling granted a lag's
        worth of uploads no reader could have seen: room for that many counted twice)."""
        since -= 2 + max(self.lag_as_clock(), self.boundary_moved)
        return sum(1 for c in self.truth if c.canary and since <= c.t <= now and (c.shown or c.t) <= now + 1.5)

    def regressed(self, now: float) -> bool:
        return self.sc.regression_at is not None and now - self.t0 >= self.sc.regression_at

    def bad_since_regression(self, now: float) -> int:
        if self.sc.regression_at is None:
            return 0
        return self.count(self.t0 + self.sc.regression_at, now, readable_only=True)

    def fail(self, what: str) -> None:
        self.findings.append(Finding(self.clock.time() - self.t0, what))

    async def check(self) -> None:
        now = self.clock.time()
        s: dict[str, Any] = await summary(self.live()[-1].controller, NAME)
        limit = self.cfg.staleness_limit
        old_start = self.stage_started
        if s["stage"] != self.stage_index or s["state"] == "complete":
            promoted = s["stage"] > self.stage_index or s["state"] == "complete"
            if promoted and self.stage_index not in [p for p in self.promotions]:
                newest = self.newest(True, old_start, now, c5=True)  # C5
                if newest is None or newest < now - limit - 1.5:
                    self.fail(f"promoted stage {self.stage_index} on stale data (newest true canary record "
                              f"{'none' if newest is None else f'{now - newest:.0f}s old'})")
                true_n = self.stage_uploads(old_start, now)  # C5, as the ceiling below
                if true_n < MIN_SAMPLES:
                    self.fail(f"promoted stage {self.stage_index} with {true_n} true canary uploads < {MIN_SAMPLES}")
                if self.bad_since_regression(now) >= 40:
                    self.fail(f"promoted stage {self.stage_index} {self.bad_since_regression(now)} canary uploads "
                              f"into a regression")
                self.promotions.append(self.stage_index)
            snap = await self.live()[-1].controller._load(NAME)
            self.stage_index = s["stage"]
            if self.sc.burst_on_promote and promoted:
                # Uploads made around the promotion, some stamped before it and appended after it
                # (in flight): each belongs to the stage its stamp says, never counted in both.
                self._burst(30, now - 3.0, now + 2.0)
            self.stage_started = snap.stage_started_at or now
            self.boundary_moved = self.lag_as_clock()  # C5, at the stage's start
        if s["state"] in ("rolling_back", "rolled_back"):
            if self.rollback_at is None:
                self.rollback_at = now
                if not self.regressed(now):
                    self.fail(f"rolled back a healthy canary: {s.get('failing')}")
            return
        if s["state"] != RUNNING:
            return
        since_stage = now - self.stage_started
        quiet = now - self.unsettled_since > 60
        truth_newest = self.newest(True, self.stage_started, now)
        shown_newest = self.newest(True, self.stage_started, now, c5=True)
        if since_stage > limit + 2 and (shown_newest is None or shown_newest < now - limit - 2):
            # Old data: `stale` when nothing arrived for max_staleness (or what did is older than the
            # lateness bound); `late` allowed while records still arrive (a writer delivering late or in
            # batches), not required: a replica that restarted knows no arrival until the next record
            # (replayed history has none) and says stale meanwhile (dev seed 16044).
            arrived = self.delivered(now)
            stopped = arrived is None or arrived < now - limit - 2 or shown_newest is None or (
                shown_newest < now - self.cfg.max_lateness - 2)
            want = {"stale"} if stopped else {"stale", "late"}
            if s["decision_reason"] not in want:
                self.fail(f"no canary record for {'ever' if truth_newest is None else f'{now - truth_newest:.0f}s'} "
                          f"but decision_reason={s['decision_reason']!r}")
        # What each gate reads: success-rate every canary record (sync_fallback included); the p95
        # gate `async` records only, and the sync baseline's.
        sync_newest = self.newest(False, now - 1800, now)
        async_newest = self.newest(True, now - 1800, now, async_only=True)
        live = {"success-rate": truth_newest is not None and truth_newest >= now - limit + 3,
                "p95-latency": all(x is not None and x >= now - limit + 3 for x in (async_newest, sync_newest))}
        wrongly = [g for g in s["stale"] if live.get(g)]
        if quiet and wrongly:
            self.fail(f"live source called stale: {wrongly} (true canary {now - (truth_newest or 0):.0f}s old)")
        slack = 0  # round 6 allowed 25 more for 60 s after a restart or clock change: removed (C3)
        # C5: a writer whose clock is off (beyond the 30 s tolerance) and who also appends a constant
        # `lag` late shows offset + lag only: its stage boundary moves by the lag (metrics/skew.py, stage_uploads).
        upper = self.stage_uploads(self.stage_started, now) + slack
        if s["samples"] > upper:
            self.fail(f"counted {s['samples']} canary uploads in the stage, the writer made {upper - slack}")
        if self.lossy_since < self.stage_started and quiet and now - self.t0 > 5:
            # No tolerance for writer clock steps (round 6 granted 8 records per step, a figure taken
            # from the code): records the writer's clock estimate cannot yet explain wait for it
            # (metrics/held.py), so a step, a new writer or a restart misplaces none.
            # The stage's settling span is not counted (rollout/stagetotals.py: its records may be the
            # previous stage's); every readable upload after it is.
            lower = self.count(self.stage_started + 2 + self.cfg.settle, now - 2, readable_only=True)
            if s["samples"] < lower:
                self.fail(f"counted {s['samples']} canary uploads in the stage, {lower} were readable")
        if self.regressed(now) and self.bad_since_regression(now) >= 100 and \
                now - self.t0 - (self.sc.regression_at or 0) >= 240:
            self.fail(f"not rolled back {now - self.t0 - (self.sc.regression_at or 0):.0f}s into a regression "
                      f"({self.bad_since_regression(now)} canary uploads since)")
        if (not self.regressed(now) and since_stage >= HOLD + 120 and quiet and self.lossy_since < now - 120
                and all(self.newest(True, now - k, now - k + limit) for k in range(limit_int(limit), 120, 10))
                and self.count(self.stage_started + self.cfg.settle, now, readable_only=True) >= MIN_SAMPLES + 30
                and self.count(self.window_reset, now, readable_only=True) >= 50 + 30):  # the p95 gate's 50
            self.fail(f"healthy, fresh and {since_stage:.0f}s into stage {self.stage_index} but not promoted "
                      f"({s['decision_reason']}, failing {s['failing']})")


def limit_int(limit: float) -> int:
    return int(limit)
