"""`rotation outran the tailer` only where generations may have been deleted unread (issue 16, round 8).

The warning fired in 8 of 24 generated writer scenarios that lost nothing (test_writer_taxonomy,
seeds 0-5): the retention cascade deleting an old generation the tailer had read (glob `r.log*`,
logrotate `rotate N`, Docker max-file), and a generation deleted by its own compression. Both
are told apart on disk (overrun.py); a cascade that ran past what the family keeps between two
looks is still said (test_rotation_overrun.py).
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import shutil
from pathlib import Path

import pytest

from .conftest import Harness, make_config, records


async def look(harness: Harness, n: int = 6) -> None:
    for _ in range(n):
        harness.clock.advance(0.6)
        await asyncio.sleep(0.01)


def said(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "rotation outran the tailer" in r.getMessage()]


async def test_retention_deleting_a_read_generation_is_no_overrun(tmp_path: Path, harness: Harness,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    """RotatingFileHandler backupCount 2 under a glob that tracks the generations: each rollover
    deletes `.2`, a file the tailer read to its end; the newer ones are open. Nothing is lost."""
    caplog.set_level(logging.WARNING)
    base = tmp_path / "r.log"
    body, want = records(0, 5)
    base.write_text(body)
    await harness.start(make_config(tmp_path, [str(tmp_path / "r.log*")]))
    await harness.wait_events(len(want))
    seq = 5
    for _ in range(5):  # a look between rollovers: the cascade never outruns the tailer
        (tmp_path / "r.log.2").unlink(missing_ok=True)
        if (tmp_path / "r.log.1").exists():
            (tmp_path / "r.log.1").rename(tmp_path / "r.log.2")
        base.rename(tmp_path / "r.log.1")
        body, new = records(seq, 5)
        base.write_text(body)
        want += new
        seq += 5
        await look(harness)
    await harness.wait_events(len(want))
    harness.sink.assert_exactly_once(want)
    assert said(caplog) == []
    assert harness.metric("sidecar_rotations_total", source=str(tmp_path / "r.log*"), kind="overrun") == 0


@pytest.mark.parametrize("glob", ["r.log", "r.log*"])
async def test_a_generation_deleted_by_its_compression_is_no_overrun(tmp_path: Path, harness: Harness, glob: str,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    """logrotate create + compress between two looks: r.log -> r.log.1 -> r.log.1.gz (the plain one
    removed), a new r.log. Our file is deleted, but its compressed copy is beside it: no generation
    went unread."""
    caplog.set_level(logging.WARNING)
    base = tmp_path / "r.log"
    body, want = records(0, 5)
    base.write_text(body)
    await harness.start(make_config(tmp_path, [str(tmp_path / glob)]))
    await harness.wait_events(len(want))
    base.rename(tmp_path / "r.log.1")
    with (tmp_path / "r.log.1").open("rb") as src, gzip.open(tmp_path / "r.log.1.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    (tmp_path / "r.log.1").unlink()
    body, new = records(5, 5)
    base.write_text(body)
    await look(harness)
    await harness.wait_events(len(want) + len(new))
    harness.sink.assert_exactly_once(want + new)
    assert said(caplog) == []
