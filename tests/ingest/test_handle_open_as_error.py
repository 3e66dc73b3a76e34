"""FileHandle.open_as (round 17 re-read, d9e57d5f): an OSError from its fstat or its head reads (EIO on
a failing disk) leaked the descriptor and escaped into the scan (resume_grown runs per scan). It now
closes the handle and says None. Twin: a readable file still opens, its matching checkpoint kept."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sidecar.ingest.checkpoint import Checkpoint, head_hash_of
from sidecar.ingest.handle import FileHandle


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("failing", ["head_matches", "fstat"])
def test_a_read_error_while_opening_closes_the_handle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      failing: str) -> None:
    path = tmp_path / "a.log"
    data = b"line one\nline two\n"
    path.write_bytes(data)
    st = path.stat()
    cp = Checkpoint("k", "s", str(path), st.st_dev, st.st_ino, len(data), head_hash_of(data), 9, 1, len(data), 0.0)
    got = FileHandle.open_as(str(path), (st.st_dev, st.st_ino), st.st_size, [cp])  # twin: readable
    assert got is not None and got[2] == [cp]
    got[0].close()
    before = _fds()
    opened: list[FileHandle] = []
    real_open = FileHandle.open.__func__  # type: ignore[attr-defined]

    def tracked(cls: type[FileHandle], p: str) -> FileHandle:
        opened.append(real_open(cls, p))
        return opened[-1]

    def eio(self: FileHandle, *args: object) -> object:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(FileHandle, "open", classmethod(tracked))
    monkeypatch.setattr(FileHandle, failing, eio)
    assert FileHandle.open_as(str(path), (st.st_dev, st.st_ino), st.st_size, [cp]) is None  # before: OSError
    assert len(opened) == 1 and opened[0].closed and _fds() == before
