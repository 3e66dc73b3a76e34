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
async def test_a_stop_before_the_holder_closes_keeps_the_compressed_file_read(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(f"held-at-stop-{seed}")
    live = tmp_path / "app.log"
    errs = write_records(live, 0, rnd.randint(4, 30))
    h = Harness(ManualClock(1_800_000_000.0))
    cfg = make_config(tmp_path, [str(live)])
    ing = await h.start(cfg)
    await h.wait_events(len(errs))
    plain = live.stat()
    tail_unread = seed // 2 == 1
    if tail_unread:  # written just before the rollover: maybe not read through our descriptor by the stop
        body, more = records(50, rnd.randint(2, 10))
        with live.open("a") as f:
            f.write(body)
        errs += more
    if seed % 2:  # the cookbook's rotator: the live file itself compressed
        _gzip_to(live, tmp_path / "app.log.1.gz")
    else:  # logrotate compress: renamed, compressed at once (we still drain `.1`)
        os.rename(live, tmp_path / "app.log.1")
        _gzip_to(tmp_path / "app.log.1", tmp_path / "app.log.1.gz")
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
