"""How far the writer's clock is from ours, estimated from when its records arrive.

The gateway stamps each record with its own `datetime.utcnow()`. If its clock is off (or a
writer stamps local time as if UTC), every record looks late (clock behind) or in the future
(clock ahead). Late-looking records would settle outside their stage and the freshness gate would
call a live source stale; future ones would sit outside every window. So each record's delay
(arrival on our clock - its timestamp) is observed, and when a low quantile of the recent delays
is beyond `tolerance` the writer's clock is taken to be off by that much and timestamps are
shifted by it.

Why a low quantile (10th percentile of the last 64 delays): a delay is offset + transport lag,
and lag is never negative, so the smallest delays estimate the offset; genuinely late records
only add to the upper tail, and a few bogus future stamps (< 10%) cannot move it. A whole stream
that arrives a constant time late is indistinguishable from a skewed clock and is treated as one
(its records keep their order and spacing, only the stage boundary moves by that much).
The delays must also bunch (median - 10th percentile within `tolerance`): a backlog of old
records flushed at once spreads its delays over its age and is not a skew. Delays that do not bunch
show no clock, so the offset in use stands (round 16; before, it fell to 0): a backlog bigger than
the kept delays, or a step's first records among the old clock's, put a writer learned 600 s behind
on "no offset", its next live records waited 30 s for an estimate and a live source read stale
(generated scenario 19027: a step of 300 s, 4 records, a 90 s pause; tests/metrics/test_skew_step.py).
Records replayed from history at start (start_at: beginning) are not observed: their delay is
their age, not a clock offset.

A clock that steps (NTP after a VM resumes, a timezone change) moves the low quantile only after
~90% of the kept delays show the new offset (58 records): each of them meanwhile looked late or
early by the step, fell outside its stage and made a live source look stale. So a step is taken
as soon as the last `step_observations` (8, or more to span `step_reads` = 3 reads) delays bunch
within `tolerance` away from the current offset: a writer on a new clock keeps writing at its
pace, read after read, while a backlog flushed at once arrives in one read (its delays are its age).

At a restart the estimator starts again; `seed()` gives it the offset the replayed file shows (see
writerclocks.replay_offset) until live records say more.

The offset in use moves only when the estimate moves by more than `JITTER` (2 s): the low quantile
follows transport jitter by tenths of a second, record by record, and a record's place must be
reproducible. A replay after a kill places history with the one offset the previous process saved
(metrics/clockfile.py); the stage totals remember what the last evaluation counted up to ITS time
(rollout/stagetotals.py), so a record the replay puts 0.04 s later than the live read did, across
that time, was carried as gone and counted again (dev seed 12023: 125 counted of 124). With a
piecewise-constant offset the live read and the replay use the same float
(tests/metrics/test_replay_same_place.py). 2 s is far inside the 30 s tolerance and the test model's
2 s stage-boundary slack; a writer's lag that changes by more (a stalled shipper) still moves it.
"""

from __future__ import annotations

import math
from collections import deque

JITTER = 2.0  # seconds the estimate must move before the offset in use follows (see the docstring)


class SkewEstimator:
    def __init__(self, tolerance: float = 30.0, keep: int = 64, min_observations: int = 8,
                 quantile: float = 0.1, step_observations: int = 8, step_reads: int = 3) -> None:
        self.tolerance = tolerance
        self.min_observations = min_observations
        self.quantile = quantile
        self.step_observations = step_observations
        self.step_reads = step_reads
        self._delays: deque[float] = deque(maxlen=keep)
        self._arrivals: deque[float] = deque(maxlen=keep)  # which read brought each delay (nan: unknown)
        self._offset = 0.0
        self._dirty = False
        self.observed = 0  # delays observed so far: a held record remembers where it stood (agreed_since)
        self._reads_since_of: tuple[tuple[int, int], tuple[list[int], int]] | None = None  # see _reads_since
        self._run_of: tuple[tuple[int, int, float], tuple[int, int, float]] | None = None  # see _run

    def observe(self, delay: float, at: float = math.nan) -> None:
        """One record's arrival time minus its timestamp (seconds); `at`: which read brought it."""
        self._delays.append(delay)
        self._arrivals.append(at)
        self.observed += 1
        self._dirty = True

    def _step(self) -> int:
        """How many of the last delays show a step of the writer's clock (0: none). They must be at
        least `step_observations`, read in at least `step_reads` different reads (a backlog comes
        in one), bunch within `tolerance`, and sit beyond `tolerance` from the current offset."""
        reads: set[float] = set()
        n = 0
        low = high = 0.0
        for at, delay in zip(reversed(self._arrivals), reversed(self._delays), strict=True):
            if math.isnan(at):
                return 0
            low, high = (delay, delay) if n == 0 else (min(low, delay), max(high, delay))
            if high - low > self.tolerance:
                return 0
            reads.add(at)
            n += 1
            if n >= self.step_observations and len(reads) >= self.step_reads:
                return n if abs(low - self._offset) > self.tolerance else 0
        return 0

    def _reads(self) -> int:
        """How many reads brought the kept delays (unknown reads count as enough). A backlog comes in
        one read: its delays are its age, not a clock, so no offset is taken from a single read
        (generated scenario 7035: a writer's first records after a restart were a 400 s old backlog,
        taken as its clock, and a stopped writer looked fresh)."""
        if any(math.isnan(at) for at in self._arrivals):
            return self.step_reads
        return len(set(self._arrivals))

    def _support(self, low: float) -> int:
        """How many reads brought delays within `tolerance` of `low` (unknown reads: enough).

        An offset is a clock every read shows, not the delays of a few reads: two backlogs from one
        writer (each 20 records of 10 s, read 7 s apart) plus the first live record after them made
        three reads, and their bunched ~990 s delays a clock, although the live read said 600 s
        (generated scenario 7035: the backlogs counted in the stage as fresh uploads)."""
        reads: set[float] = set()
        for at, delay in zip(self._arrivals, self._delays, strict=True):
            if math.isnan(at):
                return self.step_reads
            if abs(delay - low) <= self.tolerance:
                reads.add(at)
        return len(reads)

    def provisional(self) -> float | None:
        """The offset a writer shows before `min_observations` delays: every delay kept so far bunched
        within `tolerance`, brought by at least `step_reads` reads (a backlog comes in one; one that
        spreads its ages over reads does not bunch). None when they do not agree or are too few, or
        once the estimate proper decides (`offset()`).

        Only for placing a record whose wait for its writer's clock ended (metrics/held.py): a writer
        whose clock is behind and that goes quiet after a few records (W8 after W9: generated scenario
        16027, a second gateway process 300 s behind wrote 6 records over 6 reads and paused 200 s)
        never reaches `min_observations`; its records were put at their stamps, minutes before the
        stage, and the stage counted 5 of 7 readable uploads. The quantile's robustness is moot when
        no delay disagrees; the read count keeps round 8's rule (7035: no clock from a backlog)."""
        if len(self._delays) >= self.min_observations or self._reads() < self.step_reads:
            return None
        low, high = min(self._delays), max(self._delays)
        if high - low > self.tolerance:
            return None
        return low if abs(low) > self.tolerance else 0.0

    def agreed_since(self, seq: int) -> tuple[int, float | None]:
        """How many reads brought this writer's delays from observation number `seq` on (a held record's
        own and those after it), and the clock they agree on (None: none yet): the lowest delay of the
        newest run of delays that bunch within `tolerance` away from the offset in use, when that run
        holds observation `seq` and spans `step_reads` reads.

        For a record held for its writer's clock (metrics/held.py): a clock that stepped BACK makes its
        records look late by the step, and the step proper waits for `step_observations` (8) delays; a
        writer writing a record every 10-40 s shows 8 only after minutes, so each record's 30 s wait
        ended first and it was put at its stamp, the step early (beyond the lateness bound: lost to its
        stage; the live source read stale meanwhile). The reads are what tell a clock from a backlog (a
        backlog comes in one read: round 8's rule), so a run over `step_reads` reads places the record
        on its clock, and the records after it at once (the run reaches back to the step); reads after
        it that do not agree say it was late. (0, None) when unknown (fed directly). Once its delay is no
        longer kept, every kept delay came after it: the reads that brought them (a lower bound) and None
        (a busy writer's one late record is placed when its `hold` ends, as before round 17's slow-writer
        wait: it had read 0 and waited until its longest)."""
        k = self.observed - seq
        if k <= 0:
            return 0, None
        if k > len(self._delays):
            return self._reads_since()[1], None
        offset = self.offset()  # may keep only the newest delays (a clock step): read them after it
        trailing, known = self._reads_since()
        if k >= len(trailing):  # a delay of an unknown read among `seq`'s and after (or a step kept fewer)
            return (known, None) if len(trailing) > len(self._delays) else (0, None)
        run, run_reads, low = self._run(offset)
        if run < k or run_reads < self.step_reads:
            return trailing[k], None
        return trailing[k], low

    def agreed_back(self) -> tuple[int, float | None]:
        """(k, clock): `agreed_since(seq)` names `clock` for every observation with 1 <= observed - seq <= k, and
        None for older ones - all held records of this writer at once (metrics/held.py walks only the newest k)."""
        offset = self.offset()
        trailing, _ = self._reads_since()
        run, run_reads, low = self._run(offset)
        if run_reads < self.step_reads:
            return 0, None
        return min(len(self._delays), len(trailing) - 1, run), low

    # What `agreed_since` reads off the kept delays is the same for every held record: computed once per state of
    # the estimator, not once per held record per poll. Up to `limit` (10,000) records wait (metrics/held.py), each
    # asked at every poll: a set of up to `keep` reads built per record per poll made a flood cost held x keep per
    # read (re-read r18; bench/held_flood.py). The kept delays are the newest `len` of those observed (a step keeps
    # the newest), so (observed, len) names them exactly; the run also depends on the offset in use.
    def _reads_since(self) -> tuple[list[int], int]:
        """(trailing, known): trailing[k] = distinct reads among the newest k delays, for k up to the first delay of
        an unknown read (nan) from the newest; known = distinct known reads of all kept delays."""
        state = (self.observed, len(self._delays))
        if self._reads_since_of is not None and self._reads_since_of[0] == state:
            return self._reads_since_of[1]
        trailing = [0]
        seen: set[float] = set()
        for at in reversed(self._arrivals):
            if math.isnan(at):
                break
            seen.add(at)
            trailing.append(len(seen))
        got = (trailing, len({at for at in self._arrivals if not math.isnan(at)}))
        self._reads_since_of = (state, got)
        return got

    def _run(self, offset: float) -> tuple[int, int, float]:
        """The newest run of delays that bunch within `tolerance` away from `offset` (see `agreed_since`): its
        length, its distinct reads and its lowest delay."""
        state = (self.observed, len(self._delays), offset)
        if self._run_of is not None and self._run_of[0] == state:
            return self._run_of[1]
        run: set[float] = set()  # the reads of the newest run of agreeing delays
        low = high = math.nan
        n = 0  # the run's length
        for at, delay in zip(reversed(self._arrivals), reversed(self._delays), strict=True):
            if math.isnan(at):
                break
            if abs(delay - offset) <= self.tolerance or (n and max(high, delay) - min(low, delay) > self.tolerance):
                break
            low, high = (delay, delay) if n == 0 else (min(low, delay), max(high, delay))
            run.add(at)
            n += 1
        got = (n, len(run), low)
        self._run_of = (state, got)
        return got

    def seed(self, offset: float) -> None:
        """Start from `offset` (measured otherwise, e.g. at a replay) until enough delays are observed."""
        if len(self._delays) < self.min_observations:
            self._offset = offset

    def offset(self) -> float:
        """Seconds to add to a timestamp to put it on our clock (0 while within tolerance)."""
        if self._dirty:
            self._dirty = False
            stepped = self._step()
            if stepped:  # the old clock's delays say nothing about the new one
                for kept in (self._delays, self._arrivals):
                    recent = list(kept)[-stepped:]
                    kept.clear()
                    kept.extend(recent)
            if len(self._delays) >= self.min_observations and self._reads() >= self.step_reads:
                ordered = sorted(self._delays)
                low = ordered[int(self.quantile * (len(ordered) - 1))]
                mid = ordered[(len(ordered) - 1) // 2]
                steady = mid - low <= self.tolerance  # a skewed clock: delays bunch; a backlog: they spread
                clock = abs(low) > self.tolerance and steady and self._support(low) >= self.step_reads
                # Delays that do not bunch (a backlog, or a step's first records among the old clock's)
                # show no clock: the one in use stands until a step is taken (see "A clock that steps").
                new = low if clock else 0.0 if steady else self._offset
                if abs(new - self._offset) > JITTER or (new == 0.0) != (self._offset == 0.0):
                    self._offset = new
        return self._offset
