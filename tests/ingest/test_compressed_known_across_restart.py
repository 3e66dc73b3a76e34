"""A compressed generation queued to read at one start, whose content a checkpoint had read up to N, is known read up
to N at the next start - even when the plain generation's checkpoint is gone by then (round 17, taxonomy docker-78612:
records stored twice on 2-5 runs in 8).

moby's json-file `compress` (and logrotate `compress`, the cookbook's gzip rotator): rename the live log to `.1`, gzip
it to `.1.gz` (a new inode), remove `.1`. The inode it frees is often the next live log's. The trace: the generation
was read to its end under the live name (checkpoint: that inode, its first bytes, offset N); a start claimed its `.gz`
by those first bytes and queued it (compressedgens.read_pending: one at a time) but stopped before decompressing it;
at that start the live log, in the freed inode, dropped the plain checkpoint as a dead one (opening._checkpoint_for:
same inode, other first bytes), and only the in-memory `read_heads` still knew the content. The next start found the
`.gz` (its mtime held `alive` back: queued, unread) with no checkpoint of its content and read it from 0.

Here the two starts are FileSets on the checkpoints the first one leaves (no `sidecar run`); the live log really is
in the plain generation's inode (the checkpoint names it). Generated over 3 seeds: how much of the generation was
read (all, a part - read past it, once) and its sizes; twin: content no checkpoint read is read from 0, as before."""

from __future__ import annotations

import gzip
import random
import time
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest import compressedgens
from sidecar.ingest.checkpoint import HEAD_BYTES, Checkpoint, file_key, head_hash_of
from sidecar.ingest.compressed import MemoryHandle
from sidecar.ingest.tail import Ingest
from sidecar.telemetry import Telemetry

from .conftest import Recorder, make_config, records


@pytest.mark.parametrize("read", ["all", "part", "none"])
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_queued_compressed_generation_is_known_read_at_the_next_start(tmp_path: Path, seed: int,
                                                                              read: str) -> None:
    rnd = random.Random(f"compressed-known-{seed}")
    n = rnd.randint(12, 60)
    gen = records(0, n)[0].encode()
    live = tmp_path / "abc-json.log"
    live.write_bytes(records(n, rnd.randint(3, 20))[0].encode())  # the next live log, in the freed inode
    gz = tmp_path / rnd.choice(["abc-json.log.1.gz", "abc-json.log.2.gz"])
    gz.write_bytes(gzip.compress(gen))
    lst, gst = live.stat(), gz.stat()
    done = {"all": len(gen), "part": rnd.randrange(1, len(gen)), "none": 0}[read]
    head = gen[:HEAD_BYTES]
    saved: dict[str, Checkpoint] = {}
    if done:  # the plain generation read to `done` under the live name, in the inode the live log has now
        key = file_key(lst.st_dev, lst.st_ino, head_hash_of(head))
        saved[key] = Checkpoint(key=key, source=str(tmp_path / "abc-json.log*"), path=str(live), dev=lst.st_dev,
                                ino=lst.st_ino, head_len=len(head), head_hash=head_hash_of(head), offset=done,
                                line=gen[:done].count(b"\n") + 1, size=len(gen), updated=time.time())
    alive = {str(tmp_path / "abc-json.log*"): gst.st_mtime - 0.5}  # held back by the queued `.gz` (looked_until)

    def fileset() -> Ingest:
        ing = Ingest(make_config(tmp_path, [str(tmp_path / "abc-json.log*")]), Recorder(), ManualClock(),
                     Telemetry())
        ing.fs.started_wall = time.time() - 60.0
        ing.fs.saved = dict(saved)
        ing.fs.recover_rotated_while_down(alive)
        ing.fs.scan(startup=True)
        return ing

    first = fileset()  # queued, not decompressed: stopped first
    assert (gst.st_dev, gst.st_ino) in first.fs.compressed_pending
    saved.clear()
    saved.update(first.fs.saved)
    saved.update({f.key: first.fs.entry(f) for f in first.fs.table})  # the open files' checkpoints, as written
    first.fs.table.retire_all()

    second = fileset()
    while await compressedgens.read_pending(second.fs):
        pass
    opened = [f.acked[0] for f in second.fs.table if isinstance(f.handle, MemoryHandle)]
    second.fs.table.retire_all()
    # Read from where the content was read to, once; a generation read to its end is not opened at all
    assert opened == ([] if read == "all" else [done]), (read, done, len(gen), opened)
