"""The new-group cap: a flood of distinct errors from one logger is counted, not grouped one by one.

Without a cap, 100,000 unique lines (ids the masking and learning cannot see through, a fuzzer, a
logger printing payloads) make 100,000 groups, 100,000 alerts and diagnoses and grow the store
without bound. With it, each logger may open at most `per_minute` new groups per minute; beyond
that, its events count in one overflow group per logger (`overflow_fingerprint`), a metric counts
them and the errors stage reports a warning on the overview (not /readyz: the gateway is fine).

Pure given its inputs: the minute comes from the caller's injected clock. Memory is bounded to
`max_loggers` loggers (the least recently seen are forgotten).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

__all__ = ["NewGroupCap", "overflow_fingerprint", "overflow_title"]


def overflow_fingerprint(logger: str) -> str:
    """The one overflow group of a logger (stable: the same in every process and replica)."""
    return hashlib.blake2b(f"overflow;{logger}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def overflow_title(logger: str) -> str:
    return f"Too many new error groups from {logger or '(no logger)'}: counted here (new-group cap)"


@dataclass
class _Window:
    minute: int
    opened: int = 0
    overflowed: int = 0


class NewGroupCap:
    """At most `per_minute` new groups per logger per minute (0 disables the cap)."""

    def __init__(self, per_minute: int, max_loggers: int = 10_000) -> None:
        self.per_minute = per_minute
        self.max_loggers = max_loggers
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def admit(self, logger: str, minute: int) -> bool:
        """True when `logger` may open one more group in `minute` (and count it), else False."""
        if self.per_minute <= 0:
            return True
        w = self._windows.get(logger)
        if w is None or w.minute != minute:
            w = _Window(minute)
            self._windows[logger] = w
        self._windows.move_to_end(logger)
        while len(self._windows) > self.max_loggers:
            self._windows.popitem(last=False)
        if w.opened < self.per_minute:
            w.opened += 1
            return True
        w.overflowed += 1
        return False

    def flooding(self, minute: int) -> dict[str, int]:
        """Loggers over the cap in this or the previous minute -> new groups refused there."""
        return {name: w.overflowed for name, w in self._windows.items() if w.overflowed and w.minute >= minute - 1}
