"""Placing a JSONL stream's records in time: one line or record in, at most one window entry out.

Split out of jsonl.py (round 11), which follows the files and runs the replay. Here: a record's time
(its writer's stamp put on our clock by the writer's learned offset, metrics/skew.py; a replayed span's
clock, writerclocks.replay_clock; arrival for a live record the offset cannot explain), records held
for their writer's clock (held.py), replayed records without a usable time (unstamped.py), the
gateway's double-written failures and lines written twice (dedupe.py), the lateness bound, malformed
and torn lines (recordline.py), and the journal of what was placed (journal.py).
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

from ..clock import Clock
from ..config import JsonlStream
from ..telemetry import Telemetry
from .clockfile import ClockFile
from .dedupe import RepeatedLines, WriterDoubleWrites, failed
from .held import HeldRecords
from .journal import ReadJournal, digest
from .recordline import after_torn_write, compact_record, sub_second
from .recordwindow import RecordWindow
from .skew import SkewEstimator
from .unstamped import Unstamped
from .writerclocks import FUTURE_SLACK, WriterClocks, parse_timestamp

log = logging.getLogger("sidecar.metrics.jsonl")  # the stream's log name, as before the split

RESTART_REACH = 2  # start_at: end keeps replayed records this many lateness bounds back (see poll)
# Where a line's journal digest rides with its record until the record is placed (held and unstamped
# records are placed polls later): a key no JSON object can have, taken off before anything reads fields.
JOURNAL_KEY = ("journal",)
JOURNAL_LINE = 2048  # bytes: a longer line is journaled in its compact form (see _journal)


class RecordPlacer:
    """Puts the records of one `JsonlStream` in its `RecordWindow`, each at its time (see the module docstring)."""

    def __init__(self, config: JsonlStream, clock: Clock, telemetry: Telemetry | None,
                 retention: float, clock_file: Path | None = None, journal_file: Path | None = None) -> None:
        self.config = config
        self.name = config.name
        self.clock = clock
        self.telemetry = telemetry
        self.window = RecordWindow(retention=retention, max_records=config.max_records)
        self._drop = frozenset({*config.drop_fields, config.timestamp_field})
        self.records = 0
        self.skipped = 0
        self.malformed = 0
        self.skewed = 0
        self.duplicates = 0
        self.late = 0
        self._dedupe = WriterDoubleWrites(config.double_written_where) if config.dedupe_failures else None
        self._repeats = RepeatedLines()
        self.torn = 0
        self.unplaced = 0  # replayed history stamped in the future: not placed in the window
        self.skew = SkewEstimator()  # the clock of the writer whose lines are being read
        self.clocks = WriterClocks(self.skew)
        self.clockfile = ClockFile(clock_file)  # the writers' offsets learned live, across restarts
        # What was placed, across a crash whatever happens to the files (metrics/journal.py).
        self.journal = ReadJournal(journal_file, RESTART_REACH * config.max_lateness, config.max_records)
        self._writer: str | None = None  # writer_key of the file whose lines are being read (poll)
        self._stamps: dict[str, float] = {}  # writer -> stamp of the last stamped record read live (clockfile)
        self._unstamped = Unstamped()  # replayed records without a usable time, placed after their predecessor
        self._flushing = False
        self._replay_offset: float | None = None  # the replayed line's writer clock, by span (see poll)
        self._held = HeldRecords(config.max_lateness)
        self.window.waiting = self._held.waiting  # new arrival marks see the waiting records (one copy: here)
        self._live = True  # False while a poll replays history (delays there are ages, not skew)
        self._replaying = False  # the first read, until a read reaches the end of the history
        self._history_before = -math.inf  # start_at: end: replayed records placed before this are history
        self._read_no = math.nan  # the poll whose lines are being ingested (nan: fed directly)
        self._logged: set[str] = set()

    @property
    def replaying(self) -> bool:
        """Still replaying the file's history: a read has not reached its end yet (metrics/errors.py
        HistoryReplaying says why nothing is measured from the window meanwhile)."""
        return self._replaying

    @property
    def holding(self) -> float | None:
        """When the oldest record waiting for its writer's clock arrived (metrics/held.py); None: none waits
        (rollout/evaluate.py `_freshness`)."""
        return self._held.oldest_arrival

    @property
    def _label(self) -> str:
        return f"metrics:{self.name}"

    # -- records

    def ingest(self, record: Any, t: float | None = None) -> bool:
        """Add one decoded record; returns False when it is skipped (not a request record).

        `t` overrides the time; else the record's timestamp, else arrival time from the clock.
        """
        if not isinstance(record, dict):
            self._malformed("not_object", "record is not a JSON object")
            return False
        skip = self.config.skip_field
        if skip and record.get(skip) is not None:
            self.skipped += 1
            return False
        now = self.clock.time()
        if t is not None:
            return self._place(record, t, now)
        stamp = parse_timestamp(record.get(self.config.timestamp_field))
        if stamp is None and not self._live:
            # Replayed history without a time: it arrived long ago, when is unknown. At "now"
            # it would land in the current stage a second time (the live read put it at its
            # arrival, and the stage totals keep what they counted then). After its writer's
            # previous record, at that one's time, when it is a spike (metrics/unstamped.py).
            return self._after_previous(record, "untimed_in_history")
        if stamp is None:
            return self._place(record, now, now)
        if self._live:
            if self._writer is not None:
                self._stamps[self._writer] = stamp
            self.skew.observe(now - stamp, self._read_no)
            wait = None if math.isnan(self._read_no) else self._held.wait(self.skew, stamp, now)
            if wait is not None:
                compact = compact_record({k: v for k, v in record.items() if isinstance(k, str)}, self._drop)
                self._held.add(record, stamp, now, self.skew, wait, compact)  # placed by _release (metrics/held.py)
                self.window.arrived(compact, now)  # the source is alive meanwhile
                carried = record.get(JOURNAL_KEY)
                if carried is not None:  # journaled while it waits (metrics/journal.py, round 12)
                    self._journal(stamp + self.skew.offset(), carried[0], carried[1], record, self.skew, stamp,
                                  held=True)
                return True
        return self._place_stamped(record, stamp, now, self.skew)

    def _place_stamped(self, record: dict[str, Any], stamp: float, arrived: float, skew: SkewEstimator,
                       offset: float | None = None, compact: dict[str, Any] | None = None) -> bool:
        """Place a record by its writer's stamp, put on our clock by the writer's estimated offset
        (`offset`: a provisional one, for a held record whose wait ended: metrics/held.py; `compact`: its
        window form made when it was held)."""
        t = stamp
        if offset is None:
            offset = skew.offset()
        if not self._live and self._replay_offset is not None:
            offset = self._replay_offset  # replayed history: its span's clock (see poll)
        if offset:
            # The writer's clock is off (see metrics/skew.py): put its stamps on ours.
            self.skewed += 1
            t += offset
            if "skew" not in self._logged:
                self._logged.add("skew")
                log.warning("jsonl stream: record timestamps are off the sidecar's clock (naive timestamps "
                            "are read as UTC); correcting them by that much",
                            extra={"stream": self.name, "offset_s": round(-offset)})
        if t > arrived + FUTURE_SLACK:
            self.skewed += 1
            if not self._live:
                # History replayed at start from a writer whose clock is ahead: the record
                # arrived long ago, when is unknown. At arrival time (now) a whole file of
                # history would land in the current stage as fresh requests. What the stage
                # had counted is kept by the rollout's totals; the window does without it.
                return self._after_previous(record, "future_in_history")
            # Live: not (yet) explained by a steady offset. A future stamp would keep the
            # record out of every window, so it gets arrival time.
            t = arrived
        return self._place(record, t, arrived, skew, stamp, compact)

    def _release(self) -> None:
        """Place the held records their writers' clocks now explain, or that waited enough."""
        for h in self._held.due(self.clock.time()):
            self._place_stamped(h.record, h.stamp, h.arrived, h.skew, h.placing_offset(), h.compact)

    def _place(self, record: dict[str, Any], t: float, arrived: float, writer: SkewEstimator | None = None,
               stamp: float | None = None, compact: dict[str, Any] | None = None) -> bool:
        """Put `record` in the window at `t`; `writer` and `stamp`: its writer's clock and its own stamp
        (a double-written failure is recognised on the writer's clock: dedupe.WriterDoubleWrites);
        `compact`: its window form if made already (a held record)."""
        carried = record.pop(JOURNAL_KEY, None)  # type: ignore[call-overload]
        key = None if carried is None else carried[0]
        if not self._live and self._writer is not None and not self._flushing:
            where, run = self._unstamped.placed(self._writer, t)
            self._flushing = True
            try:
                for waiting, reason in run:
                    _ = self._unplaced(reason) if where is None else self._place(waiting, where, self.clock.time())
            finally:
                self._flushing = False
        if not self._live and t < self._history_before:
            if key is not None:
                self.journal.forget(key)
            return False  # start_at: end: history before the lateness bound (not counted as anything)
        if self._dedupe is not None and self._dedupe.is_duplicate(record, t, writer, stamp, self.config.timestamp_field):
            if key is not None:
                self.journal.forget(key)  # a held record found to be a double write's second: not restored
            self._duplicate()
            return False
        if arrived - t > self.config.max_lateness:
            # Still in the window (sliding gates use event time), but a stage total that has
            # settled past it will not see it: counted so the loss is visible.
            self.late += 1
            if self.telemetry is not None:
                self.telemetry.metric_records_dropped.labels(self.name, "late").inc()
        if compact is None:
            compact = compact_record(record, self._drop)
        self.window.add(t, compact, arrived if self._live else None)  # replayed history: arrival unknown
        self.records += 1
        if carried is not None:
            self._journal(t, carried[0], carried[1], record, writer, stamp)
        return True

    def _journal(self, t: float, key: str, line: bytes, record: dict[str, Any], writer: SkewEstimator | None,
                 stamp: float | None, held: bool = False) -> None:
        """Journal the `line` of a record placed (or `held`) at `t`; a failure with what its pair needs
        after a restart: its writer and its stamp (metrics/journal.py). A line longer than JOURNAL_LINE
        (log content is the writer's: a hostile one would double its bytes on our disk) goes as the
        window's compact form, plus the dropped scalar fields a failure's pair signature includes."""
        entry: dict[str, Any] | bytes = line
        extra = None
        if len(line) > JOURNAL_LINE:
            entry = compact_record({k: v for k, v in record.items() if isinstance(k, str)}, self._drop)  # not JOURNAL_KEY
            extra = {k: v for k, v in record.items() if k in self._drop and k != self.config.timestamp_field
                     and (v is None or isinstance(v, str | int | float | bool))} or None
        if self._dedupe is None or not failed(record):
            self.journal.add(t, key, entry, held=held)
            return
        name = self.clocks.name_of(writer) if writer is not None and stamp is not None else None
        self.journal.add(t, key, entry, stamp if name is not None else None, name, extra, held)

    def _after_previous(self, record: dict[str, Any], reason: str) -> bool:
        """A replayed record its own stamp cannot place: it waits for its writer's next placed record
        and goes where the previous one went, or is not placed (metrics/unstamped.py)."""
        for why in self._unstamped.wait(self._writer, record, reason):
            self._unplaced(why)
        return False

    def _unplaced(self, reason: str) -> bool:
        """A replayed record this stream cannot put at the time it arrived: not placed, counted."""
        self.unplaced += 1
        if self.telemetry is not None:
            self.telemetry.metric_records_dropped.labels(self.name, reason).inc()
        return False

    def _malformed(self, reason: str, detail: str) -> None:
        self.malformed += 1
        if self.telemetry is not None:
            self.telemetry.parse_errors.labels(self._label, reason).inc()
        if reason not in self._logged:
            self._logged.add(reason)
            log.warning("jsonl stream: skipping a bad line; further ones are only counted",
                        extra={"stream": self.name, "reason": reason, "detail": detail})

    def ingest_line(self, line: bytes) -> None:
        text = line.strip()
        if not text:
            return
        try:
            record = json.loads(text)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            # RecursionError: deeply nested brackets (json's decoder recurses per level); one bad
            # line, not a crashed poll that loses every line after it in the same read.
            detail = "nested too deeply" if isinstance(exc, RecursionError) else f"{exc}"[:120]
            record, start = after_torn_write(text)
            self._malformed("torn_write" if record is not None else "malformed_json", detail)
            if record is None:
                return
            self.torn += 1
            text = text[start:]
        again = None
        if self.journal.path is not None and isinstance(record, dict):
            key = digest(text)
            if self._replaying:
                again = self.journal.read_again(key)  # where the previous process placed this line
        if (isinstance(record, dict) and sub_second(record.get(self.config.timestamp_field))
                and self._repeats.is_repeat(text)):
            self._duplicate()
            return
        if self.journal.path is not None and isinstance(record, dict):
            record[JOURNAL_KEY] = (key, text)
            if again is not None and not self._live:
                self._place_again(record, again)
                return
        self.ingest(record)

    def _place_again(self, record: dict[str, Any], t: float) -> bool:
        """A replayed line the previous process placed at `t` (metrics/journal.py): placed there again,
        through the same checks (history cut, double writes on its writer's stamps, the window)."""
        stamp = parse_timestamp(record.get(self.config.timestamp_field))
        return self._place(record, t, self.clock.time(), self.skew if stamp is not None else None, stamp)

    def _duplicate(self) -> None:
        self.duplicates += 1
        if self.telemetry is not None:
            self.telemetry.metric_records_dropped.labels(self.name, "duplicate").inc()
