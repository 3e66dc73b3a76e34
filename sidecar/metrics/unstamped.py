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
writer before them. A longer run is a clock the replay does not know (history from before a clock
step in a rotated copy; a writer whose clock runs ahead): its records stay out, as before (dev seed
13013: 434 records of copies replayed 900 s ahead; placed at their predecessor they counted 134
uploads of 53). A file that starts with them leaves them out (no predecessor).

A spike the file ENDS with (no placed record after it) is placed too, at the end of the replay
(`ends`; round 11, generated scenario 14026: a record without a timestamp appended while the sidecar
was down, the last line when it came back: left out, one upload short). Until round 10 a run had to
be followed by a placed record; what that guarded against is a run longer than a spike, which the
length bound decides alone. The same rule holds: the predecessor's time is no later than the live
read placed the record (it was appended, and read, after its predecessor), so it is never counted in
a span after the one that counted it; a record that no process read live is placed in the past it
belongs to. The file's modification time is not used: a line appended after the run (a gateway event
line, junk) moves it past the live placement.
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

    def ends(self) -> list[tuple[float, list[tuple[dict[str, Any], str]]]]:
        """The end of the replay (its last read): each spike no placed record followed, with where it
        goes (its writer's previous record's time). Every waiting run is a spike with a predecessor
        (`wait` keeps no other)."""
        out = [(self.previous[writer], run) for writer, run in self.waiting.items() if writer in self.previous]
        self.waiting.clear()
        self.spilled.clear()
        return out
