"""Lossless JSON encoding of `ErrorEvent` batches for the outage spool, by pydantic's TypeAdapter.

`TypeAdapter(list[ErrorEvent])` is driven by the dataclass type hints, so a field added to
`ErrorEvent` (or `Frame`, `ExceptionInfo`) is carried without touching this module: tuples come
back as tuples, nested dataclasses as dataclasses, datetimes as datetimes (aware or naive as they
were). Unknown keys (a spool written by a newer version) are ignored; missing keys take the field's
default, so a spool survives an upgrade in the middle of an outage.

Two cases leave pydantic's Rust JSON path, which cannot represent them, for the stdlib's:
- lone surrogates (undecodable bytes read with `surrogateescape`), which the Rust path refuses in
  values and replaces in mapping keys, are written as `\\udcXX` escapes by
  `json.dumps(ensure_ascii=True)` and read back by `json.loads`;
- records written by the hand codec before it (datetimes as `{"$dt": iso}`) are still read: the
  marker is unwrapped, then the values are validated. Spools left by an older version drain.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError

from ..exceptions import SidecarError
from ..ingest.record import ErrorEvent

_BATCH = TypeAdapter(list[ErrorEvent])
_LEGACY_DATETIME = b'{"$dt":'
_REPLACEMENT = "\ufffd".encode()


class SpoolCodecError(SidecarError, ValueError):
    """A spooled record cannot be decoded into events."""


def encode_batch(events: list[ErrorEvent]) -> bytes:
    """A batch as one JSON document (JSON escapes newlines, so a record is one line on disk)."""
    try:
        data = _BATCH.dump_json(events)
        # A lone surrogate in a value fails the Rust path; in a mapping key it is silently replaced
        # by U+FFFD. Either way (or a real U+FFFD, rarely) the stdlib writes it exactly.
        if _REPLACEMENT not in data:
            return data
    except PydanticSerializationError:
        pass
    # Python mode keeps keys as they are (JSON mode replaces them too); datetimes as ISO 8601.
    return json.dumps(_BATCH.dump_python(events), ensure_ascii=True, separators=(",", ":"),
                      default=_iso).encode("ascii")


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot spool a {type(value).__name__}")


def _unwrap_legacy(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$dt" in value:
            return value["$dt"]
        return {k: _unwrap_legacy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap_legacy(v) for v in value]
    return value


def decode_batch(data: bytes) -> list[ErrorEvent]:
    try:
        if _LEGACY_DATETIME not in data:
            try:
                return _BATCH.validate_json(data)
            except ValidationError as exc:
                if not any(e["type"] == "json_invalid" for e in exc.errors()):
                    raise
        return _BATCH.validate_python(_unwrap_legacy(json.loads(data)))  # surrogate escapes, old records
    except (ValueError, TypeError, RecursionError) as exc:  # ValidationError, JSONDecodeError: ValueErrors
        raise SpoolCodecError(f"undecodable spool record: {str(exc)[:500]}") from exc
