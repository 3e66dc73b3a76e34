"""The API's documented shapes as pydantic models: what `/api/openapi.json` publishes and what the
tests validate real answers against.

Models list the fields a client may rely on; answers may carry more (a group carries every column
of its row, for instance), so every model allows extra fields. Handlers still build their JSON from
the store's rows: the models describe the contract, they do not re-shape answers.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(Model):
    """Every refusal under /api/ (web/errors.py)."""

    error: str


class TailedFile(Model):
    """One file the tailer holds open. Caught up when `offset` equals the file's size on disk."""

    path: str | None = Field(description="its name now; null once rotated away or deleted (still drained)")
    offset: int = Field(description="bytes the store accepted (the checkpoint): nothing before it is re-sent")
    read_offset: int = Field(description="bytes read and parsed")
    size: int = Field(description="the size the tailer last saw")
    lag_bytes: int
    undelivered: int = Field(description="reads handed to the store and not yet accepted")


class IngestSource(Model):
    name: str
    files: list[TailedFile]


class IngestStatus(Model):
    """The tailer's own progress: per source the files it reads and how far the store has them."""

    sources: list[IngestSource]


class Status(Model):
    ready: bool
    problems: list[str]
    degraded: dict[str, list[str]]
    stages: list[str]
    version: str
    ingest: IngestStatus | None = Field(default=None, description="null when the ingest stage is not running")


# --- groups ---------------------------------------------------------------------------------------


class Group(Model):
    fingerprint: str
    error_hash: str
    title: str | None
    template: str | None
    status: str
    level: str | None
    logger: str | None
    error_type: str | None
    occurrence_count: int
    effective_severity: str
    created_at: str | None = Field(description="first seen (event time, ISO 8601 UTC)")
    last_occurrence_at: str | None = Field(description="last seen (event time, ISO 8601 UTC)")


class GroupList(Model):
    items: list[Group]
    total: int
    page: int
    limit: int
    next_cursor: str | None
    prev_cursor: str | None


class Counts(Model):
    minutes: int
    start: str
    series: list[Any]


class LoggerCount(Model):
    logger: str | None
    count: int


class DiagnosisSummary(Model):
    result: Any
    fix_recommendation: Any
    source: str | None
    model: str | None
    category: str | None
    severity: str | None
    duration_ms: int | None
    diagnosed_at: str | None


class GroupDetail(Group):
    samples: list[dict[str, Any]]
    counts: Counts
    loggers: list[LoggerCount]
    releases: list[dict[str, Any]]
    diagnosis: DiagnosisSummary | None
    answers: dict[str, Any] | None


class NotesBody(Model):
    notes: str | None = None


# --- diagnoses ------------------------------------------------------------------------------------


class DiagnoseAnswer(Model):
    status: Literal["done", "started", "in_progress"]
    fingerprint: str
    diagnosis: dict[str, Any] | None = None


class DiagnosisHistory(Model):
    fingerprint: str
    claim: dict[str, Any] | None
    answers: dict[str, Any] | None
    diagnoses: list[dict[str, Any]]


class DiagnosisStatus(Model):
    rules: dict[str, Any]
    llm: dict[str, Any]
    queued: int
    in_flight: int
    candidates: int
    claims: dict[str, int]
    problems: list[str]


# --- rollouts -------------------------------------------------------------------------------------


class RolloutSummary(Model):
    name: str
    flag: str
    enable_flag: str | None
    state: str
    decision: Literal["promote", "hold", "rollback"] | None
    decision_reason: str | None
    stale: list[str]
    late: list[str]
    stage: int
    stages: int
    percent: float
    stage_percent: float
    started_at: str | None
    stage_started_at: str | None
    elapsed: float
    samples: int | float
    min_samples: int
    # `samples` counts from here (stage_started_at + settle: the stage's first `settle` s are not counted
    # toward promotion, rollout/stagetotals.py); added in round 18, so optional for older readers' fixtures.
    counted_from: str | None = None
    settle: float = 0.0
    approval_required: bool
    last_evaluated_at: str | None
    failing: list[str]
    version: int


class RolloutList(Model):
    rollouts: list[RolloutSummary]


class RolloutDetail(RolloutSummary):
    plan: list[dict[str, Any]]
    gates: list[dict[str, Any]]
    triggers: list[dict[str, Any]]
    dry_run_trips: list[Any]
    held_trips: list[Any] = []
    baselines: dict[str, Any]
    history: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    hook_calls: list[dict[str, Any]]
    problems: list[str]
    # Decided stages with their late records counted (final figures), and those still closing (their
    # records may arrive for max_lateness after the boundary): rollout/closing.py. Added in round 19.
    finished_stages: list[dict[str, Any]] = []
    closing_stages: list[dict[str, Any]] = []


class RolloutActionBody(Model):
    reason: str | None = None
    actor: str | None = None


# --- alerts ---------------------------------------------------------------------------------------


class Deliveries(Model):
    items: list[dict[str, Any]]
    counts: dict[str, int]


class Silence(Model):
    id: str
    matchers: Any
    starts_at: str
    ends_at: str
    comment: str | None = None
    created_by: str | None = None


class ListedSilence(Silence):
    active: bool


class Silences(Model):
    items: list[ListedSilence]


class SilenceRequest(Model):
    matchers: list[str | dict[str, Any]] = Field(min_length=1, description='"name=value", "name=~regex" or '
                                                 '{"name", "value", "isRegex"}')
    duration: float | str | None = Field(default=None, description="seconds, or like '30m', '2h', '1d'")
    ends_at: float | str | None = Field(default=None, description="ISO 8601 or epoch seconds (instead of duration)")
    starts_at: float | str | None = None
    comment: str | None = None
    created_by: str | None = None


class SilenceCreated(Model):
    silence: Silence


class SilenceExpired(Model):
    expired: str


# --- collection (Sentry's and OTLP's own answers) ------------------------------------------------


class SentryAnswer(Model):
    id: str | None = None


class SentryRefusal(Model):
    detail: str
