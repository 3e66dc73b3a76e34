"""A generation let go and written again LONG after (past LETGO_WATCH) is read within QUIET_LOOK, without a restart.

The class (letgowatch.py, beside the constants): writers that keep writing into a renamed file for as long as they live -
a second process logging to the same file (here: a real `logging.FileHandler` opened before another process's real
`RotatingFileHandler.doRollover` renamed the file under it), logrotate `create` with no reopen signal or `nocreate`. Round
17 watched a let-go generation for 5 minutes only: a write later than that was read at the next rotation or restart.
Varied by seed: the pause (past LETGO_WATCH, up to 6 h), the rotator rolling over again (`.1` -> `.2`) before the late
write, a second late write hours after the first, a restart of the tailer between the let-go and the write.
Twins that must not change: a quiet let-go generation is never opened, the tailer holds no descriptor on it, and once
quiet past LETGO_WATCH it costs at most one stat per QUIET_LOOK; a let-go generation deleted by retention is forgotten
after one listing (no look per scan for ever).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import random
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest import letgowatch, recovery
from sidecar.ingest.letgowatch import LETGO_WATCH, QUIET_LOOK
from sidecar.ingest.tail import Ingest
from sidecar.ingest.tracked import ROTATE_WAIT

from .conftest import Harness, line, make_config, open_in, wait_for

RESCAN = 0.5  # make_config's rescan_interval


async def _advance(h: Harness, ing: Ingest, seconds: float, step: float) -> None:
    """Move the clock `step` at a time (>= RESCAN), each move awaiting the scan it makes due: one look per step
    whatever the machine's load (a real-time pause per step missed turns on a loaded loop)."""
    assert step >= RESCAN
    for _ in range(max(1, round(seconds / step))):
        await _step(h, ing, step)


async def _step(h: Harness, ing: Ingest, step: float) -> None:
    scans = ing.fs.scans
    # A millisecond more than the step: the clock's time (about 1.8e9 s) rounds to ~2.4e-7 s, and a move of exactly
    # RESCAN after a scan could land a hair before the next one is due - no scan then, and none until the next move.
    h.clock.advance(step + 1e-3)
    await wait_for(lambda: ing.fs.scans > scans, within=10.0)  # a bound on a failure, not a pause: returns at the scan


async def _stored(h: Harness, n: int) -> None:
    """Let the tailer finish what its clock already allowed (the clock stands still: no later look can count)."""
    await wait_for(lambda: len(h.sink.events) >= n, within=10.0)


class Writers:
    """Two real handlers on one file, as two processes of the gateway would hold them: `rotator` rolls the file over
    (RotatingFileHandler.doRollover: rename, reopen), `holder` (a FileHandler) keeps its descriptor on the old file."""

    def __init__(self, live: Path, tag: str) -> None:
        fmt = logging.Formatter("%(message)s")
        self.rotator = logging.handlers.RotatingFileHandler(live, maxBytes=0, backupCount=3)
        self.holder = logging.FileHandler(live)
        self.loggers = []
        for name, handler in (("rotator", self.rotator), ("holder", self.holder)):
            handler.setFormatter(fmt)
            lg = logging.getLogger(f"i16-letgo-late-{tag}-{name}")
            lg.propagate = False
            lg.handlers = [handler]
            lg.setLevel(logging.INFO)
            self.loggers.append(lg)
        self.next = 0

    def write(self, which: int, n: int) -> list[int]:
        """n records through one writer (0: rotator, 1: holder); returns the ERROR ones' sequence ids."""
        errs = []
        for _ in range(n):
            s = self.next
            self.next += 1
            level = "ERROR" if s % 2 == 0 else "INFO"
            self.loggers[which].info(line(s, level).rstrip("\n"))
            errs += [s] if level == "ERROR" else []
        return errs

    def close(self) -> None:
        self.rotator.close()
        self.holder.close()


async def _rotated_and_let_go(tmp_path: Path, rnd: random.Random, tag: str) -> tuple[Harness, Any, Writers, list[int]]:
    live = tmp_path / "app.log"
    w = Writers(live, tag)
    errs = w.write(0, rnd.randint(2, 6)) + w.write(1, rnd.randint(2, 6))
    h = Harness(ManualClock(1_800_000_000.0))
    ing = await h.start(make_config(tmp_path, [str(live)]))
    await h.wait_events(len(errs))
    w.rotator.doRollover()  # the other process's rollover: app.log -> app.log.1, a new app.log
    errs += w.write(0, rnd.randint(1, 4))
    await _advance(h, ing, 3 * ROTATE_WAIT + 2, step=0.5)  # drained, quiet ROTATE_WAIT: let go; past the probe window
    await h.wait_events(len(errs))
    assert open_in(tmp_path, ignore="ck").count(str(tmp_path / "app.log.1")) == 1, "let go: only the holder's descriptor"
    return h, ing, w, errs


@pytest.mark.parametrize("seed", range(4))
async def test_a_generation_written_hours_after_its_let_go_is_read_within_a_quiet_look(tmp_path: Path,
                                                                                        seed: int) -> None:
    rnd = random.Random(f"letgo-late-{seed}")
    h, ing, w, errs = await _rotated_and_let_go(tmp_path, rnd, f"a{seed}")
    try:
        if seed == 3:  # the tailer restarted in between: the generation is met again by recovery, then let go
            await h.stop(ing)
            ing = await h.start(make_config(tmp_path, [str(tmp_path / "app.log")]))
            await _advance(h, ing, 3 * ROTATE_WAIT + 2, step=0.5)
        pauses = [rnd.uniform(LETGO_WATCH + 30, 6 * 3600)] + ([rnd.uniform(600, 3 * 3600)] if seed == 2 else [])
        for i, pause in enumerate(pauses):
            h.clock.advance(pause)  # one jump: the writer's pause (the tailer scans once at the end of it)
            await _advance(h, ing, 2 * RESCAN, step=RESCAN)
            if seed == 1 and i == 0:
                w.rotator.doRollover()  # the rotator rolls over again: the held generation is app.log.2 now
                errs += w.write(0, rnd.randint(1, 3))
            late = w.write(1, rnd.randint(2, 5))  # through the holder's descriptor, into the renamed generation
            assert late
            errs += late
            await _advance(h, ing, QUIET_LOOK + 2 * RESCAN, step=RESCAN)  # within QUIET_LOOK (+ the scan's turn)
            await _stored(h, len(errs))
            h.sink.assert_exactly_once(errs)
        await _advance(h, ing, 3 * ROTATE_WAIT, step=0.5)  # let go again; never read twice
        h.sink.assert_exactly_once(errs)
    finally:
        w.close()
        await h.stop(ing)


class _StatCounter:
    """letgowatch's `os`, counting the stats of one path (every other name is the real module's)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.count = 0

    def stat(self, p: Any, *a: Any, **k: Any) -> os.stat_result:
        if str(p) == self.path:
            self.count += 1
        return os.stat(p, *a, **k)

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)


async def test_a_quiet_let_go_generation_costs_a_stat_per_quiet_look_and_no_descriptor(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real = recovery.FileHandle.open_as

    def counting(cls: type, path: str, *a: object, **k: object) -> object:
        opened.append(path)
        return real(path, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(recovery.FileHandle, "open_as", classmethod(counting))
    gen = str(tmp_path / "app.log.1")
    stats = _StatCounter(gen)
    monkeypatch.setattr(letgowatch, "os", stats)
    rnd = random.Random("letgo-late-quiet")
    h, ing, w, errs = await _rotated_and_let_go(tmp_path, rnd, "quiet")
    try:
        read = h.metric("sidecar_bytes_read_total", source=str(tmp_path / "app.log"))
        await _advance(h, ing, LETGO_WATCH, step=5.0)  # every scan looks for LETGO_WATCH
        stats.count = 0
        quiet = 1800.0
        await _advance(h, ing, quiet, step=5.0)  # a scan per step (360): a look per QUIET_LOOK only
        assert 0 < stats.count <= quiet / QUIET_LOOK + 1, stats.count  # still watched, at the quiet cadence
        assert h.metric("sidecar_bytes_read_total", source=str(tmp_path / "app.log")) == read
        assert not [p for p in opened if p == gen], opened
        assert open_in(tmp_path, ignore="ck").count(gen) == 1  # the holder's descriptor, none of the tailer's
        h.sink.assert_exactly_once(errs)
    finally:
        w.close()
        await h.stop(ing)


async def test_a_let_go_generation_deleted_by_retention_is_forgotten(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    listed: list[str] = []
    real_siblings = letgowatch.siblings

    def listing(path: str, dirs: Any = ()) -> Any:
        listed.append(path)
        return real_siblings(path, dirs)

    monkeypatch.setattr(letgowatch, "siblings", listing)
    rnd = random.Random("letgo-late-deleted")
    h, ing, w, errs = await _rotated_and_let_go(tmp_path, rnd, "deleted")
    try:
        await _advance(h, ing, 20, step=RESCAN)
        os.unlink(tmp_path / "app.log.1")  # retention (backupCount) deleted it; its holder writes into nothing
        listed.clear()
        await _advance(h, ing, LETGO_WATCH + 600, step=5.0)
        assert len(listed) <= 1, listed  # one listing finds it gone; never looked for again
        h.sink.assert_exactly_once(errs)
    finally:
        w.close()
        await h.stop(ing)
