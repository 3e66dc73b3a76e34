"""logrotate `copytruncate` + `olddir`, generated without syncing first, with one and with two replicas.

The class (logrotate(8): `copytruncate` copies then truncates in place; `olddir` puts the copy in
another directory, relative to the log's unless absolute): a copy in the olddir keeps the family's
name there (`old/r.log.1`), so its family is `old/r.log`, a name nothing writes. Two mechanisms named
a copy by its family's live name and missed it there (review of round 10, #16):
- copystreams.copied_live / fresh_copy_stream (two replicas): a replica that finds only the copy reads
  it under its original's receipt stream, found by the live name's inode - now recovery.live_name;
- recovery's unseen generations at a restart between the copy and the truncation (one replica): the
  copy and the live file were both read from 0 - now livecopy.copy_of_live, and a copy shorter than
  the live file's identity (records appended inside the slice) copies._starts_like.
The scenarios: the writer taxonomy's logrotate class (test_writer_taxonomy.gen_logrotate), the first
SEEDS seeds from SEED_BASE whose generated rotation is copytruncate into an olddir (selected by the
generator's own output, not by a result). Measured (20:10 UTC, the two scripts in bench/RESULTS.md):
two replicas 6 of 12 stored a record twice without live_name, 0 of 12 with it.
"""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path

import pytest

from .test_writer_replicas import TwoReplicas
from .test_writer_taxonomy import ALL_CLASSES, World, run_scenario

SEEDS = int(os.environ.get("SIDECAR_OLDDIR_COPY_SEEDS", "3"))
SEED_BASE = int(os.environ.get("SIDECAR_OLDDIR_COPY_SEED_BASE", "340"))


def olddir_copy_seeds(n: int, base: int) -> list[int]:
    """The first `n` logrotate seeds from `base` whose scenario copytruncates into an olddir."""
    out: list[int] = []
    seed = base
    while len(out) < n:
        opts = ALL_CLASSES["logrotate"](random.Random(f"logrotate-{seed}")).logrotate
        if opts is not None and opts["olddir"] and opts["mode"] == "copytruncate":
            out.append(seed)
        seed += 1
    return out


class Unsynced(World):
    sync_olddir_copy = False


class UnsyncedReplicas(TwoReplicas):
    sync_olddir_copy = False


# Dev seeds that failed once, kept (two replicas): 442 - a replica opened the live file holding one
# generation, which was copied, truncated and rewritten before its first read; it named the new
# generation's events by the old one's first bytes (the parser's head at open), its twin by the new
# (round 11; the class: tests/ingest/test_receipt_stream.py, "another generation").
FOUND = [(442, 2)]


@pytest.mark.parametrize("seed,replicas", [(s, r) for s in olddir_copy_seeds(SEEDS, SEED_BASE) for r in (1, 2)] + FOUND)
async def test_copytruncate_into_an_olddir_stores_each_record_once(tmp_path: Path, seed: int, replicas: int,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    world = await run_scenario(tmp_path, "logrotate", seed, Unsynced if replicas == 1 else UnsyncedReplicas)
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR], world.log[-15:]
    assert world.rotations > 0, world.sc.name  # the scenario did rotate
