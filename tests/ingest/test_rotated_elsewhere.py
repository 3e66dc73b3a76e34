"""Rotated generations that go to ANOTHER directory: exact counts, generated, real handlers.

The class, from the writers' own documentation and source:
- logrotate(8) `olddir directory`: "Logs are moved into directory for rotation ... The directory
  is assumed to be relative to the directory holding the log file unless an absolute path name
  is specified." Names stay the family's (`app.log.1`, `.2`, ... oldest deleted at `rotate N`);
  the writer (WatchedFileHandler) reopens the live name when its inode changed (`create`).
- CPython 3.11 Lib/logging/handlers.py `BaseRotatingHandler.namer`: `rotation_filename(default)`
  returns `namer(default)`, any path: the logging cookbook's namers add `.gz` (with a `rotator`
  that compresses and removes the source); here the namer moves the generation to another
  directory. RotatingFileHandler's doRollover shifts `namer(base.i) -> namer(base.i+1)`, removes
  `namer(base.N)`, then `rotate(base, namer(base.1))`; TimedRotatingFileHandler renames to
  `namer(base.<strftime(suffix, rolloverAt - interval)>)` and (3.11) looks for old files to delete
  only in the base's own directory, so with such a namer it deletes none.

What varies (seeded): the writer (RotatingFileHandler / TimedRotatingFileHandler with `when` S, M,
H, MIDNIGHT and utc either way / logrotate olddir steps with a WatchedFileHandler), backupCount,
the directory (a subdirectory, a nested one, a sibling of the log directory, absolute or relative),
whether the source names it (`rotated_dirs`) or not, gzip by the cookbook's rotator, the writes,
and when the sidecar stops and starts (rotations while it is down).

Without `rotated_dirs` the sidecar follows a file only by its own identity (inode and first bytes,
in the log directory's subdirectories): so the generator stops it only while the live file has
content, and while it runs lets it read the live file before each rotation (a generation created
and moved away between two looks is found only in a named directory). Loss no tailer could avoid is
never generated: before a rotation that would delete or compress a file holding records not yet
stored, the test syncs (starting the sidecar first if it is down).

Near-miss twin: another service's `app.log.1` (same base name, other content, written during the
run) in a subdirectory that is not the olddir: never read.
"""

from __future__ import annotations

import gzip
import logging
import logging.handlers
import os
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import Harness, line, make_config, wait_for

SEEDS = int(os.environ.get("SIDECAR_ELSEWHERE_SEEDS", "3"))
SEED_BASE = int(os.environ.get("SIDECAR_ELSEWHERE_SEED_BASE", "0"))
TWIN = 900_000  # seq numbers of the twin's records (must never be stored)
T0 = 1_796_000_000  # a fixed epoch for the timed handler's rollover names


def _gzip_rotator(source: str, dest: str) -> None:
    """The logging cookbook's rotator: write a gzip of the source, remove the source."""
    with open(source, "rb") as sf, gzip.open(dest, "wb") as df:
        shutil.copyfileobj(sf, df)
    os.remove(source)


class Writer:
    """A real handler on `path` whose rotated generations go to `olddir`; `rotate()` is its rollover."""

    def __init__(self, kind: str, path: Path, olddir: Path, backups: int, rnd: random.Random, gz: bool) -> None:
        self.kind, self.path, self.olddir, self.backups = kind, path, olddir, backups
        self.lg = logging.getLogger(f"elsewhere.{path}")
        self.lg.propagate = False
        self.lg.setLevel(logging.INFO)
        self.rollovers = 0
        self.gz = gz
        h: logging.Handler
        if kind == "rfh":
            h = logging.handlers.RotatingFileHandler(path, maxBytes=0, backupCount=backups)
        elif kind == "timed":
            h = logging.handlers.TimedRotatingFileHandler(path, when=rnd.choice(["S", "M", "H", "MIDNIGHT"]),
                                                          backupCount=backups, utc=rnd.random() < 0.5)
        else:  # logrotate: the writer only reopens the name when its inode changed
            h = logging.handlers.WatchedFileHandler(path)
        if isinstance(h, logging.handlers.BaseRotatingHandler):
            h.namer = lambda default: str(olddir / (os.path.basename(default) + (".gz" if gz else "")))
            if gz:
                h.rotator = _gzip_rotator
        h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
        self.h = h
        self.lg.addHandler(h)

    def destroys_unread(self, unsynced: int) -> bool:
        """Whether the next rollover could remove or compress content not stored yet (`unsynced`
        rollovers since the last sync): compression always; rfh/logrotate shift the oldest out."""
        return self.gz or (self.kind != "timed" and unsynced + 2 > self.backups)

    def rotate(self) -> None:
        self.rollovers += 1
        if isinstance(self.h, logging.handlers.TimedRotatingFileHandler):
            self.h.rolloverAt = T0 + self.rollovers * self.h.interval  # distinct names (the clock is not waited for)
            self.h.doRollover()
        elif isinstance(self.h, logging.handlers.RotatingFileHandler):
            self.h.doRollover()
        else:  # logrotate `olddir`, `rotate N`, `create`: the cascade, then base -> olddir/base.1, new base
            name = self.path.name
            (self.olddir / f"{name}.{self.backups}").unlink(missing_ok=True)
            for i in range(self.backups - 1, 0, -1):
                if (self.olddir / f"{name}.{i}").exists():
                    os.rename(self.olddir / f"{name}.{i}", self.olddir / f"{name}.{i + 1}")
            if self.path.exists():
                os.rename(self.path, self.olddir / f"{name}.1")
            self.path.touch()

    def close(self) -> None:
        self.lg.removeHandler(self.h)
        self.h.close()


def _olddir(rnd: random.Random, logs: Path, named: bool) -> tuple[Path, list[str]]:
    """Where generations go, and what the source says about it (relative to the log directory, or absolute)."""
    choices = ["old", "archive"] + (["archive/app", "../rotated"] if named else [])
    rel = rnd.choice(choices)
    where = (logs / rel).resolve()
    where.mkdir(parents=True, exist_ok=True)
    if not named:
        return where, []
    return where, [str(where) if rnd.random() < 0.3 else rel]


async def _run(tmp_path: Path, harness: Harness, kind: str, named: bool, seed: int) -> dict[str, Any]:
    rnd = random.Random(f"elsewhere-{kind}-{named}-{seed}")
    logs = tmp_path / "logs"
    logs.mkdir()
    path = logs / "app.log"
    olddir, rotated_dirs = _olddir(rnd, logs, named)
    twin_dir = logs / ("other" if olddir.name != "other" else "other2")
    twin_dir.mkdir(exist_ok=True)
    gz = kind != "logrotate" and rnd.random() < 0.25
    w = Writer(kind, path, olddir, rnd.randint(3, 5), rnd, gz)
    cfg = make_config(tmp_path, [str(path)], **({"rotated_dirs": rotated_dirs} if named else {}))
    errs: list[int] = []
    seq = 0
    ing = None
    unsynced = 0  # rollovers since everything written was last stored
    ops: list[str] = []

    async def sync() -> None:
        nonlocal ing, unsynced
        if ing is None:
            ing = await harness.start(cfg)
        try:
            await harness.wait_events(len(errs), within=10)
        except AssertionError:
            print(ops)
            harness.sink.assert_exactly_once(errs)  # says what is missing
            raise
        unsynced = 0

    async def rotate() -> None:
        nonlocal unsynced
        if w.destroys_unread(unsynced):
            await sync()
        w.rotate()
        unsynced += 1

    def identified() -> bool:
        assert ing is not None
        ino = path.stat().st_ino
        return any(f.path == str(path) and f.ino == ino and f.head_len > 0 for f in ing.files)

    try:
        w.lg.info("boot")
        ing = await harness.start(cfg)  # generations rotated away before the first start are no one's to read
        for step in range(rnd.randint(14, 22)):
            op = rnd.choices(["write", "rotate", "stop", "start", "twin"], [5, 3, 1, 1, 1])[0]
            ops.append(f"{op}@{seq}{'' if ing else ' (down)'}")
            if op == "write":
                for _ in range(rnd.randint(1, 25)):
                    if rnd.random() < 0.4:
                        w.lg.error("event seq=%d", seq)
                        errs.append(seq)
                    else:
                        w.lg.info("event seq=%d", seq)
                    seq += 1
            elif op == "rotate":
                await rotate()
            elif op == "stop" and ing is not None:
                if not named:  # the checkpoint must identify the live file (module docstring)
                    if path.stat().st_size == 0:
                        w.lg.info("event seq=%d", seq)
                        seq += 1
                    await wait_for(identified, clock=harness.clock)
                await harness.stop(ing)
                ing = None
            elif op == "start" and ing is None:
                ing = await harness.start(cfg)
            elif op == "twin":  # another service's generation, fresh, in a directory that is not the olddir
                with (twin_dir / "app.log.1").open("a") as t:
                    t.write(line(TWIN + step, logger="twin"))
        if w.rollovers == 0:
            await rotate()
        w.lg.info("done")
        await sync()
        await harness.idle(40)  # drained generations close after ROTATE_WAIT: anything read twice shows by then
        harness.sink.assert_exactly_once(errs)
    finally:
        w.close()
    return {"errors": len(errs), "rollovers": w.rollovers, "olddir": olddir}


@pytest.mark.parametrize("kind,named,seed", [(k, n, s) for k in ("rfh", "timed", "logrotate") for n in (True, False)
                                             for s in range(SEED_BASE, SEED_BASE + SEEDS)])
async def test_generations_in_another_directory_are_read_exactly_once(tmp_path: Path, harness: Harness, kind: str,
                                                                      named: bool, seed: int) -> None:
    got = await _run(tmp_path, harness, kind, named, seed)
    assert got["errors"] > 5 and got["rollovers"] > 0, got  # the scenario did write and rotate
    assert any(got["olddir"].iterdir()), got  # the generations did go there


async def test_an_olddir_seen_once_is_searched_after_its_files_are_gone(tmp_path: Path, harness: Harness) -> None:
    """logrotate `olddir archive`, `rotate 2`, not configured (no `rotated_dirs`): the tailer saw the family's file
    go to archive/ once (a file it held), then two generations were created and rotated there between two looks
    while the cascade deleted every file it held. Those two are found only in archive/, which no held file proves
    any more: found through the directory the family's own files were seen going to (fresh seed
    logrotate-False-73902 of the generator above, round 16: 7 records lost)."""
    logs = tmp_path / "logs"
    archive = logs / "archive"
    archive.mkdir(parents=True)
    path = logs / "app.log"
    errs: list[int] = []

    def write(start: int, n: int) -> None:
        with path.open("a") as w:
            for s in range(start, start + n):
                w.write(line(s))
                errs.append(s)

    def rotate() -> None:  # logrotate olddir, rotate 2, create
        (archive / "app.log.2").unlink(missing_ok=True)
        if (archive / "app.log.1").exists():
            os.rename(archive / "app.log.1", archive / "app.log.2")
        os.rename(path, archive / "app.log.1")
        path.touch()

    write(0, 5)
    await harness.start(make_config(tmp_path, [str(path)]))
    await harness.wait_events(len(errs))
    rotate()  # A -> archive/app.log.1, held: archive/ is the family's olddir
    write(100, 5)
    await harness.wait_events(len(errs))
    await harness.idle(20)  # A drained and closed
    for gen in (200, 300, 400):  # no look meanwhile: B (held) and A deleted by the cascade; C and D never seen
        rotate()
        write(gen, 5)
    await harness.wait_events(len(errs))
    await harness.idle(20)
    harness.sink.assert_exactly_once(errs)
