"""A source watched before its log existed: what the log wrote while the sidecar was down is read (issue 16, round 7).

Found by test_writer_taxonomy.py: the sidecar starts before the gateway creates its log
(RotatingFileHandler with delay=True creates it at the first record; or the gateway simply
starts later), is restarted, and meanwhile the log is created and rotated. With no checkpoint
for the file the restart was taken for a first run: `start_at: end` (the default) skipped
everything written while down, and with either setting the generations rotated away while down
were never read. The checkpoint document now records until when each source was watched.
"""

from __future__ import annotations

import asyncio
import glob
import json
import logging
import logging.handlers
import os
import time
from pathlib import Path

import pytest

from .conftest import Harness, make_config


def write_rotating(path: Path, start: int, n: int) -> list[int]:
    """n records through a real RotatingFileHandler (delay=True, ~3 records per file, backupCount 20: none deleted)."""
    h = logging.handlers.RotatingFileHandler(path, maxBytes=200, backupCount=20, delay=True)
    h.setFormatter(logging.Formatter("2026-11-23 10:00:00 %(levelname)s %(name)s: %(message)s"))
    lg = logging.getLogger(f"writer.{path.name}.{start}")
    lg.propagate = False
    lg.addHandler(h)
    errors = []
    try:
        for seq in range(start, start + n):
            if seq % 2 == 0:
                lg.error("event seq=%d", seq)
                errors.append(seq)
            else:
                lg.info("event seq=%d", seq)
    finally:
        lg.removeHandler(h)
        h.close()
    return errors


@pytest.mark.parametrize("start_at", ["end", "beginning"])
async def test_log_created_and_rotated_while_down(tmp_path: Path, harness: Harness, start_at: str) -> None:
    path = tmp_path / "app.log"
    cfg = make_config(tmp_path, [str(path)], start_at=start_at)
    ing = await harness.start(cfg)  # the log does not exist yet
    harness.clock.advance(1.0)
    await harness.stop(ing)
    doc = json.loads((tmp_path / "ck" / "checkpoints.json").read_text())
    assert doc["files"] == [] and str(path) in doc["alive"]
    errors = write_rotating(path, 0, 40)
    assert len(glob.glob(f"{path}.*")) >= 4  # rotated several times while down
    await harness.start(cfg)
    await harness.wait_events(len(errors))
    harness.clock.advance(2.0)
    harness.sink.assert_exactly_once(errors)


async def test_a_first_run_still_starts_at_the_end(tmp_path: Path, harness: Harness) -> None:
    """Without the record of an earlier watch, `start_at: end` means what it says: neither the
    live file's old records nor its rotated generations are read."""
    path = tmp_path / "app.log"
    write_rotating(path, 0, 40)
    old = time.time() - 60  # written a minute before the sidecar first ran
    for p in glob.glob(f"{path}*"):
        os.utime(p, (old, old))
    ing = await harness.start(make_config(tmp_path, [str(path)], start_at="end"))
    for _ in range(20):
        harness.clock.advance(0.1)
        await asyncio.sleep(0.005)
    assert harness.sink.events == []
    await harness.stop(ing)
    more = write_rotating(path, 100, 4)  # appended to the live file after the first run
    await harness.start(make_config(tmp_path, [str(path)], start_at="end"))
    await harness.wait_events(len(more))
    harness.sink.assert_exactly_once(more)


async def test_empty_log_written_and_copytruncated_while_down(tmp_path: Path, harness: Harness) -> None:
    """logrotate copytruncate of a log that was EMPTY when the sidecar stopped (round 8, generated seed
    logrotate-501): written, copied to a dated name and truncated while down. The live file is
    intact and empty again; nothing identifies the copy as its content. Read as a never-seen
    generation (it was written after the stop), not lost."""
    path = tmp_path / "app.log"
    path.write_text("")
    cfg = make_config(tmp_path, [str(path)], start_at="beginning")
    ing = await harness.start(cfg)
    await harness.stop(ing)
    body = "".join(f"2026-11-23 10:00:0{i} ERROR gw.x: event seq={i}\n" for i in range(4))
    path.write_text(body)
    (tmp_path / "app.log-2026112310").write_text(path.read_text())  # copytruncate: copy, then truncate
    with path.open("r+") as f:
        f.truncate(0)
    await harness.start(cfg)
    await harness.wait_events(4)
    harness.sink.assert_exactly_once(list(range(4)))


async def test_log_created_and_rotated_away_between_two_looks(tmp_path: Path, harness: Harness) -> None:
    """While the sidecar runs: the log appears, is written and renamed (logrotate nocreate + dateext)
    before any look saw it, and no new one is created (round 8, generated seed logrotate-605: lost)."""
    path = tmp_path / "app.log"
    ing = await harness.start(make_config(tmp_path, [str(path)], start_at="beginning"))
    harness.clock.advance(1.0)
    await asyncio.sleep(0.05)
    body = "".join(f"2026-11-23 10:00:0{i} ERROR gw.x: event seq={i}\n" for i in range(3))
    path.write_text(body)
    path.rename(tmp_path / "app.log-2026112310")
    await harness.wait_events(3)
    harness.sink.assert_exactly_once(list(range(3)))
    assert ing.status()["sources"][0]["overruns"] == 0
