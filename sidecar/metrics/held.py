"""Live records held back until their writer's clock says where they belong.

A record whose stamp is behind its writer's clock estimate (metrics/skew.py) by more than the
tolerance is either late (a backlog, a stalled writer) or the first sign of a writer clock that
stepped or was never learned (a new writer, a restarted sidecar). The estimator tells the two apart
after a few reads (`step_observations` over `step_reads`, or `min_observations` for a new writer);
a record placed before that lands minutes off its stage (the generated rollout scenarios: up to 8
canary uploads lost per clock step, per restart with a skewed writer, per writer appearing). So such a
record waits, at most `hold` seconds, and is placed when its writer's estimate explains it (the
clock changed: placed on the new one) or when the wait ends (late after all: placed at its stamp;
or on the clock its writer's few records agree on, when the writer went quiet before showing more).
A record stamped in the future does not wait: its arrival is where it belongs, whatever the clock did.

What the wait may not do is make a record late that was not: a record waits at most until, where it
stands, it would be `SAFETY` seconds from the lateness bound (the stage totals settle there), and one
already that close is placed at once. A record beyond the bound loses nothing by waiting (the full
`hold`). Round 14: a record nearer the bound than `hold` + SAFETY (a writer 80-110 s behind with the
shipped 120 s bound) was placed at once, at its stamp, although it could wait most of the hold: a writer
whose clock is 80 s behind had its first 7 records put 80 s early, before its estimate (8 records) came
(tests/metrics/test_skew_step.py `near_the_lateness_bound`). It now waits what is left before the bound.
Bounded: at most `limit` records wait (beyond: placed at once).

A slow writer (round 17): the wait is `hold`, or longer while its writer has not yet brought records
in `step_reads` reads since it, up to what the lateness bound allows (a record beyond the bound at its
stamp: `max_lateness - SAFETY` after its arrival, where one placed at its arrival still counts). The
writer's reads since it decide (SkewEstimator.agreed_since): all agreeing on a clock -> placed on it;
disagreeing -> late after all (its stamp). Before, a writer whose clock stepped BACK and that wrote a
record every 10-40 s had 4-7 records put at their stamps, the step early (lost to the stage beyond the
bound) and its live source read stale for up to 3.6 minutes: the step proper needs 8 delays
(tests/metrics/test_skew_step.py `test_a_slow_writer_clock_step`). A record stamped ahead of its
writer's clock (a step forward) never waited (placed at its arrival), whatever the traffic.
While records wait, their arrival is the source's sign of life (placing.py: RecordWindow.arrived),
so the gates read `late`, not `stale`, however old the newest placed sample (RecordPlacer.holding ->
Measurement.held; rollout/evaluate.py `_freshness`): it is ~3 of the writer's gaps old until 3 reads
agree, past max_lateness at a record every 45 s or more (round 17). Not for a backlog flushed after the
source went quiet (its newest sample beyond the bound when the first of them arrived): that stays `stale`. The wait is bounded by the lateness
bound, not by 3 reads: at a record every ~55 s or more the step's first record cannot see 3 reads in
`max_lateness - SAFETY` and goes at its stamp (beyond the bound: counted late).

The clock it waited on (round 20, issue 19 item 1): a record's wait is measured on the offset in use
when it arrived (`Held.then`); if that offset moves down while it waits (a writer 12-30 s behind whose
shipper batches every 30-90 s: the delays' low quantile hovers at the 30 s tolerance and the offset in
use flips between ~31 s and 0), placing it on the new one put it up to that much further back than its
wait allowed: 141-148 s back with the 120 s bound, past the stage's settled totals (seed 23124: 20 of 332
uploads missing from the stage's live totals; 50 of 491 with the writer 20 s behind). So a held record is
placed no earlier than on the clock it waited on (`Held.placing_offset`: the later of the two places).
The other way (the offset moves UP while it waits: a clock that stepped back) the new clock places it
later still: it is used, as before. Both are clocks its writer showed; neither is invented.
tests/rollout/test_stage_closing.py: writer up to 30 s behind, and a grid from 100 s behind to 60 s ahead.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .skew import SkewEstimator

SAFETY = 10.0  # seconds a waiting record stays away from the lateness bound (see the docstring)


@dataclass(slots=True)
class Held:
    record: dict[str, Any]
    stamp: float  # the writer's timestamp, on the writer's clock
    arrived: float  # our clock, at the read that brought it
    skew: SkewEstimator  # its writer's clock estimate
    offset: float | None = None  # set when the wait ended: the writer's provisional clock explains it
    until: float = math.inf  # our clock: when its wait ends (`hold`), unless its writer is slow
    last: float = math.inf  # our clock: when its wait ends whatever its writer shows (the lateness bound)
    seq: int = 0  # its delay's observation number in its writer's estimate (SkewEstimator.agreed_since)
    compact: dict[str, Any] | None = None  # its window form (recordline.compact_record), made when it arrived
    n: int = 0  # its arrival number among the held (due() returns the placed ones in this order)
    then: float = 0.0  # its writer's offset in use when it arrived: what its wait was measured on

    def placing_offset(self) -> float:
        """The offset that puts this record on our clock now its wait ended (see "The clock it waited on")."""
        chosen = self.offset if self.offset is not None else self.skew.offset()
        return max(chosen, self.then)


@dataclass(slots=True)
class _Writer:
    """The records one writer (one SkewEstimator) holds, in its observation order (`seq`), and what due() last knew."""

    skew: SkewEstimator
    held: dict[int, Held]  # by arrival number, oldest first: seq order too (added right after their observation)
    ripe: dict[int, Held]  # their `until` passed: waiting only for reads since them or for `last`
    fresh: list[Held]  # added since the last due(): not yet checked against the offset due() read
    checked: float | None = None  # the offset every older held record was found unexplained at


class HeldRecords:
    """Why indexed, not a list walked at every poll (re-read r18 finding 3). Up to `limit` records wait and due() runs
    at every read: walking them all (and asking each its writer's agreement) made a flood cost held x reads - 8,000
    late records in reads of 50 took seconds in due() alone (bench/held_flood.py). What can release a record, and when
    it can change: (a) its writer's offset explains it - only when that offset moved since it was last found
    unexplained (all of the writer's records looked at again then: a move is rare, JITTER); (b) its writer's newest
    run of agreeing delays reaches back to it - only the writer's newest records (a run is at most `keep` delays):
    walked from the newest back; (c) its wait ran out - a heap by `until`, then kept `ripe` until its writer's reads
    since it or `last` place it. Each is the same test the walk made, in the same order ((a), then (b), then (c)), and
    due() still returns the placed records oldest first."""

    def __init__(self, max_lateness: float, hold: float = 30.0, limit: int = 10_000) -> None:
        self.max_lateness = max_lateness
        self.hold = hold
        self.limit = limit
        self._by_n: dict[int, Held] = {}  # every waiting record by arrival number (arrival order)
        self._writers: dict[int, _Writer] = {}  # by id() of the writer's SkewEstimator
        self._until: list[tuple[float, int]] = []  # heap: (until, arrival number)
        self._arrivals: list[tuple[float, int]] = []  # heap: (arrived, arrival number) - `oldest_arrival`
        self._n = 0
        # When the oldest waiting record arrived, kept as records come and go (the `_arrivals` heap):
        # `oldest_arrival` is read at every measurement of the stream (14 an evaluation, up to `limit`
        # waiting), so it is O(1), not a min over the records (round 17 took one per measurement).
        # A min, not the first record's: our wall clock may step back, so arrival order is not time order.
        self._oldest: float | None = None
        self.confirmed = 0  # placed on a clock learned while they waited
        self.expired = 0  # placed at their stamps after the wait
        self.provisional = 0  # placed after the wait on a clock its writer's few records agree on
        self.agreed = 0  # placed on the clock its writer's reads since it agree on (a slow writer's step)

    def wait(self, skew: SkewEstimator, stamp: float, now: float) -> tuple[float, float] | None:
        """How long a live record with this stamp should wait for its writer's clock (None: not at all,
        place it now): its wait, and its longest while its writer is slow. Computed once per record: `add`
        takes it."""
        if len(self._by_n) >= self.limit:
            return None
        offset = skew.offset()
        if abs((now - stamp) - offset) <= skew.tolerance:
            return None  # the estimate explains it
        age = now - (stamp + offset)
        if age < 0:
            return None  # from the future: put at its arrival, which is right whatever the clock did
        wait = self._wait(age)
        return (wait, max(wait, self._longest(age))) if wait > 0 else None

    def _wait(self, age: float) -> float:
        """Seconds a record this old (where it stands now) may wait."""
        return min(self.hold, self._longest(age))

    def _longest(self, age: float) -> float:
        """Seconds a record this old may wait while its writer is slow (see the module docstring): until
        placing it at its stamp, or (beyond the bound already) at its arrival, would make it late."""
        if age >= self.max_lateness:
            return self.max_lateness - SAFETY
        return self.max_lateness - SAFETY - age

    def add(self, record: dict[str, Any], stamp: float, now: float, skew: SkewEstimator,
            wait: tuple[float, float], compact: dict[str, Any] | None = None) -> None:
        """Hold `record` for the wait `wait()` said for it, longer while its writer is slow (`compact`: its
        window form, made once: placing.py). Call right after observing its delay: it remembers its place
        in its writer's estimate."""
        h = Held(record, stamp, now, skew, until=now + wait[0], last=now + wait[1], seq=skew.observed - 1,
                 compact=compact, n=self._n, then=skew.offset())
        self._n += 1
        self._by_n[h.n] = h
        w = self._writers.get(id(skew))
        if w is None:
            w = self._writers[id(skew)] = _Writer(skew, {}, {}, [])
        w.held[h.n] = h
        w.fresh.append(h)
        heapq.heappush(self._until, (h.until, h.n))
        heapq.heappush(self._arrivals, (now, h.n))
        self._oldest = now if self._oldest is None else min(self._oldest, now)

    @property
    def records(self) -> list[Held]:
        """The records waiting now, in arrival order."""
        return list(self._by_n.values())

    def __len__(self) -> int:
        return len(self._by_n)

    @property
    def oldest_arrival(self) -> float | None:
        """When the oldest record waiting now arrived (our clock); None: none waits."""
        return self._oldest

    def waiting(self) -> Iterator[tuple[dict[str, Any], float]]:
        """(window form, arrival) of every record waiting now: what RecordWindow seeds a new arrival mark
        from (its `waiting`), read from here rather than copied there."""
        return ((h.compact if h.compact is not None else h.record, h.arrived) for h in self._by_n.values())

    def due(self, now: float) -> list[Held]:
        """The held records to place now, oldest first: explained by their writer's clock, or waited enough
        (see the class docstring for what is looked at)."""
        out: list[Held] = []
        while self._until and self._until[0][0] <= now:  # (c): their wait ran out
            n = heapq.heappop(self._until)[1]
            h = self._by_n.get(n)
            if h is not None:
                self._writers[id(h.skew)].ripe[n] = h
        for w in list(self._writers.values()):
            skew = w.skew
            offset = skew.offset()
            for h in list(w.held.values()) if w.checked != offset else w.fresh:  # (a)
                if h.n in w.held and abs((h.arrived - h.stamp) - offset) <= skew.tolerance:
                    self.confirmed += 1
                    out.append(self._forget(w, h))
            w.checked, w.fresh = offset, []
            back, clock = skew.agreed_back()  # (b): the newest `back` observations agree on `clock`
            if back:
                agreeing: list[Held] = []
                for h in reversed(w.held.values()):
                    if skew.observed - h.seq > back:
                        break
                    agreeing.append(h)
                for h in agreeing:
                    h.offset = clock  # its writer's reads since it show one new clock (a slow writer's step)
                    self.agreed += 1
                    out.append(self._forget(w, h))
            for h in list(w.ripe.values()):  # (c)
                if now >= h.last or skew.agreed_since(h.seq)[0] >= skew.step_reads:
                    # A writer that went quiet before its clock could be estimated: if the few delays it
                    # showed agree (SkewEstimator.provisional) and explain this one, that clock places it.
                    p = skew.provisional()
                    if p is not None and abs((h.arrived - h.stamp) - p) <= skew.tolerance:
                        h.offset = p
                        self.provisional += 1
                    else:
                        self.expired += 1
                    out.append(self._forget(w, h))
            if not w.held:
                del self._writers[id(skew)]
        out.sort(key=lambda h: h.n)
        arrivals = self._arrivals
        while arrivals and arrivals[0][1] not in self._by_n:
            heapq.heappop(arrivals)
        self._oldest = arrivals[0][0] if arrivals else None
        for heap in (self._until, self._arrivals):  # entries of records placed early, dropped in bulk now and then
            if len(heap) > 2 * len(self._by_n) + 64:
                heap[:] = [e for e in heap if e[1] in self._by_n]
                heapq.heapify(heap)
        return out

    def _forget(self, w: _Writer, h: Held) -> Held:
        del self._by_n[h.n]
        del w.held[h.n]
        w.ripe.pop(h.n, None)
        return h
