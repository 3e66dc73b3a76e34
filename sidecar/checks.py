"""`sidecar check`: validate the config and every rules file it names, collecting all problems,
and warn about what is valid but will not do what the user expects (nothing to read).

Warnings do not fail the check (a log directory may appear when the gateway starts), but they
are printed by `check` and logged by `run` at start, so "0 files" is never silent.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from pathlib import Path

from .config import Config, ConfigError, load_config
from .ingest.discovery import base_dir, expand


def check_all(config_path: str | None) -> list[str]:
    """Every problem as `file: field.path: reason`; empty when all is valid."""
    return check_config(config_path)[0]


def check_config(config_path: str | None) -> tuple[list[str], list[str]]:
    """(problems, warnings) for `sidecar check`."""
    from .alerts.rules import build_rules
    from .diagnose.rules import load_rules

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        return [f"{exc.source}: {p}" for p in exc.problems], []
    checks: list[Callable[[], object]] = []
    rules_file = config.diagnosis.rules_file
    if rules_file and Path(rules_file).exists():
        checks.append(lambda: load_rules(rules_file))
    # Inline routes and the rules file together: a route may name a receiver defined in the other.
    checks.append(lambda: build_rules(config.alerts, allowed_hosts=config.server.outbound_hosts))
    problems: list[str] = []
    for check in checks:
        try:
            check()
        except ConfigError as exc:
            problems.extend(f"{exc.source}: {p}" for p in exc.problems)
    return problems, source_warnings(config)


def source_warnings(config: Config) -> list[str]:
    """What the sidecar will not be able to read, as it stands now."""
    out: list[str] = []
    collecting = bool(config.collect.sentry.projects) or config.collect.otlp.enabled
    if not config.sources and not config.metrics.jsonl and not config.metrics.targets and not collecting:
        out.append("no sources configured: the sidecar will read no logs and no metrics (add `sources:`)")
    for i, src in enumerate(config.sources):
        out.extend(_glob_warnings(f"sources[{i}] ({src.name or ', '.join(src.paths)})", src.paths, src.exclude))
    for i, stream in enumerate(config.metrics.jsonl):
        out.extend(_glob_warnings(f"metrics.jsonl[{i}] ({stream.name})", stream.paths, ()))
    return out


def _glob_warnings(what: str, paths: list[str], exclude: list[str] | tuple[str, ...]) -> list[str]:
    files = expand(paths, exclude)
    unreadable = [f for f in files if not os.access(f, os.R_OK)]
    if unreadable:
        return [f"{what}: {len(unreadable)} of {len(files)} matching files cannot be read by uid {os.getuid()} "
                f"(e.g. {unreadable[0]}); Docker's json-file logs are root-only, see README 'Deploying'"]
    if files:
        return []
    reasons = []
    for pattern in paths:
        d = base_dir(pattern)
        if not os.path.isdir(d):
            reasons.append(f"directory {d} does not exist")
        elif not os.access(d, os.R_OK | os.X_OK):
            reasons.append(f"directory {d} cannot be read by uid {os.getuid()}")
        elif glob.glob(os.path.expanduser(pattern), recursive=True):
            reasons.append(f"{pattern} matches only directories or excluded files")
    why = f" ({'; '.join(reasons)})" if reasons else ""
    return [f"{what}: no file matches {', '.join(paths)} yet{why}"]
