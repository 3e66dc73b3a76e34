"""A compressed generation judged "nothing to read" while its plain file was still open is judged the same after a restart.

The class (compressedgens.hold): a compressed file whose content a file tailed NOW holds is not read - that file's reader
reads it. The plain file is still open when its compressed copy appears whenever compression follows the rotation
within ROTATE_WAIT (logrotate `compress` without `delaycompress`: rename to `.1`, gzip to `.1.gz`, remove `.1`) or
compresses the live file itself (the logging cookbook's rotator: gzip `app.log` to `app.log.1.gz`, remove it). Round 17
kept that verdict in memory only: once the plain file was closed its checkpoint was the only record of the content, a
reuse of its inode by a later live log dropped it as dead (opening._checkpoint_for), and a start that met the compressed
file again (its mtime - the plain file's last write, gzip keeps it - within the stop's `alive`) read it from 0: every
record stored twice. Now the verdict is written under the compressed file's own identity (inode, size, the content's
first bytes) when the plain file is closed.

A real run makes the verdict; between the runs the test does what the filesystem and the clock do: the plain file's
checkpoint is dropped (its inode reused - which inode a file gets is the filesystem's choice), the generation's mtime
lies within a second of the stop (fast rollovers), and the writer rolls over again while the sidecar is down.
Varied by seed: logrotate-style (`.1` then `.1.gz`) or the cookbook's rotator, records per generation.
Twin that must not change: a compressed generation nobody read, written while down, is read once from 0.
"""

from __future__ import annotations

import gzip
import os
import random
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.checkpoint import CheckpointFile
from sidecar.ingest.tracked import ROTATE_WAIT

from .conftest import Harness, make_config, records, wait_for, write_records


def _gzip_to(src: Path, dest: Path) -> None:
    """gzip's way: the compressed file is new (another inode) with its source's mtime; the source removed."""
    st = src.stat()
    dest.write_bytes(gzip.compress(src.read_bytes()))
    os.utime(dest, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.remove(src)


@pytest.mark.parametrize("seed", range(4))
async def test_a_compressed_file_held_by_its_open_plain_file_stays_read_after_a_restart(tmp_path: Path,
                                                                                      seed: int) -> None:
    rnd = random.Random(f"compressed-held-{seed}")
    live = tmp_path / "app.log"
    errs = write_records(live, 0, rnd.randint(4, 30))
    h = Harness(ManualClock(1_800_000_000.0))
    cfg = make_config(tmp_path, [str(live)])
    ing = await h.start(cfg)
    await h.wait_events(len(errs))
    plain = live.stat()
    if seed % 2:  # the cookbook's rotator: the live file itself compressed
        _gzip_to(live, tmp_path / "app.log.1.gz")
    else:  # logrotate compress: renamed, compressed at once (we still drain `.1`)
        os.rename(live, tmp_path / "app.log.1")
        _gzip_to(tmp_path / "app.log.1", tmp_path / "app.log.1.gz")
    errs += write_records(live, 100, rnd.randint(2, 10))  # the new live log
    # the plain file drained (through our descriptor) and closed
    await wait_for(lambda: all(f.ident != (plain.st_dev, plain.st_ino) for f in ing.fs.table), clock=h.clock, step=0.5)
    await h.idle(4)
    await wait_for(lambda: len(h.sink.events) >= len(errs), within=10.0)
    h.sink.assert_exactly_once(errs)
    assert h.metric("sidecar_rotations_total", source=str(live), kind="compressed_read") == 0
    await h.stop(ing)

    ck = CheckpointFile(tmp_path / "ck")
    saved, alive = ck.load_all()
    # Its inode reused by a later live log: the plain file's checkpoint dropped as a dead one (opening._checkpoint_for).
    saved = {k: c for k, c in saved.items() if (c.dev, c.ino) != (plain.st_dev, plain.st_ino)}
    ck.save(list(saved.values()), alive)
    stop = max(alive.values())
    # While down the writer rolled over again (the rotator's way: `.1.gz` -> `.2.gz`, the live log compressed to
    # `.1.gz`), within a second of the stop: the generations' mtimes are not older than `alive`.
    os.rename(tmp_path / "app.log.1.gz", tmp_path / "app.log.2.gz")
    os.utime(tmp_path / "app.log.2.gz", (stop, stop))
    _gzip_to(live, tmp_path / "app.log.1.gz")
    errs += write_records(live, 200, rnd.randint(2, 10))
    body, unseen = records(300, rnd.randint(2, 10))  # twin: a generation nobody read, compressed while down
    (tmp_path / "app.log.3.gz").write_bytes(gzip.compress(body.encode()))
    os.utime(tmp_path / "app.log.3.gz", (stop, stop))
    errs += unseen

    ing = await h.start(cfg)
    try:
        await h.idle(int(4 * ROTATE_WAIT / 0.5))
        await wait_for(lambda: len(h.sink.events) >= len(errs), within=10.0)  # the clock stands still meanwhile
        await h.idle(4)  # a second read of the `.2.gz` (before: from 0) lands before the assert
        h.sink.assert_exactly_once(errs)  # before: the `.2.gz` read from 0, records 0.. stored twice
    finally:
        await h.stop(ing)
