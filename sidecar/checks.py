"""`sidecar check`: validate the config and every rules file it names, collecting all problems."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .config import Config, ConfigError, load_config

# (what, config attribute path to the file, "module:function" of the loader). A loader raises
# ConfigError with one problem line each; a stage not yet built has no loader and is skipped.
RULE_LOADERS: tuple[tuple[str, Callable[[Config], str | None], str], ...] = (
    ("diagnosis rules", lambda c: c.diagnosis.rules_file, "sidecar.diagnose.rules:load_rules"),
    ("alert rules", lambda c: c.alerts.rules_file, "sidecar.alerts.rules:load_alert_rules"),
)


def _loader(spec: str) -> Callable[[str], Any] | None:
    module_name, _, func = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, func, None)


def check_all(config_path: str | None) -> list[str]:
    """Every problem as `file: field.path: reason`; empty when all is valid."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        return [f"{exc.source}: {p}" for p in exc.problems]
    problems: list[str] = []
    for _what, file_of, spec in RULE_LOADERS:
        path = file_of(config)
        if not path or not Path(path).exists():
            continue
        loader = _loader(spec)
        if loader is None:
            continue
        try:
            loader(path)
        except ConfigError as exc:
            problems.extend(f"{exc.source}: {p}" for p in exc.problems)
    return problems
