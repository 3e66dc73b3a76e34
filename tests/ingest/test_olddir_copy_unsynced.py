"""logrotate `copytruncate` + `olddir`, generated WITHOUT syncing first (review, round 10).

Commit 54ca594 generates olddir rename rotations unsynced (the source names `rotated_dirs: [old]`) but keeps
copytruncate INTO olddir synced because dev seed logrotate-326 (two writers, restarts) stores one record twice (its
commit message and bench/RESULTS.md: "not traced"). A record stored twice is a double count an operator sees in the
error groups; the generator hiding it is recorded here instead, as a strict xfail that names the seed: the taxonomy's
own model (test_writer_taxonomy.run_scenario) asserts every record stored exactly once.
Measured on 9aa4823: 3 runs of 3 fail with `stored twice {1000018: 2}`.
Traced (round 10, third wave): a restart between the copy and the truncation; the copy in `old/` was read
from 0 as a generation nobody saw AND the live file from 0 (livecopy.copy_of_live now tells the copy by
the live file's bytes), and a copy shorter than the live file's identity (records appended inside the
slice) was read from 0 after the truncation (copies._starts_like). A normal test since; the class, varied:
tests/ingest/test_copy_before_truncate.py.
"""

from __future__ import annotations

from pathlib import Path

from tests.ingest.test_writer_taxonomy import World, run_scenario


class UnsyncedOlddirCopy(World):
    sync_olddir_copy = False


async def test_copytruncate_into_olddir_unsynced_stores_each_record_once(tmp_path: Path) -> None:
    await run_scenario(tmp_path, "logrotate", 326, UnsyncedOlddirCopy)
