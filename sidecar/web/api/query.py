"""Query strings as pydantic models: the API's one parameter parser.

A handler declares its parameters as a `Query` model and calls `parse_query(request, Model)`; a
bad value is an `ApiError(400)` naming the parameter ("limit must be an integer", "limit must be
between 1 and 200"). The same models give `/api/openapi.json` its parameters. A field typed as a
list takes the parameter repeated and/or comma-separated (`?status=open,muted&status=resolved`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, get_origin

from aiohttp import web
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from ...exceptions import ApiError


class Query(BaseModel):
    """Base of every query model: unknown parameters are ignored (as before), values are read-only."""

    model_config = ConfigDict(extra="ignore", frozen=True)


Q = TypeVar("Q", bound=Query)


@dataclass(frozen=True)
class _Checked:
    """A validator that also says what it accepts in the JSON Schema (so in /api/openapi.json)."""

    def check(self, value: Any, field: str | None) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.with_info_after_validator_function(
            lambda value, info: self.check(value, info.field_name), handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        out = handler(schema)
        target = out.get("items", out) if out.get("type") == "array" else out
        target.update(self.schema())
        return out


@dataclass(frozen=True)
class between(_Checked):  # noqa: N801 - reads as a constraint: Annotated[int, between(1, 200)]
    """Reject a value outside [lo, hi] with a message naming both bounds."""

    lo: int
    hi: int

    def check(self, value: Any, field: str | None) -> Any:
        if not self.lo <= value <= self.hi:
            raise ValueError(f"{field} must be between {self.lo} and {self.hi}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"minimum": self.lo, "maximum": self.hi}


@dataclass(frozen=True)
class clamped(_Checked):  # noqa: N801
    """Bring a value into [lo, hi] (for `limit`s where asking for too many simply gets the most)."""

    lo: int
    hi: int

    def check(self, value: Any, field: str | None) -> Any:
        return max(self.lo, min(self.hi, value))

    def schema(self) -> dict[str, Any]:
        return {"description": f"brought into {self.lo}..{self.hi}"}


@dataclass(frozen=True)
class one_of(_Checked):  # noqa: N801
    """Accept only `choices` (each item, for a list); the message lists them."""

    choices: tuple[str, ...]

    def check(self, value: Any, field: str | None) -> Any:
        for item in value if isinstance(value, list) else [value]:
            if item is not None and item not in self.choices:
                raise ValueError(f"unknown {field} {item!r} (expected one of {', '.join(self.choices)})")
        return value

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}


def _flag(true_words: tuple[str, ...]) -> Callable[[Any], Any]:
    return lambda v: v.lower() in true_words if isinstance(v, str) else v


Flag = Annotated[bool, BeforeValidator(_flag(("1", "true", "yes")))]  # default false: on only when asked
NotFalse = Annotated[bool, BeforeValidator(lambda v: v.lower() not in ("false", "0", "no") if isinstance(v, str) else v)]


def _message(exc: ValidationError) -> str:
    error = exc.errors()[0]
    name = ".".join(str(part) for part in error["loc"][:1]) or "query"
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    if error["type"].startswith(("int_", "float_")):
        return f"{name} must be an integer" if error["type"].startswith("int_") else f"{name} must be a number"
    return f"{name}: {error['msg']}"


def parse_query(request: web.Request, model: type[Q]) -> Q:
    """The request's query string as `model`, or ApiError(400) for the first bad parameter."""
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        values = request.query.getall(name, [])
        if get_origin(field.annotation) is list or field.annotation is list:
            data[name] = [part for value in values for part in value.split(",") if part]
        elif values and values[0] != "":
            data[name] = values[0]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(400, _message(exc)) from None
