"""A replica stopped between opening a copytruncate copy and deciding its receipt stream (ingest/opening.py).

The class (copystreams.py decides, before a rotated name's first read, whether its events belong to
the original's stream `dev:<live inode>`; a name nothing matched yet is asked again from the store
on the next pass): a replica that opened the copy under its own inode and stopped before that pass
leaves a checkpoint at offset 0 under the copy's own key - a key nothing was read under, i.e. no
decision. Resumed as it was, the copy's events were named by its own inode while the replica that
read the original had stored them under the original's: counted twice (dev seed logrotate-442, two
replicas, under load: 3 records twice). Such a checkpoint is written here with the checkpoint
module, as that replica wrote it (the stop falls between two passes of the tail loop: no timing in a
test reaches it reliably).

Seeds vary the head (shorter or longer than the 1 KiB that names streams), loggers, levels and
wording, the rotated name, and what the live file holds after the truncation.
Near-miss twins that must NOT change:
- a generation with other first bytes, checkpointed at offset 0 the same way: its own stream, counted once;
- a copy that replica had started reading under its own inode (offset > 0): it keeps its key (its events
  are stored under it; the first choice stored wins, copystreams.fresh_copy_stream) - covered by
  tests/ingest/test_copy_streams*.py, which pass before and after.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.checkpoint import Checkpoint, CheckpointFile, file_key, head_identity

from .conftest import line
from .test_copy_streams import LOGGERS, SUFFIXES, _config, _run_until_read
from .test_sigkill_replicas import _count


def _undecided(path: Path, source: str, now: float) -> Checkpoint:
    """The checkpoint a replica leaves for a file it opened under its own inode and never read."""
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        head_len, head_hash = head_identity(fd, st.st_size)
    finally:
        os.close(fd)
    return Checkpoint(key=file_key(st.st_dev, st.st_ino, head_hash), source=source, path=str(path), dev=st.st_dev,
                      ino=st.st_ino, head_len=head_len, head_hash=head_hash, offset=0, line=1, size=st.st_size,
                      updated=now, format=None)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_copy_opened_but_never_read_is_decided_again_at_restart(
        tmp_path: Path, backend: str, seed: int, request: pytest.FixtureRequest) -> None:
    store: dict[str, Any] = ({"backend": "sqlite", "path": str(tmp_path / "shared.db")} if backend == "sqlite"
                             else {"backend": "postgres", "dsn": request.getfixturevalue("pg_migrated_dsn")})
    rnd = random.Random(f"copy-undecided-{backend}-{seed}")
    logs = tmp_path / "logs"
    logs.mkdir()
    live = logs / "app.log"
    copy = logs / ("app.log" + rnd.choice(SUFFIXES))
    other = logs / "app.log.9"  # the twin: an older generation with its own first bytes
    glob = str(logs / "app.log*")
    a = _config(tmp_path, "a", store, [glob])
    b = _config(tmp_path, "b", store, [glob])
    clock = ManualClock(1_800_000_000.0)
    seq = {"n": rnd.randint(0, 5000)}

    def write(path: Path, n: int) -> int:
        errors = 0
        with path.open("a") as w:
            for _ in range(n):
                level = rnd.choice(("ERROR", "ERROR", "INFO", "WARNING", "CRITICAL"))
                errors += level in ("ERROR", "CRITICAL")
                extra = rnd.choice(("", f" user=u-{rnd.randint(1, 99)}", " after retry", " (upstream 502)"))
                w.write(line(seq["n"], level, rnd.choice(LOGGERS), extra))
                seq["n"] += 1
            w.write(line(seq["n"], "INFO", "app.mod", " flushed"))  # closes the last error record
            seq["n"] += 1
        return errors

    before = write(live, rnd.randint(1, 40))  # 1 KiB is ~13-20 lines: heads shorter and longer than it
    await _run_until_read(a, clock)  # A reads the original: its events under dev:<live inode>
    shutil.copyfile(live, copy)  # copytruncate
    with live.open("r+b") as f:
        f.truncate(0)
    older = write(other, rnd.randint(1, 10))
    # B opened the copy (and the twin) under their own inodes and stopped before its next pass.
    CheckpointFile(tmp_path / "b" / "ck").save(
        [_undecided(copy, glob, clock.time()), _undecided(other, glob, clock.time())], {glob: clock.time()})
    after = write(live, rnd.randint(0, 10))
    await _run_until_read(b, clock)
    await _run_until_read(a, clock)
    expected = before + older + after
    got = await _count(store)
    assert got == expected, f"{got} stored, {expected} written; copy {copy.name}"


def _resumed(path: Path, source: str, now: float, rnd: random.Random) -> tuple[Checkpoint, int]:
    """The checkpoint a replica leaves for a file it read part of under its own inode: at a line start past 0;
    and the number of error records before it (read then: this test's store never saw them from that replica)."""
    data = path.read_bytes()
    starts = [i + 1 for i, b in enumerate(data) if b == 0x0A][:-1]
    k = rnd.choice(starts)
    cp = _undecided(path, source, now)
    before = sum(1 for ln in data[:k].decode().splitlines() if " ERROR " in ln or " CRITICAL " in ln)
    return dataclasses.replace(cp, offset=k, line=data[:k].count(b"\n") + 1), before


@pytest.mark.timeout(300)
@pytest.mark.parametrize("seed", [1, 2])
async def test_a_copy_resumed_under_its_own_inode_keeps_the_live_file_as_its_twin(tmp_path: Path, seed: int) -> None:
    """Round 14 (writer replicas logrotate_copy-42100, two writers, two replicas, 3 of 3 runs: records stored
    twice): replica B read part of a copy under the copy's own inode, the live inode as its twin (tail.py), and
    stopped; the key its checkpoint keeps does not say twin, so the rest of the copy, resumed, was named by the
    copy's inode alone, while A had stored the same records under the live file's stream. Now a rotated name
    resumed under its own inode is read with the live inode as its twin again (opening.py). Near miss: an older
    generation with its own first bytes, resumed the same way, is counted (its rest once)."""
    store: dict[str, Any] = {"backend": "sqlite", "path": str(tmp_path / "shared.db")}
    rnd = random.Random(f"copy-resumed-twin-{seed}")
    logs = tmp_path / "logs"
    logs.mkdir()
    live = logs / "app.log"
    copy = logs / ("app.log" + rnd.choice(SUFFIXES))
    other = logs / "app.log.9"
    glob = str(logs / "app.log*")
    a = _config(tmp_path, "a", store, [glob])
    b = _config(tmp_path, "b", store, [glob])
    clock = ManualClock(1_800_000_000.0)
    seq = rnd.randint(0, 5000)
    for path, n in ((live, rnd.randint(20, 40)), (other, rnd.randint(5, 12))):
        with path.open("a") as w:
            for _ in range(n):
                w.write(line(seq, rnd.choice(("ERROR", "INFO", "CRITICAL")), rnd.choice(LOGGERS)))
                seq += 1
            w.write(line(seq, "INFO", "app.mod", " flushed"))
            seq += 1
    written = sum(1 for p in (live, other) for ln in p.read_text().splitlines() if " INFO " not in ln)
    shutil.copyfile(live, copy)  # the copy: logrotate `copy` (a snapshot) or copytruncate's first step
    other_cp, other_before = _resumed(other, glob, clock.time(), rnd)
    other.rename(logs / "hold.tmp")  # A reads the live file only (the older generation is B's alone)
    await _run_until_read(a, clock)  # A stores the original's records under dev:<live inode>
    (logs / "hold.tmp").rename(other)
    copy_cp, _ = _resumed(copy, glob, clock.time(), rnd)
    CheckpointFile(tmp_path / "b" / "ck").save([copy_cp, other_cp], {glob: clock.time()})
    await _run_until_read(b, clock)
    expected = written - other_before  # B's earlier read of the older generation's head is not in this store
    got = await _count(store)
    assert got == expected, f"{got} stored, {expected} expected; copy {copy.name}"
