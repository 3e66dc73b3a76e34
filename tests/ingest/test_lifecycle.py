"""File lifecycle: a rotated file is drained and closed exactly once, never read again (issue 16)."""

from __future__ import annotations

import asyncio
import gc
import glob as glob_mod
import logging
import os
from pathlib import Path

import pytest

from sidecar.ingest.handle import FileClosedError, FileHandle, Phase

from .conftest import Harness, line, make_config


def _fds() -> set[str]:
    # Collect first: garbage of earlier tests (sockets, files) closing mid-test changed the count under a
    # loaded CI (23 -> 21 descriptors) while the tailer was exact.
    gc.collect()
    return set(os.listdir("/proc/self/fd"))


def _describe(fds: set[str]) -> dict[str, str]:
    out = {}
    for n in fds:
        try:
            out[n] = os.readlink(f"/proc/self/fd/{n}")
        except OSError:
            pass
    return out


def _errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("glob", ["r.log", "r.log*", "*.log"])
async def test_mv_rotation_ten_times_exact_counts(tmp_path: Path, harness: Harness, glob: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """The issue's case: 300 error lines, `mv r.log r.log.$i`, 10 times, then 300 more -> 3,300 events."""
    path = tmp_path / "r.log"
    path.write_text("")
    ing = await harness.start(make_config(tmp_path, [str(tmp_path / glob)]))
    for _ in range(5):  # the directory watcher starts (its descriptors are part of the baseline)
        harness.clock.advance(0.5)
        await asyncio.sleep(0.01)
    before = _fds()
    seq = 0
    expected: list[int] = []
    for i in range(1, 12):
        with path.open("a") as w:
            for _ in range(300):
                w.write(line(seq))
                expected.append(seq)
                seq += 1
        if i <= 10:
            # let the tailer see part of the work, as a shell loop racing a running sidecar does
            for _ in range(i % 3):
                harness.clock.advance(0.3)
                await asyncio.sleep(0.01)
            os.rename(path, tmp_path / f"r.log.{i}")
    await harness.wait_events(len(expected), within=20)
    for _ in range(40):  # drain windows pass: rotated files are closed, nothing more may arrive
        harness.clock.advance(0.5)
        await asyncio.sleep(0.005)
    harness.sink.assert_exactly_once(expected)
    assert not _errors_logged(caplog)
    # Rotated files the glob does not match were drained and closed; the ones it matches stay tailed.
    matched = sorted(glob_mod.glob(str(tmp_path / glob)))
    assert sorted(str(f.path) for f in ing.files) == matched
    now = _fds()
    in_logs = sorted(p for p in _describe(now).values() if p.startswith(str(tmp_path)))
    assert in_logs == matched  # exactly one descriptor per tailed file
    assert len(now) - len(in_logs) == len(before) - 1  # every other descriptor as before (1: r.log then)
    await harness.stop(ing)
    assert not [p for p in _describe(_fds()).values() if p.startswith(str(tmp_path))]


def test_closed_handle_cannot_read_or_close_twice(tmp_path: Path) -> None:
    """After close, no I/O reaches any descriptor (its number may already belong to a socket)."""
    p = tmp_path / "a.log"
    p.write_text("x\n")
    h = FileHandle.open(str(p))
    assert h.phase is Phase.OPEN
    assert h.pread(2, 0) == b"x\n"
    h.lose_name()
    assert h.phase is Phase.DRAINING
    h.close()
    assert h.phase is Phase.CLOSED
    reused = os.open(p, os.O_RDONLY)  # the kernel hands out the lowest free number: likely the same
    try:
        with pytest.raises(FileClosedError):
            h.pread(2, 0)
        with pytest.raises(FileClosedError):
            h.fstat()
        h.close()  # a no-op: the descriptor now belongs to someone else and stays open
        assert os.fstat(reused).st_size == 2
    finally:
        os.close(reused)
    with pytest.raises(FileClosedError):
        h.lose_name()


