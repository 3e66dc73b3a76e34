"""A stage's request totals, counted by event time across evaluations and restarts.

Records are counted in the stage they belong to. Everything older than `max_lateness` before now
is *settled* into totals kept in the rollout state (a stage can hold for days, across restarts);
the last `max_lateness` seconds are re-measured at every evaluation, so a record that arrives late
(but within the bound) still counts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..config import RolloutConfig
from ..metrics.model import Measurement, MetricSpec

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
        settle_to = self.now - lateness
        if settle_to <= until or lateness >= span:
            self.totals[key] = tot
            return tot, whole, None
        tail, error = await self._measure(spec, lateness) if lateness > 0 else (Measurement(None, 0, 0), None)
        if error is not None or tail is None:
            self.totals[key] = tot
            return tot, whole, None  # settle next time; the whole span is still right now
        n = max(0, sample_size(whole) - sample_size(tail))
        x = max(0, min(n, int(whole.successes or 0) - int(tail.successes or 0)))
        tot["count"] = int(tot["count"]) + n
        tot["successes"] = int(tot["successes"]) + x
        tot["until"] = settle_to
        self.totals[key] = tot
        return tot, tail, None
