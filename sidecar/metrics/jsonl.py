"""Per-request JSONL records (the gateway's `logs/async_upload_rollout/metrics.jsonl`) into windows.

A record looks like `{"execution_type": "async", "success": true, "duration_ms": 812.5,
"error_type": null, "fallback_used": false, "file_size_mb": 1.2, "provider": "kimi",
"request_id": "...", "timestamp": "2026-11-23T13:05:01.123456"}` (utcnow ISO, no zone: read as
UTC). The same file also holds `{"event_type": "rollout_stage" | "rollback", ...}` records that
are not requests: records carrying the `skip_field` (default `event_type`) are skipped.

Lines come from the stream's files through `LineFollower` (follow.py: polling, rotation,
truncation, partial and oversized lines); records go into a `RecordWindow` (recordwindow.py).
This module follows the files and runs the replay at start (the writers' clocks of the replayed
spans, the spikes the files end with, the journal's records no file holds any more); placing.py
turns a line into a record at its time (timestamp, skew correction, lateness, double-written
failures and lines written twice, non-request records skipped, malformed and torn lines).
Memory is bounded by `max_records` per stream and by the retention window.
"""

from __future__ import annotations

import asyncio
import logging
import math
from pathlib import Path
from typing import Any

from ..clock import Clock
from ..config import JsonlStream
from ..telemetry import Telemetry
from .dedupe import failed
from .follow import LineFollower
from .placing import RESTART_REACH, RecordPlacer
from .recordline import after_torn_write, compact_record
from .writerclocks import FUTURE_SLACK, parse_timestamp, replay_clock, tail_stamps, writer_key

__all__ = ["FUTURE_SLACK", "YIELD_EVERY", "JsonlSource", "after_torn_write", "compact_record", "parse_timestamp"]

log = logging.getLogger(__name__)

# Lines ingested between two turns of the event loop: a start-up replay or a burst (up to
# READ_BUDGET, ~30k records, at ~10-20 us each with the aggregates kept up) must not hold /healthz,
# the API and the rollout evaluations for a whole poll.
YIELD_EVERY = 1000


class JsonlSource(RecordPlacer):
    """Follows the files of one `JsonlStream` and feeds its `RecordWindow`."""

    def __init__(self, config: JsonlStream, clock: Clock, telemetry: Telemetry | None,
                 retention: float, clock_file: Path | None = None, journal_file: Path | None = None) -> None:
        super().__init__(config, clock, telemetry, retention, clock_file, journal_file)
        self.follower = LineFollower(config)
        self._first_poll = True
        self._replay_tails: dict[str, list[float]] = {}  # path -> stamps ending its last replay read (writerclocks.tail_stamps)
        self.lines = 0
        self._polls = 0
        self.missing: dict[str, float] = {}  # path -> since when it is gone (a vanished file is news)
        self.last_error: str | None = None

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
                                            self.clocks.of(path).tolerance, self.clockfile, writer_key(path),
                                            self._replay_tails.get(path, ()))
                if read.more:  # cut by the budget: the next read's steps see where these stamps were
                    self._replay_tails[path] = tail_stamps(read.lines[start:end], self.config)
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
            self._replay_tails.clear()
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
        for e in self.journal.leftover():
            if e.t < self._history_before:
                continue
            if self._dedupe is not None and failed(e.record):
                # A double-written failure whose other record the replay read from the new file (round
                # 12, metrics/dedupe.py): judged on its writer's clock like any placed record. A held
                # one (journal.py) was judged by no process yet: as a record read now.
                writer = self.clocks.of(e.writer) if e.writer is not None and e.stamp is not None else None
                if self._dedupe.is_duplicate({**e.record, **(e.extra or {})}, e.t, writer, e.stamp,
                                             self.config.timestamp_field, restored=not e.held):
                    self._duplicate()
                    continue
            self.window.add(e.t, compact_record(e.record, self._drop))  # the line as read, or already compact
            self.records += 1
            self.journal.add(e.t, e.key, e.record, e.stamp, e.writer, e.extra)

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
            "held": len(self._held),  # waiting for their writer's clock (metrics/held.py)
            "missing": sorted(self.missing),
            "in_window": len(self.window.records),
            "evicted": self.window.evicted,
            "last_error": self.last_error,
        }
