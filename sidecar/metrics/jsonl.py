"""Per-request JSONL records (the gateway's `logs/async_upload_rollout/metrics.jsonl`) into windows.

A record looks like `{"execution_type": "async", "success": true, "duration_ms": 812.5,
"error_type": null, "fallback_used": false, "file_size_mb": 1.2, "provider": "kimi",
"request_id": "...", "timestamp": "2026-11-23T13:05:01.123456"}` (utcnow ISO, no zone: read as
UTC). The same file also holds `{"event_type": "rollout_stage" | "rollback", ...}` records that
are not requests: records carrying the `skip_field` (default `event_type`) are skipped.

Lines come from the stream's files through `LineFollower` (follow.py: polling, rotation,
truncation, partial and oversized lines); records go into a `RecordWindow` (recordwindow.py).
This module turns a line into a record: its time (timestamp, skew correction, lateness), the
gateway's double-written failures and lines written twice dropped (dedupe.py), non-request
records skipped. Malformed lines are counted and skipped; a line that is a torn write's fragment
followed by a whole record keeps the record (`after_torn_write`; what a line's bytes alone say is in
recordline.py). Memory is bounded by `max_records` per stream and by
the retention window.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from pathlib import Path
from typing import Any

from ..clock import Clock
from ..config import JsonlStream
from ..telemetry import Telemetry
from .clockfile import ClockFile
from .dedupe import RepeatedLines, WriterDoubleWrites
from .follow import LineFollower
from .held import HeldRecords
from .journal import ReadJournal, digest
from .recordline import after_torn_write, compact_record, sub_second
from .recordwindow import RecordWindow
from .skew import SkewEstimator
from .unstamped import Unstamped
from .writerclocks import (
    FUTURE_SLACK,
    WriterClocks,
    parse_timestamp,
    replay_clock,
    writer_key,
)

__all__ = ["FUTURE_SLACK", "JsonlSource", "after_torn_write", "compact_record", "parse_timestamp"]

log = logging.getLogger(__name__)

# Lines ingested between two turns of the event loop: a start-up replay or a burst (up to
# READ_BUDGET, ~30k records, at ~10-20 us each with the aggregates kept up) must not hold /healthz,
# the API and the rollout evaluations for a whole poll.
YIELD_EVERY = 1000
RESTART_REACH = 2  # start_at: end keeps replayed records this many lateness bounds back (see poll)
# Where a line's journal digest rides with its record until the record is placed (held and unstamped
# records are placed polls later): a key no JSON object can have, taken off before anything reads fields.
JOURNAL_KEY = ("journal",)


class JsonlSource:
    """Follows the files of one `JsonlStream` and feeds its `RecordWindow`."""

    def __init__(self, config: JsonlStream, clock: Clock, telemetry: Telemetry | None,
                 retention: float, clock_file: Path | None = None, journal_file: Path | None = None) -> None:
        self.config = config
        self.name = config.name
        self.clock = clock
        self.telemetry = telemetry
        self.window = RecordWindow(retention=retention, max_records=config.max_records)
        self._drop = frozenset({*config.drop_fields, config.timestamp_field})
        self.follower = LineFollower(config)
        self._first_poll = True
        self.lines = 0
        self.records = 0
        self.skipped = 0
        self.malformed = 0
        self.skewed = 0
        self.duplicates = 0
        self.late = 0
        self._dedupe = WriterDoubleWrites() if config.dedupe_failures else None
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
        self._live = True  # False while a poll replays history (delays there are ages, not skew)
        self._replaying = False  # the first read, until a read reaches the end of the history
        self._history_before = -math.inf  # start_at: end: replayed records placed before this are history
        self._polls = 0
        self._read_no = math.nan  # the poll whose lines are being ingested (nan: fed directly)
        self.missing: dict[str, float] = {}  # path -> since when it is gone (a vanished file is news)
        self.last_error: str | None = None
        self._logged: set[str] = set()

    @property
    def replaying(self) -> bool:
        """Still replaying the file's history: a read has not reached its end yet (metrics/errors.py
        HistoryReplaying says why nothing is measured from the window meanwhile)."""
        return self._replaying

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
            if not math.isnan(self._read_no) and self._held.wants(self.skew, stamp, now):
                self._held.add(record, stamp, now, self.skew)  # placed by _release (metrics/held.py)
                return True
        return self._place_stamped(record, stamp, now, self.skew)

    def _place_stamped(self, record: dict[str, Any], stamp: float, arrived: float, skew: SkewEstimator) -> bool:
        """Place a record by its writer's stamp, put on our clock by the writer's estimated offset."""
        t = stamp
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
        return self._place(record, t, arrived, skew, stamp)

    def _release(self) -> None:
        """Place the held records their writers' clocks now explain, or that waited enough."""
        for h in self._held.due(self.clock.time()):
            self._place_stamped(h.record, h.stamp, h.arrived, h.skew)

    def _place(self, record: dict[str, Any], t: float, arrived: float, writer: SkewEstimator | None = None,
               stamp: float | None = None) -> bool:
        """Put `record` in the window at `t`; `writer` and `stamp`: its writer's clock and its own stamp
        (a double-written failure is recognised on the writer's clock: dedupe.WriterDoubleWrites)."""
        key = record.pop(JOURNAL_KEY, None)  # type: ignore[call-overload]
        if not self._live and self._writer is not None and not self._flushing:
            where, run = self._unstamped.placed(self._writer, t)
            self._flushing = True
            try:
                for waiting, reason in run:
                    _ = self._unplaced(reason) if where is None else self._place(waiting, where, self.clock.time())
            finally:
                self._flushing = False
        if not self._live and t < self._history_before:
            return False  # start_at: end: history before the lateness bound (not counted as anything)
        if self._dedupe is not None and self._dedupe.is_duplicate(record, t, writer, stamp, self.config.timestamp_field):
            self._duplicate()
            return False
        if arrived - t > self.config.max_lateness:
            # Still in the window (sliding gates use event time), but a stage total that has
            # settled past it will not see it: counted so the loss is visible.
            self.late += 1
            if self.telemetry is not None:
                self.telemetry.metric_records_dropped.labels(self.name, "late").inc()
        compact = compact_record(record, self._drop)
        self.window.add(t, compact)
        self.records += 1
        if key is not None:
            self.journal.add(t, key, compact)
        return True

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
        if self.journal.path is not None and isinstance(record, dict):
            key = digest(text)
            if self._replaying:
                self.journal.read_again(key)  # this line is the replay's to place, not the journal's
        if (isinstance(record, dict) and sub_second(record.get(self.config.timestamp_field))
                and self._repeats.is_repeat(text)):
            self._duplicate()
            return
        if self.journal.path is not None and isinstance(record, dict):
            record[JOURNAL_KEY] = key
        self.ingest(record)

    def _duplicate(self) -> None:
        self.duplicates += 1
        if self.telemetry is not None:
            self.telemetry.metric_records_dropped.labels(self.name, "duplicate").inc()

    # -- files

    async def poll(self) -> int:
        """Read what was appended since the last poll; return the number of records added."""
        before = self.records
        first = self._first_poll
        self._first_poll = False
        read = await asyncio.to_thread(self.follower.read, first)
        # History is replayed by the first read and, past READ_BUDGET, by the reads after it until
        # one reaches the end: its delays are ages (not a clock offset), and it is not fresh.
        self._replaying = first or self._replaying
        if first and self.config.start_at == "end":
            # The lookback (follow.LOOKBACK): only what is within the lateness bound is not history.
            # Back to TWICE the lateness bound: the stage totals' unsettled span at the last evaluation
            # reached back `max_lateness` before THAT evaluation, and the restart comes after it. Cut at
            # one bound, the records between the two were gone for the new process; the stage totals
            # carried the ones the last evaluation had seen, but a lagging writer's appends into the
            # span (seen by no evaluation) offset that count (generated scenario 9933: 3-5 uploads short
            # after a restart 5 s after an evaluation, writer 2 s late). Covers downtimes up to the bound.
            self._history_before = self.clock.time() - RESTART_REACH * self.config.max_lateness
        self._live = not self._replaying
        for err in read.errors:
            self.last_error = err
            if err not in self._logged:
                self._logged.add(err)
                log.warning("jsonl stream: read error", extra={"stream": self.name, "error": err})
        if not read.errors:
            self.last_error = None
        now = self.clock.time()
        for path in read.missing:
            if path not in self.missing:
                self.missing[path] = now
                log.warning("jsonl stream: a file is missing (deleted, or rotated and not recreated)",
                            extra={"stream": self.name, "path": path})
        for path in [p for p in self.missing if p not in read.missing]:
            log.info("jsonl stream: a missing file is back", extra={"stream": self.name, "path": path})
            del self.missing[path]
        for kind in read.rotations:
            if self.telemetry is not None:
                self.telemetry.rotations.labels(self._label, kind).inc()
        for _ in range(read.too_long):
            self._malformed("line_too_long", f"longer than {self.config.max_line_bytes} bytes")
        self.lines += len(read.lines)
        if self.telemetry is not None:
            self.telemetry.lines_read.labels(self._label).inc(len(read.lines))
            self.telemetry.bytes_read.labels(self._label).inc(read.bytes_read)
        spans: dict[str, list[tuple[int, float]]] = {}  # path -> [(first line, its writer's offset)]
        if self._replaying:
            for start, end, path, mtime in read.sources:
                # A replay longer than one read (READ_BUDGET) has not reached the end of the file: the
                # writer's last record (the write that set the mtime) is read from the file's end.
                last = read.lines[start:end] if not read.more else await asyncio.to_thread(self.follower.tail, path)
                ahead, steps = replay_clock(last, read.lines[start:end], mtime, read.more, self.config,
                                            self.clocks.of(path).tolerance, self.clockfile, writer_key(path))
                if steps is not None:
                    spans[path] = [(start + i, offset) for i, offset in steps]
                if ahead:
                    self.clocks.of(path).seed(ahead)
        self._polls += 1
        self._read_no = float(self._polls)
        try:
            done = 0
            for start, end, path, _ in read.sources:
                self.skew = self.clocks.of(path)
                self._writer = writer_key(path)
                todo = list(spans.get(path, ()))
                for i, line in enumerate(read.lines[start:end], start):
                    while todo and todo[0][0] <= i:
                        self._replay_offset = todo.pop(0)[1]
                    self.ingest_line(line)
                    done += 1
                    if done % YIELD_EVERY == 0:
                        await asyncio.sleep(0)
                self._replay_offset = None
            if not read.more:
                # The replay's last read (or a live one: nothing waits then). Not after each source of
                # each read: a run the read budget cut waits for its successor in the next read
                # (metrics/unstamped.py, #19).
                self._place_ends()
                if self._replaying:
                    self._restore()
        finally:
            self._read_no = math.nan
            self._replay_offset = None
        self._live = True
        self._release()
        self._replaying = self._replaying and read.more
        if not self._replaying:
            self.clockfile.update(self.clocks.offsets(), self.clock.time(), self._stamps)
        self.journal.flush(self.clock.time())
        self.window.prune(self.clock.time())
        return self.records - before

    def _place_ends(self) -> None:
        """The spikes the replay's files end with, where their writers' previous records went
        (metrics/unstamped.py `ends`)."""
        self._flushing = True  # placed here, not as the predecessor of a waiting run
        try:
            for where, run in self._unstamped.ends():
                for waiting, _reason in run:
                    self._place(waiting, where, self.clock.time())
        finally:
            self._flushing = False

    def _restore(self) -> None:
        """The end of the replay: what the previous process placed from lines no file holds any more
        goes back where it placed them (metrics/journal.py); what a restart's replay leaves out as
        history (`_history_before`) stays out here too."""
        for t, key, record in self.journal.leftover():
            if t < self._history_before:
                continue
            self.window.add(t, record)
            self.records += 1
            self.journal.add(t, key, record)

    def close(self) -> None:
        self.follower.close()
        self.journal.close()

    def status(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "paths": list(self.config.paths),
            "files_open": sorted(self.follower.files),
            "lines": self.lines,
            "records": self.records,
            "skipped": self.skipped,
            "malformed": self.malformed,
            "clock_skewed": self.skewed,
            "clock_offset": self.skew.offset(),  # the writer read last
            "clock_offsets": self.clocks.offsets(),
            "duplicates": self.duplicates,
            "torn": self.torn,
            "future_in_history": self.unplaced,
            "late": self.late,
            "restored": self.journal.restored,  # placed by a previous process from lines gone since
            "held": len(self._held.records),  # waiting for their writer's clock (metrics/held.py)
            "missing": sorted(self.missing),
            "in_window": len(self.window.records),
            "evicted": self.window.evicted,
            "last_error": self.last_error,
        }
