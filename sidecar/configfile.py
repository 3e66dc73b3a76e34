"""Reading configuration text: YAML files, `SIDECAR_*` environment overrides, and problem lines.

Kept apart from the model tree (sidecar/config.py) so that rules loaders of every stage can share
the same YAML reading and `field.path: reason` error format without importing the models.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

ENV_PREFIX = "SIDECAR_"
ENV_NESTED = "__"


class ConfigError(Exception):
    """A configuration or rules file is unusable. `problems` holds one `path: reason` line each."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def format_location(loc: tuple[int | str, ...]) -> str:
    """('rollouts', 0, 'stages', 2, 'percent') -> 'rollouts[0].stages[2].percent'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def _reason(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key (check the spelling)"
    if kind == "missing":
        return "required"
    if kind in ("greater_than_equal", "less_than_equal") and "ge" in ctx and "le" in ctx:
        return f"must be between {ctx['ge']} and {ctx['le']}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    msg = str(err.get("msg", kind))
    return msg.removeprefix("Value error, ")


def validation_problems(exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = prefix + tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
        reason = _reason(err)
        # A range check fails on both bounds separately in pydantic; say it once as a range.
        problems.append(f"{format_location(loc)}: {reason}")
    return _merge_ranges(problems)


def _merge_ranges(problems: list[str]) -> list[str]:
    seen: list[str] = []
    for p in problems:
        if p not in seen:
            seen.append(p)
    return seen


def read_yaml(path: str | Path) -> Any:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(p), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(p), [f"cannot read: {exc}"]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(str(p), [f"{where}invalid YAML: {problem}"]) from None


def env_overrides(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """SIDECAR_SERVER__PORT=9000 -> {"server": {"port": "9000"}} (pydantic coerces the types).

    Values that look like YAML lists or mappings (start with `[` or `{`) are parsed as YAML so
    lists can be set from the environment too.
    """
    environ = dict(os.environ if environ is None else environ)
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX):
            continue
        parts = [p.lower() for p in key[len(ENV_PREFIX):].split(ENV_NESTED) if p]
        if not parts:
            continue
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            parsed: Any = value
            if value[:1] in ("[", "{"):
                try:
                    parsed = yaml.safe_load(value)
                except yaml.YAMLError:
                    parsed = value
            node[parts[-1]] = parsed
    return out


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(merged.get(k), dict):
            merged[k] = _deep_merge(merged[k], v)
        else:
            merged[k] = v
    return merged
