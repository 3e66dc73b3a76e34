"""A stage's request totals, counted by event time across evaluations and restarts.

Records are counted in the stage they belong to. Everything older than `max_lateness` before now
is *settled* into totals kept in the rollout state (a stage can hold for days, across restarts);
the last `max_lateness` seconds are re-measured at every evaluation, so a record that arrives late
(but within the bound) still counts. What the unsettled span held at the last evaluation is
remembered too (`seen`): requests the metrics window no longer holds after a restart (rotated-away
file, `start_at: end`) or an eviction stay counted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ..config import RolloutConfig
from ..metrics.model import Measurement, MetricSpec
from .gates import describe

log = logging.getLogger(__name__)

MeasureOnce = Callable[[MetricSpec, float], Awaitable[tuple[Measurement | None, str | None]]]


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
                 measure: MeasureOnce) -> None:
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
        tot = self.totals.get(key) or {"count": 0, "successes": 0, "until": self.stage_start, "newest": None}
        until = float(tot["until"])
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
        self.totals[key] = self._remember(tot, tail)
        return tot, tail, None

    def _remember(self, tot: dict[str, Any], provisional: Measurement) -> dict[str, Any]:
        """`tot` remembering what the unsettled span (until, now] held at this evaluation."""
        tot["seen"] = {"from": float(tot["until"]), "to": self.now, "count": sample_size(provisional),
                       "successes": int(provisional.successes or 0) if provisional.count else 0}
        return tot

    async def _keep_forgotten(self, tot: dict[str, Any], spec: MetricSpec, whole: Measurement) -> None:
        """Settle the requests the previous evaluation counted in the unsettled span but the metrics
        backend no longer holds (a restart rebuilt its window from a rotated-away or `start_at: end`
        file, or a flood evicted them). A request that arrives late only adds to a span; one that
        vanished was counted once and stays counted: the unsettled part of a stage is never lost.
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
        if gone <= 0:
            return
        hits = int(whole.successes or 0) - int(after.successes or 0) if whole.count else 0
        tot["count"] = int(tot["count"]) + gone
        tot["successes"] = int(tot["successes"]) + max(0, min(gone, int(seen["successes"]) - hits))
        log.info("requests counted before are gone from the metrics window; keeping their count",
                 extra={"rollout": self.cfg.name, "metric": describe(spec), "requests": gone})
