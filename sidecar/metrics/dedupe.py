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
Memory is bounded: entries older than the longest window are evicted, at most `max_keys` unpaired
ones kept (and at most as many paired ones waiting to be dropped).

A stall between the two writes (round 12): the second record is BUILT when it is written, so a writer
paused between them (a frozen container, a process swapped out or stopped, a GC pause) writes a second
record whose `timestamp` and `duration_ms` both grew by the pause; its implied start does not move.
That is also the only way a double-written failure can straddle the sidecar's death and the file
leaving its path (the two writes are otherwise microseconds apart): the first read and journaled by a
process that died, the second written into the new file (metrics/journal.py). So the same-start rule
remembers an unpaired failure for `stall_window` (60 s) of its writer's clock, not the short pair
window; the order of the two does not matter (a journal's record is restored after the replay read
its partner). Found through an index on the implied start (buckets of `start_tolerance`), so a flood
of unpaired failures (a sync outage: they are written once) costs O(1) per record, not a scan.
What this can merge wrongly besides the above: two id-less calls of one function with equal size,
provider and error that STARTED within 50 ms of each other and failed up to a minute apart.

Only a record the writer CAN write twice is judged (round 13): the wrapper's double write is its async
path with fallback off (`execution_type: async`, `success: false`); a `sync` call's failure and a
`sync_fallback` whose sync call failed too are each ONE record per call (research/upstream-gateway.md
4.1; tests/rollout/upstream_writer.records). Two such calls started within 50 ms and failing up to a
minute apart (a sync outage: concurrent uploads timing out, id-less, same provider and size) are two
failures; judged as a pair they counted once, and the baseline the relative gates compare the canary
with lost half of them. `double_written` (the stream's `double_written_where`) is the field values a
record the writer may write twice carries; empty: every failure (a writer whose shape is unknown).
"""

from __future__ import annotations

import math
import weakref
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from ..config.sections import DOUBLE_WRITTEN
from .recordline import MAX_STRING

VARIABLE_FIELDS = frozenset({"timestamp", "duration_ms"})


def failed(record: Mapping[str, Any]) -> bool:
    """The record reports a failed call (`success` false, or a string saying so)."""
    v = record.get("success")
    return v is False or (isinstance(v, str) and v.strip().lower() in ("false", "0", "failed", "error"))


def signature(record: Mapping[str, Any], timestamp_field: str = "timestamp") -> tuple[Any, ...]:
    """What the two records of one double-written failure share (request_id included). Strings as the
    window keeps them (cut at MAX_STRING): a record restored from the journal is in that form."""
    skip = VARIABLE_FIELDS | {timestamp_field}
    return tuple(sorted((k, v[:MAX_STRING] if isinstance(v, str) else v) for k, v in record.items()
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


class _First:
    """An unpaired failure: its time, its implied start, whether a duplicate took it already."""

    __slots__ = ("t", "start", "used")

    def __init__(self, t: float, start: float | None) -> None:
        self.t, self.start, self.used = t, start, False


Index = dict[tuple[tuple[Any, ...], int], list[_First]]


class DoubleWriteFilter:
    """Recognises the second record of a double-written failure (see the module docstring)."""

    def __init__(self, pair_window: float = 0.2, id_pair_window: float = 1.0, start_tolerance: float = 0.05,
                 max_keys: int = 10_000, stall_window: float = 60.0,
                 double_written: Mapping[str, Any] | None = None) -> None:
        self.double_written = dict(DOUBLE_WRITTEN if double_written is None else double_written)
        self.pair_window = pair_window
        self.id_pair_window = id_pair_window
        self.start_tolerance = start_tolerance
        self.stall_window = stall_window
        self.max_keys = max_keys
        self._width = max(pair_window, id_pair_window)  # the time index's buckets: a window spans 3 at most
        self._order: deque[tuple[tuple[Any, ...], _First]] = deque()  # every stored first, in arrival order
        self._times: Index = {}  # (signature, time bucket) -> unpaired firsts
        self._starts: Index = {}  # (signature, implied-start bucket) -> unpaired firsts
        self._size = 0
        self.duplicates = 0

    def __len__(self) -> int:
        return self._size

    @property
    def horizon(self) -> float:
        """How long an unpaired failure is remembered (seconds of event time)."""
        return max(self.pair_window, self.id_pair_window, self.stall_window) + self.start_tolerance

    def is_duplicate(self, record: Mapping[str, Any], t: float, timestamp_field: str = "timestamp",
                     restored: bool = False) -> bool:
        """True when `record` (at event time `t`) repeats a failure already counted.

        `restored`: a record a previous process counted (metrics/journal.py), judged after the replay.
        Only its own call's other record can take it (the same start), and it is not remembered: the
        journal holds what survived that process's filter, so two restored records, or one and a
        distinct call written 0.1 s later, are not to be judged again by the pair window."""
        if not failed(record) or any(record.get(k) != v for k, v in self.double_written.items()):
            return False  # not a failure, or one its writer writes once (see the module docstring)
        self._evict(t)
        key = signature(record, timestamp_field)
        start = implied_start(record, t)
        window = self.id_pair_window if _has_id(record) else self.pair_window
        match = None
        if start is not None:  # the same call, however long the writer stalled between its two writes
            match = self._find(self._starts, key, start, self.start_tolerance,
                               lambda f: f.start is not None and abs(start - f.start) <= self.start_tolerance
                               and abs(t - f.t) <= self.stall_window)
        if match is None and not restored:  # written within the pair window of an earlier one
            match = self._find(self._times, key, t, self._width, lambda f: abs(t - f.t) <= window)
        if match is not None:
            self._unindex(key, match)  # one duplicate per first record
            self.duplicates += 1
            return True
        if restored:
            return False
        first = _First(t, start)
        self._order.append((key, first))
        self._times.setdefault((key, math.floor(t / self._width)), []).append(first)
        if start is not None:
            self._starts.setdefault((key, math.floor(start / self.start_tolerance)), []).append(first)
        self._size += 1
        # The bound is on unpaired firsts (what a later record can still match). Counting the paired
        # entries that wait in `_order` for their horizon (as before round 13) evicted an unpaired
        # failure early under a run of pairs: its stalled second then counted again. The paired
        # ones are dropped in one pass when they are as many as the bound (amortised O(1)).
        while self._size > self.max_keys:
            self._unindex(*self._order.popleft())
        if len(self._order) > 2 * self.max_keys:
            self._order = deque(e for e in self._order if not e[1].used)
        return False

    @staticmethod
    def _find(index: Index, key: tuple[Any, ...], value: float, width: float,
              fits: Callable[[_First], bool]) -> _First | None:
        """The oldest unpaired first in the buckets around `value` that `fits`."""
        b = math.floor(value / width)
        found = [f for k in (b - 1, b, b + 1) for f in index.get((key, k), ()) if fits(f)]
        return min(found, key=lambda f: f.t) if found else None

    def _unindex(self, key: tuple[Any, ...], f: _First) -> None:
        if f.used:
            return
        f.used = True
        self._size -= 1
        for index, value, width in ((self._times, f.t, self._width), (self._starts, f.start, self.start_tolerance)):
            if value is None:
                continue
            bucket = (key, math.floor(value / width))
            same = index[bucket]
            same.remove(f)
            if not same:
                del index[bucket]

    def _evict(self, now: float) -> None:
        horizon = now - self.horizon
        while self._order and (self._order[0][1].used or self._order[0][1].t < horizon):
            self._unindex(*self._order.popleft())


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

    def __init__(self, double_written: Mapping[str, Any] | None = None) -> None:
        self.double_written = double_written
        self._by: weakref.WeakKeyDictionary[object, DoubleWriteFilter] = weakref.WeakKeyDictionary()
        self._untimed = DoubleWriteFilter(double_written=double_written)

    @property
    def duplicates(self) -> int:
        return self._untimed.duplicates + sum(f.duplicates for f in self._by.values())

    def is_duplicate(self, record: Mapping[str, Any], t: float, writer: object | None, stamp: float | None,
                     timestamp_field: str = "timestamp", restored: bool = False) -> bool:
        """True when `record` repeats a failure its writer already wrote: by `stamp` (the writer's
        clock) when it has one and its writer is known, else by `t` (where it was placed)."""
        if writer is None or stamp is None:
            return self._untimed.is_duplicate(record, t, timestamp_field, restored)
        f = self._by.get(writer)
        if f is None:
            f = self._by[writer] = DoubleWriteFilter(double_written=self.double_written)
        return f.is_duplicate(record, stamp, timestamp_field, restored)


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
