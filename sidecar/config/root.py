"""The root of the tree, and the cross-section check (hook and receiver URLs against `server.outbound_hosts`)."""

from __future__ import annotations

from pydantic import Field, model_validator

from ..outbound import url_problem
from .alerts import AlertsConfig
from .base import Strict
from .collect import CollectConfig
from .rollouts import RolloutConfig
from .sections import (
    DiagnosisConfig,
    GroupingConfig,
    IngestConfig,
    LoggingConfig,
    MetricsConfig,
    ServerConfig,
    SourceConfig,
    StoreConfig,
)


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
