"""Lossless JSON encoding of `ErrorEvent` batches for the outage spool.

Driven by the dataclass type hints, so a field added to `ErrorEvent` (or `Frame`,
`ExceptionInfo`) is carried without touching this module: tuples come back as tuples of the
declared element type, nested dataclasses as dataclasses, datetimes as aware datetimes.
Unknown keys (a spool written by a newer version) are ignored; missing keys take the field's
default, so a spool survives an upgrade in the middle of an outage.

Strings are written with `ensure_ascii`, so lone surrogates (undecodable bytes read with
`surrogateescape`) survive the round trip.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import datetime
from functools import lru_cache
from typing import Any

from ..exceptions import SidecarError
from ..ingest.record import ErrorEvent


class SpoolCodecError(SidecarError, ValueError):
    """A spooled record cannot be decoded into events."""


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


@lru_cache(maxsize=64)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict) and "$dt" in value:  # whatever the hint says (e.g. `datetime | None`, `Any`)
        return datetime.fromisoformat(value["$dt"])
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        for arg in args:
            if dataclasses.is_dataclass(arg) and isinstance(value, dict):
                return _decode(value, arg)
        return _decode(value, args[0]) if len(args) == 1 else value
    if origin is tuple:
        elems = typing.get_args(hint)
        elem = elems[0] if elems else Any
        return tuple([_decode(v, elem) for v in value])
    if origin is list:
        (elem,) = typing.get_args(hint) or (Any,)
        return [_decode(v, elem) for v in value]
    if hint is datetime:
        return datetime.fromisoformat(value["$dt"])  # not a {"$dt": ...}: a SpoolCodecError
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        kwargs = {f.name: _decode(value[f.name], hints[f.name])
                  for f in dataclasses.fields(hint) if f.name in value}
        return hint(**kwargs)
    return value


def encode_batch(events: list[ErrorEvent]) -> bytes:
    """A batch as one JSON document (no newline inside: ensure_ascii escapes them)."""
    return json.dumps([_encode(e) for e in events], ensure_ascii=True, separators=(",", ":")).encode("ascii")


def decode_batch(data: bytes) -> list[ErrorEvent]:
    try:
        items = json.loads(data)
        return [_decode(item, ErrorEvent) for item in items]
    except (ValueError, TypeError, KeyError) as exc:
        raise SpoolCodecError(f"undecodable spool record: {exc}") from exc
