"""A compressed file in a reused inode (logrotate `rotate N` deletes `.N.gz`, the next `.gz` takes its inode number) with
the first bytes of a short one read to its end (its own checkpoint, compressedgens.remember_covered) and more after
them is read past that checkpoint (re-read r16: the length was never compared, the new content was taken as read).
Twin: the same content again is nothing to read - decompressed once to know it (round 19: another compressed file in
that inode, by size and mtime, is judged by its content, compressedgens.same_compressed_file), never read again."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.checkpoint import Checkpoint, head_hash_of
from sidecar.ingest.compressed import MemoryHandle
from sidecar.ingest.compressedgens import adopt_compressed, read_pending, remember_covered
from sidecar.ingest.tail import Ingest
from sidecar.telemetry import Telemetry

from .conftest import Recorder, make_config, records


@pytest.mark.parametrize("extra", [1, 5, 30])
@pytest.mark.parametrize("longer", [True, False])
async def test_reused_inode_longer_than_checkpoint_is_read(tmp_path: Path, extra: int, longer: bool) -> None:
    ing = Ingest(make_config(tmp_path, [str(tmp_path / "app.log")]), Recorder(), ManualClock(), Telemetry())
    fs, src = ing.fs, ing.sources[0]
    old, _ = records(0, 2)
    data = old.encode()
    assert len(data) < 1024
    gz = tmp_path / "app.log.2.gz"
    gz.write_bytes(gzip.compress(data))
    st = gz.stat()
    cp = Checkpoint(key="k", source=src.name, path=str(gz), dev=st.st_dev, ino=st.st_ino, head_len=len(data),
                    head_hash=head_hash_of(data), offset=len(data), line=3, size=len(data), updated=0.0)
    remember_covered(fs, src, str(gz), st, cp, len(data))
    more, _ = records(2, extra)
    new = data + more.encode() if longer else data
    with gz.open("r+b") as f:  # the same inode, a new file's bytes
        f.truncate(0)
        f.write(gzip.compress(new, mtime=extra))
    st2 = gz.stat()
    assert (st2.st_dev, st2.st_ino) == (st.st_dev, st.st_ino)
    adopt_compressed(fs, src, str(gz), st2)
    while await read_pending(fs):
        pass
    opened = [f.acked[0] for f in fs.table if isinstance(f.handle, MemoryHandle)]
    fs.table.retire_all()
    assert opened == ([len(data)] if longer else [])  # read past what was read; the same content: not opened
