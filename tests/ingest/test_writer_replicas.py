"""The writer taxonomy's generated scenarios with TWO sidecar replicas on one store (issue 16, round 9).

Each scenario of test_writer_taxonomy.py (real writer processes: RotatingFileHandler,
TimedRotatingFileHandler, logrotate step by step, Docker json-file, crashes, options) runs while a
second sidecar - its own checkpoints and spool, the same store - tails the same files (a shared
volume), and is stopped and started at random points of its own: at every point where the first
may restart (before a rollover, between logrotate's steps) and whenever the first is toggled. Both
read from the beginning, so every event reaches the store twice, in batches cut differently and at
different times: the receipts (store/receipt_ranges.py) must count each once.

Asserted: everything test_writer_taxonomy asserts (every record once, every crash once, receipts =
the total, per-minute totals by event time, no ERROR logged, no descriptor left), after the second
replica was running and caught up with every file it tails.

SIDECAR_REPLICA_SEEDS=N seeds per class (default 1) from SIDECAR_REPLICA_SEED_BASE (default 500).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from sidecar.app import Sidecar
from sidecar.config import Config

from .test_writer_taxonomy import ALL_CLASSES, World, run_scenario

# Covered since round 9 (second wave): logrotate copytruncate with two replicas. A replica down across a
# copytruncate found only the copy and read it under the COPY's inode while the other had read the
# original under its own (seed logrotate-501: events counted twice); the copy is now read under the
# original's stream when the store holds that stream's receipts (ingest/copystreams.py).
SEEDS = int(os.environ.get("SIDECAR_REPLICA_SEEDS", "1"))
SEED_BASE = int(os.environ.get("SIDECAR_REPLICA_SEED_BASE", "500"))


@dataclass
class TwoReplicas(World):
    """World with a second sidecar (`twin`) on the same store, started and stopped at random."""

    twin: Sidecar | None = None

    def twin_config(self) -> Config:
        raw = self.config().model_dump()
        raw["store"]["spool_dir"] = str(self.d / "spool-twin")
        raw["ingest"]["checkpoint_dir"] = str(self.d / "ck-twin")
        return Config.model_validate(raw)

    async def toggle_twin(self) -> None:
        if self.twin is None:
            self.twin = Sidecar(self.twin_config(), clock=self.clock)
            await self.twin.start(serve=False)
            self.log.append("twin start")
        else:
            await self.twin.stop()
            self.twin = None
            self.log.append("twin stop")

    async def maybe_restart(self, p: float) -> None:
        await super().maybe_restart(p)
        if self.rng.random() < max(p, 0.3):
            await self.toggle_twin()

    async def toggle(self) -> None:
        await super().toggle()
        if self.rng.random() < 0.5:
            await self.toggle_twin()

    async def settle(self) -> None:
        """The twin runs and has read every file it tails to its end (its late batches would be duplicates)."""
        if self.twin is None:
            await self.toggle_twin()
        assert self.twin is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while loop.time() < deadline:
            files = [f for s in self.twin.stages.ingest.status()["sources"] for f in s["files"]]
            if files and all(f["lag_bytes"] == 0 and f["undelivered"] == 0 for f in files):
                break
            self.clock.advance(0.1)
            await asyncio.sleep(0.005)
        else:  # not caught up: its late batches (the duplicates this test is about) would never be counted
            raise AssertionError(f"twin did not catch up in 20 s: {files} after {self.log[-15:]}")
        self.log.append("twin settled")

    async def close(self) -> None:
        if self.twin is not None:
            await self.twin.stop()
            self.twin = None


@pytest.mark.parametrize("cls,seed", [(c, s) for c in ALL_CLASSES for s in range(SEED_BASE, SEED_BASE + SEEDS)])
async def test_two_replicas_store_every_record_once(tmp_path: Path, cls: str, seed: int,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    world = await run_scenario(tmp_path, cls, seed, TwoReplicas)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, f"{world.sc.name}: {errors[:3]} after {world.log[-15:]}"
    assert len(world.errors) > (5 if world.sc.cap > 20 else 0), world.sc.name


async def test_two_replicas_across_a_copytruncate_store_every_record_once(tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    """The seed that showed the copytruncate gap (logrotate-501, a strict xfail until ingest/copystreams.py)."""
    sc = ALL_CLASSES["logrotate"](random.Random("logrotate-501"))
    assert sc.logrotate is not None and sc.logrotate["mode"] == "copytruncate"
    caplog.set_level(logging.WARNING)
    world = await run_scenario(tmp_path, "logrotate", 501, TwoReplicas)
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR], world.log[-15:]


@pytest.mark.parametrize("seed", [511, 512])
async def test_two_replicas_across_a_compressed_dateext_copytruncate_store_every_record_once(
        tmp_path: Path, seed: int) -> None:
    """Seeds logrotate-511 and -512 (copytruncate, compress without delaycompress, dateext, rotate 4, both
    replicas running across the copy): the first events were stored twice, with or without the store's
    streams - a replica that opened the original while it was empty read the glob-matched copy as a new
    file. Fixed by the local evidence in copystreams.copied_live (the first bytes our parser read)."""
    sc = ALL_CLASSES["logrotate"](random.Random(f"logrotate-{seed}"))
    assert sc.logrotate is not None and sc.logrotate["mode"] == "copytruncate" and sc.logrotate["compress"]
    await run_scenario(tmp_path, "logrotate", seed, TwoReplicas)
