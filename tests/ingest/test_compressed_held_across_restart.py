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

import random
from pathlib import Path

import pytest

from .compressed_held import restart_reads_once, rotate_compressed, started, while_down
from .conftest import wait_for, write_records


@pytest.mark.parametrize("seed", range(4))
async def test_a_compressed_file_held_by_its_open_plain_file_stays_read_after_a_restart(tmp_path: Path,
                                                                                      seed: int) -> None:
    rnd = random.Random(f"compressed-held-{seed}")
    h, cfg, ing, live, errs, plain = await started(tmp_path, rnd)
    rotate_compressed(live, cookbook=seed % 2 == 1)
    errs += write_records(live, 100, rnd.randint(2, 10))  # the new live log
    # the plain file drained (through our descriptor) and closed
    await wait_for(lambda: all(f.ident != (plain.st_dev, plain.st_ino) for f in ing.fs.table), clock=h.clock, step=0.5)
    await h.idle(4)
    await wait_for(lambda: len(h.sink.events) >= len(errs), within=10.0)
    h.sink.assert_exactly_once(errs)
    assert h.metric("sidecar_rotations_total", source=str(live), kind="compressed_read") == 0
    await h.stop(ing)

    errs += while_down(live, plain, rnd)
    await restart_reads_once(h, cfg, errs)
