"""The `collect:` section: the Sentry and OTLP error endpoints (sidecar/ingest/collect)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from .base import Strict


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
