"""What every config model shares: unknown keys are errors, secrets also come from `<name>_env`, range checks
that name both bounds."""

from __future__ import annotations

import os
from functools import cache
from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, SecretStr, ValidationInfo, model_validator

from ..configfile import StrictModel
from ..secrets import take_secret_envs
from ..signing import check_secret

DEFAULT_CONFIG_FILE = "sidecar.yaml"


def between(lo: float, hi: float) -> AfterValidator:
    """A range check whose message names both bounds (pydantic's ge/le name only the one broken)."""

    def check(v: float) -> float:
        if not lo <= v <= hi:
            raise ValueError(f"must be between {lo:g} and {hi:g}")
        return v

    return AfterValidator(check)


Percent = Annotated[float, between(0, 100)]


def signing_secret(v: SecretStr | None) -> SecretStr | None:
    """A webhook signing secret (sidecar/signing.py): `whsec_<base64>` or any other string; empty = unsigned."""
    if v is not None and v.get_secret_value():
        check_secret(v.get_secret_value())
    return v
Port = Annotated[int, between(1, 65535)]


@cache
def _secret_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, f in model.model_fields.items()
            if f.annotation is SecretStr or SecretStr in get_args(f.annotation)]


class Strict(StrictModel):
    """Every config model: unknown keys are errors, and each secret field also takes `<name>_env`."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _secret_from_env(cls, data: Any, info: ValidationInfo) -> Any:
        fields = _secret_fields(cls)
        if not fields:
            return data
        context = info.context if isinstance(info.context, dict) else {}
        return take_secret_envs(data, fields, context.get("environ", os.environ))
