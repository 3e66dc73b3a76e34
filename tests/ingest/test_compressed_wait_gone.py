"""A compressed generation undecided at a look ("wait": being written) that is gone by the next look (deleted by
logrotate `rotate N`, moved away) no longer holds the sources' `alive` at its mtime (re-read r16): kept, every
checkpoint saved that old time and the next start read again every generation since. Its twin, still there and
still being written, holds it (the next start must not skip it as older than `alive`)."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.tail import Ingest
from sidecar.telemetry import Telemetry

from .conftest import Recorder, make_config, records


def _partial(path: Path, seed: int) -> None:
    """The first part of a gzip stream: a compressor still writing it (not readable yet)."""
    body, _ = records(seed * 100, 40)
    whole = gzip.compress(body.encode())
    path.write_bytes(whole[: len(whole) // 2 + seed])


def _waiting(tmp_path: Path, seed: int) -> tuple[Ingest, Path, list[float], float]:
    """An Ingest on a wall clock it can move (`now[0]`) that met one half-written `.gz` at its first look."""
    now = [time.time() + 1000.0 * seed]
    ing = Ingest(make_config(tmp_path, [str(tmp_path / "app.log*")]), Recorder(), ManualClock(), Telemetry(),
                 wall=lambda: now[0])
    ing.fs.started_wall = now[0] - 1.0
    gz = tmp_path / f"app.log.{seed}.gz"
    _partial(gz, seed)
    written = now[0] - 0.5
    os.utime(gz, (written, written))
    ing.fs.scan()
    return ing, gz, now, written


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("fate", ["deleted", "moved", "still_written"])
def test_wait_entry_gone_does_not_hold_alive(tmp_path: Path, seed: int, fate: str) -> None:
    ing, gz, now, written = _waiting(tmp_path, seed)
    assert ing.fs.looked_until() == pytest.approx(written)  # undecided: holds alive
    now[0] += 30.0 * seed
    if fate == "deleted":
        gz.unlink()
    elif fate == "moved":
        (tmp_path / "old").mkdir()
        gz.rename(tmp_path / "old" / gz.name)
    else:
        with gz.open("ab") as f:
            f.write(b"\0" * seed)
        os.utime(gz, (written + 0.1, written + 0.1))
    ing.fs.scan()
    if fate == "still_written":
        assert ing.fs.looked_until() == pytest.approx(written + 0.1)
    else:
        assert ing.fs.looked_until() == now[0]
        assert not ing.fs.compressed_seen


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("fate", ["finished_old_mtime", "held_under_a_tailed_name"])
def test_a_waiting_entry_the_early_return_skips_is_decided_or_forgotten(tmp_path: Path, seed: int, fate: str) -> None:
    """The same class as the test above, through `_compressed`'s early return (round 17): a `.gz` met undecided
    (a compressor writing it, after our start) that the next ask skipped stayed waiting for ever, its mtime
    holding `alive`:
    - finished_old_mtime: gzip, xz and zstd give the file they wrote its source's times when they finish
      (gzip(1) "keeps the ... modification time"; logrotate's default compresscmd is gzip), so a finished `.gz`
      of a generation last written before our start looks older than the start: it is still ours to decide
      (met as new), and read (queued here) - not skipped as recovery's;
    - held_under_a_tailed_name: its inode is a file the table holds (a hard link under a name the glob tails,
      a rotator compressing in place): its reader reads that inode, the waiting entry is forgotten."""
    ing, gz, now, written = _waiting(tmp_path, seed)
    ident = (gz.stat().st_dev, gz.stat().st_ino)
    assert ing.fs.looked_until() == pytest.approx(written)  # undecided: holds alive
    now[0] += 30.0 * seed
    if fate == "finished_old_mtime":
        body, _ = records(seed * 100, 40)
        with gz.open("r+b") as f:  # the same inode, written to its end
            f.write(gzip.compress(body.encode()))
        source_mtime = ing.fs.started_wall - 3600.0 * seed
        os.utime(gz, (source_mtime, source_mtime))
        ing.fs.scan()
        ing.fs.scan()  # asked again: final once its size and mtime did not change
        assert ident in ing.fs.compressed_pending, "a finished .gz met while written is read"
        assert ing.fs.looked_until() == pytest.approx(source_mtime)  # queued: held until read (looked_until)
    else:
        os.link(gz, tmp_path / "app.log")
        ing.fs.scan()
        ing.fs.scan()
        assert ident in ing.fs.table.by_ident
        assert ing.fs.looked_until() == now[0]
        assert not ing.fs.compressed_seen
