"""Reading secrets: the one place that turns `${VAR}`, `secret_env` and literal values into text.

Three spellings are accepted wherever a secret is, in every config and rules file:

- a literal value (`api_token: s3cret`): fine for tests, discouraged in files that get committed;
- `${VAR}` / `${VAR:-default}` / `${VAR-default}` anywhere in a string: expanded when the file is
  read, as docker compose does (`:-` also replaces an empty value, `-` only an unset one); `$$`
  is a literal `$`. Only upper-case names are references, so PromQL's `${window}` placeholder and
  other lower-case text stay as written;
- `<field>_env: VAR` next to any secret field (`api_token_env`, `dsn_env`, `secret_env`, ...): the
  value is read from that variable.

An unset variable without a default is a problem reported at start with the field path, never an
empty secret discovered at run time (a webhook signed with the literal text `${HOOK_SECRET}`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

_REF = re.compile(r"\$(?:\$|\{(?P<name>[A-Z_][A-Z0-9_]*)(?:(?P<op>:?-)(?P<default>[^}]*))?\})")

ENV_SUFFIX = "_env"


def interpolate(text: str, environ: Mapping[str, str], where: str, problems: list[str]) -> str:
    """Expand `${VAR}` references in one string; an unset variable adds a `where: ...` problem."""
    if "$" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        name = m.group("name")
        if name is None:  # `$$`
            return "$"
        value = environ.get(name)
        op = m.group("op")
        if op is not None and (value is None or (op == ":-" and value == "")):
            return m.group("default")
        if value is None:
            problems.append(f"{where}: environment variable {name} is not set")
            return ""
        return value

    return _REF.sub(sub, text)


def interpolate_tree(data: Any, environ: Mapping[str, str], problems: list[str], where: str = "") -> Any:
    """`interpolate` every string of a parsed YAML document (keys are left alone)."""
    if isinstance(data, str):
        return interpolate(data, environ, where or "(root)", problems)
    if isinstance(data, dict):
        return {k: interpolate_tree(v, environ, problems, f"{where}.{k}" if where else str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [interpolate_tree(v, environ, problems, f"{where}[{i}]") for i, v in enumerate(data)]
    return data


def take_secret_envs(data: Any, secret_fields: list[str], environ: Mapping[str, str]) -> Any:
    """Replace each `<field>_env: VAR` key of a mapping by `<field>: $VAR` (for a model validator).

    Raises ValueError naming the key when the variable is unset or both spellings are given, so
    pydantic reports it at the model's path.
    """
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for field in secret_fields:
        key = field + ENV_SUFFIX
        if key not in out:
            continue
        var = out.pop(key)
        if var is None:
            continue
        if not isinstance(var, str) or not var:
            raise ValueError(f"{key}: must be the name of an environment variable")
        if out.get(field) is not None:
            raise ValueError(f"give either {field} or {key}, not both")
        if var not in environ:
            raise ValueError(f"{key}: environment variable {var} is not set")
        out[field] = environ[var]
    return out


def reveal(secret: SecretStr | None) -> str | None:
    """The secret's text, or None when it is absent or empty."""
    if secret is None:
        return None
    value = secret.get_secret_value()
    return value or None
