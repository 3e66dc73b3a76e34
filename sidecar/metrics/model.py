"""What the metrics stage hands to the rollout gates: a `Measurement` of a `MetricSpec` over a window.

A measurement that cannot be made (no data, stale target, NaN, missing +Inf bucket) has
`value=None` and a reason; it is never reported as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from ..configfile import StrictModel


class MetricSpec(StrictModel):
    """Which number to measure. Declared in rules/rollouts.yaml for each gate and trigger.

    - source `jsonl`: per-request records from a JSONL stream (e.g. the gateway's rollout
      metrics.jsonl), filtered by `where` (e.g. {"execution_type": "async"}).
    - source `scrape`: series scraped from a gateway /metrics endpoint, selected by `metric` and `where`.
    - source `promql`: `query` evaluated through a Prometheus-compatible HTTP API.
    - source `sdk`: error events the gateway's SDKs sent to the collect endpoints (Sentry, OTLP),
      `count` or `rate` (per second), filtered by `where` on release, environment, project, ...
      (sidecar/metrics/sdkerrors.py).
    """

    source: Literal["jsonl", "scrape", "promql", "health", "sdk"] = "jsonl"
    function: Literal[
        "success_rate", "error_rate", "quantile", "rate", "increase", "ratio",
        "gauge_last", "gauge_avg", "gauge_max", "count", "value",
    ]
    stream: str | None = None          # jsonl / health stream name
    metric: str | None = None          # scraped metric family (numerator for ratio)
    denominator: str | None = None     # scraped metric family for ratio
    where: dict[str, str] = Field(default_factory=dict)
    denominator_where: dict[str, str] | None = None
    # jsonl success_rate/error_rate/count: records matching this are trials too, and failures
    # whatever their success flag. The gateway records an async upload whose async attempt failed
    # and whose sync fallback worked as {"execution_type": "sync_fallback", "success": true}:
    # `where: {execution_type: async}` + `failure_when: {execution_type: sync_fallback}` counts it.
    failure_when: dict[str, str] | None = None
    field: str | None = None           # jsonl field for quantile/gauge (e.g. duration_ms)
    quantile: float | None = Field(default=None, gt=0, lt=1)
    query: str | None = None           # PromQL
    count_query: str | None = None     # PromQL giving the sample size, optional


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured value. For proportions `count` is the number of trials and `successes` the
    number of positive outcomes (successful requests for success_rate, errors for error_rate), so
    the gates can put a confidence interval around the ratio."""

    value: float | None
    count: int | None = None
    successes: int | None = None
    reason: str = ""
    # Time of the newest sample the value was computed from (epoch s); None when unknown (PromQL)
    # or when there was no sample. Rollout gates refuse to promote on data older than
    # `max_staleness`, so a source that stopped cannot pass on what it said before it stopped.
    newest: float | None = None
    # When (our clock) the newest record matching the spec ARRIVED, read live; None when unknown
    # (scraped and PromQL sources, a stream that only replayed history since the start). A writer
    # that delivers in batches, each record stamped when it was made, leaves `newest` behind now
    # between batches while it is alive: the gates read that as `late`, not `stale`
    # (rollout/evaluate.StageEvaluator._freshness).
    arrived: float | None = None
    # When (our clock) the oldest record the stream holds for its writer's clock arrived (metrics/held.py);
    # None: none held. A slow writer's newest placed sample may then be ~3 of its gaps old while its source
    # delivers (`late`, rollout/evaluate.StageEvaluator._freshness).
    held: float | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None
