"""A log's name taken by something that is not a regular file (issue 16).

A directory or a FIFO where a log was (or where a rotated generation would be): nothing blocks
(opening a FIFO waits for a writer unless asked not to, and the tailer runs on the event loop),
nothing is read from it, the records written before and after are read once, and nothing is
logged at ERROR, and no descriptor is left on them (an open directory used to leak one per look).
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import pytest

from sidecar.ingest.handle import FileHandle
from sidecar.ingest.tracked import ROTATE_WAIT

from .conftest import Harness, make_config, open_in, records, wait_for


async def _loop_answers(within: float = 0.5) -> None:
    """The event loop is not blocked: a short sleep on it returns."""
    await asyncio.wait_for(asyncio.sleep(0.01), within)


@pytest.mark.parametrize("glob", ["app.log", "app.log*"])
async def test_directory_and_fifo_take_the_logs_name(tmp_path: Path, harness: Harness, glob: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    path = tmp_path / "app.log"
    body, errs = records(0, 20)
    path.write_text(body)
    ing = await harness.start(make_config(tmp_path, [str(tmp_path / glob)]))
    await harness.wait_events(len(errs))
    # Rotated away; a FIFO and a directory named like generations appear beside it.
    with path.open("a") as w:
        more, errs2 = records(20, 10)
        w.write(more)
    os.rename(path, tmp_path / "app.log.1")
    os.mkfifo(tmp_path / "app.log.2")
    (tmp_path / "app.log.3").mkdir()
    path.mkdir()  # and the live name is a directory for a while
    for _ in range(10):
        harness.clock.advance(0.6)
        await asyncio.sleep(0.01)
        await _loop_answers()
    await wait_for(lambda: len(harness.sink.events) >= len(errs) + len(errs2), clock=harness.clock)
    path.rmdir()
    body3, errs3 = records(30, 10)
    path.write_text(body3)
    await wait_for(lambda: len(harness.sink.events) >= len(errs) + len(errs2) + len(errs3), clock=harness.clock)
    for _ in range(int(ROTATE_WAIT / 0.5) + 4):  # the rotated file drains and is closed
        harness.clock.advance(0.6)
        await asyncio.sleep(0.01)
    harness.sink.assert_exactly_once(errs + errs2 + errs3)
    held = {str(path)} if glob == "app.log" else {str(path), str(tmp_path / "app.log.1")}
    assert {f.path for f in ing.files} == held
    assert open_in(tmp_path, ignore="/ck") == sorted(held)  # no descriptor left on the directory or FIFO
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.records[:3]


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "app.log"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        FileHandle.open(str(fifo))  # returns at once (a blocking open would hang the test)
    with pytest.raises(OSError, match="not a regular file"):
        FileHandle.open(str(tmp_path))
