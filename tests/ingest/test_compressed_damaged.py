"""A damaged compressed generation is Unreadable (counted `compressed_skipped` by its callers), never an exception that
escapes into start-up or the tail loop: gzip's broken deflate body raises zlib.error, which is not an OSError (re-read
r15: a flipped run of bytes in a `.gz` beside the log stopped `sidecar run` from starting)."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from sidecar.ingest.compressed import Unreadable, decompress


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_gzip_with_a_broken_deflate_body_is_unreadable(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(f"damaged-gz-{seed}")
    text = "".join(f"2026-12-07 10:00:{i % 60:02d} ERROR app.mod: event seq={i}\n" for i in range(rnd.randint(500, 3000)))
    raw = bytearray(gzip.compress(text.encode()))
    start = rnd.randrange(10, 40)  # inside the first deflate block's header and code tables
    for i in range(start, start + rnd.randint(3, 8)):
        raw[i] ^= 0xFF
    path = tmp_path / rnd.choice(["app.log.1.gz", "app.log.2.gz", "app-2026-12-06.log.gz"])
    path.write_bytes(bytes(raw))
    with pytest.raises(Unreadable):
        decompress(str(path))
    path.write_bytes(gzip.compress(text.encode()))  # the twin: an intact generation reads whole
    assert decompress(str(path)).decode() == text


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_damaged_generation_is_judged_once_until_it_is_another_file(tmp_path: Path, seed: int) -> None:
    """The verdict on a damaged `.gz` is kept by its identity in the checkpoints (round 17: decompressed again and
    counted `compressed_skipped` again at every start): a new FileSet holding those checkpoints (a restart) neither
    decompresses nor counts it. Near-miss twin: the same inode written again in place with an intact stream (another
    size and first bytes) is another file: read."""
    import os
    import time

    from sidecar.clock import ManualClock
    from sidecar.ingest import compressedgens
    from sidecar.ingest.tail import Ingest
    from sidecar.telemetry import Telemetry

    from .conftest import Recorder, make_config

    rnd = random.Random(f"judged-once-{seed}")
    text = "".join(f"2026-12-07 10:00:{i % 60:02d} ERROR app.mod: event seq={i}\n" for i in range(rnd.randint(200, 900)))
    whole = gzip.compress(text.encode())
    gz = tmp_path / rnd.choice(["app.log.1.gz", "app.log.2.gz"])
    gz.write_bytes(whole[: int(len(whole) * rnd.uniform(0.3, 0.9))])  # the compressor killed mid-write
    saved: dict = {}

    async def start() -> tuple[float, float]:
        """A FileSet on `saved`, three looks and the reads they queued: (skipped, read) counts."""
        telemetry = Telemetry()
        ing = Ingest(make_config(tmp_path, [str(tmp_path / "app.log*")]), Recorder(), ManualClock(), telemetry)
        ing.fs.started_wall = time.time() - 60.0
        ing.fs.saved = dict(saved)
        for _ in range(3):  # looks, each followed by the reads it queued (undecided at the first: asked again)
            ing.fs.scan()
            while await compressedgens.read_pending(ing.fs):
                for f in list(ing.fs.table):
                    ing.fs.table.retire(f)  # its reader's job (not under test here): let the next one be taken
        saved.clear()
        saved.update(ing.fs.saved)
        sample = telemetry.registry.get_sample_value
        labels = {"source": str(tmp_path / "app.log*")}
        return (sample("sidecar_rotations_total", {**labels, "kind": "compressed_skipped"}) or 0.0,
                sample("sidecar_rotations_total", {**labels, "kind": "compressed_read"}) or 0.0)

    assert await start() == (1.0, 0.0)
    assert await start() == (0.0, 0.0), "judged again at a restart"
    ino = gz.stat().st_ino
    with gz.open("r+b") as f:  # rewritten in place: the same inode, an intact stream
        f.write(whole)
    os.utime(gz)
    assert gz.stat().st_ino == ino
    assert await start() == (0.0, 1.0)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_damaged_generation_verdict_outlives_the_checkpoint_retention_while_it_is_met(
        tmp_path: Path, seed: int) -> None:
    """A verdict met again at a start is saved again as of then (round 17: stored once with `updated` = when
    judged, dropped after RETAIN_CLOSED 7 days, and a `rotate 14` `.gz` decompressed and counted again): starts
    every 3-6 days keep it past two weeks. Twin: one not met for more than RETAIN_CLOSED is dropped like any closed
    checkpoint (the file is judged again, once)."""
    import time

    from sidecar.clock import ManualClock
    from sidecar.ingest import compressedgens
    from sidecar.ingest.tail import Ingest
    from sidecar.ingest.tracked import RETAIN_CLOSED
    from sidecar.telemetry import Telemetry

    from .conftest import Recorder, make_config

    rnd = random.Random(f"verdict-kept-{seed}")
    text = "".join(f"2026-12-07 10:00:{i % 60:02d} ERROR app.mod: event seq={i}\n" for i in range(rnd.randint(200, 900)))
    whole = gzip.compress(text.encode())
    gz = tmp_path / rnd.choice(["app.log.1.gz", "app.log.9.gz"])
    gz.write_bytes(whole[: int(len(whole) * rnd.uniform(0.3, 0.9))])  # the compressor killed mid-write
    clock = ManualClock(start=1_765_000_000.0)
    saved: dict = {}

    async def start() -> float:
        """A FileSet on `saved` (pruned as checkpointing.py writes them), three looks: `compressed_skipped`."""
        for k in [k for k, c in saved.items() if clock.time() - c.updated > RETAIN_CLOSED]:
            del saved[k]
        telemetry = Telemetry()
        ing = Ingest(make_config(tmp_path, [str(tmp_path / "app.log*")]), Recorder(), clock, telemetry)
        ing.fs.started_wall = time.time() - 60.0
        ing.fs.saved = dict(saved)
        for _ in range(3):
            ing.fs.scan()
            while await compressedgens.read_pending(ing.fs):
                for f in list(ing.fs.table):
                    ing.fs.table.retire(f)
        saved.clear()
        saved.update(ing.fs.saved)
        return telemetry.registry.get_sample_value(
            "sidecar_rotations_total", {"source": str(tmp_path / "app.log*"), "kind": "compressed_skipped"}) or 0.0

    day = 86_400.0
    assert await start() == 1.0
    for _ in range(4):  # 12-24 days in all
        clock.advance(rnd.uniform(3.0, 6.0) * day)
        assert await start() == 0.0, "judged again after the checkpoint retention"  # before: at the third start
    clock.advance(RETAIN_CLOSED + rnd.uniform(1.0, 3.0) * day)  # the twin: not met for longer than the retention
    assert await start() == 1.0
