"""A stop while a compressed generation's holder is still open keeps the "held" verdict, as closing the holder does.

The class (compressedgens.hold / held_read): a compressed file whose content a file tailed now holds is not read; the
verdict is written under the compressed file's own identity when the holder is closed (FileSet.close, a truncation).
A stop is the other end of a holder's life: the plain file still draining (compression within ROTATE_WAIT of the
rotation - logrotate `compress` without `delaycompress`, the logging cookbook's rotator gzipping the live file) is
retired by the stop, not closed, and the verdict lived in memory only. Once the plain file's checkpoint was dropped (its
inode reused by a later live log: opening._checkpoint_for), the next start read the `.gz` from 0: records twice.

A real run makes the verdict and is stopped a moment after the compression (the injected clock moved less than
ROTATE_WAIT); between the runs the test does what the filesystem does (the plain checkpoint dropped: which inode a file
gets is the filesystem's choice; the writer rolled over again while down, within a second of the stop). Varied by seed: rotator style,
records per generation, and whether the holder had read all of its content before the stop. Twin that must not change:
a compressed generation nobody read, written while down, is read once from 0.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sidecar.ingest.tracked import ROTATE_WAIT

from .compressed_held import restart_reads_once, rotate_compressed, started, while_down
from .conftest import records, write_records


@pytest.mark.parametrize("seed", range(4))
async def test_a_stop_before_the_holder_closes_keeps_the_compressed_file_read(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(f"held-at-stop-{seed}")
    h, cfg, ing, live, errs, plain = await started(tmp_path, rnd)
    tail_unread = seed // 2 == 1
    if tail_unread:  # written just before the rollover: maybe not read through our descriptor by the stop
        body, more = records(50, rnd.randint(2, 10))
        with live.open("a") as f:
            f.write(body)
        errs += more
    rotate_compressed(live, cookbook=seed % 2 == 1)
    errs += write_records(live, 100, rnd.randint(2, 10))  # the new live log
    # Until the `.gz` is judged held by the still open plain file: well within ROTATE_WAIT, it is not closed yet.
    moved = 0.0
    while not ing.fs.compressed_held:
        assert moved < ROTATE_WAIT / 2, "the .gz was never judged held"
        await h.idle(1, step=0.05)
        moved += 0.05
    assert any(f.ident == (plain.st_dev, plain.st_ino) for f in ing.fs.table)  # the holder still open
    if not tail_unread:
        await h.wait_events(len(errs))
    await h.stop(ing)

    errs += while_down(live, plain, rnd)
    await restart_reads_once(h, cfg, errs)
