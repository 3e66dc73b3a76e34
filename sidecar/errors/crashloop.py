"""Crash loops: the same uncaught crash repeating within minutes (a daemon that dies at start and is
restarted, as the gateway did with `NameError: name 'os' is not defined` twelve times).

A verdict on per-minute counts of one group (event time), pure: the recorder asks it after each
batch that touched a group of uncaught crashes, and the store keeps when it last held.
"""

from __future__ import annotations

from collections.abc import Iterable

UNCAUGHT = "uncaught"  # the logger ingest gives a traceback no log record introduced
WINDOW_MINUTES = 10
MIN_CRASHES = 3


def is_crash_loop(minute_counts: Iterable[tuple[int, int]], last_minute: int,
                  window: int = WINDOW_MINUTES, min_crashes: int = MIN_CRASHES) -> bool:
    """At least `min_crashes` occurrences in the `window` minutes ending at `last_minute`."""
    lo = last_minute - window
    return sum(n for minute, n in minute_counts if lo < minute <= last_minute) >= min_crashes
