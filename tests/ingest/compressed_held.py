"""Shared steps of the compressed-held tests (test_compressed_held_at_stop, test_compressed_held_across_restart).

Both make a "held" verdict in a real run (a `.gz` whose content the still open plain file holds), then do between two
runs what the filesystem does, and restart. Only the moment of the stop differs (before or after the holder closed).
"""

from __future__ import annotations

import gzip
import os
import random
from pathlib import Path

from sidecar.clock import ManualClock
from sidecar.config import Config
from sidecar.ingest.checkpoint import CheckpointFile
from sidecar.ingest.tail import Ingest
from sidecar.ingest.tracked import ROTATE_WAIT

from .conftest import Harness, make_config, records, wait_for, write_records


async def started(d: Path, rnd: random.Random) -> tuple[Harness, Config, Ingest, Path, list[int], os.stat_result]:
    """A first run tailing `d/app.log` (records 0.. written and read): the harness, config, tailer, live path, the
    error ids read, and the live file's stat (the plain file the `.gz` is made of)."""
    live = d / "app.log"
    errs = write_records(live, 0, rnd.randint(4, 30))
    h = Harness(ManualClock(1_800_000_000.0))
    cfg = make_config(d, [str(live)])
    ing = await h.start(cfg)
    await h.wait_events(len(errs))
    return h, cfg, ing, live, errs, live.stat()


def gzip_to(src: Path, dest: Path) -> None:
    """gzip's way: the compressed file is new (another inode) with its source's mtime; the source removed."""
    st = src.stat()
    dest.write_bytes(gzip.compress(src.read_bytes()))
    os.utime(dest, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.remove(src)


def rotate_compressed(live: Path, cookbook: bool) -> None:
    """The live log's rollover into `.1.gz`: the logging cookbook's rotator (the live file itself compressed), or
    logrotate `compress` (renamed to `.1`, compressed at once - we still drain `.1`)."""
    if cookbook:
        gzip_to(live, live.with_name(live.name + ".1.gz"))
    else:
        os.rename(live, live.with_name(live.name + ".1"))
        gzip_to(live.with_name(live.name + ".1"), live.with_name(live.name + ".1.gz"))


def while_down(live: Path, plain: os.stat_result, rnd: random.Random) -> list[int]:
    """What happens between the two runs; returns the error ids written meanwhile (to read at the next start).

    The plain file's checkpoint dropped: its inode reused by a later live log, it is dropped as a dead one
    (opening._checkpoint_for) - which inode a file gets is the filesystem's choice. The writer rolled over again (the
    rotator's way: `.1.gz` -> `.2.gz`, the live log compressed to `.1.gz`) within a second of the stop: the generations'
    mtimes are not older than `alive`. Twin: a generation nobody read, compressed while down (read once from 0)."""
    d = live.parent
    ck = CheckpointFile(d / "ck")
    saved, alive = ck.load_all()
    saved = {k: c for k, c in saved.items() if (c.dev, c.ino) != (plain.st_dev, plain.st_ino)}
    ck.save(list(saved.values()), alive)
    stop = max(alive.values())
    os.rename(d / "app.log.1.gz", d / "app.log.2.gz")
    os.utime(d / "app.log.2.gz", (stop, stop))
    gzip_to(live, d / "app.log.1.gz")
    errs = write_records(live, 200, rnd.randint(2, 10))
    body, unseen = records(300, rnd.randint(2, 10))
    (d / "app.log.3.gz").write_bytes(gzip.compress(body.encode()))
    os.utime(d / "app.log.3.gz", (stop, stop))
    return errs + unseen


async def restart_reads_once(h: Harness, cfg: Config, errs: list[int]) -> None:
    """A start after `while_down`: every record once (before the fixes: the `.2.gz` read from 0, records 0.. twice)."""
    ing = await h.start(cfg)
    try:
        await h.idle(int(4 * ROTATE_WAIT / 0.5))
        await wait_for(lambda: len(h.sink.events) >= len(errs), within=10.0)  # the clock stands still meanwhile
        await h.idle(4)  # a second read of the `.2.gz` (before: from 0) lands before the assert
        h.sink.assert_exactly_once(errs)
    finally:
        await h.stop(ing)
