"""Generated adversarial sequences of write / rotate / truncate / delete / restart (issue 16).

A seeded random walk over what writers and rotators do to a log file, run against the real
tailer (real files, real directory watcher, injected clock), with a model that knows which
error records were written. Operations (several may happen with no poll in between, e.g. a
rename and the re-creation of the name):
- append records (INFO, ERROR, ERROR with a traceback), sometimes ending mid-line (completed by
  the next append: a record written in two pieces around a poll);
- RotatingFileHandler rollover (`.2 -> .3, .1 -> .2, base -> .1`, oldest deleted, base recreated);
- TimedRotatingFileHandler rollover (`base -> base.<time suffix>`, oldest beyond 3 deleted);
- logrotate copytruncate (`.N` cascade, copy base to `.1`, truncate base), also with the writer
  appending between the copy and the truncation ("copy window": logrotate(8) says that data "might be
  lost"; it is in neither file, so every tailer loses it: the test asserts that nothing else is lost,
  and that what was lost was written in such a window);
- truncate in place; delete the file (the writer recreates it);
- stop the tailer, apply some of the above while it is down, start it again.
Loss is allowed only where no tailer could avoid it (the copy window); else the model never does
that: before an operation destroys a file that holds records the tailer may not have read
(deleting a generation, truncating), it waits until everything written was delivered ("sync"); while the tailer is down
such an operation is skipped. Every error record must then arrive exactly once, nothing is logged
at ERROR, and after the drain window the only descriptors on the log directory are the files the
glob still matches.

SIDECAR_ROTATION_SEEDS=N runs seeds 0..N-1 per glob (default 16; 200 per glob were run in round 3:
`SIDECAR_ROTATION_SEEDS=200 pytest tests/ingest/test_rotation_sequences.py -k generated_rotation`), from
SIDECAR_ROTATION_SEED_BASE on if set (a range nobody tuned on).
"""

from __future__ import annotations

import asyncio
import glob as glob_mod
import logging
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sidecar.ingest.tracked import ROTATE_WAIT

from .conftest import TS, Harness, make_config, open_in, wait_for

SEEDS = int(os.environ.get("SIDECAR_ROTATION_SEEDS", "16"))
SEED_BASE = int(os.environ.get("SIDECAR_ROTATION_SEED_BASE", "0"))  # a range never looked at: e.g. 1000
KEEP = 3  # backupCount / logrotate `rotate 3`


def record(seq: int, kind: int) -> str:
    if kind == 0:
        return f"{TS} INFO app.mod: progress seq={seq}\n"
    if kind == 1:
        return f"{TS} ERROR app.mod: event seq={seq}\n"
    return (f"{TS} ERROR app.mod: failed seq={seq}\n"
            "Traceback (most recent call last):\n"
            '  File "/app/src/x.py", line 10, in handler\n'
            "    do()\n"
            f"ValueError: bad value {seq}\n")


@dataclass
class Model:
    """The files a writer and a rotator produce, and which error records were written."""

    d: Path
    rng: random.Random
    seq: int = 0
    written: list[int] = field(default_factory=list)
    window_lost: set[int] = field(default_factory=set)  # errors written in a copytruncate's copy window
    partial: tuple[str, int | None] | None = None  # (rest of a record written in two pieces, its error seq)
    dirty: set[str] = field(default_factory=set)  # names holding records not known to be delivered
    gen: int = 0
    log: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        self.log.append(what)
        logging.getLogger("sequence").debug("%s | files %s", what, {
            n: os.stat(self.d / n).st_ino for n in sorted(os.listdir(self.d)) if n.startswith("r.log")})

    @property
    def base(self) -> Path:
        return self.d / "r.log"

    def append(self, n: int, cut: bool = True) -> None:
        parts: list[str] = []
        if self.partial is not None:
            rest, err = self.partial
            parts.append(rest)
            if err is not None:
                self.written.append(err)
            self.partial = None
        for _ in range(n):
            kind = self.rng.choice((0, 0, 1, 1, 2))
            parts.append(record(self.seq, kind))
            if kind:
                self.written.append(self.seq)
            self.seq += 1
        if cut and self.rng.random() < 0.3:  # a record cut in two writes
            kind = self.rng.choice((0, 1, 2))
            text = record(self.seq, kind)
            cut = self.rng.randrange(1, len(text) - 1)
            parts.append(text[:cut])
            self.partial = (text[cut:], self.seq if kind else None)
            self.seq += 1
        with self.base.open("a") as w:
            w.write("".join(parts))
        self.dirty.add(self.base.name)
        self.note(f"append {n}{' +partial' if self.partial else ''}")

    def complete(self) -> None:
        """Finish a record cut in two (writers rotate between records, never inside one)."""
        if self.partial is not None:
            self.append(0)
            if self.partial is not None:  # append(0) may cut a new one: write it whole
                rest, err = self.partial
                with self.base.open("a") as w:
                    w.write(rest)
                if err is not None:
                    self.written.append(err)
                self.partial = None

    def _rename(self, old: str, new: str) -> None:
        os.rename(self.d / old, self.d / new)
        if old in self.dirty:
            self.dirty.discard(old)
            self.dirty.add(new)

    def _delete(self, name: str) -> None:
        os.unlink(self.d / name)
        self.dirty.discard(name)

    def destroys_unread(self, scheme: str) -> bool:
        """Whether this rollover would delete or truncate a file that may hold unread records."""
        if scheme == "truncate":
            return self.base.name in self.dirty
        if scheme == "delete":
            return self.base.name in self.dirty
        if scheme in ("rfh", "copytruncate", "copytruncate_window"):
            return f"r.log.{KEEP}" in self.dirty
        timed = sorted(n for n in os.listdir(self.d) if n.startswith("r.log.2026-"))
        return len(timed) >= KEEP and timed[0] in self.dirty

    def rollover(self, scheme: str) -> None:
        self.complete()
        if scheme == "rfh":
            if (self.d / f"r.log.{KEEP}").exists():
                self._delete(f"r.log.{KEEP}")
            for i in range(KEEP - 1, 0, -1):
                if (self.d / f"r.log.{i}").exists():
                    self._rename(f"r.log.{i}", f"r.log.{i + 1}")
            if self.base.exists():
                self._rename("r.log", "r.log.1")
            self.base.touch()
        elif scheme == "timed":
            self.gen += 1
            if self.base.exists():
                # TimedRotatingFileHandler(when="S")'s suffix, one second per generation
                stamp = 36000 + self.gen
                self._rename("r.log", f"r.log.2026-12-05_{stamp // 3600:02d}-{stamp // 60 % 60:02d}-{stamp % 60:02d}")
            timed = sorted(n for n in os.listdir(self.d) if n.startswith("r.log.2026-"))
            for n in timed[:-KEEP]:
                self._delete(n)
            self.base.touch()
        elif scheme in ("copytruncate", "copytruncate_window"):
            if not self.base.exists():
                self.base.touch()
                return
            if (self.d / f"r.log.{KEEP}").exists():
                self._delete(f"r.log.{KEEP}")
            for i in range(KEEP - 1, 0, -1):
                if (self.d / f"r.log.{i}").exists():
                    self._rename(f"r.log.{i}", f"r.log.{i + 1}")
            shutil.copyfile(self.base, self.d / "r.log.1")
            if self.base.name in self.dirty:
                self.dirty.add("r.log.1")
            if scheme == "copytruncate_window":  # the writer goes on between the copy and the truncation
                before = len(self.written)
                self.append(self.rng.randint(1, 5), cut=False)
                self.window_lost.update(self.written[before:])
                del self.written[before:]
            with self.base.open("r+") as w:
                w.truncate(0)
            self.dirty.discard(self.base.name)
        elif scheme == "truncate":
            if self.base.exists():
                with self.base.open("r+") as w:
                    w.truncate(0)
        elif scheme == "delete":
            if self.base.exists():
                self._delete("r.log")
        self.note(scheme)


async def sync(h: Harness, m: Model) -> None:
    """Wait until every error record written so far was delivered; then nothing is unread."""
    want = set(m.written)
    try:
        await wait_for(lambda: want <= set(h.sink.seqs()), within=15, clock=h.clock, step=0.1)
    except AssertionError:
        missing = sorted(want - set(h.sink.seqs()))
        raise AssertionError(f"missing {missing[:10]} after {m.log}") from None
    m.dirty.clear()
    m.note("sync")


async def poll(h: Harness, rounds: int) -> None:
    for _ in range(rounds):
        h.clock.advance(0.1)
        await asyncio.sleep(0.003)


OPS = {"append": 30, "poll": 12, "sync": 5, "rfh": 10, "timed": 8, "copytruncate": 6, "truncate": 3, "delete": 3,
       "restart": 4, "copytruncate_window": 2}


async def run_sequence(tmp_path: Path, h: Harness, seed: int, glob: str, steps: int = 45,
                       without: tuple[str, ...] = ()) -> Model:
    d = tmp_path / f"s{seed}"
    d.mkdir()
    rng = random.Random(seed)
    m = Model(d, rng)
    m.base.touch()
    cfg = make_config(d, [str(d / glob)], ckdir=str(d / "ck"))
    ing = await h.start(cfg)
    await poll(h, 3)
    running = True
    for _ in range(steps):
        names = [k for k in OPS if k not in without]
        op = rng.choices(names, weights=[OPS[k] for k in names])[0]
        if op == "append":
            m.append(rng.randint(1, 40))
        elif op == "poll" and running:
            await poll(h, rng.randint(1, 4))
        elif op == "sync" and running:
            await sync(h, m)
        elif op == "restart":
            if running:
                await h.stop(ing)
                running = False
                m.note("stop")
            else:
                ing = await h.start(cfg)
                running = True
                m.note("start")
        elif op in ("rfh", "timed", "copytruncate", "copytruncate_window", "truncate", "delete"):
            m.complete()  # before the check: completing a record writes to the file the operation may destroy
            if m.destroys_unread(op):
                if not running:
                    continue  # no tailer could read what this would destroy
                await sync(h, m)
            m.rollover(op)
    m.complete()
    if not running:
        ing = await h.start(cfg)
    await sync(h, m)
    await poll(h, int((ROTATE_WAIT + 2) / 0.1))  # drain windows pass: rotated files are closed
    try:
        h.sink.assert_exactly_once(m.written, lost=m.window_lost)
    except AssertionError as exc:
        raise AssertionError(f"{exc} after {m.log}") from None
    matched = sorted(glob_mod.glob(str(d / glob)))
    assert open_in(d) == matched, (m.log[-12:], [(f.path, f.origin, f.size, f.parser.offset, f.acked, f.inflight,
                                                   f.draining_since, f.handle.phase.value) for f in ing.files])
    await h.stop(ing)
    assert open_in(d) == []
    return m


@pytest.mark.parametrize("glob,seed", [(g, s) for g in ("r.log", "r.log*") for s in range(SEED_BASE, SEED_BASE + SEEDS)])
async def test_generated_rotation_sequences(tmp_path: Path, glob: str, seed: int, clock,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    h = Harness(clock)
    try:
        m = await run_sequence(tmp_path, h, seed, glob)
    finally:
        for ing in list(h.running):
            await ing.stop()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, f"{errors[:3]} after {m.log}"
    assert len(m.written) > 20  # the sequence did write


@pytest.mark.parametrize("glob", ["r.log", "r.log*"])
@pytest.mark.parametrize("seed", [100, 101, 102, 103])
async def test_generated_sequences_without_watch_events(tmp_path: Path, glob: str, seed: int, clock,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The watcher is only a wake-up: with no events at all (watchfiles polling every 1000 s, as
    when inotify is unavailable or its queue overflowed), the periodic rescan alone gets every
    record once."""
    monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "1")
    monkeypatch.setenv("WATCHFILES_POLL_DELAY_MS", "1000000")
    h = Harness(clock)
    try:
        m = await run_sequence(tmp_path, h, seed, glob)
    finally:
        for ing in list(h.running):
            await ing.stop()
    assert len(m.written) > 20
