"""The sections of the sidecar's own stages: server, sources, ingest, store, grouping, diagnosis, metrics, logging."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from .base import Port, Strict

# The only records the gateway's upload wrapper writes twice: an async failure with fallback off (research note
# upstream-gateway.md 4.1); the stream config's default and metrics/dedupe.py's read this one value.
DOUBLE_WRITTEN: dict[str, str] = {"execution_type": "async"}


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
    # Where rotated generations go when not next to the live file: logrotate's `olddir` (relative to
    # the log's directory, as logrotate reads it), a logging handler's `namer` that moves them. Their
    # names keep the family's (`app.log.1`, `app.log-20261206.gz`); see ingest/recovery.py `siblings`.
    rotated_dirs: list[str] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _timezone_known(cls, v: str | None) -> str | None:
        from ..ingest.eventtime import check_zone_name

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
    # Start-up retries a store that is unavailable (a replica migrating the same SQLite file, a database server
    # still starting) for this many seconds before the process exits; 0: fail at once.
    startup_wait: float = Field(default=60.0, ge=0, le=3600)
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
    # Field values of the records the writer may write twice: the wrapper writes only an async failure
    # twice (fallback off); `sync` and `sync_fallback` failures are one record per call. {}: every failure.
    double_written_where: dict[str, str] = Field(default_factory=lambda: dict(DOUBLE_WRITTEN))
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
    # Where each jsonl stream keeps its writers' clock offsets across restarts (metrics/clockfile.py);
    # None: `sidecar run` uses ingest.checkpoint_dir (app.py). One directory per replica (local disk).
    clock_dir: str | None = None


# --- logging ------------------------------------------------------------------------------------


class LoggingConfig(Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["json", "kv"] = "kv"
