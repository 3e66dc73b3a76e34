"""When a writer's records happened, on our clock: the record's own time, and each writer's clock.

A record's time is its timestamp (parse_timestamp). Each writer (one file, rotated copies included)
has its own clock, estimated from when its records arrive (skew.SkewEstimator, one per writer:
WriterClocks); history replayed at start has no arrival times, so a writer's offset there is read
from the file's modification time against its last record (replay_offset).
"""

from __future__ import annotations

import json
import math
import re
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from ..config import JsonlStream
from .skew import SkewEstimator

ROTATED_SUFFIX = re.compile(r"(?:[.-]\d+)*(?:\.(?:gz|bz2|xz|zst))?$")  # logrotate / RotatingFileHandler names
MAX_WRITERS = 64  # clock estimates kept per stream (one per writer's file), least recently read dropped
FUTURE_SLACK = 5.0  # seconds a (skew-corrected) timestamp may be ahead of our clock before it is clamped


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



def writer_key(path: str) -> str:
    """Whose file `path` is: a file rotated or copied away (`metrics.jsonl.1`, `.2.gz`, `-20261206`)
    is still its writer's."""
    return ROTATED_SUFFIX.sub("", path)


class WriterClocks:
    """One clock estimate per writer's file of a stream (bounded, least recently read dropped)."""

    def __init__(self, first: SkewEstimator) -> None:
        self._first = first
        self._skews: OrderedDict[str, SkewEstimator] = OrderedDict()

    def of(self, path: str) -> SkewEstimator:
        """The clock estimate of the writer of `path`. Two gateway processes appending to their own
        files (one stream) have two clocks: one estimate over both takes the clock of the busier
        one, and the other's records land minutes off their stage. A file rotated or copied away
        (`metrics.jsonl.1`, `.2.gz`, `-20261206`) is still its writer's."""
        key = writer_key(path)
        est = self._skews.get(key)
        if est is None:
            if not self._skews:
                est = self._first  # the first writer keeps what was learned before any file was named
            else:
                est = SkewEstimator()
            self._skews[key] = est
            while len(self._skews) > MAX_WRITERS:
                self._skews.popitem(last=False)
        self._skews.move_to_end(key)
        return est


    def offsets(self) -> dict[str, float]:
        return {path: est.offset() for path, est in self._skews.items()}


def last_stamp(lines: list[bytes], config: JsonlStream, tail: int = 64) -> float | None:
    """The stamp of the last request record among the last `tail` lines (the write that set the
    file's modification time), None when none has one."""
    for line in reversed(lines[-tail:]):
        try:
            record = json.loads(line)
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue
        if isinstance(record, dict) and record.get(config.skip_field or "") is None:
            newest = parse_timestamp(record.get(config.timestamp_field))
            if newest is not None:
                return newest
    return None


def replay_saved(lines: list[bytes], mtime: float, config: JsonlStream, known: float | None,
                 tolerance: float) -> float:
    """The offset of a writer whose clock is off, for replayed history: `known` (learned live by a
    previous process, metrics/clockfile.py) when the file confirms it - its modification time (our
    clock, the last write) minus the last record's stamp is within `tolerance` of it - else 0.
    Behind: the file alone cannot tell a clock behind from a backlog flushed last (see
    replay_offset); with the prior it can, and a clock fixed while the sidecar was down shows as a
    mismatch (not applied). Ahead: the file tells the offset to within the last write's transport
    lag, the saved value exactly as the live read used it: a replay must put each record at the
    float the live read did (tests/metrics/test_replay_same_place.py)."""
    if known is None or abs(known) <= tolerance:
        return 0.0
    newest = last_stamp(lines, config)
    if newest is None or abs((mtime - newest) - known) > tolerance:
        return 0.0
    return known


def after_last_drop(lines: list[bytes], config: JsonlStream, tolerance: float) -> int:
    """The index of the first line after the last place where the request stamps, in file order,
    drop by more than `tolerance` (0 when they never do). The writer appends in time order, so such
    a drop is its clock stepping back (or a backlog flushed); the lines after it are on the clock of
    the writer's last records, the ones before it may not be."""
    start, prev = 0, None
    for i, line in enumerate(lines):
        stamp = last_stamp([line], config, 1)
        if stamp is None:
            continue
        if prev is not None and stamp < prev - tolerance:
            start = i
        prev = stamp
    return start


def replay_offset(lines: list[bytes], mtime: float, config: JsonlStream, tail: int = 64) -> float:
    """How far ahead the writer's clock was at its last write, from replayed history: the file's
    modification time (our clock, the moment of that write) minus the stamp of the last record
    written (the write that set it); 0 unless that stamp is ahead by more than the future slack.
    A writer clock behind is not read from it (a backlog flushed last looks the same); its
    records are then placed in the past, never as fresh ones. Without this, history from a
    writer ahead by a minute is placed a minute late: a writer that stopped looks fresh after a
    restart. The LAST record, not the newest stamp or a quantile: a few bogus stamps far ahead
    in the middle are not the clock, and after a pause the last records are the only ones
    written near the modification time (generated scenario 7028: a quantile took the records
    before a 90 s pause, placed a writer's history 90 s late and counted 18 uploads twice).
    """
    newest = last_stamp(lines, config, tail)
    # Ahead by more than FUTURE_SLACK, not only by more than the skew tolerance: live, such a
    # stamp is put at its arrival (ingest); the replay must not put it later than that, or a
    # request counted before the restart lands after the last evaluation and counts twice.
    if newest is None or newest - mtime <= FUTURE_SLACK:
        return 0.0
    return mtime - newest

