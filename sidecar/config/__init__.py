"""One pydantic model tree for the whole sidecar: YAML file + `SIDECAR_*` environment overrides.

Every model forbids unknown keys: a typo in a config file must fail at start with its field path,
never pass silently and leave a feature off. Rules files (rules/*.yaml) are validated with the same
machinery by `load_rules`.

The tree is split by section (base, sections, rollouts, alerts, collect, root) and loading; this package
re-exports every public name, so stages import models and helpers from one place.
"""

from __future__ import annotations

from ..configfile import (
    ConfigError,
    env_overrides,
    format_location,
    read_config_yaml,
    read_yaml,
    validation_problems,
)
from .alerts import AlertsConfig, ReceiverConfig, RouteConfig
from .base import DEFAULT_CONFIG_FILE, Percent, Port, Strict, between, signing_secret
from .collect import CollectConfig, OtlpCollectConfig, SentryCollectConfig, SentryProject
from .loading import PATH_KEYS, load_config, resolve_paths
from .rollouts import GateConfig, HookConfig, RolloutConfig, RolloutsFile, StageConfig
from .root import Config, outbound_problems
from .sections import (
    DiagnosisConfig,
    GroupingConfig,
    IngestConfig,
    JsonlStream,
    LoggingConfig,
    MetricsConfig,
    ScrapeTarget,
    ServerConfig,
    SourceConfig,
    StoreConfig,
)

__all__ = [
    "AlertsConfig",
    "between",
    "CollectConfig",
    "Config",
    "ConfigError",
    "DEFAULT_CONFIG_FILE",
    "DiagnosisConfig",
    "env_overrides",
    "format_location",
    "GateConfig",
    "GroupingConfig",
    "HookConfig",
    "IngestConfig",
    "JsonlStream",
    "load_config",
    "LoggingConfig",
    "MetricsConfig",
    "OtlpCollectConfig",
    "outbound_problems",
    "PATH_KEYS",
    "Percent",
    "Port",
    "read_config_yaml",
    "read_yaml",
    "ReceiverConfig",
    "resolve_paths",
    "RolloutConfig",
    "RolloutsFile",
    "RouteConfig",
    "ScrapeTarget",
    "SentryCollectConfig",
    "SentryProject",
    "ServerConfig",
    "signing_secret",
    "SourceConfig",
    "StageConfig",
    "StoreConfig",
    "Strict",
    "validation_problems",
]
