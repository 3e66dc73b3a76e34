"""When the tailer's checkpoints are written, and their copy in the store.

The checkpoint file (checkpoint.py) is the truth a restart resumes from: it is written atomically
at most every `checkpoint_interval` (and at shutdown), only when something moved, and a failed
write keeps tailing going and is reported until a write succeeds. Closed files' checkpoints are
kept RETAIN_CLOSED seconds (a rotated generation may still be recognised). The store's copy
(`store.checkpoints`) is for other replicas and the dashboard: best effort, it catches up later.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from ..clock import Clock, utc
from .checkpoint import Checkpoint, CheckpointError, CheckpointFile
from .tracked import RETAIN_CLOSED, Tracked

log = logging.getLogger(__name__)


class CheckpointWriter:
    """Owns the checkpoint file: dirty flag, write schedule, last error, and the store mirror."""

    def __init__(self, directory: str | os.PathLike[str], interval: float, clock: Clock, telemetry: Any,
                 store: Any = None) -> None:
        self.file = CheckpointFile(directory)
        self.interval = interval
        self.clock = clock
        self.telemetry = telemetry
        self.store = store
        self.dirty = False
        self.error: str | None = None
        self.last_ok: float | None = None
        self.next_at = 0.0
        self._mirrored: dict[str, tuple[int, int]] = {}
        self.sources: list[str] = []  # names of the watched sources: their `alive` time is saved too

    def mark_dirty(self) -> None:
        self.dirty = True

    def due(self) -> bool:
        return self.clock.monotonic() >= self.next_at

    def write(self, saved: dict[str, Checkpoint], current: Callable[[], list[Checkpoint]], alive: float,
              force: bool = False, known: Callable[[Checkpoint], bool] = lambda cp: False) -> None:
        """Save the open files' checkpoints (`current()`) plus the still retained ones of `saved`, and `alive`
        for every source: a time of the kernel's clock (file mtimes) before which every file was looked at.
        `known`: a closed file's checkpoint this run still needs past RETAIN_CLOSED (compressedgens.still_known: a
        damaged generation's verdict, refreshed only when asked at a start - a sidecar up > 7 days lost it here)."""
        self.next_at = self.clock.monotonic() + self.interval
        if not self.dirty and not force:
            return
        wall = self.clock.time()
        for k, cp in list(saved.items()):
            if wall - cp.updated > RETAIN_CLOSED and not known(cp):
                del saved[k]
        entries = current()
        live = {e.key for e in entries}
        entries += [cp for k, cp in saved.items() if k not in live]
        try:
            # `alive` is compared with file mtimes at the next start: the kernel's clock, not ours
            self.file.save(entries, dict.fromkeys(self.sources, alive))
        except CheckpointError as exc:
            self.telemetry.checkpoint_errors.inc()
            if self.error != str(exc):
                log.error("ingest: checkpoints not written (tailing continues)", extra={"error": str(exc)})
            self.error = str(exc)
            return
        if self.error:
            log.info("ingest: checkpoints written again", extra={"dir": str(self.file.dir)})
        self.error = None
        self.dirty = False
        self.last_ok = wall

    async def mirror(self, files: Iterable[Tracked]) -> None:
        """Copy changed checkpoints to the store (for other replicas and the dashboard; optional)."""
        if self.store is None:
            return
        try:
            repo = self.store.checkpoints
            at = utc(self.clock.time())
            for f in files:
                cur = (f.acked[0], f.size)
                if self._mirrored.get(f.key) == cur:
                    continue
                await repo.save(f.key, f.src.name, f.path or "", f.acked[0], f.acked[1], f.size, at)
                self._mirrored[f.key] = cur
        except Exception as exc:  # the files are the truth; the mirror catches up next time
            log.debug("ingest: checkpoint mirror to store failed", extra={"error": str(exc)})
