"""Query strings as pydantic models: the API's one parameter parser.

A handler declares its parameters as a `Query` model and calls `parse_query(request, Model)`; a
bad value is an `ApiError(400)` naming the parameter ("limit must be an integer", "limit must be
between 1 and 200"). The same models give `/api/openapi.json` its parameters. A field typed as a
list takes the parameter repeated and/or comma-separated (`?status=open,muted&status=resolved`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar, get_origin

from aiohttp import web
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo

from ...exceptions import ApiError


class Query(BaseModel):
    """Base of every query model: unknown parameters are ignored (as before), values are read-only."""

    model_config = ConfigDict(extra="ignore", frozen=True)


Q = TypeVar("Q", bound=Query)


def between(lo: int, hi: int) -> AfterValidator:
    """Reject a value outside [lo, hi] with a message naming both bounds."""

    def check(value: int, info: ValidationInfo) -> int:
        if not lo <= value <= hi:
            raise ValueError(f"{info.field_name} must be between {lo} and {hi}")
        return value

    return AfterValidator(check)


def clamped(lo: int, hi: int) -> AfterValidator:
    """Bring a value into [lo, hi] (for `limit`s where asking for too many simply gets the most)."""
    return AfterValidator(lambda value: max(lo, min(hi, value)))


def one_of(choices: Iterable[str], what: str | None = None) -> AfterValidator:
    """Accept only `choices`; the message lists them."""
    allowed = tuple(choices)

    def check(value: Any, info: ValidationInfo) -> Any:
        for item in value if isinstance(value, list) else [value]:
            if item is not None and item not in allowed:
                raise ValueError(f"unknown {what or info.field_name} {item!r} (expected one of {', '.join(allowed)})")
        return value

    return AfterValidator(check)


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
