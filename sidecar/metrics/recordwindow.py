"""The records of one metrics stream, held for the retention window and selected by time and fields.

Used by the JSONL streams (jsonl.py) and the SDK error records (sdkerrors.py). Records are held
packed (metrics/records.py) with the incremental aggregates (aggregate.py) kept up to date as
records arrive and leave, so an evaluation costs O(gates), not O(records).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from .aggregate import Aggregate
from .records import Record, items, matcher, matches, pack


def _filter_key(where: Mapping[str, str], also: Mapping[str, str] | None) -> tuple[Any, ...]:
    """One key per filter (`where`, or `also`): what aggregates, arrival marks and cached selections are kept under."""
    return (tuple(sorted(where.items())), tuple(sorted(also.items())) if also else ())


def _either(where: Mapping[str, str], also: Mapping[str, str] | None) -> Callable[[Any], bool]:
    """A record matches `where` or, when given, `also`."""
    w, a = matcher(where), matcher(also) if also else None
    return lambda rec: w(rec) or (a is not None and a(rec))


def _none_waiting() -> Iterable[tuple[Mapping[str, Any], float]]:
    return ()


@dataclass(slots=True)
class RecordWindow:
    """The records of one stream, newest last, bounded by count and (on prune) by age.

    Records arrive roughly in time order (several files and late writers make it rough), so
    beside each record the window keeps the latest time added up to and including it (`_highs`,
    non-decreasing). `select` walks back from the newest record and stops at the first whose
    running latest time is not after the window's start: every record before it is older still.
    A 30 s window over 50,000 records reads the last few hundred, not all of them.
    Records are held packed (metrics/records.py: tuples of atoms, which the cyclic GC untracks).

    Filters (aggregates, arrival marks, cached selections) are kept while someone asks for them: a
    filter not asked for during one whole sweep period (`retention` seconds of the clock `prune` is
    given) is dropped at the sweep, so a filter asked once or for a while (a rollout_start baseline,
    the gates of a rollout that ended, any caller's ad-hoc spec) costs nothing, neither memory nor a
    match per arriving record, one to two retentions later. Dropping changes no answer: an aggregate is a function of the held records (rebuilt
    from them on the next ask), and an arrival mark is re-seeded from the held records' arrivals
    (`_arrived`). The one thing a re-seeded mark cannot know is an arrival whose records were all
    pruned; a live record arrives at most max_lateness after its time (metrics/placing.py counts later
    ones as late but keeps them), so that arrival is older than retention - max_lateness: older than any
    freshness limit a gate uses with the default window (rollout/evaluate.py `_freshness`).
    """

    retention: float
    max_records: int
    records: deque[Record] = field(init=False)
    _highs: deque[float] = field(init=False)
    evicted: int = 0
    _version: int = field(init=False, default=0)
    _cache: dict[tuple[Any, ...], tuple[int, float, float, list[Record]]] = field(init=False, default_factory=dict)

    aggregates: dict[tuple[Any, ...], Aggregate] = field(init=False, default_factory=dict)
    # filter key -> [matcher, newest arrival]: when a matching record last arrived live (see newest_arrival)
    _arrivals: dict[tuple[Any, ...], list[Any]] = field(init=False, default_factory=dict)
    # beside each held record, when it arrived live (None: replayed history): re-seeds a dropped mark
    _arrived: deque[float | None] = field(init=False)
    # (fields, arrival) of the records that arrived live but wait for their writer's clock (arrived()): a mark
    # made while they wait is seeded from them too (newest_arrival). Read from their holder (metrics/held.py,
    # set by metrics/placing.py), not copied here (round 17 kept a second, bounded copy of every held record).
    waiting: Callable[[], Iterable[tuple[Mapping[str, Any], float]]] = field(default=_none_waiting)
    _asked: set[tuple[Any, ...]] = field(init=False, default_factory=set)  # filters asked since the last sweep
    _swept: float | None = field(init=False, default=None)  # the clock at the last sweep (see the class docstring)

    def __post_init__(self) -> None:
        self.records = deque(maxlen=self.max_records)
        self._highs = deque(maxlen=self.max_records)
        self._arrived = deque(maxlen=self.max_records)
        self._version = 0  # bumped by every add and prune: a cached selection is valid while equal
        self._cache = {}
        self.aggregates = {}
        self._arrivals = {}
        self._asked = set()
        self._swept = None

    def add(self, t: float, record: Mapping[str, Any], arrived: float | None = None) -> None:
        """Hold `record` (scalar values only: see compact_record) at event time `t`; `arrived`: when it
        was read live (our clock; None for replayed history, whose arrival is unknown)."""
        self._version += 1
        if len(self.records) == self.max_records:
            self.evicted += 1
            gone = self.records[0]
            for agg in self.aggregates.values():
                agg.discard(gone)
        self._highs.append(max(t, self._highs[-1]) if self._highs else t)
        item = pack(t, record)
        self.records.append(item)
        self._arrived.append(arrived)
        for agg in self.aggregates.values():
            agg.add(item)
        if arrived is not None:
            self._mark(item, arrived)

    def _mark(self, item: Record, at: float) -> None:
        """Move the arrival marks `item` (arrived live at `at`) matches (newest_arrival)."""
        for mark in self._arrivals.values():
            if (mark[1] is None or at > mark[1]) and mark[0](item):
                mark[1] = at

    def arrived(self, record: Mapping[str, Any], at: float) -> None:
        """A record arrived live at `at` but is not placed yet (held for its writer's clock:
        metrics/held.py): the source delivered, so the arrival marks move (newest_arrival); the record
        itself is added when placed. Without this a slow writer whose clock stepped back read `stale`
        while its records waited (round 16's left item; rollout/evaluate.py `_freshness`). A mark made
        while it waits finds it through `waiting` (round 17: a filter asked first then found no arrival,
        None, and its gate read `stale`)."""
        self._mark(pack(at, record), at)

    def prune(self, now: float) -> None:
        cutoff = now - self.retention
        while self.records and self.records[0][0] < cutoff:
            self._version += 1
            gone = self.records.popleft()
            self._highs.popleft()
            self._arrived.popleft()
            for agg in self.aggregates.values():
                agg.discard(gone)
        if self._swept is None or now < self._swept:
            self._swept = now
        elif now - self._swept >= self.retention:
            self._swept = now
            self._drop_unasked()

    def _drop_unasked(self) -> None:
        """Forget the filters nobody asked for since the last sweep (see the class docstring)."""
        asked = self._asked
        for table in (self.aggregates, self._arrivals, self._cache):
            for key in [k for k in table if k not in asked]:
                del table[key]
        self._asked = set()

    def filters(self) -> int:
        """How many filters the window keeps up to date as records arrive (aggregates and arrival marks)."""
        return len(self.aggregates.keys() | self._arrivals.keys())

    def aggregate(self, where: Mapping[str, str], also: Mapping[str, str] | None = None) -> Aggregate:
        """The incremental aggregate of the records matching `where` (or `also`), built from the
        records held now on first use and kept up to date by `add` and `prune` from then on."""
        key = _filter_key(where, also)
        self._asked.add(key)
        agg = self.aggregates.get(key)
        if agg is None:
            agg = self.aggregates[key] = Aggregate(_either(where, also))
            for item in self.records:
                agg.add(item)
        return agg

    def newest_arrival(self, where: Mapping[str, str], also: Mapping[str, str] | None = None) -> float | None:
        """When a record matching `where` (or `also`) last arrived live: the source is alive while this
        is recent, whatever its records' stamps say. Kept per filter from the first call on (the hub
        asks at start, metrics.hub.check_spec); None until a matching record arrives after that.
        Not pruned with the records: how long ago the source last delivered is what it answers. A mark
        made after records arrived (a first ask later, or one dropped as unasked) starts from the
        newest arrival among the held records it matches, and those waiting for their writer's clock."""
        key = _filter_key(where, also)
        self._asked.add(key)
        mark = self._arrivals.get(key)
        if mark is None:
            match = _either(where, also)
            placed = (a for item, a in zip(self.records, self._arrived) if a is not None and match(item))  # noqa: B905
            waiting = (a for fields, a in self.waiting() if match(pack(a, fields)))  # for their writer's clock
            mark = self._arrivals[key] = [match, max(chain(placed, waiting), default=None)]
        return mark[1]  # type: ignore[no-any-return]

    def newest_after(self, end: float, until: float, where: Mapping[str, str],
                     also: Mapping[str, str] | None = None) -> float | None:
        """The time of the newest record with end < t <= until matching `where` (or `also`), None
        when there is none (a scan from the newest record back: records after `end` only)."""
        found = self._select(end, until, where, also)
        return max((r[0] for r in found), default=None)

    def select(self, start: float, end: float, where: Mapping[str, str],
               also: Mapping[str, str] | None = None) -> list[Record]:
        """The records with start < t <= end that match `where` (or `also`), oldest first.

        One evaluation asks for several windows ending at the same moment (the main window, then
        shorter scan windows) with the same filter: a shorter window is cut from the last longer
        selection while no record was added or pruned since, instead of matching the records again.
        """
        key = _filter_key(where, also)
        self._asked.add(key)
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self._version and hit[2] == end and hit[1] <= start:
            return [item for item in hit[3] if item[0] > start]
        out = self._select(start, end, where, also)
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = (self._version, start, end, out)
        return list(out)

    def _select(self, start: float, end: float, where: Mapping[str, str],
                also: Mapping[str, str] | None) -> list[Record]:
        out = []
        for item, high in zip(reversed(self.records), reversed(self._highs)):  # noqa: B905 - same length
            if high <= start:
                break
            if start < item[0] <= end and (matches(item, where) or (also and matches(item, also))):
                out.append(item)
        out.reverse()
        return out

    def items(self) -> Iterator[tuple[float, dict[str, Any]]]:
        """(t, fields) of every held record, oldest first (for inspection and tests)."""
        return items(iter(self.records))

    def oldest(self) -> float | None:
        return self.records[0][0] if self.records else None
