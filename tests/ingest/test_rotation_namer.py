"""Rotated generations whose NAME the rotation changes, not only suffixes (ingest/recovery.py `family`).

The class, from the writers' own source and manuals:
- CPython 3.11 Lib/logging/handlers.py: `BaseRotatingHandler.rotation_filename(default_name)` hands
  the default name (`app.log.1`, TimedRotatingFileHandler's `app.log.2026-12-06_10-00-00`) to the
  handler's `namer` and renames the file to whatever it returns; `getFilesToDelete` expects
  `foo.log.SUFFIX` or `foo.SUFFIX.log` (bpo-45628): namers that move the token before the extension.
- logrotate(8) `extension ext`: "mylog.foo ... rotate it to mylog.1.foo.gz"; with `dateext` the date
  goes before the extension too (`mylog-20261206.foo`). (logrotate is not installed here: its
  renames are done by the test as the manual describes, `create` mode.)
A generation renamed so while the sidecar is down was not found (recovery looked for names that
START with the live name): what was written after the last checkpoint was lost, and generations
that came and went unseen too.

Generated (seeds): the writer (RotatingFileHandler or TimedRotatingFileHandler with a namer, real
`doRollover`, or logrotate-style renames), the token's separator (`.`, `-`, `_`), the extension, 1-3
rotations while the sidecar is down (never more than the writer keeps), records per step, levels and
loggers, and whether the source names the live file or a glob that matches the generations too.
Near-miss twin that must NOT change: two live logs whose names have the same shape (`worker.1.log`,
`worker.2.log`, a glob `*.log`): each record once, across restarts.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock

from .test_copy_streams import LOGGERS, _config, _run_until_read
from .test_sigkill_replicas import _count

SEEDS = int(os.environ.get("SIDECAR_NAMER_SEEDS", "6"))
SEED_BASE = int(os.environ.get("SIDECAR_NAMER_SEED_BASE", "0"))
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _namer(sep: str, ext: str) -> Callable[[str], str]:
    """A namer moving the rotation token before the extension: `app.log.1` -> `app<sep>1<ext>`."""
    def namer(default: str) -> str:
        d, base = os.path.split(default)
        live = "app" + ext
        token = base[len(live) + 1:]
        return os.path.join(d, f"app{sep}{token}{ext}")
    return namer


class Writer:
    """The gateway's log: a real logging handler (or logrotate-style renames) on `logs/app<ext>`."""

    def __init__(self, logs: Path, rnd: random.Random) -> None:
        self.rnd = rnd
        self.ext = rnd.choice((".log", ".txt", ".out"))
        self.live = logs / f"app{self.ext}"
        self.kind = rnd.choice(("rfh", "timed", "logrotate"))
        sep = rnd.choice((".", "-", "_"))
        self.rotations = 0
        self.handler: logging.FileHandler
        if self.kind == "rfh":
            self.handler = logging.handlers.RotatingFileHandler(self.live, maxBytes=1 << 30, backupCount=9)
        elif self.kind == "timed":
            self.handler = logging.handlers.TimedRotatingFileHandler(self.live, when="S", backupCount=9)
        else:
            self.handler = logging.FileHandler(self.live)  # logrotate renames, then the writer reopens (create)
        self.handler.namer = _namer(sep, self.ext)
        self.handler.setFormatter(logging.Formatter(FORMAT))
        self.sep = sep
        self.seq = rnd.randint(0, 10_000)
        self.errors = 0

    def write(self, n: int) -> None:
        for _ in range(n):
            level = self.rnd.choice((logging.ERROR, logging.ERROR, logging.INFO, logging.WARNING, logging.CRITICAL))
            self.errors += level >= logging.ERROR
            rec = logging.LogRecord(self.rnd.choice(LOGGERS), level, __file__, 1,
                                    f"event seq={self.seq} user=u-{self.rnd.randint(1, 99)}", None, None)
            self.handler.emit(rec)
            self.seq += 1
        # An INFO line closes the last error record (as tests/ingest/test_copy_streams.py writes): an open
        # record waits for continuation lines, and a sidecar stopped meanwhile stores it at its next start.
        self.handler.emit(logging.LogRecord("app.mod", logging.INFO, __file__, 1, f"flushed seq={self.seq}", None, None))
        self.seq += 1
        self.handler.flush()

    def rotate(self) -> None:
        self.rotations += 1
        if isinstance(self.handler, logging.handlers.TimedRotatingFileHandler):
            # doRollover names the generation after rolloverAt - interval: a distinct second each time
            self.handler.rolloverAt = int(time.time()) - 86400 + self.rotations * 3600
            self.handler.doRollover()
        elif isinstance(self.handler, logging.handlers.RotatingFileHandler):
            self.handler.doRollover()
        else:  # logrotate create + extension (+ dateext on odd seeds): shift, rename, the writer reopens
            self.handler.close()
            if self.rnd.random() < 0.5:
                os.rename(self.live, self.live.parent / f"app-20261206{self.rotations:02d}{self.ext}")
            else:
                for i in range(8, 0, -1):
                    src = self.live.parent / f"app.{i}{self.ext}"
                    if src.exists():
                        os.rename(src, self.live.parent / f"app.{i + 1}{self.ext}")
                os.rename(self.live, self.live.parent / f"app.1{self.ext}")
            self.live.touch()

    def close(self) -> None:
        self.handler.close()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("seed", range(SEED_BASE, SEED_BASE + SEEDS))
async def test_generations_renamed_by_a_namer_while_down_are_read_once(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(f"namer-{seed}")
    logs = tmp_path / "logs"
    logs.mkdir()
    store: dict[str, Any] = {"backend": "sqlite", "path": str(tmp_path / "db.sqlite")}
    w = Writer(logs, rnd)
    by_glob = rnd.random() < 0.4
    cfg = _config(tmp_path, "s", store, [str(logs / f"*{w.ext}")] if by_glob else [str(w.live)])
    clock = ManualClock(1_800_000_000.0)
    try:
        w.write(rnd.randint(1, 30))
        for _ in range(rnd.randint(1, 3)):
            await _run_until_read(cfg, clock)
            w.write(rnd.randint(1, 30))  # after the checkpoint: only the renamed generation holds these
            for _ in range(rnd.randint(1, 3)):  # rotated while down, maybe more than once
                w.rotate()
                w.write(rnd.randint(0, 20))
        w.write(1)
        await _run_until_read(cfg, clock)
    finally:
        w.close()
    got = await _count(store)
    names = sorted(p.name for p in logs.iterdir())
    assert got == w.errors, f"{got} stored, {w.errors} written; {w.kind} sep={w.sep!r} glob={by_glob} {names}"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("seed", range(2))
async def test_live_logs_named_like_generations_are_each_read_once(tmp_path: Path, seed: int) -> None:
    """The twin: `worker.1.log` and `worker.2.log` are two live logs (a family `worker.log` that does not exist)."""
    rnd = random.Random(f"namer-twin-{seed}")
    logs = tmp_path / "logs"
    logs.mkdir()
    store: dict[str, Any] = {"backend": "sqlite", "path": str(tmp_path / "db.sqlite")}
    cfg = _config(tmp_path, "s", store, [str(logs / "*.log")])
    clock = ManualClock(1_800_000_000.0)
    errors = 0
    seq = 0
    for _ in range(3):
        for name in ("worker.1.log", "worker.2.log", "worker-3.log"):
            with (logs / name).open("a") as f:
                for _ in range(rnd.randint(0, 12)):
                    level = rnd.choice(("ERROR", "INFO", "CRITICAL"))
                    errors += level != "INFO"
                    f.write(f"2026-12-06 10:00:{seq % 60:02d},{seq % 1000:03d} {level} {rnd.choice(LOGGERS)}: "
                            f"event seq={seq}\n")
                    seq += 1
                f.write(f"2026-12-06 10:01:00,000 INFO app.mod: flushed seq={seq}\n")
                seq += 1
        await _run_until_read(cfg, clock)
    assert await _count(store) == errors
