"""Counting a failure the gateway wrote twice once.

With `ASYNC_UPLOAD_FALLBACK=false` the gateway's `async_upload_wrapper` records a failed async
upload twice: the inner handler writes `success: false` and re-raises, the outer `except` writes a
second `success: false` for the same call (research/upstream-gateway.md, 4.1). The two records
share `request_id` (when the caller passed one) and every other field but `timestamp` and
`duration_ms`; they are written microseconds apart.

Rule: a failure record is a duplicate when an earlier, not yet matched failure has
- the same non-empty `request_id` and `execution_type`, at most `id_window` seconds before; or,
  without `request_id`, the same double-write signature (every scalar field except the timestamp,
  `duration_ms` and `request_id`), at most `signature_window` seconds before.
Each first record absorbs at most one duplicate (a third identical failure counts again). Two
genuinely distinct id-less failures with equal size, provider and error inside the signature
window would be merged; the window is kept short (0.2 s) because the real pair is microseconds apart.
Memory is bounded: entries older than the longer window are evicted, and at most `max_keys` kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

VARIABLE_FIELDS = frozenset({"timestamp", "duration_ms", "request_id"})


def _failed(record: Mapping[str, Any]) -> bool:
    v = record.get("success")
    return v is False or (isinstance(v, str) and v.strip().lower() in ("false", "0", "failed", "error"))


def signature(record: Mapping[str, Any], timestamp_field: str = "timestamp") -> tuple[Any, ...]:
    """What the two records of one double-written failure share (without request_id)."""
    skip = VARIABLE_FIELDS | {timestamp_field}
    return tuple(sorted((k, v) for k, v in record.items()
                        if k not in skip and (v is None or isinstance(v, str | int | float | bool))))


class DoubleWriteFilter:
    """Recognises the second record of a double-written failure (see the module docstring)."""

    def __init__(self, id_window: float = 60.0, signature_window: float = 0.2, max_keys: int = 10_000) -> None:
        self.id_window = id_window
        self.signature_window = signature_window
        self.max_keys = max_keys
        self._seen: OrderedDict[tuple[Any, ...], float] = OrderedDict()
        self.duplicates = 0

    def __len__(self) -> int:
        return len(self._seen)

    def is_duplicate(self, record: Mapping[str, Any], t: float, timestamp_field: str = "timestamp") -> bool:
        """True when `record` (at event time `t`) repeats a failure already counted."""
        if not _failed(record):
            return False
        self._evict(t)
        rid = record.get("request_id")
        if isinstance(rid, str | int) and not isinstance(rid, bool) and str(rid):
            key: tuple[Any, ...] = ("id", str(rid), record.get("execution_type"))
            window = self.id_window
        else:
            key = ("sig", signature(record, timestamp_field))
            window = self.signature_window
        first = self._seen.get(key)
        if first is not None and abs(t - first) <= window:
            del self._seen[key]  # one duplicate per first record
            self.duplicates += 1
            return True
        self._seen[key] = t
        self._seen.move_to_end(key)
        while len(self._seen) > self.max_keys:
            self._seen.popitem(last=False)
        return False

    def _evict(self, now: float) -> None:
        horizon = now - max(self.id_window, self.signature_window)
        while self._seen:
            key, t = next(iter(self._seen.items()))
            if t >= horizon:
                break
            del self._seen[key]
