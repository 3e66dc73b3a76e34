"""recovery.resume_grown reads a let-go generation written again only past the size it had when let go: a
snapshot whose partial last line was left for the live file (copies.live_goes_on: its checkpoint ends before its
end, offset < size) is not resumed, or its partial line was read a second time from `cp.offset` (round 17). Twin: a
generation read to its end (offset = size) that grows is resumed from there."""

from __future__ import annotations

import os
import random
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.checkpoint import Checkpoint, file_key
from sidecar.ingest.handle import FileHandle
from sidecar.ingest.recovery import resume_grown


class Host:
    def __init__(self) -> None:
        self.clock = ManualClock()
        self.opened: list[Checkpoint | None] = []
        self.counted: list[str] = []

    def open_file(self, src: Any, path: Any, h: FileHandle, size: int, startup: bool = False, resume: Any = None,
                  origin: Any = None) -> Any:
        h.close()
        self.opened.append(resume)
        return type("F", (), {"draining_since": None})()

    def count_rotation(self, src: Any, kind: str) -> None:
        self.counted.append(kind)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("partial", [True, False])
def test_a_grown_snapshot_is_not_read_again_from_its_partial_line(tmp_path: Path, seed: int, partial: bool) -> None:
    rnd = random.Random(f"grown-{seed}")
    lines = "".join(f"2026-12-07 10:00:{i % 60:02d} ERROR app.mod: event seq={i}\n" for i in range(rnd.randint(5, 60)))
    cut = "2026-12-07 10:01:00 ERROR app.mod: half a li" if partial else ""
    path = tmp_path / "app.log.1"
    path.write_text(lines + cut)
    st = os.stat(path)
    with closing(FileHandle.open(str(path))) as h:
        hl, hh = h.head_identity(st.st_size)
    cp = Checkpoint(key=file_key(st.st_dev, st.st_ino, hh), source="s", path=str(path), dev=st.st_dev, ino=st.st_ino,
                    head_len=hl, head_hash=hh, offset=len(lines.encode()), line=lines.count("\n") + 1,
                    size=st.st_size, updated=0.0)
    if not partial:
        assert cp.offset == cp.size  # read to its end when let go
    with path.open("a") as f:  # a late write
        f.write("ne\n" + "2026-12-07 10:01:01 ERROR app.mod: late\n" * rnd.randint(1, 5))
    host = Host()
    opened = resume_grown(host, object(), str(path), os.stat(path), [cp])  # type: ignore[arg-type]
    if partial:
        assert not opened and host.opened == []  # before: resumed from cp.offset, the partial line read again
    else:
        assert opened and host.counted == ["late_write"] and host.opened[0] is cp
