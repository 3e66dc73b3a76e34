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
    """Per writer: where its last replayed record was placed, and the run waiting since.

    A run waits across reads: a replay longer than one read (follow.READ_BUDGET) goes on in the next
    poll, and the budget can end inside a run, whose placed successor is then in the next read (review
    of round 10, #19: dropped after each read, a spike cut so was unplaced, and the tail of a run longer
    than a spike, cut so, read as a spike and was placed). Bounded: a run is kept only while it can
    still be a spike (MAX_RUN records per writer); past that it is decided (not placed) at once.
    """

    def __init__(self) -> None:
        self.previous: dict[str, float] = {}
        self.waiting: dict[str, list[tuple[dict[str, Any], str]]] = {}
        self.spilled: set[str] = set()  # writers whose current run is longer than a spike

    def wait(self, writer: str | None, record: dict[str, Any], reason: str) -> list[str]:
        """Keep `record` for its writer's next placed record. Returns the reasons of the records now
        known not to be placed: this one when it cannot wait (no record of the writer was placed before
        it, or its run is already longer than a spike), the whole run when this record makes it longer."""
        if writer is None or writer not in self.previous or writer in self.spilled:
            return [reason]
        run = self.waiting.setdefault(writer, [])
        run.append((record, reason))
        if len(run) <= MAX_RUN:
            return []
        self.spilled.add(writer)
        del self.waiting[writer]
        return [why for _, why in run]

    def placed(self, writer: str, t: float) -> tuple[float | None, list[tuple[dict[str, Any], str]]]:
        """A record of `writer` was placed at `t`: the spike that waited before it (empty when none, or
        when the run was longer and already decided) and where it goes (the previous record's time)."""
        run = self.waiting.pop(writer, [])
        self.spilled.discard(writer)
        where = self.previous.get(writer)
        self.previous[writer] = t
        return where, run

    def leftover(self) -> list[tuple[dict[str, Any], str]]:
        """Runs no placed record followed (the end of the replay, its last read): not placed."""
        out = [item for run in self.waiting.values() for item in run]
        self.waiting.clear()
        self.spilled.clear()
        return out
