"""Counting a failure the gateway wrote twice once.

With `ASYNC_UPLOAD_FALLBACK=false` the gateway's `async_upload_wrapper` records a failed async
upload twice: the inner handler writes `success: false` and re-raises, the outer `except` writes a
second `success: false` for the same call (research/upstream-gateway.md 4.1; read in the
wrapper's source). Both records are built from the same call: same `request_id` (a decorator
argument, so `None` with the documented usage, or one fixed value for every call of a wrapped
function), same `execution_type`, `error_type`, `fallback_used`, `file_size_mb` and `provider`;
`timestamp` (utcnow at the record's creation) and `duration_ms` (now - the call's start) differ
by the microseconds between the two writes, so `timestamp - duration_ms` (the call's start) is
the same in both up to clock granularity.

Rule: a failure record is the second of a pair when an earlier, not yet paired failure has the
same signature (every scalar field except `timestamp` and `duration_ms`; `request_id` included)
and either
- the same implied start (`timestamp - duration_ms/1000`) within `start_tolerance` (50 ms), or
- a timestamp at most `pair_window` before it: 0.2 s without `request_id`, 1 s with one.
Why `request_id` is part of the signature and not a key with a long window: the wrapper's id is
fixed per decorated function, so two genuine failures of one function share it; keying on it for
60 s (as before) merged distinct failures. A user's retry of the same request is a new call with
a new start: it counts. Each first record absorbs at most one duplicate (a third identical
failure counts again). What can still be merged wrongly: two concurrent id-less failures with
equal size, provider and error that started within 50 ms or were written within 0.2 s.
Memory is bounded: entries older than the longest window are evicted, and at most `max_keys` kept.
"""

from __future__ import annotations

import math
import weakref
from collections import OrderedDict, deque
from collections.abc import Mapping
from typing import Any

VARIABLE_FIELDS = frozenset({"timestamp", "duration_ms"})


def _failed(record: Mapping[str, Any]) -> bool:
    v = record.get("success")
    return v is False or (isinstance(v, str) and v.strip().lower() in ("false", "0", "failed", "error"))


def signature(record: Mapping[str, Any], timestamp_field: str = "timestamp") -> tuple[Any, ...]:
    """What the two records of one double-written failure share (request_id included)."""
    skip = VARIABLE_FIELDS | {timestamp_field}
    return tuple(sorted((k, v) for k, v in record.items()
                        if k not in skip and (v is None or isinstance(v, str | int | float | bool))))


def implied_start(record: Mapping[str, Any], t: float) -> float | None:
    """When the call began: the record's time minus its duration (None without a usable duration)."""
    d = record.get("duration_ms")
    if isinstance(d, bool) or not isinstance(d, int | float) or not math.isfinite(d) or d < 0:
        return None
    return t - float(d) / 1000.0


def _has_id(record: Mapping[str, Any]) -> bool:
    rid = record.get("request_id")
    return isinstance(rid, str | int) and not isinstance(rid, bool) and str(rid) != ""


class DoubleWriteFilter:
    """Recognises the second record of a double-written failure (see the module docstring)."""

    def __init__(self, pair_window: float = 0.2, id_pair_window: float = 1.0, start_tolerance: float = 0.05,
                 max_keys: int = 10_000) -> None:
        self.pair_window = pair_window
        self.id_pair_window = id_pair_window
        self.start_tolerance = start_tolerance
        self.max_keys = max_keys
        # signature -> unpaired first records (time, implied start), oldest first
        self._seen: OrderedDict[tuple[Any, ...], list[tuple[float, float | None]]] = OrderedDict()
        self._size = 0
        self.duplicates = 0

    def __len__(self) -> int:
        return self._size

    @property
    def horizon(self) -> float:
        """How long an unpaired failure is remembered (seconds of event time)."""
        return max(self.pair_window, self.id_pair_window) + self.start_tolerance

    def is_duplicate(self, record: Mapping[str, Any], t: float, timestamp_field: str = "timestamp") -> bool:
        """True when `record` (at event time `t`) repeats a failure already counted."""
        if not _failed(record):
            return False
        self._evict(t)
        key = signature(record, timestamp_field)
        start = implied_start(record, t)
        window = self.id_pair_window if _has_id(record) else self.pair_window
        firsts = self._seen.get(key)
        if firsts:
            for i, (t0, s0) in enumerate(firsts):
                same_call = start is not None and s0 is not None and abs(start - s0) <= self.start_tolerance
                if same_call or abs(t - t0) <= window:
                    del firsts[i]  # one duplicate per first record
                    self._size -= 1
                    if not firsts:
                        del self._seen[key]
                    self.duplicates += 1
                    return True
        self._seen.setdefault(key, []).append((t, start))
        self._seen.move_to_end(key)
        self._size += 1
        while self._size > self.max_keys:
            _, dropped = self._seen.popitem(last=False)
            self._size -= len(dropped)
        return False

    def _evict(self, now: float) -> None:
        horizon = now - self.horizon
        while self._seen:
            key, firsts = next(iter(self._seen.items()))
            while firsts and firsts[0][0] < horizon:
                firsts.pop(0)
                self._size -= 1
            if firsts:
                break
            del self._seen[key]


class WriterDoubleWrites:
    """DoubleWriteFilter per writer, on the writer's own clock: its records' stamps, not the times
    they were placed at (round 10, dev seed 9840).

    Why: the pair rule compares the two records' times. Both are stamped by one process on one
    clock, microseconds apart; where the sidecar PLACES them can differ by seconds: a writer whose
    offset is not learned yet has its first record put at arrival (a future stamp, skew.py) and the
    second held until its clock is explained (held.py), or a clock estimate moves between them. Two
    records 1-2 s apart on our clock are not a pair, and the failure counted twice (9840: one upload
    over, two writers 180/240 s ahead, in the first 15 s of their files). The stamps are what the
    wrapper wrote, so the rule is applied to them, one filter per writer (a writer's clock is its
    own: two writers' stamps are not comparable, and one process wrote both records of a pair).
    Records without a usable stamp are judged by where they were placed, in a filter of their own.
    Writers are the stream's clock estimates (writerclocks.WriterClocks, bounded): a filter goes
    with its writer's estimate."""

    def __init__(self) -> None:
        self._by: weakref.WeakKeyDictionary[object, DoubleWriteFilter] = weakref.WeakKeyDictionary()
        self._untimed = DoubleWriteFilter()

    @property
    def duplicates(self) -> int:
        return self._untimed.duplicates + sum(f.duplicates for f in self._by.values())

    def is_duplicate(self, record: Mapping[str, Any], t: float, writer: object | None, stamp: float | None,
                     timestamp_field: str = "timestamp") -> bool:
        """True when `record` repeats a failure its writer already wrote: by `stamp` (the writer's
        clock) when it has one and its writer is known, else by `t` (where it was placed)."""
        if writer is None or stamp is None:
            return self._untimed.is_duplicate(record, t, timestamp_field)
        f = self._by.get(writer)
        if f is None:
            f = self._by[writer] = DoubleWriteFilter()
        return f.is_duplicate(record, stamp, timestamp_field)


class RepeatedLines:
    """Recognises a line written twice: the same bytes as one of the last `keep` timestamped lines.

    A writer that retries a write, or a shipper that copies at least once, repeats a line byte for
    byte. The gateway's records cannot repeat by chance: each carries its own `timestamp` (to the
    microsecond) and `duration_ms` (a float difference of `time.time()` readings). Lines without a
    timestamp are not judged (identical events without a time are possible). Memory: `keep` hashes.
    """

    def __init__(self, keep: int = 10_000) -> None:
        self.keep = keep
        self._seen: set[int] = set()
        self._order: deque[int] = deque()

    def is_repeat(self, line: bytes) -> bool:
        h = hash(line)
        if h in self._seen:
            return True
        self._seen.add(h)
        self._order.append(h)
        if len(self._order) > self.keep:
            self._seen.discard(self._order.popleft())
        return False
