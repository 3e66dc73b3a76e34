"""Reading configuration text: YAML files, `SIDECAR_*` environment overrides, and problem lines.

Kept apart from the model tree (sidecar/config.py) so that rules loaders of every stage can share
the same YAML reading, `${VAR}` interpolation and `field.path: reason` error format without
importing the models.

Environment overrides are read by pydantic-settings' `EnvSettingsSource` (prefix `SIDECAR_`,
nesting with `__`), then pruned to the keys the model tree knows. Unknown variables are ignored,
not fatal: Kubernetes injects `SIDECAR_PORT=tcp://...` and `SIDECAR_SERVICE_HOST` into every pod
when a Service is named `sidecar`, and other tools share the prefix (`SIDECAR_DEMO_TOKEN`); a pod
that crash-loops on its own environment is worse than an override that is not applied. The ignored
names are logged once at debug level.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import EnvSettingsSource

from .exceptions import SidecarError
from .secrets import interpolate_tree

log = logging.getLogger(__name__)

ENV_PREFIX = "SIDECAR_"
ENV_NESTED = "__"


class StrictModel(BaseModel):
    """The one base of models read from files and answers (config, rules, eval cases, metric specs,
    LLM diagnoses): an unknown key is an error naming it, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ConfigError(SidecarError):
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


def problem_of(err: ErrorDetails) -> tuple[tuple[int | str, ...], str]:
    """One pydantic error as (field path, reason in words)."""
    loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
    return loc, _reason(dict(err))


def validation_problems(exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> list[str]:
    problems = []
    for err in exc.errors():
        loc, reason = problem_of(err)
        problems.append(f"{format_location(prefix + loc)}: {reason}")
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


def read_config_yaml(path: str | Path, environ: Mapping[str, str] | None = None,
                     problems: list[str] | None = None) -> Any:
    """A config or rules file: YAML with `${VAR}` / `${VAR:-default}` expanded in every string.

    An unset variable raises ConfigError, or is added to `problems` when the caller collects them
    (so one run reports every problem of a file).
    """
    data = read_yaml(path)
    found: list[str] = []
    data = interpolate_tree(data, os.environ if environ is None else environ, found)
    if found and problems is None:
        raise ConfigError(str(path), found)
    if problems is not None:
        problems.extend(found)
    return data


class _EnvSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping (tests pass their own)."""

    def __init__(self, model: type[BaseModel], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(
            model,  # type: ignore[arg-type]  # works on any BaseModel: it reads model_fields only
            env_prefix=ENV_PREFIX, env_nested_delimiter=ENV_NESTED, case_sensitive=False,
        )

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {k.lower(): v for k, v in self._environ.items()}

    def decode_complex_value(self, field_name: str, field: Any, value: Any) -> Any:
        # YAML is a superset of JSON: `[{paths: [logs/*.log]}]` works as well as strict JSON.
        try:
            return yaml.safe_load(value)
        except yaml.YAMLError:
            return super().decode_complex_value(field_name, field, value)


def env_overrides(model: type[BaseModel], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """SIDECAR_SERVER__PORT=9000 -> {"server": {"port": "9000"}} (pydantic coerces the types).

    Keys the model tree (`model`, the root `Config`) does not know are dropped (see the module
    docstring).
    """
    env = dict(os.environ if environ is None else environ)
    try:
        raw = _EnvSource(model, env)()
    except Exception as exc:  # pydantic-settings raises SettingsError for a value it cannot decode
        raise ConfigError("environment", [str(exc)]) from None
    dropped: list[str] = []
    kept = _known(raw, model, dropped, ENV_PREFIX.rstrip("_"))
    unknown = sorted(k for k in env if k.upper().startswith(ENV_PREFIX) and k.upper().split(ENV_NESTED)[0][len(ENV_PREFIX):].lower() not in model.model_fields)
    if dropped or unknown:
        log.debug("environment variables ignored (no such setting)", extra={"names": sorted(set(dropped + unknown))})
    return kept


def env_variable(loc: tuple[int | str, ...]) -> str:
    """('server', 'port') -> 'SIDECAR_SERVER__PORT': the variable that sets this field."""
    return ENV_PREFIX + ENV_NESTED.join(str(p).upper() for p in loc)


def _known(data: dict[str, Any], model: type[BaseModel], dropped: list[str], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = model.model_fields.get(key)
        if field is None:
            dropped.append(f"{prefix}__{key.upper()}")
            continue
        sub = _model_of(field.annotation)
        if sub is not None and isinstance(value, dict):
            out[key] = _known(value, sub, dropped, f"{prefix}__{key.upper()}")
        else:
            out[key] = value
    return out


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(merged.get(k), dict):
            merged[k] = _deep_merge(merged[k], v)
        else:
            merged[k] = v
    return merged
