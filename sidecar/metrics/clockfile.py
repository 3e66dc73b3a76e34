"""Each writer's clock offset as learned live, kept across restarts (one small JSON file per stream).

Why (contract C6 of tests/rollout/test_generated_scenarios.py): the gateway stamps each record with
its own utcnow() and nothing else, so a replayed file's tail from a writer whose clock is BEHIND
ours reads exactly like a backlog flushed last (writerclocks.replay_offset refuses to guess). A new
process placed that tail where the stamps say, minutes back: the uploads appended between the last
evaluation and the restart fell outside the stage. The offset the previous process learned live
(metrics/skew.py) is the missing prior; the file's modification time confirms it is still the
writer's clock (writerclocks.replay_behind), so a clock fixed while the sidecar was down is not
applied to it.

Written with a temporary file and os.replace (a crash leaves the old file or the new one, never
half of one), whenever an offset appears, goes or moves, at full float precision: a replay must
place each record at the very float the live read did (tests/metrics/test_replay_same_place.py,
dev seed 12023: a record 0.04 s off crossed the last evaluation's time and counted twice). The
offset in use moves only by more than skew.JITTER (2 s) or by a clock step (>= 8 records over 3
reads), so offsets alone are a write every few seconds at most, usually none for hours; the last
stamps (below) add one write per STAMP_EVERY (5 s) while a writer whose clock is off keeps writing
(a writer on our clock is not in the file). A file that cannot be read or parsed is ignored (logged once): the stream then starts as it did before this file existed.

The last record read live, per writer (round 10, generated scenario 13016's class): the file's
modification time dates the file's LAST WRITE, and that need not be the record the replay reads
the writer's clock from: a line that is no request record (a gateway event line, a blank line, a
damaged or deeply nested line) appended after it moves the mtime on, and mtime minus the last
record's stamp then reads the clock off by the time between the two writes (13016: 67 s), beyond
the tolerance that confirms the saved offset. So the stamp of the last stamped record each writer's
file showed live is saved too (`stamp`), at most every STAMP_EVERY seconds while it moves: when a
replayed file's last stamped record carries that very stamp, no record was written after the ones
the previous process placed live, and the saved offset is the clock of every record in it that
matters, whatever was written after (confirmed by the record, not by the mtime).
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path

log = logging.getLogger(__name__)

VERSION = 1


EARLIER = 8  # earlier offsets kept per writer (the clocks of spans before its last steps)
MAX_KEYS = 64  # writers with earlier offsets kept (as writerclocks.MAX_WRITERS)
STAMP_EVERY = 5.0  # seconds between writes that only move the last stamps read (offsets: at once)


def _offsets(value: object) -> list[float]:
    """The numbers of a JSON list (anything else: none)."""
    if not isinstance(value, list):
        return []
    return [float(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool)][-EARLIER:]


class ClockFile:
    """The writers' clock offsets of one stream, as last saved, and the ones each writer had before.

    The earlier offsets are the exact floats the live read used for the spans of history before a
    writer's clock stepped: a replay finds the steps in the stamps (writerclocks.step_offsets) but
    can measure a step only to within the gap between two records (dev seed 5072's class: ahead
    180 s, then 45 s; the gap read 4 s off), so it takes the earlier offset within the tolerance
    of its estimate, and lands each record where the live read did."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.saved: dict[str, float] = {}
        self.stamps: dict[str, float] = {}  # writer -> the stamp of the last record its file showed live
        self.earlier: dict[str, list[float]] = {}
        self._failed = False
        self._written = -math.inf  # when this process last wrote the file (our clock)
        if path is not None:
            self.saved, self.stamps, self.earlier = self._load(path)

    @staticmethod
    def _load(path: Path) -> tuple[dict[str, float], dict[str, float], dict[str, list[float]]]:
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            return {}, {}, {}
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            log.warning("metrics clock file unreadable; writers' clocks are learned again",
                        extra={"path": str(path), "error": str(exc)})
            return {}, {}, {}
        ours = isinstance(data, dict) and data.get("version") == VERSION
        writers = data.get("writers") if ours else None
        if not isinstance(writers, dict):
            return {}, {}, {}
        out: dict[str, float] = {}
        stamps: dict[str, float] = {}
        for key, entry in writers.items():
            offset = entry.get("offset") if isinstance(entry, dict) else None
            if isinstance(key, str) and isinstance(offset, int | float) and _number(offset):
                out[key] = float(offset)
                stamp = entry.get("stamp")
                if isinstance(stamp, int | float) and _number(stamp):
                    stamps[key] = float(stamp)
        earlier = data.get("earlier")
        before = {k: _offsets(v) for k, v in earlier.items() if isinstance(k, str)} if isinstance(earlier, dict) else {}
        return out, stamps, {k: v for k, v in list(before.items())[-MAX_KEYS:] if v}

    def known(self, key: str) -> float | None:
        """The offset saved for the writer `key` (writerclocks.writer_key), None when none was."""
        return self.saved.get(key)

    def stamp(self, key: str) -> float | None:
        """The stamp of the last record the writer `key`'s file showed the process that saved the
        offset (None: not saved, or saved by a version that did not keep it)."""
        return self.stamps.get(key) if key in self.saved else None

    def candidates(self, key: str) -> list[float]:
        """Every offset the writer `key` was seen with, earliest first, the current one last (0 included)."""
        return [*self.earlier.get(key, ()), self.saved.get(key, 0.0)]

    def update(self, offsets: dict[str, float], now: float, stamps: dict[str, float] | None = None) -> bool:
        """Save `offsets` (non-zero ones: 0 is the default) if they differ at all, or the last
        `stamps` read of those writers if they moved and STAMP_EVERY has passed; True when written."""
        if self.path is None:
            return False
        current = {k: float(v) for k, v in offsets.items() if v}
        last = {k: float(v) for k, v in (stamps or {}).items() if k in current}
        if current == self.saved and (last == {k: v for k, v in self.stamps.items() if k in current}
                                      or now - self._written < STAMP_EVERY):
            return False
        earlier = {k: list(v) for k, v in self.earlier.items()}
        for key in {*self.saved, *current}:
            old = self.saved.get(key, 0.0)
            if old and old != current.get(key, 0.0):
                kept = [v for v in earlier.pop(key, []) if v != old]
                earlier[key] = [*kept, old][-EARLIER:]  # most recently moved last
        earlier = dict(list(earlier.items())[-MAX_KEYS:])
        writers = {k: {"offset": v, "at": now} | ({"stamp": last[k]} if k in last else {}) for k, v in current.items()}
        body = json.dumps({"version": VERSION, "writers": writers, "earlier": earlier})
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(body)
            os.replace(tmp, self.path)
        except OSError as exc:
            if not self._failed:
                self._failed = True
                log.warning("metrics clock file not written; a restart will learn writers' clocks again",
                            extra={"path": str(self.path), "error": str(exc)})
            return False
        self.saved = current
        self.stamps = last
        self.earlier = earlier
        self._written = now
        return True


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
