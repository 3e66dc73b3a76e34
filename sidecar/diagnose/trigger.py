"""Trigger policy: when a new or regressed group has earned a diagnosis.

A group is diagnosed once it has reached `min_occurrences[level]` occurrences within
`occurrence_window` seconds of being new (or regressed): one ERROR is enough, a WARNING must
repeat (defaults in DiagnosisConfig). The decision is a pure function; `OccurrenceWindow` only
keeps the counts it needs, on the injected clock's time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

DEFAULT_MIN = 1


def min_occurrences_for(level: str | None, table: Mapping[str, int]) -> int:
    """The threshold for a level; levels not in the table (e.g. INFO with a traceback) need DEFAULT_MIN."""
    if not level:
        return table.get("ERROR", DEFAULT_MIN)
    return table.get(level.upper(), DEFAULT_MIN)


def should_diagnose(occurrences_in_window: int, level: str | None, table: Mapping[str, int]) -> bool:
    return occurrences_in_window >= min_occurrences_for(level, table)


class OccurrenceWindow:
    """How many times a group occurred in the last `window` seconds, from its running total.

    Events carry the group's total occurrence count; the count at the window's start is the
    latest total observed at or before it (or the total before the group became a candidate).
    """

    __slots__ = ("window", "_samples", "_before")

    def __init__(self, window: float, at: float, total: int, before: int) -> None:
        self.window = window
        self._before = before  # total just before the first sample
        self._samples: deque[tuple[float, int]] = deque([(at, total)])

    def observe(self, at: float, total: int | None) -> None:
        last_t, last_total = self._samples[-1]
        total = last_total + 1 if total is None else max(total, last_total)
        self._samples.append((max(at, last_t), total))
        if len(self._samples) > 256:  # bound memory: merge the oldest two samples
            self._before = self._samples.popleft()[1]

    def count(self, now: float) -> int:
        start = now - self.window
        while len(self._samples) > 1 and self._samples[1][0] <= start:
            self._before = self._samples.popleft()[1]
        first_t, first_total = self._samples[0]
        reference = first_total if first_t <= start else self._before
        return self._samples[-1][1] - reference
