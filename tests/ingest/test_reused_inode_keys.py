"""A file opened empty on an inode an earlier log used: its events are new events (issue 16, round 8).

Found by the writer taxonomy (fresh seed logrotate-502: logrotate create + delaycompress, the
sidecar restarted while rotations ran): a file the tailer opens while EMPTY has no first bytes to
key it by, so it was keyed `dev:ino:<hash of nothing>` - the key of any earlier empty-opened file
on the same inode. Stored event keys (receipts) outlive that file's checkpoint, so the new file's
records at the same offsets were dropped as re-sent: silently lost. (Two real sidecar lifetimes over the real
SQLite store - the colliding receipts live there: 3-9 s depending on load.)
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sidecar.app import Sidecar
from sidecar.clock import ManualClock
from sidecar.config import Config

REPO = Path(__file__).resolve().parents[2]


def config(d: Path) -> Config:
    return Config.model_validate({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": 1},
        "store": {"path": str(d / "sidecar.db"), "spool_dir": str(d / "spool")},
        "rollouts_file": None,
        "diagnosis": {"kimi_enabled": False, "rules_file": str(REPO / "rules" / "diagnoses.yaml")},
        "alerts": {"rules_file": None},
        "ingest": {"checkpoint_dir": str(d / "ck"), "checkpoint_interval": 1.0, "rescan_interval": 0.5},
        "sources": [{"paths": [str(d / "logs" / "r.log")], "start_at": "beginning"}],
    })


def lines(gen: int) -> str:
    """The same byte lengths in every generation: the same offsets as the earlier file's records."""
    return "".join(f"2026-12-06 10:00:0{i},000 ERROR gw.g{gen}: event {i}\n" for i in range(3))


async def stored(app: Sidecar, clock: ManualClock, want: int) -> int:
    n = 0
    for _ in range(300):
        clock.advance(0.1)
        await asyncio.sleep(0.005)
        row = await app.store.db.fetchone("SELECT COALESCE(SUM(count), 0) AS n FROM error_loggers")
        n = int(row["n"])
        if n >= want:
            break
    return n


def empty_on_the_same_inode(path: Path) -> None:
    """`path` deleted, then an empty `path` on the inode it had: what a filesystem that hands a freed inode out
    again makes. Held by a second link meanwhile and emptied, so the case happens on every filesystem and under
    any load (waiting for the allocator to reuse the inode skipped the test when another process took it first)."""
    spare = path.with_name(path.name + ".held")
    os.link(path, spare)
    path.unlink()  # rotated away and deleted (compressed) while the sidecar was down
    os.truncate(spare, 0)
    os.link(spare, path)
    spare.unlink()


async def test_empty_file_on_a_reused_inode_is_a_new_file(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "r.log"
    log.touch()  # opened while empty (logrotate create, RotatingFileHandler delay=True)
    clock = ManualClock(1_800_000_000.0)
    app = Sidecar(config(tmp_path), clock=clock)
    await app.start(serve=False)
    try:
        await stored(app, clock, 0)
        with log.open("a") as f:
            f.write(lines(1))
        assert await stored(app, clock, 3) == 3
        ino = os.stat(log).st_ino
        await app.stop()
        empty_on_the_same_inode(log)
        assert os.stat(log).st_ino == ino and os.stat(log).st_size == 0
        app = Sidecar(config(tmp_path), clock=clock)
        await app.start(serve=False)
        await stored(app, clock, 3)
        with log.open("a") as f:
            f.write(lines(2))
        assert await stored(app, clock, 6) == 6  # before: 3 - gw.g2's records hit gw.g1's receipts
    finally:
        await app.stop()
