"""Bounded in-memory windows of timestamped samples, one per series.

Memory is bounded three ways, because the gateway decides what it exposes and a label
cardinality flood (a request id in a label, say) must not grow the sidecar:

- per series, a ring buffer of at most `max_samples` (t, value) pairs, stored in two
  `array('d')` (16 bytes a sample instead of ~100 for a deque of tuples);
- per series, samples older than the retention (the configured window plus a margin) are pruned;
- across the store, at most `max_series` series: samples of a new series beyond the cap are
  dropped and counted, existing series keep working.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

Labels = tuple[tuple[str, str], ...]


def labels_key(labels: Mapping[str, str]) -> Labels:
    """Sorted (name, value) pairs: the identity of a series next to its metric name."""
    return tuple(sorted(labels.items()))


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """A series: which target produced it, the sample name as exposed, and its sorted labels."""

    target: str
    name: str
    labels: Labels = ()

    def label(self, name: str) -> str | None:
        for k, v in self.labels:
            if k == name:
                return v
        return None

    def matches(self, where: Mapping[str, str]) -> bool:
        """Equality match on every label in `where` (a missing label matches only "")."""
        have = dict(self.labels)
        return all(have.get(k, "") == v for k, v in where.items())


class Ring:
    """A time-ordered ring buffer of (t, value) with a fixed maximum length.

    Grows on demand up to `cap` so an idle series costs little; once full, the oldest sample
    is overwritten. Samples must arrive in time order; an older-or-equal timestamp is refused
    (a scrape never goes back in time on one clock, and refusing keeps every reader simple).
    """

    __slots__ = ("_t", "_v", "_cap", "_start", "_n")

    def __init__(self, cap: int) -> None:
        if cap < 2:
            raise ValueError("a ring needs room for at least 2 samples")
        self._t = array("d")
        self._v = array("d")
        self._cap = cap
        self._start = 0
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def _idx(self, i: int) -> int:
        return (self._start + i) % len(self._t)

    @property
    def last_t(self) -> float | None:
        return self._t[self._idx(self._n - 1)] if self._n else None

    def append(self, t: float, value: float) -> bool:
        if self._n and t <= self._t[self._idx(self._n - 1)]:
            return False
        phys = len(self._t)
        if self._n < phys:
            i = (self._start + self._n) % phys
            self._t[i] = t
            self._v[i] = value
            self._n += 1
        elif phys < self._cap:
            if self._start:
                # Make the ring contiguous again before growing at the physical end.
                self._t = self._t[self._start:] + self._t[: self._start]
                self._v = self._v[self._start:] + self._v[: self._start]
                self._start = 0
            self._t.append(t)
            self._v.append(value)
            self._n += 1
        else:
            i = self._start
            self._t[i] = t
            self._v[i] = value
            self._start = (self._start + 1) % phys
        return True

    def prune_before(self, t: float) -> None:
        """Drop samples strictly older than `t`."""
        while self._n and self._t[self._start] < t:
            self._start = (self._start + 1) % len(self._t)
            self._n -= 1
        if self._n == 0:
            self._start = 0
            del self._t[:]
            del self._v[:]

    def __iter__(self) -> Iterator[tuple[float, float]]:
        for i in range(self._n):
            j = self._idx(i)
            yield (self._t[j], self._v[j])

    def between(self, start: float, end: float) -> list[tuple[float, float]]:
        """Samples with start < t <= end (a left-open range, as Prometheus 3 selects)."""
        return [(t, v) for t, v in self if start < t <= end]

    def last(self) -> tuple[float, float] | None:
        if not self._n:
            return None
        j = self._idx(self._n - 1)
        return (self._t[j], self._v[j])


@dataclass(slots=True)
class SeriesStore:
    """All series of all targets, bounded by `max_series` x `max_samples` and by `retention` seconds."""

    retention: float
    max_series: int = 5000
    max_samples: int = 720
    dropped_samples: int = 0
    _series: dict[SeriesKey, Ring] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._series)

    def add(self, key: SeriesKey, t: float, value: float) -> bool:
        """Append one sample; False when refused (series cap reached, or out of order)."""
        ring = self._series.get(key)
        if ring is None:
            if len(self._series) >= self.max_series:
                self.dropped_samples += 1
                return False
            ring = self._series[key] = Ring(self.max_samples)
        return ring.append(t, value)

    def add_many(self, target: str, t: float, samples: Iterable[tuple[str, Labels, float]]) -> int:
        """Append one scrape's samples; return how many were refused by the series cap."""
        refused = 0
        for name, labels, value in samples:
            if not self.add(SeriesKey(target, name, labels), t, value):
                refused += 1
        return refused

    def prune(self, now: float) -> None:
        """Drop samples older than the retention and series left empty."""
        cutoff = now - self.retention
        empty = []
        for key, ring in self._series.items():
            ring.prune_before(cutoff)
            if not len(ring):
                empty.append(key)
        for key in empty:
            del self._series[key]

    def select(self, name: str, where: Mapping[str, str] | None = None,
               target: str | None = None) -> list[tuple[SeriesKey, Ring]]:
        """Series with this exact sample name whose labels match `where` (equality)."""
        where = where or {}
        return [
            (k, r) for k, r in self._series.items()
            if k.name == name and (target is None or k.target == target) and k.matches(where)
        ]

    def names(self) -> set[str]:
        return {k.name for k in self._series}
