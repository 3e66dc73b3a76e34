"""Per-filter aggregates kept as records arrive, so a measurement costs O(buckets), not O(records).

For every filter a gate measures with (`where`, plus `failure_when` for proportions), an
`Aggregate` files each matching record into a time bucket of `BUCKET` seconds (event time, so a
late record lands in the bucket it belongs to). A bucket holds references to its records (the
tuples already in the stream's RecordWindow: no copies) and caches, per function, a mergeable
summary of them: (trials, successes, newest) for proportions, (n, newest) for counts, a quantile
sketch for `quantile`. A window (start, end] is then the merge of the summaries of the buckets it
covers whole, plus an exact scan of the records in its two edge buckets (unless all of an edge
bucket's records lie inside the window, as the newest bucket's do at `now`): counts are exact, never
rounded to bucket edges (the stage settlement subtracts two windows and must not lose a record).
A bucket's cache is dropped when a (late) record joins it.

Quantiles: exact (the sample quantile of window.sample_quantile, rank q(n-1) interpolated) while
the window holds at most `EXACT_QUANTILE_LIMIT` values; above, a DDSketch-style log-bucket sketch
(Masson, Rim, Lee, VLDB 2019): value x > 0 goes to bucket i = ceil(log_gamma x) with
gamma = (1 + a) / (1 - a); the estimate 2 gamma^i / (gamma + 1) of any value in bucket i is within
relative error `a` of it, so the reported q-quantile is within relative error a = 1% of the sample
quantile at rank ceil(q (n - 1)) (the sketch reports an order statistic, not an interpolation
between two). Sketches merge by adding bucket counts: associative, so per-bucket sketches merge
into the window's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .records import Record

BUCKET = 10.0  # seconds per aggregate bucket
EXACT_QUANTILE_LIMIT = 5000
SKETCH_ACCURACY = 0.01



class Sketch:
    """A DDSketch-style quantile sketch for positive values (zero and negatives kept apart)."""

    __slots__ = ("gamma", "log_gamma", "bins", "low", "count")

    def __init__(self, accuracy: float = SKETCH_ACCURACY) -> None:
        self.gamma = (1 + accuracy) / (1 - accuracy)
        self.log_gamma = math.log(self.gamma)
        self.bins: dict[int, int] = {}
        self.low: list[float] = []  # values <= 0, exactly (rare: durations are positive)
        self.count = 0

    def add(self, x: float) -> None:
        self.count += 1
        if x <= 0:
            self.low.append(x)
            return
        i = math.ceil(math.log(x) / self.log_gamma)
        self.bins[i] = self.bins.get(i, 0) + 1

    def merge(self, other: Sketch) -> None:
        self.count += other.count
        self.low.extend(other.low)
        bins = self.bins
        for i, c in other.bins.items():
            bins[i] = bins.get(i, 0) + c

    def quantile(self, q: float) -> float | None:
        if self.count == 0:
            return None
        rank = math.ceil(q * (self.count - 1))  # 0-based order statistic
        if rank < len(self.low):
            return sorted(self.low)[rank]
        seen = len(self.low)
        for i in sorted(self.bins):
            seen += self.bins[i]
            if seen > rank:
                return 2 * self.gamma ** i / (self.gamma + 1)
        return None


@dataclass(slots=True)
class Cell:
    records: list[Record] = field(default_factory=list)
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    lo: float = math.inf  # the earliest and latest record time in the cell: a window's edge cell
    hi: float = -math.inf  # whose records all lie inside the window is summarised, not scanned


@dataclass(frozen=True, slots=True)
class Kind:
    """One mergeable summary a bucket keeps: `summarise(records)`, `merge(summaries, edge
    records)` (a new value: never one of the summaries) and `add(summary, record)` (the summary
    with one more record; may update it in place, as a bucket's summary is its own)."""

    key: tuple[Any, ...]
    summarise: Callable[[list[Record]], Any]
    merge: Callable[[list[Any], list[Record]], Any]
    add: Callable[[Any, Record], Any]


class Aggregate:
    """The records of one stream matching one filter, bucketed by event time.

    Every bucket keeps the summaries of the registered kinds up to date as records arrive (a
    new bucket starts them, a record updates them), so an evaluation merges ready summaries
    instead of summarising the traffic that arrived since the last one in one go on the event
    loop. A pruned record clears its bucket's summaries (rebuilt on the next use).
    """

    def __init__(self, match: Callable[[Record], bool]) -> None:
        self.match = match
        self.cells: dict[int, Cell] = {}
        self.size = 0
        self.kinds: dict[tuple[Any, ...], Kind] = {}

    def register(self, kind: Kind) -> None:
        """Keep `kind` in every bucket from now on (buckets that exist get it on first use)."""
        self.kinds.setdefault(kind.key, kind)

    def add(self, item: Record) -> None:
        if not self.match(item):
            return
        k = math.floor(item[0] / BUCKET)
        cell = self.cells.get(k)
        if cell is None:
            cell = self.cells[k] = Cell()
            for key, kind in self.kinds.items():
                cell.cache[key] = kind.summarise([item])
        else:
            cache = cell.cache
            for key, s in list(cache.items()):
                cache[key] = self.kinds[key].add(s, item)
        cell.records.append(item)
        t = item[0]
        if t < cell.lo:
            cell.lo = t
        if t > cell.hi:
            cell.hi = t
        self.size += 1

    def discard(self, item: Record) -> None:
        """Forget a record the window pruned or evicted (the oldest: found at its bucket's front)."""
        k = math.floor(item[0] / BUCKET)
        cell = self.cells.get(k)
        if cell is None:
            return
        for i, r in enumerate(cell.records):
            if r is item:
                del cell.records[i]
                cell.cache.clear()
                self.size -= 1
                if not cell.records:
                    del self.cells[k]
                # lo/hi stay as they were: wider than the records left, so still safe (a scan at most)
                return

    def collect(self, start: float, end: float, kind: Kind) -> Any:
        """`kind.merge(summaries of the whole buckets in (start, end], edge records in (start, end])`."""
        self.register(kind)
        key = kind.key
        first, last = math.floor(start / BUCKET), math.floor(end / BUCKET)
        summaries = []
        edge: list[Record] = []
        for k in range(first, last + 1):
            cell = self.cells.get(k)
            if cell is None:
                continue
            if (k == first or k == last) and not (start < cell.lo and cell.hi <= end):
                edge.extend(r for r in cell.records if start < r[0] <= end)  # partly outside: exact scan
                continue
            s = cell.cache.get(key)
            if s is None:
                s = cell.cache[key] = kind.summarise(cell.records)
            summaries.append(s)
        return kind.merge(summaries, edge)

    def records_in(self, start: float, end: float) -> list[Record]:
        out: list[Record] = []
        for k in range(math.floor(start / BUCKET), math.floor(end / BUCKET) + 1):
            cell = self.cells.get(k)
            if cell is not None:
                out.extend(r for r in cell.records if start < r[0] <= end)
        return out
