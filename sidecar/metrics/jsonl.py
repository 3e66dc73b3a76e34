"""Per-request JSONL records (the gateway's `logs/async_upload_rollout/metrics.jsonl`) into windows.

A record looks like `{"execution_type": "async", "success": true, "duration_ms": 812.5,
"error_type": null, "fallback_used": false, "file_size_mb": 1.2, "provider": "kimi",
"request_id": "...", "timestamp": "2026-11-23T13:05:01.123456"}` (utcnow ISO, no zone: read as
UTC). The same file also holds `{"event_type": "rollout_stage" | "rollback", ...}` records that
are not requests: records carrying the `skip_field` (default `event_type`) are skipped.

Files are read through ingest's `FileHandle` (sidecar/ingest/handle.py: one owner per descriptor,
reads by offset, a closed handle can never read another file's descriptor). The rest of ingest's
tailer is not reused, on purpose: it is built around durable checkpoints (device:inode:head-hash
identities, written only after the store accepted the events), multiline records, encodings and
at-least-once delivery of `ErrorEvent`s to a sink, none of which a metrics window wants; the
window needs "new complete lines since the last poll" and is rebuilt from the file's recent past
at start. So this loop polls the file size, keeps the handle open so the end of a rotated file is
still read, reopens when the inode changes, restarts at 0 when the file shrinks or its last bytes
changed (truncation), buffers a partial last line, and skips lines longer than `max_line_bytes`.
Malformed lines are counted and skipped. Memory is bounded by `max_records` per stream and by
the retention window.
"""

from __future__ import annotations

import asyncio
import glob
import json
import logging
import math
import os
import sys
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..clock import Clock
from ..config import JsonlStream
from ..ingest.handle import FileHandle
from ..telemetry import Telemetry
from .aggregate import Aggregate
from .dedupe import DoubleWriteFilter
from .records import Record, items, matcher, matches, pack
from .skew import SkewEstimator

log = logging.getLogger(__name__)

READ_BUDGET = 8 * 1024 * 1024  # bytes per file per poll: bounds the time one poll can take
MAX_STRING = 256
FUTURE_SLACK = 5.0  # seconds a (skew-corrected) timestamp may be ahead of our clock before it is clamped
TAIL_CHECK = 64  # bytes before the read offset re-read each poll: a file rewritten in place is noticed
# Lines ingested between two turns of the event loop: a start-up replay or a burst (up to
# READ_BUDGET, ~30k records, at ~10-20 us each with the aggregates kept up) must not hold /healthz,
# the API and the rollout evaluations for a whole poll.
YIELD_EVERY = 1000


# --- records --------------------------------------------------------------------------------


def parse_timestamp(value: Any) -> float | None:
    """ISO 8601 (naive = UTC, as the gateway writes utcnow().isoformat()) or epoch s/ms."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        v = float(value)
        if not math.isfinite(v) or v <= 0:
            return None
        return v / 1000.0 if v > 1e11 else v
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.timestamp()
    return None


def compact_record(record: Mapping[str, Any], drop: frozenset[str]) -> dict[str, Any]:
    """Keep scalar fields only (nested objects such as a rollback's `metrics` are dropped),
    minus `drop`; long strings are cut and short ones interned (label values repeat)."""
    out: dict[str, Any] = {}
    for k, v in record.items():
        if k in drop:
            continue
        if isinstance(v, str):
            v = sys.intern(v) if len(v) <= 64 else v[:MAX_STRING]
        elif not (v is None or isinstance(v, bool | int | float)):
            continue
        out[sys.intern(k)] = v
    return out


@dataclass(slots=True)
class RecordWindow:
    """The records of one stream, newest last, bounded by count and (on prune) by age.

    Records arrive roughly in time order (several files and late writers make it rough), so
    beside each record the window keeps the latest time added up to and including it (`_highs`,
    non-decreasing). `select` walks back from the newest record and stops at the first whose
    running latest time is not after the window's start: every record before it is older still.
    A 30 s window over 50,000 records reads the last few hundred, not all of them.
    Records are held packed (metrics/records.py: tuples of atoms, which the cyclic GC untracks).
    """

    retention: float
    max_records: int
    records: deque[Record] = field(init=False)
    _highs: deque[float] = field(init=False)
    evicted: int = 0
    _version: int = field(init=False, default=0)
    _cache: dict[tuple[Any, ...], tuple[int, float, float, list[Record]]] = field(init=False, default_factory=dict)

    aggregates: dict[tuple[Any, ...], Aggregate] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.records = deque(maxlen=self.max_records)
        self._highs = deque(maxlen=self.max_records)
        self._version = 0  # bumped by every add and prune: a cached selection is valid while equal
        self._cache = {}
        self.aggregates = {}

    def add(self, t: float, record: Mapping[str, Any]) -> None:
        """Hold `record` (scalar values only: see compact_record) at event time `t`."""
        self._version += 1
        if len(self.records) == self.max_records:
            self.evicted += 1
            gone = self.records[0]
            for agg in self.aggregates.values():
                agg.discard(gone)
        self._highs.append(max(t, self._highs[-1]) if self._highs else t)
        item = pack(t, record)
        self.records.append(item)
        for agg in self.aggregates.values():
            agg.add(item)

    def prune(self, now: float) -> None:
        cutoff = now - self.retention
        while self.records and self.records[0][0] < cutoff:
            self._version += 1
            gone = self.records.popleft()
            self._highs.popleft()
            for agg in self.aggregates.values():
                agg.discard(gone)

    def aggregate(self, where: Mapping[str, str], also: Mapping[str, str] | None = None) -> Aggregate:
        """The incremental aggregate of the records matching `where` (or `also`), built from the
        records held now on first use and kept up to date by `add` and `prune` from then on."""
        key = (tuple(sorted(where.items())), tuple(sorted(also.items())) if also else ())
        agg = self.aggregates.get(key)
        if agg is None:
            w, a = matcher(where), matcher(also) if also else None
            agg = self.aggregates[key] = Aggregate(lambda rec: w(rec) or (a is not None and a(rec)))
            for item in self.records:
                agg.add(item)
        return agg

    def select(self, start: float, end: float, where: Mapping[str, str],
               also: Mapping[str, str] | None = None) -> list[Record]:
        """The records with start < t <= end that match `where` (or `also`), oldest first.

        One evaluation asks for several windows ending at the same moment (the main window, then
        shorter scan windows) with the same filter: a shorter window is cut from the last longer
        selection while no record was added or pruned since, instead of matching the records again.
        """
        key = (tuple(sorted(where.items())), tuple(sorted(also.items())) if also else ())
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self._version and hit[2] == end and hit[1] <= start:
            return [item for item in hit[3] if item[0] > start]
        out = self._select(start, end, where, also)
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = (self._version, start, end, out)
        return list(out)

    def _select(self, start: float, end: float, where: Mapping[str, str],
                also: Mapping[str, str] | None) -> list[Record]:
        out = []
        for item, high in zip(reversed(self.records), reversed(self._highs)):  # noqa: B905 - same length
            if high <= start:
                break
            if start < item[0] <= end and (matches(item, where) or (also and matches(item, also))):
                out.append(item)
        out.reverse()
        return out

    def items(self) -> Iterator[tuple[float, dict[str, Any]]]:
        """(t, fields) of every held record, oldest first (for inspection and tests)."""
        return items(iter(self.records))

    def oldest(self) -> float | None:
        return self.records[0][0] if self.records else None


# --- the tailer -------------------------------------------------------------------------------


@dataclass(slots=True)
class _File:
    path: str
    fh: FileHandle
    ino: tuple[int, int]
    offset: int
    partial: bytearray = field(default_factory=bytearray)
    skipping: bool = False  # inside a line longer than the limit: drop until the next newline
    tail: bytes = b""  # the last bytes read: still there at the next poll unless the file was rewritten


@dataclass(slots=True)
class _Read:
    lines: list[bytes] = field(default_factory=list)
    bytes_read: int = 0
    too_long: int = 0
    rotations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class JsonlSource:
    """Follows the files of one `JsonlStream` and feeds its `RecordWindow`."""

    def __init__(self, config: JsonlStream, clock: Clock, telemetry: Telemetry | None,
                 retention: float) -> None:
        self.config = config
        self.name = config.name
        self.clock = clock
        self.telemetry = telemetry
        self.window = RecordWindow(retention=retention, max_records=config.max_records)
        self._drop = frozenset({*config.drop_fields, config.timestamp_field})
        self._files: dict[str, _File] = {}
        self._unmatched: list[str] = []
        self._first_poll = True
        self.lines = 0
        self.records = 0
        self.skipped = 0
        self.malformed = 0
        self.skewed = 0
        self.duplicates = 0
        self.late = 0
        self._dedupe = DoubleWriteFilter() if config.dedupe_failures else None
        self.skew = SkewEstimator()
        self._live = True  # False while the first poll replays history (delays there are ages, not skew)
        self.missing: dict[str, float] = {}  # path -> since when it is gone (a vanished file is news)
        self.last_error: str | None = None
        self._logged: set[str] = set()

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
        if t is None:
            now = self.clock.time()
            t = parse_timestamp(record.get(self.config.timestamp_field))
            if t is None:
                t = now
            else:
                if self._live:
                    self.skew.observe(now - t)
                offset = self.skew.offset()
                if offset:
                    # The writer's clock is off (see metrics/skew.py): put its stamps on ours.
                    self.skewed += 1
                    t += offset
                    if "skew" not in self._logged:
                        self._logged.add("skew")
                        log.warning("jsonl stream: record timestamps are off the sidecar's clock (naive timestamps "
                                    "are read as UTC); correcting them by that much",
                                    extra={"stream": self.name, "offset_s": round(-offset)})
                if t > now + FUTURE_SLACK:
                    # Not (yet) explained by a steady offset: a future stamp would keep the record
                    # out of every window, so it gets arrival time.
                    self.skewed += 1
                    t = now
        if self._dedupe is not None and self._dedupe.is_duplicate(record, t, self.config.timestamp_field):
            self.duplicates += 1
            if self.telemetry is not None:
                self.telemetry.metric_records_dropped.labels(self.name, "duplicate").inc()
            return False
        if self.clock.time() - t > self.config.max_lateness:
            # Still in the window (sliding gates use event time), but a stage total that has
            # settled past it will not see it: counted so the loss is visible.
            self.late += 1
            if self.telemetry is not None:
                self.telemetry.metric_records_dropped.labels(self.name, "late").inc()
        self.window.add(t, compact_record(record, self._drop))
        self.records += 1
        return True

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
        except (ValueError, UnicodeDecodeError) as exc:
            self._malformed("malformed_json", f"{exc}"[:120])
            return
        self.ingest(record)

    # -- files

    async def poll(self) -> int:
        """Read what was appended since the last poll; return the number of records added."""
        before = self.records
        first = self._first_poll
        self._first_poll = False
        read = await asyncio.to_thread(self._read_files, first)
        self._live = not (first and self.config.start_at == "beginning")
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
        for i, line in enumerate(read.lines, 1):
            self.ingest_line(line)
            if i % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        self._live = True
        self.window.prune(self.clock.time())
        return self.records - before

    def _paths(self) -> list[str]:
        found: list[str] = []
        for pattern in self.config.paths:
            matched = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
            if not matched:
                self._unmatched.append(pattern)
            found.extend(p for p in matched if p not in found)
        return found

    def _open(self, path: str, from_end: bool, read: _Read) -> None:
        try:
            fh = FileHandle.open(path)  # kept open across polls: the end of a rotated file is still read
            st = fh.fstat()
        except FileNotFoundError:
            return
        except OSError as exc:
            read.errors.append(f"cannot open {path}: {exc.strerror or exc}")
            return
        offset = st.st_size if from_end else 0
        self._files[path] = _File(path, fh, (st.st_dev, st.st_ino), offset)

    def _read_files(self, first: bool) -> _Read:
        read = _Read()
        self._unmatched = read.missing
        for path in self._paths():
            state = self._files.get(path)
            if state is None:
                # Present at start with start_at=end: skip history. A file that appears later
                # is new data: read it from its beginning.
                self._open(path, from_end=first and self.config.start_at == "end", read=read)
                state = self._files.get(path)
                if state is None:
                    if not os.path.exists(path):
                        read.missing.append(path)
                    continue
            self._drain(state, read)
            try:
                st = os.stat(path)
            except FileNotFoundError:
                # Deleted, or rotated away and not yet recreated: keep the old handle until it is,
                # and say so (gates reading this stream go stale; the rollout page shows why).
                read.missing.append(path)
                continue
            except OSError as exc:
                read.errors.append(f"cannot stat {path}: {exc.strerror or exc}")
                continue
            if (st.st_dev, st.st_ino) != state.ino:
                # Rotation: the old file was drained above; follow the new one from 0.
                state.fh.close()
                del self._files[path]
                read.rotations.append("rotated")
                self._open(path, from_end=False, read=read)
                new = self._files.get(path)
                if new is not None:
                    self._drain(new, read)
            elif st.st_size < state.offset:
                read.rotations.append("truncated")
                state.offset = 0
                state.partial.clear()
                state.skipping = False
                state.tail = b""
                self._drain(state, read)
        return read

    def _rewritten(self, state: _File) -> bool:
        """True when the bytes just before our offset changed: the file was truncated and written
        again (possibly past our offset already, so its size alone does not show it)."""
        if not state.tail or state.offset < len(state.tail):
            return False
        try:
            return state.fh.pread(len(state.tail), state.offset - len(state.tail)) != state.tail
        except OSError:
            return False

    def _drain(self, state: _File, read: _Read) -> None:
        limit = self.config.max_line_bytes
        budget = READ_BUDGET
        if self._rewritten(state):
            read.rotations.append("truncated")
            state.offset = 0
            state.partial.clear()
            state.skipping = False
            state.tail = b""
        while budget > 0:
            try:
                chunk = state.fh.pread(min(budget, 1024 * 1024), state.offset)
            except OSError as exc:
                read.errors.append(f"cannot read {state.path}: {exc.strerror or exc}")
                return
            if not chunk:
                return
            budget -= len(chunk)
            state.offset += len(chunk)
            state.tail = (state.tail + chunk[-TAIL_CHECK:])[-TAIL_CHECK:]
            read.bytes_read += len(chunk)
            pieces = chunk.split(b"\n")
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                if last:
                    if state.skipping:
                        continue
                    state.partial += piece
                    if len(state.partial) > limit:
                        state.partial.clear()
                        state.skipping = True
                        read.too_long += 1
                    continue
                if state.skipping:
                    state.skipping = False  # the newline ending the oversized line
                    continue
                if state.partial:
                    line = bytes(state.partial) + piece
                    state.partial.clear()
                else:
                    line = piece
                if len(line) > limit:
                    read.too_long += 1
                    continue
                read.lines.append(line)

    def close(self) -> None:
        for state in self._files.values():
            try:
                state.fh.close()
            except OSError:
                pass
        self._files.clear()

    def status(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "paths": list(self.config.paths),
            "files_open": sorted(self._files),
            "lines": self.lines,
            "records": self.records,
            "skipped": self.skipped,
            "malformed": self.malformed,
            "clock_skewed": self.skewed,
            "clock_offset": self.skew.offset(),
            "duplicates": self.duplicates,
            "late": self.late,
            "missing": sorted(self.missing),
            "in_window": len(self.window.records),
            "evicted": self.window.evicted,
            "last_error": self.last_error,
        }
