"""copies._copy_of: a disk error (EIO) comparing a sibling's first bytes passes that sibling over and closes its handle.

It opened each sibling by hand and compared first bytes outside any try: an OSError escaped into copy_bytes' caller
(the read of a copytruncate's unread gap) and leaked the descriptor (r20 FXB item 3, "copies.py ~134"). Real files and
a real tailer; the disk error is injected at FileHandle.head_matches, the read that fails (not the function under
test), as test_adopt_unseen_one_open.py does. Twin: without the error the copy's bytes are read.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from sidecar.ingest.handle import FileHandle

from .conftest import Harness, make_config, write_records


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def _with_a_copy(tmp_path: Path, harness: Harness) -> tuple[object, object, bytes]:
    live = tmp_path / "app.log"
    errs = write_records(live, 0, 6)
    ing = await harness.start(make_config(tmp_path, [str(live)]))
    await harness.wait_events(len(errs))
    shutil.copyfile(live, tmp_path / "app.log.1")  # logrotate copytruncate's copy (its truncate not made yet)
    fs = ing.fs  # type: ignore[attr-defined]
    return fs, fs.table.by_path[str(live)], live.read_bytes()


async def test_a_disk_error_comparing_a_copys_first_bytes_closes_the_handle(
        tmp_path: Path, harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    fs, f, _ = await _with_a_copy(tmp_path, harness)
    before = _fds()

    def eio(self: FileHandle, *args: object) -> object:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(FileHandle, "head_matches", eio)
    assert fs.copy_bytes(f, 0, 10) is None  # before: OSError out of it, the descriptor left open
    assert _fds() == before


async def test_without_the_error_the_copys_bytes_are_read(tmp_path: Path, harness: Harness) -> None:
    fs, f, data = await _with_a_copy(tmp_path, harness)
    before = _fds()
    assert fs.copy_bytes(f, 3, 20) == data[3:23]
    assert _fds() == before
