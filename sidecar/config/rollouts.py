"""The `rollouts:` section and rules/rollouts.yaml: stages, their gates, triggers and hooks (checked at load:
stage percents increase, names are unique, a changepoint gate watches a bad-outcome rate)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from ..metrics.model import MetricSpec
from ..outbound import url_problem
from .base import Percent, Strict, signing_secret


class GateConfig(Strict):
    name: str
    metric: MetricSpec
    op: Literal["<", "<=", ">", ">="]  # the condition that must hold to PASS (gate) / that FIRES (trigger)
    threshold: float  # proportions (success_rate, error_rate) are fractions: 0.995, not 99.5
    relative_to: MetricSpec | None = None  # compare against threshold * baseline (see `baseline`)
    baseline: Literal["concurrent", "rollout_start"] = "concurrent"  # same window now, or snapshot at start
    window: float | None = Field(default=None, gt=0)  # seconds; None = the whole stage so far
    scan_windows: list[Annotated[float, Field(gt=0)]] = Field(default_factory=list)  # also checked (alpha split)
    min_samples: int = Field(default=0, ge=0)
    failure_limit: int | None = Field(default=None, ge=0)  # trips when total failures in the stage exceed it
    consecutive_failure_limit: int = Field(default=1, ge=1)  # trips after this many failures in a row
    # What a stage gate's trip does: `rollback` (Argo's failed analysis), or `hold` (no promotion, an
    # alert, the progress deadline decides). `hold` suits a promotion criterion that a canary as good as
    # its baseline can miss (an absolute success floor); rollbacks are then the triggers' job.
    on_fail: Literal["rollback", "hold"] = "rollback"
    no_data: Literal["inconclusive", "pass", "fail"] = "inconclusive"
    dry_run: bool = False  # evaluated and reported, never acted on
    confidence: float = Field(default=0.95, gt=0.5, lt=1)  # one-sided, for proportions
    pass_confidence: float = Field(default=0.5, ge=0.5, lt=1)  # proportions also pass while still plausible here
    # proportions; sequential: whole-stage gates; changepoint: rollback triggers (rollout/changepoint.py)
    method: Literal["exact", "wilson", "sequential", "changepoint"] = "exact"
    floor: float = Field(default=0.0, ge=0, lt=1)  # changepoint: the null rate is at least this
    grace_looks: int = Field(default=0, ge=0)  # changepoint: past this many looks A grows with them (0: fixed)
    # changepoint: also checked every this many seconds between evaluations, without ending the look
    # (same false-alarm bound; acts within seconds of the evidence instead of at the next interval)
    check_every: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _changepoint_shape(self) -> GateConfig:
        if self.method != "changepoint":
            if self.check_every is not None:
                raise ValueError("check_every is for method changepoint triggers")
            return self
        fn, op = self.metric.function, self.op
        if fn == "error_rate" and op in (">", ">="):
            return self
        if fn == "success_rate" and op in ("<", "<=") and self.relative_to is None:
            return self
        raise ValueError("method changepoint detects a rise in a bad-outcome rate: error_rate with > or >= "
                         "(absolute or relative_to a baseline error_rate), or success_rate with < or <= (absolute)")


class StageConfig(Strict):
    percent: Percent
    hold: float = Field(default=300.0, ge=0)  # minimum seconds in the stage
    min_samples: int = Field(default=0, ge=0)
    gates: list[GateConfig] = Field(default_factory=list)
    approval: bool = False  # wait for a manual approval before promoting past this stage


class HookConfig(Strict):
    kind: Literal["rollback", "promote", "stage-change"]
    name: str | None = None  # stable id for durable hook calls (default: "<kind>-<index>")
    url: str | None = None
    command: list[str] | None = Field(default=None, min_length=1)
    secret: SecretStr | None = None  # Standard Webhooks key (or `secret_env: VAR`, or `${VAR}`)
    _secret = field_validator("secret")(signing_secret)
    timeout: float = Field(default=10.0, gt=0)
    retries: int = Field(default=5, ge=0)
    backoff: float = Field(default=2.0, gt=0)  # seconds before the first retry, doubling each time
    backoff_max: float = Field(default=300.0, gt=0)

    @model_validator(mode="after")
    def _one_target(self) -> HookConfig:
        if (self.url is None) == (self.command is None):
            raise ValueError("a hook needs exactly one of url or command")
        if self.url is not None and (problem := url_problem(self.url)):
            raise ValueError(f"url: {problem}")
        return self


class RolloutConfig(Strict):
    name: str
    flag: str
    enable_flag: str | None = None  # boolean kill switch the hooks also set (e.g. ASYNC_UPLOAD_ENABLED)
    stages: list[StageConfig] = Field(min_length=1)
    triggers: list[GateConfig] = Field(default_factory=list)
    hooks: list[HookConfig] = Field(default_factory=list)
    samples: MetricSpec | None = None  # canary requests counted for stage min_samples (default: gates' n)
    interval: float = Field(default=10.0, gt=0)  # evaluation interval
    max_window: float = Field(default=1800.0, gt=0)  # cap for "whole stage" windows of non-proportions
    auto_promote: bool = True
    # No promotion unless every gate's newest sample is at most this old (default: 2 intervals).
    max_staleness: float | None = Field(default=None, gt=0)
    # Late records (event time before the last evaluation) still count in their stage up to this
    # bound; keep it equal to the metrics stream's max_lateness.
    max_lateness: float = Field(default=120.0, ge=0)
    # A stage's first `settle` seconds are not counted toward its totals (samples, whole-stage gates): a
    # record placed there may be the previous stage's (a writer whose clock is off and that appends late; a
    # gateway process on the old percentage until it restarts). Argo Rollouts' analysis `initialDelay`. See
    # rollout/stagetotals.py "The settling span after a boundary". 0 here (a config built in code counts
    # from the boundary, as before round 18); the shipped rules set it to their max_lateness.
    # 0 < settle < max_lateness is refused (_consistent): not a default of max_lateness, which would
    # change the counts of every config built without it (tests and benches that count exact samples).
    settle: float = Field(default=0.0, ge=0)
    # Argo's progressDeadlineSeconds: a stage still not promoted this many seconds after its hold
    # ended (gates inconclusive, samples short, data stale) is paused (or rolled back) and alerted.
    progress_deadline: float | None = Field(default=None, gt=0)
    on_progress_deadline: Literal["pause", "rollback"] = "pause"

    @property
    def staleness_limit(self) -> float:
        return self.max_staleness if self.max_staleness is not None else 2 * self.interval

    @model_validator(mode="after")
    def _consistent(self) -> RolloutConfig:
        percents = [s.percent for s in self.stages]
        if any(b <= a for a, b in zip(percents, percents[1:], strict=False)):
            raise ValueError(f"stage percents must increase: {percents}")
        for stage in self.stages:
            names = [g.name for g in self.triggers] + [g.name for g in stage.gates]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"gate and trigger names must be unique within a stage: {dupes}")
        held = [t.name for t in self.triggers if t.on_fail == "hold"]
        if held:
            raise ValueError(f"a trigger rolls back when it fires; `on_fail: hold` is for stage gates: {held}")
        if 0 < self.settle < self.max_lateness:
            # The span must cover the lateness bound: a record placed up to max_lateness s after it was
            # made (rollout/stagetotals.py) is the previous stage's for that long. A shorter span still
            # counts some of them and reads as if it did not; 0 says plainly "count from the boundary".
            raise ValueError(f"settle {self.settle:g} is shorter than max_lateness {self.max_lateness:g}: "
                             "set it to at least max_lateness, or 0 to count from each stage's start")
        hook_names = [h.name or f"{h.kind}-{i}" for i, h in enumerate(self.hooks)]
        if len(set(hook_names)) != len(hook_names):
            raise ValueError("hook names must be unique")
        return self


class RolloutsFile(Strict):
    rollouts: list[RolloutConfig] = Field(default_factory=list)
