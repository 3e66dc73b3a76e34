"""One pydantic model tree for the whole sidecar: YAML file + `SIDECAR_*` environment overrides.

Every model forbids unknown keys: a typo in a config file must fail at start with its field path,
never pass silently and leave a feature off. Rules files (rules/*.yaml) are validated with the same
machinery by `load_rules`.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .configfile import (
    ConfigError,
    StrictModel,
    _deep_merge,
    env_overrides,
    env_variable,
    format_location,
    problem_of,
    read_config_yaml,
    read_yaml,
    validation_problems,
)
from .metrics.model import MetricSpec
from .outbound import url_problem
from .secrets import take_secret_envs
from .signing import check_secret

# The reading helpers live in configfile.py and are re-exported here, so stages import models
# and helpers from one place; every model class below is public too.
__all__ = [
    "Config", "ConfigError", "env_overrides", "format_location", "load_config", "read_config_yaml",
    "read_yaml", "validation_problems",
]

DEFAULT_CONFIG_FILE = "sidecar.yaml"


def between(lo: float, hi: float) -> AfterValidator:
    """A range check whose message names both bounds (pydantic's ge/le name only the one broken)."""

    def check(v: float) -> float:
        if not lo <= v <= hi:
            raise ValueError(f"must be between {lo:g} and {hi:g}")
        return v

    return AfterValidator(check)


Percent = Annotated[float, between(0, 100)]


def signing_secret(v: SecretStr | None) -> SecretStr | None:
    """A webhook signing secret (sidecar/signing.py): `whsec_<base64>` or any other string; empty = unsigned."""
    if v is not None and v.get_secret_value():
        check_secret(v.get_secret_value())
    return v
Port = Annotated[int, between(1, 65535)]


@cache
def _secret_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, f in model.model_fields.items()
            if f.annotation is SecretStr or SecretStr in get_args(f.annotation)]


class Strict(StrictModel):
    """Every config model: unknown keys are errors, and each secret field also takes `<name>_env`."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _secret_from_env(cls, data: Any, info: ValidationInfo) -> Any:
        fields = _secret_fields(cls)
        if not fields:
            return data
        context = info.context if isinstance(info.context, dict) else {}
        return take_secret_envs(data, fields, context.get("environ", os.environ))


# --- server -------------------------------------------------------------------------------------


class ServerConfig(Strict):
    host: str = "0.0.0.0"
    port: Port = 8081
    api_token: SecretStr | None = None  # required for every state-changing API call
    # Reading (dashboard, /api) needs the token or a login too; `open` serves reads to anyone who can
    # reach the port. /healthz, /readyz and /metrics are always open.
    read_access: Literal["token", "open"] = "token"
    # Hosts that hook and receiver URLs may point at (exact names, or `.example.com` for subdomains);
    # empty allows any host. Schemes are always http(s) only.
    outbound_hosts: list[str] = Field(default_factory=list)
    public_url: str | None = None  # base URL used in links sent to chat (default http://host:port)
    shutdown_timeout: float = Field(default=4.0, gt=0, le=30)


# --- sources (ingest) ---------------------------------------------------------------------------


class SourceConfig(Strict):
    name: str | None = None  # default: the glob
    paths: list[str] = Field(min_length=1)  # globs
    format: Literal["auto", "text", "json", "docker", "jsonl_metrics"] = "auto"
    pattern: str | None = None  # text format: regex with named groups time, level, logger, message
    start_at: Literal["beginning", "end"] = "end"
    max_line_bytes: int = Field(default=256 * 1024, ge=1024)
    max_record_lines: int = Field(default=500, ge=1)
    max_record_bytes: int = Field(default=1024 * 1024, ge=1024)
    multiline_timeout: float = Field(default=1.0, gt=0)
    encoding: str = "utf-8"  # a BOM in the file overrides it (UTF-8, UTF-16 LE/BE)
    timezone: str | None = None  # of timestamps printed without a zone; default $TZ, then UTC
    exclude: list[str] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _timezone_known(cls, v: str | None) -> str | None:
        from .ingest.eventtime import check_zone_name

        return None if v is None else check_zone_name(v)

    @field_validator("encoding")
    @classmethod
    def _encoding_known(cls, v: str) -> str:
        import codecs

        try:
            codecs.lookup(v)
        except LookupError:
            raise ValueError(f"unknown encoding {v!r} (a Python codec name: utf-8, utf-16-le, cp1252, ...)") from None
        return v

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, v: str | None) -> str | None:
        if v is None:
            return v
        import re

        try:
            compiled = re.compile(v)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        missing = {"level", "message"} - set(compiled.groupindex)
        if missing:
            raise ValueError(f"pattern must have named groups level and message (missing {sorted(missing)})")
        return v


class IngestConfig(Strict):
    checkpoint_dir: str = "./data/checkpoints"
    checkpoint_interval: float = Field(default=1.0, gt=0, le=60)
    rescan_interval: float = Field(default=0.5, gt=0, le=1.0)
    # Events per batch handed to the store (ingest/delivery.py coalesces waiting reads up to it). Each
    # batch costs per group it touches (samples redacted and written, upserts, announcements), so a
    # storm of few groups costs ~25% less CPU per event at 4000 than at 1000 (bench/RESULTS.md, #16
    # round 4). Memory barely grows with it: the events are already held by the queued reads. The cost:
    # the errors stage handles a batch in one stretch of the event loop, so the longest stall during a
    # storm grows (at load 12: 91-191 ms at 1000, 142-519 ms at 4000, 102-220 ms at 2000).
    queue_size: int = Field(default=4000, ge=1)


# --- store --------------------------------------------------------------------------------------


class StoreConfig(Strict):
    backend: Literal["sqlite", "postgres", "supabase"] = "sqlite"
    path: str = "./data/sidecar.db"  # sqlite
    dsn: SecretStr | None = None  # postgres (also Supabase's direct or pooled connection string)
    pool_size: int = Field(default=5, ge=1, le=100)
    supabase_url: str | None = None
    supabase_key: SecretStr | None = None  # service-role key
    spool_dir: str | None = None  # outage spool; default: "spool" next to `path` (./data/spool)
    spool_max_bytes: int = Field(default=256 * 1024 * 1024, ge=1024)
    connect_timeout: float = Field(default=10.0, gt=0, le=300)  # postgres/supabase: wait for a connection
    spool_retry_max: float = Field(default=30.0, gt=0)  # seconds between store probes while spooling (max)
    # Samples are stored redacted (sidecar.redaction); true keeps the text exactly as logged, secrets
    # included, for operators who need it and accept that the database then holds credentials.
    keep_raw: bool = False

    @model_validator(mode="after")
    def _backend_settings(self) -> StoreConfig:
        if self.backend == "postgres" and self.dsn is None:
            raise ValueError("backend 'postgres' needs dsn (a libpq connection string or postgresql:// URL)")
        if self.backend == "supabase":
            if not self.supabase_url or self.supabase_key is None:
                raise ValueError("backend 'supabase' needs supabase_url and supabase_key (the service-role key)")
            if not self.supabase_url.startswith(("https://", "http://")):
                raise ValueError(f"supabase_url must be an http(s) URL, got {self.supabase_url!r}")
        return self


# --- errors (grouping) --------------------------------------------------------------------------


class GroupingConfig(Strict):
    in_app_include: list[str] = Field(default_factory=lambda: ["src/", "tools/", "utils/", "scripts/"])
    in_app_exclude: list[str] = Field(
        default_factory=lambda: ["site-packages/", "dist-packages/", "/lib/python", "<frozen "]
    )
    cache_size: int = Field(default=10_000, ge=10)
    samples_per_group: int = Field(default=5, ge=1, le=100)
    updated_interval: float = Field(default=10.0, ge=0)  # rate limit for group.updated events
    # New groups a logger may open per minute; beyond it its events count in one overflow group
    # (errors/floodcap.py). 0 disables the cap.
    new_groups_per_logger_per_minute: int = Field(default=100, ge=0)


# --- diagnosis ----------------------------------------------------------------------------------


class DiagnosisConfig(Strict):
    rules_file: str = "rules/diagnoses.yaml"
    kimi_enabled: bool = True  # used only when an API key is present
    api_key: SecretStr | None = None  # default: MOONSHOT_API_KEY
    base_url: str = "https://api.moonshot.ai/v1"
    model: str = "kimi-k2-turbo-preview"
    timeout: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=5)
    group_deadline: float = Field(default=120.0, gt=0)  # all LLM work for one group (retries, repair) ends by then
    timeouts_to_open: int = Field(default=2, ge=1)  # consecutive LLM timeouts that open the circuit
    concurrency: int = Field(default=2, ge=1, le=32)
    calls_per_hour: int = Field(default=60, ge=0)
    tokens_per_day: int = Field(default=2_000_000, ge=0)
    quota_cooldown: float = Field(default=3600.0, ge=0)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown: float = Field(default=300.0, ge=0)
    min_occurrences: dict[str, int] = Field(default_factory=lambda: {"CRITICAL": 1, "ERROR": 1, "WARNING": 5})
    occurrence_window: float = Field(default=600.0, gt=0)
    context_lines: int = Field(default=20, ge=0, le=500)
    max_tokens: int = Field(default=1200, ge=64, le=32_000)  # answer size cap per call
    temperature: float = Field(default=0.3, ge=0, le=2)
    max_retry_after: float = Field(default=60.0, ge=0)  # a longer Retry-After defers to the retry queue
    retry_interval: float = Field(default=30.0, gt=0)  # how often pending/failed diagnoses are retried
    max_attempts: int = Field(default=8, ge=1)  # LLM attempts per group before only a manual re-run retries
    queue_size: int = Field(default=1000, ge=1)

    @field_validator("min_occurrences")
    @classmethod
    def _levels(cls, v: dict[str, int]) -> dict[str, int]:
        known = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "FATAL")
        out = {}
        for level, n in v.items():
            if level.upper() not in known:
                raise ValueError(f"unknown level {level!r} (use one of {', '.join(known)})")
            if n < 1:
                raise ValueError(f"{level}: must be at least 1")
            out[level.upper()] = n
        return out

    def resolved_api_key(self) -> str | None:
        if self.api_key is not None and self.api_key.get_secret_value():
            return self.api_key.get_secret_value()
        return os.environ.get("MOONSHOT_API_KEY") or None


# --- metrics ------------------------------------------------------------------------------------


class ScrapeTarget(Strict):
    name: str
    url: str
    kind: Literal["prometheus", "health_json"] = "prometheus"
    families: list[str] = Field(default_factory=list)  # empty: keep all
    interval: float = Field(default=5.0, gt=0)
    timeout: float = Field(default=3.0, gt=0)
    max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)  # larger bodies: scrape skipped, counted
    stale_after: int = Field(default=3, ge=1)  # intervals without a successful scrape -> series stale


class JsonlStream(Strict):
    name: str
    paths: list[str] = Field(min_length=1)
    timestamp_field: str = "timestamp"
    start_at: Literal["beginning", "end"] = "end"
    poll_interval: float = Field(default=1.0, gt=0)
    max_records: int = Field(default=50_000, ge=10)  # per stream; oldest dropped first
    max_line_bytes: int = Field(default=1024 * 1024, ge=1024)
    skip_field: str | None = "event_type"  # records carrying it are not requests (rollout_stage, rollback)
    drop_fields: list[str] = Field(default_factory=lambda: ["request_id"])  # not kept in memory
    # Count a failure the gateway's wrapper writes twice once (sidecar/metrics/dedupe.py).
    dedupe_failures: bool = True
    # A record arriving more than this after its timestamp is counted in
    # sidecar_metric_records_dropped_total{reason="late"}: rollout stage totals settle at this bound.
    max_lateness: float = Field(default=120.0, gt=0)


class MetricsConfig(Strict):
    window: float = Field(default=1800.0, gt=0)
    targets: list[ScrapeTarget] = Field(default_factory=list)
    jsonl: list[JsonlStream] = Field(default_factory=list)
    prometheus_url: str | None = None  # PromQL backend (Prometheus, Thanos, Mimir)
    promql_timeout: float = Field(default=5.0, gt=0)
    max_series: int = Field(default=5000, ge=1)  # across all targets; a cardinality flood is cut here
    max_samples_per_series: int = Field(default=720, ge=2)  # 30 min at 2.5 s; 16 bytes a sample


# --- rollouts -----------------------------------------------------------------------------------


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

    @model_validator(mode="after")
    def _changepoint_shape(self) -> GateConfig:
        if self.method != "changepoint":
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
        hook_names = [h.name or f"{h.kind}-{i}" for i, h in enumerate(self.hooks)]
        if len(set(hook_names)) != len(hook_names):
            raise ValueError("hook names must be unique")
        return self


# --- alerts -------------------------------------------------------------------------------------


class ReceiverConfig(Strict):
    name: str
    kind: Literal["slack", "discord", "teams", "webhook", "alertmanager"]
    url: str  # `${ENV_VAR}` is expanded when the rules are loaded (webhook URLs are secrets)
    secret: SecretStr | None = None  # webhook: Standard Webhooks key (`${ENV_VAR}` expanded)
    _secret = field_validator("secret")(signing_secret)
    rate_limit_per_minute: int = Field(default=20, ge=1)
    timeout: float = Field(default=10.0, gt=0)
    send_resolved: bool = True
    headers: dict[str, str] = Field(default_factory=dict)  # extra HTTP headers (`${ENV_VAR}` expanded)


class RouteConfig(Strict):
    name: str | None = None  # default: "route-<index>"
    receivers: list[str] = Field(min_length=1)
    match: dict[str, str | list[str]] = Field(default_factory=dict)  # label == value (or any of a list)
    match_re: dict[str, str] = Field(default_factory=dict)  # label fully matches the regex
    group_by: list[str] = Field(default_factory=lambda: ["kind"])
    group_wait: float = Field(default=10.0, ge=0)
    group_interval: float = Field(default=60.0, ge=0)
    repeat_interval: float = Field(default=4 * 3600.0, ge=0)
    continue_: bool = Field(default=False, alias="continue")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AlertsConfig(Strict):
    rules_file: str | None = "rules/alerts.yaml"
    receivers: list[ReceiverConfig] = Field(default_factory=list)
    routes: list[RouteConfig] = Field(default_factory=list)
    max_attempts: int = Field(default=8, ge=1, le=100)  # per delivery, then "failed" (retried after restart)
    backoff_base: float = Field(default=2.0, gt=0)  # seconds; doubles per attempt, jittered
    backoff_max: float = Field(default=300.0, gt=0)
    retry_after_max: float = Field(default=3600.0, gt=0)  # cap on a receiver's Retry-After
    requeue_window: float = Field(default=86400.0, ge=0)  # failed-but-retryable deliveries this young restart
    resend_interval: float = Field(default=60.0, gt=0)  # Alertmanager: re-post firing alerts this often
    retention: float = Field(default=7 * 86400.0, gt=0)  # keep delivery records this long


# --- collect (SDK error endpoints) ---------------------------------------------------------------


class SentryProject(Strict):
    id: int = Field(ge=1)  # the DSN's project id: http://KEY@sidecar:8081/<id>
    name: str | None = None
    keys: list[SecretStr] = Field(min_length=1)  # DSN public keys accepted for this project
    events_per_second: float = Field(default=50.0, gt=0)  # per key; beyond it 429 + X-Sentry-Rate-Limits
    events_per_hour: int | None = Field(default=None, ge=1)  # per project quota


class SentryCollectConfig(Strict):
    projects: list[SentryProject] = Field(default_factory=list)


class OtlpCollectConfig(Strict):
    enabled: bool = False
    keys: list[SecretStr] = Field(default_factory=list)  # Bearer tokens accepted (default: server.api_token)
    events_per_second: float = Field(default=200.0, gt=0)


class CollectConfig(Strict):
    """Error collection endpoints: Sentry's ingestion protocol and OTLP/HTTP logs (sidecar/ingest/collect)."""

    sentry: SentryCollectConfig = Field(default_factory=SentryCollectConfig)
    otlp: OtlpCollectConfig = Field(default_factory=OtlpCollectConfig)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)  # compressed, as sent
    max_decompressed_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)  # a compression bomb stops here
    accept_timeout: float = Field(default=5.0, gt=0)  # store/spool saturated this long -> 429 Retry-After
    # The same error captured by the SDK and logged to a file counts once when both arrive within
    # this many seconds (0: off). See sidecar/ingest/collect/dedup.py.
    dedup_window: float = Field(default=0.0, ge=0)


# --- logging ------------------------------------------------------------------------------------


class LoggingConfig(Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["json", "kv"] = "kv"


class Config(Strict):
    """The root of the configuration tree."""

    server: ServerConfig = Field(default_factory=ServerConfig)
    sources: list[SourceConfig] = Field(default_factory=list)
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)
    grouping: GroupingConfig = Field(default_factory=GroupingConfig)
    diagnosis: DiagnosisConfig = Field(default_factory=DiagnosisConfig)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    rollouts_file: str | None = "rules/rollouts.yaml"
    rollouts: list[RolloutConfig] = Field(default_factory=list)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    collect: CollectConfig = Field(default_factory=CollectConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)

    @model_validator(mode="after")
    def _outbound_hosts(self) -> Config:
        problems = outbound_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def outbound_problems(config: Config) -> list[str]:
    """Hook and inline receiver URLs outside `server.outbound_hosts` (empty: any host)."""
    allowed = config.server.outbound_hosts
    if not allowed:
        return []
    out = []
    for r in config.rollouts:
        for i, hook in enumerate(r.hooks):
            if hook.url and (p := url_problem(hook.url, allowed)):
                out.append(f"rollouts[{r.name}].hooks[{i}].url: {p}")
    for rc in config.alerts.receivers:
        if p := url_problem(rc.url, allowed):
            out.append(f"alerts.receivers[{rc.name}].url: {p}")
    return out


# --- loading ------------------------------------------------------------------------------------


# Keys of the config file that name files: a relative value resolves against the directory of the
# file that says it, so `sidecar run --config /etc/sidecar/sidecar.yaml` finds `rules/x.yaml` beside
# it whatever the working directory. Defaults and environment values stay relative to the working
# directory (they were not written in a file).
PATH_KEYS: tuple[tuple[str, ...], ...] = (
    ("rollouts_file",), ("diagnosis", "rules_file"), ("alerts", "rules_file"), ("ingest", "checkpoint_dir"),
    ("store", "path"), ("store", "spool_dir"), ("sources", "*", "paths", "*"), ("sources", "*", "exclude", "*"),
    ("metrics", "jsonl", "*", "paths", "*"),
)


def resolve_paths(data: Any, base: Path, keys: tuple[tuple[str, ...], ...] = PATH_KEYS) -> Any:
    """Make the relative path values at `keys` ("*" = every list item) relative to `base`."""

    def walk(node: Any, key: tuple[str, ...]) -> Any:
        if not key:
            if isinstance(node, str) and node and not os.path.isabs(os.path.expanduser(node)):
                return _shortest(base / node)
            return node
        head, rest = key[0], key[1:]
        if head == "*":
            return [walk(v, rest) for v in node] if isinstance(node, list) else node
        if isinstance(node, dict) and head in node:
            return {**node, head: walk(node[head], rest)}
        return node

    for key in keys:
        data = walk(data, key)
    return data


def _env_names(loc: tuple[int | str, ...], overrides: dict[str, Any], names: set[str]) -> str:
    """The variable that set `loc`; for a whole section, the section and the variables inside it."""
    for i in range(len(loc), 0, -1):  # the value itself, or a list/mapping set whole by one variable
        if env_variable(loc[:i]) in names:
            return env_variable(loc[:i])
    node: Any = overrides
    for i, part in enumerate(loc):
        if not isinstance(node, dict):
            return env_variable(loc[:i])
        node = node.get(part)
    if not isinstance(node, dict):
        return env_variable(loc)
    leaves: list[str] = []

    def walk(n: Any, path: tuple[int | str, ...]) -> None:
        if isinstance(n, dict):
            for k, v in n.items():
                walk(v, (*path, k))
        else:
            leaves.append(env_variable(path))

    walk(node, loc)
    leaves = [name for name in leaves if name in names] or leaves
    return f"{format_location(loc)} (from {', '.join(sorted(leaves))})"


def _shortest(path: Path) -> str:
    """`path` relative to the working directory when it is below it (messages stay as written)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _from_env(loc: tuple[int | str, ...], overrides: dict[str, Any]) -> bool:
    """Did the value at `loc` (or a list/value containing it) come from an environment override?"""
    node: Any = overrides
    for part in loc:
        if not isinstance(node, dict):
            return True  # a whole list or value was set from the environment
        if part not in node:
            return False
        node = node[part]
    return True


def load_config(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """Load and validate the configuration; raise `ConfigError` with every problem found.

    `path=None` reads `sidecar.yaml` from the working directory when it exists, else defaults.
    Rollouts from `rollouts_file` are appended to inline `rollouts`; a missing default rules file is
    not an error (the defaults name files that a deployment may not ship). A problem caused by an
    environment override names the variable, and the source is then `environment`.
    """
    env = dict(os.environ if environ is None else environ)
    source = str(path) if path is not None else DEFAULT_CONFIG_FILE
    data: Any = {}
    if path is not None or Path(DEFAULT_CONFIG_FILE).exists():
        data = read_config_yaml(source, env)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ConfigError(source, ["(root): must be a mapping of sections"])
        data = resolve_paths(data, Path(source).resolve().parent)
    overrides = env_overrides(Config, env)
    merged = _deep_merge(data, overrides)
    try:
        config = Config.model_validate(merged, context={"environ": env})
    except ValidationError as exc:
        file_problems: list[str] = []
        env_problems: list[str] = []
        for err in exc.errors():
            loc, reason = problem_of(err)
            if _from_env(loc, overrides):
                env_problems.append(f"{_env_names(loc, overrides, {k.upper() for k in env})}: {reason}")
            else:
                file_problems.append(f"{format_location(loc)}: {reason}")
        if file_problems:
            raise ConfigError(source, file_problems + env_problems) from None
        raise ConfigError("environment", env_problems) from None
    if config.rollouts_file:
        config = _with_rollouts_file(config, explicit="rollouts_file" in merged, environ=env)
    return config


class RolloutsFile(Strict):
    rollouts: list[RolloutConfig] = Field(default_factory=list)


def _with_rollouts_file(config: Config, explicit: bool, environ: dict[str, str]) -> Config:
    path = Path(config.rollouts_file or "")
    if not path.exists():
        if explicit:
            raise ConfigError(str(path), ["file not found (named by rollouts_file)"])
        return config
    raw = read_config_yaml(path, environ) or {}
    try:
        parsed = RolloutsFile.model_validate(raw, context={"environ": environ})
    except ValidationError as exc:
        raise ConfigError(str(path), validation_problems(exc)) from None
    names = [r.name for r in config.rollouts] + [r.name for r in parsed.rollouts]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(str(path), [f"rollouts: duplicate rollout name {d!r}" for d in dupes])
    merged = config.model_copy(update={"rollouts": [*config.rollouts, *parsed.rollouts]})
    problems = outbound_problems(merged)
    if problems:
        raise ConfigError(str(path), problems)
    return merged
