"""`sidecar check`: validate the config and every rules file it names, collecting all problems."""

from __future__ import annotations

from pathlib import Path

from .config import ConfigError, load_config


def check_all(config_path: str | None) -> list[str]:
    """Every problem as `file: field.path: reason`; empty when all is valid."""
    from .alerts.rules import build_rules
    from .diagnose.rules import load_rules

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        return [f"{exc.source}: {p}" for p in exc.problems]
    checks = []
    rules_file = config.diagnosis.rules_file
    if rules_file and Path(rules_file).exists():
        checks.append(lambda: load_rules(rules_file))
    # Inline routes and the rules file together: a route may name a receiver defined in the other.
    checks.append(lambda: build_rules(config.alerts))
    problems: list[str] = []
    for check in checks:
        try:
            check()
        except ConfigError as exc:
            problems.extend(f"{exc.source}: {p}" for p in exc.problems)
    return problems
