"""Replayed records their own stamp cannot place, put where their writer's previous record went.

A record without a usable time - no timestamp, or a stamp far beyond what its writer's clock
explains (a bad clock read an hour ahead) - is placed at its arrival when read live. A replay has no
arrival times, so such records were left out of the window: those read after the last evaluation
and before a restart were lost to the stage (round 10, dev seed 6032: 3 uploads stamped an hour
ahead, read 3 s before a restart, 3 short). The file is in append order: the record was written,
and read live, no earlier than the record before it, whose replayed time is the float the live read
used (tests/metrics/test_replay_same_place.py). Placed there, it lands no later than the live read
put it - never in a span after the one that counted it, the only move that counts a request twice
(tests/rollout/test_replaced_counts.py) - and never fresher than a record that has a time.

Only a SPIKE is placed so: at most MAX_RUN such records in a row, with a placed record of the same
writer before AND after them. A longer run, or one the file ends with, is a clock the replay does
not know (history from before a clock step in a rotated copy; a writer whose clock runs ahead):
its records stay out, as before (dev seed 13013: 434 records of copies replayed 900 s ahead; placed
at their predecessor they counted 134 uploads of 53). A file that starts with them leaves them out.
"""

from __future__ import annotations

from typing import Any

MAX_RUN = 8  # records in a row without a usable time that still read as a spike


class Unstamped:
    """Per writer: where its last replayed record was placed, and the run waiting since."""

    def __init__(self) -> None:
        self.previous: dict[str, float] = {}
        self.waiting: dict[str, list[tuple[dict[str, Any], str]]] = {}

    def wait(self, writer: str | None, record: dict[str, Any], reason: str) -> bool:
        """Keep `record` for its writer's next placed record; False when it cannot wait (no record of
        the writer was placed before it). A run longer than a spike is judged when it ends (placed)."""
        if writer is None or writer not in self.previous:
            return False
        run = self.waiting.setdefault(writer, [])
        run.append((record, reason))
        return True

    def placed(self, writer: str, t: float) -> tuple[float | None, list[tuple[dict[str, Any], str]]]:
        """A record of `writer` was placed at `t`: the run that waited before it, and where it goes
        (the previous record's time; None: longer than a spike, not placed)."""
        run = self.waiting.pop(writer, [])
        where = self.previous.get(writer) if len(run) <= MAX_RUN else None
        self.previous[writer] = t
        return where, run

    def leftover(self) -> list[tuple[dict[str, Any], str]]:
        """Runs no placed record followed (the end of a replayed read): not placed."""
        out = [item for run in self.waiting.values() for item in run]
        self.waiting.clear()
        return out
