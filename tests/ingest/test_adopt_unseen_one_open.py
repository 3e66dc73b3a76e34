"""recovery.adopt_unseen opens through FileHandle.open_as (as recovery._open_in_place does since round 20): ONE open with
the inode check and every first-bytes comparison inside it, so a read error closes the handle. Not yet every site: the
others open by hand and read inside try/except OSError (recovery's _claim_moved and _prove_dirs, copies._copy_of:
round 20).

It opened, fstat-ed and compared first bytes by hand (round 19 put it back: 2542fb67): an OSError from those reads (EIO
on a failing disk) escaped into the scan and leaked the descriptor, as open_as's did before e77028a8. Now each first-bytes
comparison (its own checkpoints', and the tailed files' a copy is told by) is made inside open_as. Real files and a real
tailer; the disk error is injected at FileHandle.head_matches, the read it fails in (not the function under test).
Twins: an unseen generation is adopted (read from 0, once); one a checkpoint knows is not opened for good.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sidecar.ingest.checkpoint import Checkpoint, file_key, head_hash_of
from sidecar.ingest.handle import FileHandle
from sidecar.ingest.recovery import adopt_unseen

from .conftest import Harness, make_config, records, write_records


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _cp_of(path: Path) -> Checkpoint:
    data = path.read_bytes()
    st = path.stat()
    head = data[:1024]
    return Checkpoint(file_key(st.st_dev, st.st_ino, head_hash_of(head)), "s", str(path), st.st_dev, st.st_ino,
                      len(head), head_hash_of(head), len(data), 1, len(data), 0.0)


async def _tailing(tmp_path: Path, harness: Harness) -> tuple[object, Path, tuple[int, int]]:
    live = tmp_path / "app.log"
    errs = write_records(live, 0, 4)
    ing = await harness.start(make_config(tmp_path, [str(live)]))
    await harness.wait_events(len(errs))
    gen = tmp_path / "app.log.1"  # a generation that lived between two looks: nobody tracks it
    body, _ = records(100, 6)
    gen.write_text(body)
    st = gen.stat()
    return ing, gen, (st.st_dev, st.st_ino)


async def test_a_disk_error_while_comparing_first_bytes_closes_the_handle(
        tmp_path: Path, harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    ing, gen, ident = await _tailing(tmp_path, harness)
    fs = ing.fs  # type: ignore[attr-defined]
    before = _fds()

    def eio(self: FileHandle, *args: object) -> object:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(FileHandle, "head_matches", eio)
    known = {ident: [_cp_of(gen)]}
    # before: OSError out of adopt_unseen (into the scan), the descriptor left open
    assert adopt_unseen(fs, fs.sources[0], str(gen), ident, known, [], resume_copies=False) is False
    assert _fds() == before
    assert all(f.path_opened != str(gen) for f in (t.handle for t in fs.table))


async def test_an_unseen_generation_is_adopted_and_a_known_one_is_not(tmp_path: Path, harness: Harness) -> None:
    ing, gen, ident = await _tailing(tmp_path, harness)
    fs = ing.fs  # type: ignore[attr-defined]
    before = _fds()
    assert adopt_unseen(fs, fs.sources[0], str(gen), ident, {ident: [_cp_of(gen)]}, [], resume_copies=False) is False
    assert _fds() == before  # known: opened, compared, closed
    assert adopt_unseen(fs, fs.sources[0], str(gen), ident, {}, [], resume_copies=False) is True
    assert _fds() == before + 1  # the table holds it now
    await harness.wait_events(5)
    await harness.idle()
    harness.sink.assert_exactly_once([0, 2, 100, 102, 104])
