"""Loading: the YAML file (paths relative to it), `SIDECAR_*` overrides, rules/rollouts.yaml, and problems that
name the file or the environment variable that caused them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..configfile import (
    ConfigError,
    _deep_merge,
    env_overrides,
    env_variable,
    format_location,
    problem_of,
    read_config_yaml,
    validation_problems,
)
from .base import DEFAULT_CONFIG_FILE
from .rollouts import RolloutsFile
from .root import Config, outbound_problems

# Keys of the config file that name files: a relative value resolves against the directory of the
# file that says it, so `sidecar run --config /etc/sidecar/sidecar.yaml` finds `rules/x.yaml` beside
# it whatever the working directory. Defaults and environment values stay relative to the working
# directory (they were not written in a file).
PATH_KEYS: tuple[tuple[str, ...], ...] = (
    ("rollouts_file",), ("diagnosis", "rules_file"), ("alerts", "rules_file"), ("ingest", "checkpoint_dir"),
    ("metrics", "clock_dir"), ("store", "path"), ("store", "spool_dir"), ("sources", "*", "paths", "*"), ("sources", "*", "exclude", "*"),
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
