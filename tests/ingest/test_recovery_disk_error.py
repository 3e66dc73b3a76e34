"""A disk error (EIO) while StartupRecovery compares a file's first bytes: the file is passed over, its handle closed.

Three sites opened a file and read its first bytes outside any try: `_open_in_place` (is the checkpoint's file still
at its path), `_claim_moved` (which sibling holds a moved checkpoint's file) and `_prove_dirs` (is a subdirectory's
file one of ours). An OSError there escaped into StartupRecovery.run - the sidecar's start - and leaked the
descriptor (r20 FXB item 3; probe: escaped [Errno 5], 1 fd leaked). Real files and a real tailer; the disk error is
injected at FileHandle.head_matches, the read that fails (not the functions under test), as
test_adopt_unseen_one_open.py does. Twin: without the error the moved file is claimed and drained once.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sidecar.ingest.checkpoint import Checkpoint, file_key, head_hash_of
from sidecar.ingest.handle import FileHandle
from sidecar.ingest.recovery import StartupRecovery, _open_in_place

from .conftest import Harness, make_config, records, write_records


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _cp_of(path: Path, source: str, at: Path | None = None, offset: int | None = None) -> Checkpoint:
    """A checkpoint of `path`'s file, recorded under the name `at` (where it was before it moved)."""
    data = path.read_bytes()
    st = path.stat()
    head = data[:1024]
    return Checkpoint(file_key(st.st_dev, st.st_ino, head_hash_of(head)), source, str(at or path), st.st_dev, st.st_ino,
                      len(head), head_hash_of(head), len(data) if offset is None else offset, 1, len(data), 0.0)


def _eio(self: FileHandle, *args: object) -> object:
    raise OSError(errno.EIO, "Input/output error")


async def _moved(tmp_path: Path, harness: Harness) -> tuple[object, Path, Path, int]:
    """A tailer on app.log; other.log's file, checkpointed at half its length, was moved to old/other.log.1."""
    live = tmp_path / "app.log"
    errs = write_records(live, 0, 4)
    ing = await harness.start(make_config(tmp_path, [str(live)]))
    await harness.wait_events(len(errs))
    (tmp_path / "old").mkdir()
    moved = tmp_path / "old" / "other.log.1"
    body, _ = records(100, 6)
    moved.write_text(body)
    return ing, tmp_path / "other.log", moved, len(body.splitlines(keepends=True)[0].encode())


async def test_a_disk_error_at_a_checkpoints_own_path_closes_the_handle(
        tmp_path: Path, harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    ing, _, moved, _ = await _moved(tmp_path, harness)
    cp = _cp_of(moved, "s")
    before = _fds()
    monkeypatch.setattr(FileHandle, "head_matches", _eio)
    assert _open_in_place(cp) is None  # before: OSError out of it, the descriptor left open
    assert _fds() == before


async def test_a_disk_error_in_a_moved_file_stays_out_of_the_start(
        tmp_path: Path, harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    ing, was, moved, first = await _moved(tmp_path, harness)
    fs = ing.fs  # type: ignore[attr-defined]
    src = fs.sources[0].name
    cp, own = _cp_of(moved, src, at=was, offset=first), _cp_of(tmp_path / "app.log", src)
    fs.saved = {cp.key: cp, own.key: own}  # the live file's own checkpoint: in place (_open_in_place reads it)
    before = _fds()
    monkeypatch.setattr(FileHandle, "head_matches", _eio)
    StartupRecovery(fs).run()  # before: OSError [Errno 5] out of run (the sidecar's start)
    assert _fds() == before
    assert all(t.handle.path_opened != str(moved) for t in fs.table)


async def test_without_the_error_the_moved_file_is_claimed_and_drained_once(tmp_path: Path, harness: Harness) -> None:
    ing, was, moved, first = await _moved(tmp_path, harness)
    fs = ing.fs  # type: ignore[attr-defined]
    cp = _cp_of(moved, fs.sources[0].name, at=was, offset=first)
    fs.saved = {cp.key: cp}
    before = _fds()
    StartupRecovery(fs).run()
    assert _fds() == before + 1  # the table holds it now
    await harness.wait_events(4)  # app.log: 0, 2; the moved file past its first record: 102, 104
    await harness.idle()
    harness.sink.assert_exactly_once([0, 2, 102, 104])
