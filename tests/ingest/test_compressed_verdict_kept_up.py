"""A damaged compressed generation's verdict (compressedgens.remember_unreadable) is refreshed only when asked at a
start; the checkpoint prune (checkpointing.py, RETAIN_CLOSED 7 days) dropped it from a sidecar up longer, and its
next start judged and counted the file again (round 17 re-read, 66ca02b4). The prune now keeps it while this run
still knows the file (compressed_seen: that inode, that size). Injected clock, 8 days, no restart. Twins: an old
closed file's checkpoint, and a verdict on a file this run does not know, are dropped as before."""

from __future__ import annotations

import gzip
import random
import time
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest import compressedgens
from sidecar.ingest.checkpoint import Checkpoint
from sidecar.ingest.compressedgens import UNREADABLE
from sidecar.ingest.tail import Ingest
from sidecar.telemetry import Telemetry

from .conftest import Recorder, make_config


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_damaged_generations_verdict_outlives_the_prune_while_the_run_knows_it(tmp_path: Path,
                                                                                       seed: int) -> None:
    rnd = random.Random(f"verdict-kept-{seed}")
    text = "".join(f"2026-12-07 10:00:{i % 60:02d} ERROR app.mod: event seq={i}\n" for i in range(rnd.randint(200, 900)))
    whole = gzip.compress(text.encode())
    gz = tmp_path / rnd.choice(["app.log.1.gz", "app.log.2.gz"])
    gz.write_bytes(whole[: int(len(whole) * rnd.uniform(0.3, 0.9))])  # the compressor killed mid-write
    clock = ManualClock(start=time.time())
    ing = Ingest(make_config(tmp_path, [str(tmp_path / "app.log*")]), Recorder(), clock, Telemetry())
    ing.fs.started_wall = time.time() - 60.0
    for _ in range(3):
        ing.fs.scan()
        while await compressedgens.read_pending(ing.fs):
            for f in list(ing.fs.table):
                ing.fs.table.retire(f)
    verdicts = [k for k, c in ing.fs.saved.items() if c.format == UNREADABLE]
    assert len(verdicts) == 1
    src = str(tmp_path / "app.log*")
    old = {"closed": Checkpoint("closed", src, str(tmp_path / "gone.log"), 1, 999_001, 10, "h", 10, 2, 10, clock.time()),
           "unknown": Checkpoint("unknown", src, str(tmp_path / "old.gz"), 1, 999_002, 10, "h", 10, 1, 10, clock.time(),
                                 format=UNREADABLE)}
    ing.fs.saved.update(old)  # twins
    clock.advance(rnd.uniform(7.2, 9.0) * 24 * 3600)  # up 7-9 days, never restarted, never asked again
    ing._write_checkpoints(force=True)
    assert verdicts[0] in ing.fs.saved  # before: pruned
    assert not set(old) & set(ing.fs.saved)
    assert verdicts[0] in {c.key for c in ing.ckpt.file.load_all()[0].values()}
