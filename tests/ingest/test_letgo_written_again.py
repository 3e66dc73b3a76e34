"""A generation the tail let go, written again later through the writer's old descriptor, is read within a rescan.

The class (round 17's Left, bench/RESULTS.md "Ingest round 17"): logrotate `create` without a reopen (or a reopen that
never comes): the file is renamed, a new live file is created, and the writer keeps writing through the descriptor it
holds on the renamed one. The tail drains the renamed file and lets it go after ROTATE_WAIT of quiet (it holds no
descriptor on it). A writer that pauses longer than that and then writes: round 17 read it only at the family's next
look (a reopen by name, a rotation, the 2 x ROTATE_WAIT probe window after the rename, a restart) - for a writer that
never reopens, at the next rotation or restart. Now (letgowatch.LetGoWatch.look_at_let_go) a let-go generation is looked
at on every scan for LETGO_WATCH after its let-go: what grew is read within one rescan interval.
Varied by seed: the pause after the let-go (past the probe window, within LETGO_WATCH), records before and after, a
second rename of the let-go generation (`.1` -> `.2`) before it is written, records in the new live file.
Twin that must not change: a let-go generation that never grows is never opened nor read again (no bytes read, no
descriptor on it) - the look is a directory listing and a stat.
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest import letgowatch, recovery
from sidecar.ingest.letgowatch import LETGO_WATCH
from sidecar.ingest.tracked import ROTATE_WAIT

from .conftest import Harness, make_config, records, write_records

RESCAN = 0.5  # make_config's rescan_interval


async def _advance(h: Harness, seconds: float, step: float = 0.5) -> None:
    for _ in range(int(seconds / step)):
        h.clock.advance(step)
        await asyncio.sleep(0.003)


def _held(ing: Any, path: Path) -> bool:
    """The tailer holds a descriptor on `path`'s file (the writer's own, `old`, is the test's)."""
    st = path.stat()
    return any(f.ident == (st.st_dev, st.st_ino) for f in ing.fs.table)


async def _let_go(tmp_path: Path, rnd: random.Random) -> tuple[Harness, Any, Path, Any, list[int]]:
    live = tmp_path / "app.log"
    errs = write_records(live, 0, rnd.randint(1, 5))
    h = Harness(ManualClock(1_800_000_000.0))
    ing = await h.start(make_config(tmp_path, [str(live)]))
    await h.wait_events(len(errs))
    old = live.open("ab")  # the writer's descriptor, kept across the rename (no reopen)
    os.rename(live, tmp_path / "app.log.1")
    errs += write_records(live, 100, rnd.randint(0, 3))  # logrotate `create`: a new live file (another writer)
    # Let go (ROTATE_WAIT quiet), then past the probe window (2 x ROTATE_WAIT after the rename): nothing looks
    # at the family any more but a rotation or a restart - round 17.
    await _advance(h, 3 * ROTATE_WAIT + 2)
    await h.wait_events(len(errs))
    assert not _held(ing, tmp_path / "app.log.1"), "let go: no descriptor on it"
    return h, ing, live, old, errs


@pytest.mark.parametrize("seed", range(3))
async def test_a_let_go_generation_written_again_is_read_within_a_rescan(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(f"letgo-written-again-{seed}")
    h, ing, live, old, errs = await _let_go(tmp_path, rnd)
    try:
        await _advance(h, rnd.uniform(0, LETGO_WATCH / 2 - 3 * ROTATE_WAIT), step=5.0)  # the writer's pause
        gen = tmp_path / "app.log.1"
        if seed % 2:  # rotated on while let go: the look finds it by inode under any sibling name
            os.rename(gen, tmp_path / "app.log.2")
            gen = tmp_path / "app.log.2"
        body, late = records(200, rnd.randint(2, 5))
        assert late
        old.write(body.encode())  # through the writer's old descriptor: appended to the let-go generation
        old.flush()
        assert gen.stat().st_size > 0
        await _advance(h, 2 * RESCAN, step=RESCAN / 2)  # within one rescan interval (+ the loop's turn)
        h.sink.assert_exactly_once(errs + late)
        await _advance(h, 3 * ROTATE_WAIT)  # let go again, and never read twice
        h.sink.assert_exactly_once(errs + late)
    finally:
        old.close()
        await h.stop(ing)


async def test_a_let_go_generation_that_never_grows_costs_no_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real = recovery.FileHandle.open_as

    def counting(cls: type, path: str, *a: object, **k: object) -> object:
        opened.append(path)
        return real(path, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(recovery.FileHandle, "open_as", classmethod(counting))
    listed: list[str] = []
    real_siblings = letgowatch.siblings

    def listing(path: str, dirs: Any = ()) -> Any:
        listed.append(path)
        return real_siblings(path, dirs)

    monkeypatch.setattr(letgowatch, "siblings", listing)
    rnd = random.Random("letgo-never-grows")
    h, ing, live, old, errs = await _let_go(tmp_path, rnd)
    try:
        read = h.metric("sidecar_bytes_read_total", source=str(live))
        await _advance(h, LETGO_WATCH / 4, step=5.0)
        assert len(listed) <= 1, listed  # its first look finds its new name, stat'ed alone after (before: every scan)
        assert h.metric("sidecar_bytes_read_total", source=str(live)) == read
        assert not [p for p in opened if ".log.1" in p], opened
        assert not _held(ing, tmp_path / "app.log.1")
        h.sink.assert_exactly_once(errs)
    finally:
        old.close()
        await h.stop(ing)
