"""`sidecar check`: validate the config and every rules file it names, collecting all problems."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .config import Config, ConfigError, load_config

# Each check: "module:function" and what it is called with, taken from the config. A check raises
# ConfigError with one problem line each; a stage not yet built has no loader and is skipped.
# An argument of None (e.g. a rules file that is not configured or absent) skips the check.


def _existing(path: str | None) -> str | None:
    return path if path and Path(path).exists() else None


RULE_CHECKS: tuple[tuple[str, Callable[[Config], Any]], ...] = (
    ("sidecar.diagnose.rules:load_rules", lambda c: _existing(c.diagnosis.rules_file)),
    # Inline routes and the rules file together: a route may name a receiver defined in the other.
    ("sidecar.alerts.rules:build_rules", lambda c: c.alerts),
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
    for spec, argument_of in RULE_CHECKS:
        argument = argument_of(config)
        loader = _loader(spec)
        if argument is None or loader is None:
            continue
        try:
            loader(argument)
        except ConfigError as exc:
            problems.extend(f"{exc.source}: {p}" for p in exc.problems)
    return problems
