"""A stage's request totals, counted by event time across evaluations and restarts.

Records are counted in the stage they belong to. Everything older than `max_lateness` before now
is *settled* into totals kept in the rollout state (a stage can hold for days, across restarts);
the last `max_lateness` seconds are re-measured at every evaluation, so a record that arrives late
(but within the bound) still counts. What the unsettled span held at the last evaluation is
remembered too (`seen`): requests the metrics window no longer holds after a restart (rotated-away
file, `start_at: end`) or an eviction stay counted.

Which stage a record belongs to (round 17's decision) when its event time and its arrival (when the
live tail read it, our clock: RecordWindow's arrivals) disagree around a stage boundary. The gateway
builds its record when the upload ENDS (`timestamp` = utcnow() after the call, `duration_ms` its
length) and appends it at once (research/upstream-gateway.md 4.1); it reads ASYNC_UPLOAD_ROLLOUT once
per process (get_config caches it), so an upload runs under the percentage its process started with.
- Made before the boundary, read after it (a lagging writer or shipper, our next poll): the previous
  stage's, by its event time, up to `max_lateness` - it ran under that stage's percentage; the arrival
  says only when the file showed it (tests/rollout/test_gateway_records.py `..._is_the_previous_stages`).
- Placed after the boundary, read before it: a record cannot be made after it was read, so it is the
  previous stage's; it happens only through the clock estimate's slack (a writer ahead within the 30 s
  tolerance: placed up to FUTURE_SLACK 5 s after its arrival; a skewed writer's piecewise-constant
  offset: up to skew.JITTER 2 s). Kept on its event time: a replay after a restart must place a line
  where the live read did and does not know the arrival (skew.py, generated seed 12023); < 2 uploads
  per promotion at 20 async uploads/min, counted in the new stage.
- Made before, placed after, read after: a writer skewed beyond the tolerance that also appends L s
  late is estimated at skew + L (contract C5 of the generated scenarios), so its records are placed L s
  after they were made (generated scenario 20021: a burst of 34 at L = 8 s). Neither the file nor the
  arrival can tell (it arrives after the boundary too). Covered by the settling span (below).
So the event time decides the stage; the arrival decides freshness (rollout/evaluate.py `_freshness`).

The settling span after a boundary (round 18): a stage's first `settle` seconds (RolloutConfig.settle;
the shipped rules: max_lateness, 120 s; 0 in a config built in code) are not counted in its totals (samples, whole-stage gates); the stream's freshness is
still read there. The class it closes: a record is placed `e` s after it was made, where (metrics/skew.py,
writerclocks.FUTURE_SLACK) e = the lag's low quantile for a writer whose clock is corrected (off beyond the
30 s tolerance), min(skew, lag + 5 s) for a clock ahead within the tolerance, <= 0 for one behind within it;
a constant lag reads exactly as clock, so e is unknowable from the file and the arrivals, but the lag is
bounded by contract (max_lateness: later records are counted late anyway). So records placed in the first
max_lateness seconds after a boundary may be the previous stage's: uploads that ended under its percentage,
its good records (a promotion on them) and its failures (blamed on the new stage). Also the gateway itself:
it reads ASYNC_UPLOAD_ROLLOUT once per process, so until the stage-change hook's redeploy restarts it, its
uploads run under the old percentage. The boundaries: a promotion, a start after a rollback or abort (the
rolled-back stage's late failures), a sidecar restarted at one (the replay places by the file's clock). Not
a boundary: pause/resume (the stage goes on). Measured (tests/rollout/test_boundary_skew_lag.py, 24 cells:
skew behind/ahead x within/beyond the tolerance x constant lag 5-60 s / batches every 10-60 s x the three
boundaries, the old stage's last minute failing): without the span 20 of 24 cells failed (the new stage
counted up to 31 of the old stage's failures, or more uploads than were made after the boundary); with it 0. The price: the new stage's own uploads
of its first max_lateness seconds (at 20 async uploads/min 40 of a 500-upload, 48 h stage; 4 at the 1%
stage's 2/min); every trigger still counts them (`span`: they roll back on what happens; a whole-stage one too),
and so does the fail side of an `on_fail: rollback` stage gate.
Argo Rollouts delays a metric's analysis the same way (AnalysisTemplate `initialDelay`).
Stage N's own records that arrive after its boundary (made before it, within max_lateness): counted in
stage N, in its final figures once they have all arrived (rollout/closing.py, round 19); before, they were
in neither stage. They do not undo the decision: a promotion or rollback stands.

Why two accumulators (`key` after the span, `key@boundary` from the boundary, for an `on_fail: rollback`
whole-stage gate) and not one from the boundary with a snapshot of it at counted_from (considered in
round 19): the snapshot is exact only once counted_from has settled (counted_from + max_lateness, the
records placed up to it have arrived); before that the promotion side would still need the span split
at counted_from measured at every evaluation - a second pair of windows, as now - and the restart
bookkeeping (`seen`, the carry of _keep_forgotten) would have to be split at counted_from too, where
today each key keeps its own. The second accumulator exists only for such gates with settle > 0, and
reuses `settle` as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ..config import RolloutConfig
from ..metrics.model import Measurement, MetricSpec
from .gates import describe

log = logging.getLogger(__name__)

FROM_BOUNDARY = "@boundary"  # the totals key of a rollback gate's reading counted from the stage's start
# The totals key prefix of a settling-span look (StageTotals.look): where the look's newest sample is kept, not
# a total (closing.py and the samples skip it).
LOOK = "look:"
MeasureOnce = Callable[[MetricSpec, float], Awaitable[tuple[Measurement | None, str | None]]]


def counted_from(cfg: RolloutConfig, stage_start: float) -> float:
    """Where a stage's promotion totals (samples, whole-stage gates) start (StageTotals.span)."""
    return stage_start + cfg.settle


def samples_since(cfg: RolloutConfig) -> str:
    """What a message quoting a stage's samples adds: they are counted after its settling span."""
    return f" counted after the stage's first {cfg.settle:g} s" if cfg.settle > 0 else ""


def counted(tot: dict[str, Any]) -> tuple[int, int]:
    """(requests, successes) a stage's settled totals stand for: settled plus carried (see
    StageTotals._keep_forgotten); the unsettled tail is measured on top."""
    return (int(tot["count"]) + int(tot.get("carry") or 0),
            int(tot["successes"]) + int(tot.get("carry_successes") or 0))


def sample_size(m: Measurement | None) -> int:
    """The sample size of a measurement (a count function may only give its value)."""
    if m is None or (not m.has_data and not m.count):
        return 0
    if m.count is not None:
        return int(m.count)
    return int(m.value or 0)


class StageTotals:
    """The settled totals of every accumulated key of one rollout's stage, for one evaluation."""

    def __init__(self, cfg: RolloutConfig, totals: dict[str, Any], stage_start: float, now: float,
                 measure: MeasureOnce, replica: str = "") -> None:
        self.replica = replica  # whose metrics window measures (see _keep_forgotten)
        self.cfg = cfg
        self.totals: dict[str, dict[str, Any]] = {k: dict(v) for k, v in totals.items()}
        self.stage_start = stage_start
        self.now = now
        self._measure = measure

    async def settle(self, key: str, spec: MetricSpec) -> tuple[dict[str, Any], Measurement | None, str | None]:
        """The stage's settled totals and the provisional measurement of the unsettled tail.

        Records are counted by event time, in the stage they belong to. Everything older than
        `max_lateness` before now is *settled* into totals kept in the rollout state (so a stage
        can hold for days, across restarts); the last `max_lateness` seconds are re-measured at
        every evaluation, so a record that arrives late (but within the bound) still counts.
        Settled = (since the settled boundary) minus (the last max_lateness): both measured now.
        A record later than the bound is counted by the metrics stream
        (sidecar_metric_records_dropped_total{reason="late"}).
        """
        tot = self.totals.get(key) or {"count": 0, "successes": 0, "newest": None,
                                       "until": self.stage_start + self.span(key)}
        until = float(tot["until"])
        if self.now <= until:
            return await self._settling(key, spec, tot)
        lateness = self.cfg.max_lateness
        # After a long outage only what the metrics backend still holds can be counted.
        span = min(self.now - until, self.cfg.max_window)
        if span <= 0:
            self.totals[key] = tot
            return tot, None, None
        whole, error = await self._measure(spec, span)
        if error is not None or whole is None:
            self.totals[key] = tot
            return tot, None, error
        if whole.newest is not None and (tot.get("newest") is None or whole.newest > float(tot["newest"])):
            tot["newest"] = whole.newest
        if span == self.now - until:
            await self._keep_forgotten(tot, spec, whole)
        settle_to = self.now - lateness
        if settle_to <= until or lateness >= span:
            self.totals[key] = self._remember(tot, whole)
            return tot, whole, None
        tail, error = await self._measure(spec, lateness) if lateness > 0 else (Measurement(None, 0, 0), None)
        if error is not None or tail is None:
            self.totals[key] = self._remember(tot, whole)
            return tot, whole, None  # settle next time; the whole span is still right now
        n = max(0, sample_size(whole) - sample_size(tail))
        x = max(0, min(n, int(whole.successes or 0) - int(tail.successes or 0)))
        tot["count"] = int(tot["count"]) + n
        tot["successes"] = int(tot["successes"]) + x
        tot["until"] = settle_to
        if tot.get("carry") and settle_to >= float(tot.get("carry_by") or 0.0):
            # Every carried request is stamped before `carry_by`: now in the settled part for good.
            tot["count"] += int(tot.pop("carry"))
            tot["successes"] += int(tot.pop("carry_successes", 0))
            tot.pop("carry_by", None)
            tot.pop("carry_replica", None)
        self.totals[key] = self._remember(tot, tail)
        return tot, tail, None

    def span(self, key: str) -> float:
        """The settling span of one accumulated key: `settle` for the promotion direction (gates, samples),
        0 for a trigger (a rollback condition; its baseline too, so both read one span). The span keeps the
        previous stage's records from PROMOTING this one or holding it; a whole-stage trigger read after it
        would leave a canary failing from its stage's first second running for the whole span (round 18
        review: rolled back at 130 s with settle 120, 310 s with 300, 20-40 s without; tests/rollout/
        test_settle_triggers.py) - and the windowed triggers read records whatever the stage start anyway.
        With `on_fail: rollback` a stage gate is both: its pass promotes, its fail rolls back. The evaluator
        reads it twice (rollout/evaluate.py StageEvaluator._verdict), the rollback side under a key ending in
        FROM_BOUNDARY (its baseline's too), span 0: before, such a gate on a canary failing from its first
        second rolled it back 130 s after the start with settle 120, not 10 s (re-read r18)."""
        return 0.0 if key.startswith("trigger:") or FROM_BOUNDARY in key else self.cfg.settle

    def settling(self, key: str) -> bool:
        """Whether `key`'s totals are still within its settling span (nothing counted yet)."""
        return self.span(key) > 0 and self.now <= self.stage_start + self.span(key)

    async def look(self, key: str, spec: MetricSpec) -> tuple[Measurement | None, str | None]:
        """The stream's freshness for a gate that reads the whole stage but accumulates nothing (not a
        proportion: a p95, a mean) while `key` is settling: the same incremental rule as `_settling` (one
        helper: only what can be new since the previous look is measured), its state kept under LOOK + key -
        not under `key`, which would persist as a total nothing accumulates after the span (and be measured
        again when the stage closes). Before round 20 the evaluator re-read the whole span at every
        evaluation for such gates (rollout/evaluate.py, round 19: c5d01b1a's rule lived here only)."""
        k = LOOK + key
        _, seen, error = await self._settling(k, spec, self.totals.get(k) or {"newest": None})
        return seen, error

    async def _settling(self, key: str, spec: MetricSpec,
                        tot: dict[str, Any]) -> tuple[dict[str, Any], Measurement | None, str | None]:
        """Within the stage's settling span nothing is counted; the stream's freshness is still read (a
        gate is not stale because its stage has not begun counting).

        Only what can be new since the previous look is measured, not the span again at every evaluation
        (a span of settle = 3600 s re-read an hour of records per gate every interval): the newest sample
        kept in `tot`, plus the window (looked - max_lateness, now] - a record arriving now within the
        lateness bound was made after looked - max_lateness, so no newer sample lies before it."""
        self.totals[key] = tot
        window = max(self.now - self.stage_start, 0.0)
        if tot.get("looked") is not None:
            window = min(window, self.now - float(tot["looked"]) + self.cfg.max_lateness)
        seen, error = await self._measure(spec, window)
        if error is not None or seen is None:
            return tot, None, error
        tot["looked"] = self.now
        if seen.newest is not None and (tot.get("newest") is None or seen.newest > float(tot["newest"])):
            tot["newest"] = seen.newest
        newest = float(tot["newest"]) if tot.get("newest") is not None else None
        return tot, Measurement(None, 0, 0, newest=newest, arrived=seen.arrived, held=seen.held), None

    def _remember(self, tot: dict[str, Any], provisional: Measurement) -> dict[str, Any]:
        """`tot` remembering what the unsettled span (until, now] held at this evaluation."""
        carry_n, carry_x = counted(tot)[0] - int(tot["count"]), counted(tot)[1] - int(tot["successes"])
        tot["seen"] = {"from": float(tot["until"]), "to": self.now, "count": sample_size(provisional) + carry_n,
                       "successes": (int(provisional.successes or 0) if provisional.count else 0) + carry_x}
        return tot

    async def _keep_forgotten(self, tot: dict[str, Any], spec: MetricSpec, whole: Measurement) -> None:
        """Keep counting the requests the previous evaluation counted in the unsettled span but the
        metrics backend no longer holds (a restart rebuilt its window from a rotated-away or
        `start_at: end` file, or a flood evicted them). A request that arrives late only adds to a
        span; one that vanished was counted once and stays counted: the unsettled part of a stage
        is never lost.

        They are CARRIED, not settled: added to the stage's count while this replica's window lacks
        them, and settled only once the settled boundary passes every one of them (`carry_by`, the
        end of the span they were seen in). Settling them at once counted them twice when another
        replica, whose window still held them, evaluated next (fresh seed 9914: a replica revived
        after a copytruncate lacked 17 uploads its peer still held: 111 counted of 95). Each
        evaluation of ANOTHER replica re-derives the carry from what its window holds, so a window
        that holds them counts them once, in its tail; the replica that found them gone only ever
        adds to it (as before: late arrivals into the span must not cancel requests it lost).
        """
        seen = tot.get("seen")
        if spec.source != "jsonl":
            return  # exact per-request counts only: a scraped increase() is extrapolated, not additive
        if not seen or float(seen["from"]) != float(tot["until"]) or float(seen["to"]) >= self.now:
            return
        after, error = await self._measure(spec, self.now - float(seen["to"]))
        if error is not None or after is None:
            return
        still = sample_size(whole) - sample_size(after)
        gone = int(seen["count"]) - still
        before = int(tot.get("carry") or 0)
        before_x = int(tot.get("carry_successes") or 0)
        same = tot.get("carry_replica") == self.replica
        if same:
            gone = max(gone, before)
        if gone <= 0:
            for k in ("carry", "carry_successes", "carry_by", "carry_replica"):
                tot.pop(k, None)
            return
        hits = int(whole.successes or 0) - int(after.successes or 0) if whole.count else 0
        tot["carry"] = gone
        tot["carry_replica"] = self.replica
        # The same replica's carry only grows, successes too: re-derived from two windows that differ
        # by late appends, they drift (fresh seed 10133: 49 carried with 38, then 19, then 0 successes
        # on one replica: the success gate failed a healthy stage).
        x = max(0, min(gone, int(seen["successes"]) - hits))
        tot["carry_successes"] = min(gone, max(x, before_x)) if same else x
        if gone > before or tot.get("carry_by") is None:
            tot["carry_by"] = float(seen["to"])
        if gone > before:
            log.info("requests counted before are gone from the metrics window; keeping their count",
                     extra={"rollout": self.cfg.name, "metric": describe(spec), "requests": gone})
