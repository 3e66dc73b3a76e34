"""The `alerts:` section: receivers, Alertmanager-style routes, delivery retries and retention."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, SecretStr, field_validator

from .base import Strict, signing_secret


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
