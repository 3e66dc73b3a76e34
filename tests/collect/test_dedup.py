"""The SDK/log-file de-duplication on an injected clock: orders, expiry, same-origin repeats."""

from __future__ import annotations

import itertools

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.collect.dedup import Deduplicator
from sidecar.ingest.record import ErrorEvent, Frame

FRAMES = (Frame("/app/src/ws.py", 41, "handler"),)


def copy(origin: str, message: str = "division by zero") -> ErrorEvent:
    return ErrorEvent(source=origin, file=origin, line=1, offset=0, end_offset=0, timestamp=None, level="ERROR",
                      logger="src.daemon", message="Tool call failed", raw="", exception_type="ZeroDivisionError",
                      exception_message=message, frames=FRAMES, extra={"sdk_source": "sentry"} if origin == "sdk" else None)


@pytest.mark.parametrize("order", sorted(set(itertools.permutations(["sdk"] * 3 + ["log"] * 3))))
def test_three_occurrences_count_three_times_in_any_arrival_order(order):
    clock = ManualClock(start=1000.0)
    dedup = Deduplicator(30.0, clock)
    admitted = 0
    for origin in order:
        admitted += dedup.admit(copy(origin))
        clock.advance(0.2)
    assert admitted == 3 and dedup.dropped == 3


def test_copies_further_apart_than_the_window_both_count():
    clock = ManualClock(start=1000.0)
    dedup = Deduplicator(5.0, clock)
    assert dedup.admit(copy("sdk"))
    clock.advance(6)
    assert dedup.admit(copy("log"))


def test_repeats_from_one_origin_and_different_errors_are_never_merged():
    clock = ManualClock(start=1000.0)
    dedup = Deduplicator(30.0, clock)
    assert all(dedup.admit(copy("log")) for _ in range(5))
    assert dedup.admit(copy("sdk", "another message"))
    assert not dedup.admit(copy("sdk"))  # the twin of one of the five log copies


def test_off_by_default():
    dedup = Deduplicator(0.0, ManualClock(start=0.0))
    assert dedup.admit(copy("sdk")) and dedup.admit(copy("log"))
