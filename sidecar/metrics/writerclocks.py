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
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..config import JsonlStream
from .clockfile import ClockFile
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


    def name_of(self, est: SkewEstimator) -> str | None:
        """The writer whose clock `est` is (None when it was dropped: bounded)."""
        return next((key for key, e in self._skews.items() if e is est), None)

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
                 tolerance: float, seen: float | None = None) -> float:
    """The offset of a writer whose clock is off, for replayed history: `known` (learned live by a
    previous process, metrics/clockfile.py) when the file confirms it - its modification time (our
    clock, the last write) minus the last record's stamp is within `tolerance` of it - else 0.
    Behind: the file alone cannot tell a clock behind from a backlog flushed last (see
    replay_offset); with the prior it can, and a clock fixed while the sidecar was down shows as a
    mismatch (not applied). Ahead: the file tells the offset to within the last write's transport
    lag, the saved value exactly as the live read used it: a replay must put each record at the
    float the live read did (tests/metrics/test_replay_same_place.py).
    Confirmed without the mtime: `seen`, the stamp of the last record the writer's file showed the
    process that saved `known`, is the stamp of the last record in `lines` - nothing was recorded
    after it, so a later write (a line that is no request record) moving the mtime says nothing
    about the clock (metrics/clockfile.py, 13016's class)."""
    if known is None or abs(known) <= tolerance:
        return 0.0
    newest = last_stamp(lines, config)
    if newest is not None and seen is not None and newest == seen:
        return known
    if newest is None or abs((mtime - newest) - known) > tolerance:
        return 0.0
    return known


def tail_stamps(lines: list[bytes], config: JsonlStream, tail: int = 64) -> list[float]:
    """The stamps of the request records among the last `tail` lines, in file order: what a replay read
    the budget cut leaves step_offsets of the next one (see `before` there).

    Why 64 is enough: `before` is context for `_spike` only, which must see where a spike of far-ahead stamps
    straddling the cut jumped up from. The spikes met are a few records (bad clock reads: dev seed 9950, three);
    64 lines hold one with room for the non-request lines between, and keep what is held per replayed file small.
    NOT enough: a spike longer than 64 lines across a budget cut is still misread (its drop back taken as a clock
    step, the spike placed at its successor's time)."""
    return [s for line in lines[-tail:] if (s := last_stamp([line], config, 1)) is not None]


def replay_clock(last: list[bytes], lines: list[bytes], mtime: float | None, more: bool, config: JsonlStream,
                 tolerance: float, clockfile: ClockFile, key: str,
                 before: Sequence[float] = ()) -> tuple[float, list[tuple[int, float]] | None]:
    """The clock of one replayed file: (offset of the writer's last records, per-span offsets of
    `lines` by step_offsets, or None when the last records' clock is not known). `last`: the file's
    last lines (the write that set `mtime`); `more`: the replay has not reached the file's end yet
    (then only the mtime's reading, replay_offset, is used: the saved offset waits for the end)."""
    ahead = replay_offset(last, mtime, config) if mtime is not None else 0.0
    if mtime is None or more:
        return ahead, None
    newest, seen = last_stamp(last, config), clockfile.stamp(key)
    known = replay_saved(last, mtime, config, clockfile.known(key), tolerance, seen)
    if known and seen is not None and seen == newest:
        ahead = known  # confirmed by the last record itself, whatever was written after it (13016)
    elif known < 0 < -ahead:
        ahead = known  # ahead: the float the live read used, not the last write's lag (12023)
    elif known > 0 and not ahead:  # behind
        ahead = known
    if not ahead and (newest is None or abs(mtime - newest) > tolerance):
        return ahead, None
    # The last records' clock is known (saved, or the mtime says it): older history may predate a
    # step of the writer's clock; each span between steps is placed on its own (dev seeds 6002, 5072).
    return ahead, step_offsets(lines, config, tolerance, ahead, clockfile.candidates(key), before)


MAX_STEPS = 8  # clock steps looked for in a replayed read, from its end (bounds the work on hostile stamps)


def step_offsets(lines: list[bytes], config: JsonlStream, tolerance: float, last: float,
                 seen: Sequence[float] = (), before: Sequence[float] = ()) -> list[tuple[int, float]]:
    """The writer's clock offset for each span of replayed `lines`, as [(first line index, offset)] in
    file order, given `last`, the offset of the writer's last records (saved live, or from the mtime).

    The writer appends in time order, so where its stamps, in file order, drop by D > `tolerance` and
    stay down, its clock stepped back by D: the lines before were on a clock D further ahead, offset
    `after - D` (dev seed 5072: ahead 180 s, then 45 s; with the last offset for all of it, the history
    before the step landed 135 s late and 17 uploads counted twice; dev seed 6002: right, then 300 s
    behind). An offset within `tolerance` is 0, as the live estimator reports it (metrics/skew.py).
    Not a step: a backlog flushed (the stamps drop by its age, then come back up at once, a jump of
    more than `tolerance` back to where they were), nor the end of a spike (stamps that had jumped
    up at once from where they drop back to: records stamped far ahead by a bad clock read). A step FORWARD is invisible here: it reads exactly
    like a pause. A step is measured to within the gap between two records: the offset the writer
    was `seen` with live (metrics/clockfile.py: the exact floats the live read used) nearest to the
    estimate, within `tolerance`, is taken instead. At most MAX_STEPS steps from the end (4 x MAX_STEPS drops looked at, one forward scan each): O(lines).
    `before`: the stamps the writer's file showed at the end of the previous replay read, when the read
    budget (follow.READ_BUDGET) cut the replay: context only (no span starts there), so a read that
    STARTS inside a spike of far-ahead stamps sees where they jumped up from (round 10 left it: their
    drop back was taken as a clock step and the spike placed at its successor's time)."""
    stamps = [(i - len(before), s) for i, s in enumerate(before)]
    stamps += [(i, s) for i, line in enumerate(lines) if (s := last_stamp([line], config, 1)) is not None]
    steps: list[tuple[int, float]] = []  # (line index where the new clock starts, drop)
    k, looked = len(stamps) - 1, 0
    while k > 0 and stamps[k][0] >= 0 and looked < 4 * MAX_STEPS and len(steps) < MAX_STEPS:
        drop = stamps[k - 1][1] - stamps[k][1]
        if drop > tolerance:
            looked += 1
            if not _comes_back(stamps, k, stamps[k - 1][1], tolerance) and not _spike(stamps, k, tolerance):
                steps.append((stamps[k][0], drop))
        k -= 1
    out: list[tuple[int, float]] = []
    offset = last
    for index, drop in steps:  # from the end backwards
        out.append((index, offset))
        offset = offset - drop
        near = min(seen, key=lambda o: abs(o - offset), default=None)
        if near is not None and abs(near - offset) <= tolerance:
            offset = near
    out.append((0, offset))
    # `last` as given (a clock ahead by less than the tolerance is still applied: replay_offset's future
    # slack); the spans before it as the live estimator reports them, 0 within the tolerance.
    return [(i, o if abs(o) > tolerance or not j else 0.0) for j, (i, o) in enumerate(out)][::-1]


def _spike(stamps: list[tuple[int, float]], k: int, tolerance: float) -> bool:
    """Before the drop at `k`, had the stamps jumped up (by more than `tolerance`) from where they
    drop to? Then the lines between are stamps far ahead (a bad clock read: dev seed 9950, three
    records an hour ahead; taken as a step, the history before them was placed an hour early), not
    an old clock: a clock that was ahead before the step was ahead from the file's start, or got
    there by a step forward, which reads as a pause and is not looked for."""
    after = stamps[k][1]
    for j in range(k - 1, 0, -1):
        if stamps[j - 1][1] <= after + tolerance:
            return stamps[j][1] - stamps[j - 1][1] > tolerance
    return False


def _comes_back(stamps: list[tuple[int, float]], k: int, before: float, tolerance: float) -> bool:
    """After the drop at `k`, do the stamps jump back up (by more than `tolerance`) to where they
    were (`before`)? Then the lines between are a backlog flushed, not a new clock."""
    for j in range(k + 1, len(stamps)):
        if stamps[j][1] >= before - tolerance:
            return stamps[j][1] - stamps[j - 1][1] > tolerance
    return False


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

