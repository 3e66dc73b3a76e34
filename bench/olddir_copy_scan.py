"""Logrotate copytruncate-into-olddir scenarios generated WITHOUT syncing first (dev seeds from 300).

    PYTHONPATH=$PWD .venv/bin/python bench/olddir_copy_scan.py 24 [--one]

The writer taxonomy's logrotate class, the first N seeds from 300 whose rotation is copytruncate into an
olddir, with two replicas (default) or one (`--one`); prints each scenario that stored a record twice or
lost one, and the count (tests/ingest/test_olddir_copy_replicas.py runs a few of them in CI).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from tests.ingest.test_olddir_copy_replicas import Unsynced, UnsyncedReplicas, olddir_copy_seeds
from tests.ingest.test_writer_taxonomy import run_scenario

U = Unsynced if "--one" in sys.argv else UnsyncedReplicas
seeds = olddir_copy_seeds(int(sys.argv[1]), 300)


async def main() -> None:
    bad: list[int] = []
    for s in seeds:
        with tempfile.TemporaryDirectory() as d:
            try:
                await run_scenario(Path(d), "logrotate", s, U)
            except AssertionError as e:
                bad.append(s)
                print(s, str(e)[:160], flush=True)
    print("seeds", seeds, "failed", len(bad), "of", len(seeds))


if __name__ == "__main__":
    asyncio.run(main())
