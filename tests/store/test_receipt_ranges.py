"""Exactly-once with range receipts (store/receipt_ranges.py), generated, on every backend with two replicas.

The class (what the receipts must survive), from the writers' and the reader's own behaviour:
- Docker json-file: one file, two streams (stdout, stderr) interleaved line by line; a record of
  one stream (a traceback: many lines) is emitted when it ends, after later-starting records of
  the other stream (moby daemon/logger/jsonfilelog; ingest/docker.py reassembles per stream). So
  a file's events arrive out of offset order, and an offset can lie inside an earlier batch's
  [lo, hi] without having been counted.
- Batches cut anywhere (the tailer's batch size and timer), differently by each replica.
- A crash between "store accepted" and "checkpoint written": the reader starts again from an
  earlier point and re-delivers a suffix (any length) of what it already stored.
- Two replicas reading the same files (a shared volume) concurrently, plus SDK events (Sentry/OTLP
  ids, per-event receipts) re-sent by both.
- Several files (rotations give new identities) with offsets that collide across files.
- A copytruncate copy read by one replica under its own inode's stream, naming its original's stream as
  its twin (ingest/copystreams.twin_prefix), while the other replica reads the original under that
  stream (dev seed logrotate-343): either replica may commit first.
Near-miss twins that MUST count: the same offset in another file; an offset inside another batch's
range but not in its set; a copy whose twin names the same inode with OTHER first bytes (another
generation's content). Twins that must NOT count: the same event again, from either replica, under
either name.

Checked (exact): every group's occurrence_count, the per-minute totals, and the receipts' count
equal the distinct events; nothing else. Seeds: SIDECAR_RECEIPT_SEEDS (default 3) from
SIDECAR_RECEIPT_SEED_BASE (default 0).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from sidecar.store.base import Store
from sidecar.store.group_batch import Occurrence
from sidecar.store.sqlite import open_sqlite

from .test_replicas import _retrying, open_replica, replica_target  # noqa: F401 (replica_target: a fixture)

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SEEDS = int(os.environ.get("SIDECAR_RECEIPT_SEEDS", "3"))
SEED_BASE = int(os.environ.get("SIDECAR_RECEIPT_SEED_BASE", "0"))


def _occ(stream: str | None, offset: int, key: str, fp: str, minute: int) -> Occurrence:
    return Occurrence(event_key=key, fingerprint=fp, seen_at=AT + timedelta(minutes=minute), title=f"t {fp}",
                      message=f"m {key}", error_type=None, level="ERROR", logger="gw", raw=f"ERROR {key}",
                      stream=stream, offset=offset)


def file_event(stream: str, offset: int, fp: str = "fp0", minute: int = 0, twin: str | None = None) -> Occurrence:
    occ = _occ(stream, offset, f"{stream}@{offset}", fp, minute)
    occ.twin = twin
    return occ


def as_read(occ: Occurrence, stream: str, twin: str) -> Occurrence:
    """`occ` as read from another file under `stream`, naming `twin` (same time, group and offset)."""
    return dataclasses.replace(occ, stream=stream, event_key=f"{stream}@{occ.offset}", twin=twin)


@dataclass
class World:
    """What the writers produced: per file, its error events in the order a reader emits them."""

    files: dict[str, list[Occurrence]] = field(default_factory=dict)
    sdk: list[Occurrence] = field(default_factory=list)
    # file -> (stream, twin) of its copytruncate copy: how a replica that found only the copy names it
    copies: dict[str, tuple[str, str]] = field(default_factory=dict)

    def read_by(self, name: str, rng: random.Random) -> list[Occurrence]:
        """The file's events as one replica names them: the original's stream, or its copy's with a twin."""
        if name not in self.copies or rng.random() < 0.5:
            return self.files[name]
        stream, twin = self.copies[name]
        return [as_read(o, stream, twin) for o in self.files[name]]

    def distinct(self) -> dict[str, Occurrence]:
        out = {o.event_key: o for evs in self.files.values() for o in evs}
        out.update((o.event_key, o) for o in self.sdk)
        return out


def generate(seed: int) -> World:
    """Files with one or two interleaved streams; records of random length; a random share are errors."""
    rng = random.Random(f"receipts-{seed}")
    world = World()
    fps = [f"fp{i}" for i in range(rng.randint(1, 6))]
    for f in range(rng.randint(1, 4)):
        # Identities like the tailer's (device:inode:head-hash); two files may share offsets.
        name = f"{rng.randrange(1, 9)}:{rng.randrange(10**6)}:{rng.getrandbits(48):012x}#{f}"
        streams = rng.choice([1, 2, 2])
        pos, emitted, pending = 0, [], {}  # pending: stream -> (start offset, lines left)
        for _ in range(rng.randint(20, 400)):
            s = rng.randrange(streams)
            if s not in pending:
                pending[s] = (pos, rng.choice([1, 1, 1, 3, 12, 40]))  # a record starts on this line
            start, left = pending[s]
            pos += rng.randint(40, 400)  # the line's bytes (a Docker JSON line per record line)
            if left > 1:
                pending[s] = (start, left - 1)
                continue
            del pending[s]  # the record ends here: the reader emits it now
            if rng.random() < 0.6:
                emitted.append(file_event(name, start, rng.choice(fps), rng.randrange(5)))
        world.files[name] = emitted
        dev, ino, head = name.split(":")
        if rng.random() < 0.5:  # copytruncated: the copy is another inode; its twin the original's stream
            world.copies[name] = (f"{dev}:{rng.randrange(10**6)}:{head}", name)
        elif rng.random() < 0.5:  # near miss: a copy of ANOTHER generation (other first bytes) on that inode
            other = f"{dev}:{ino}:{rng.getrandbits(48):012x}#{f}"
            copy = f"{dev}:{rng.randrange(10**6)}:{other.split(':')[2]}"
            world.files[copy] = [as_read(o, copy, other) for o in emitted]
    world.sdk = [_occ(None, 0, f"sentry:1:{rng.getrandbits(64):016x}", rng.choice(fps), rng.randrange(5))
                 for _ in range(rng.randint(0, 30))]
    return world


def deliveries(world: World, rng: random.Random) -> list[list[Occurrence]]:
    """One replica's batches: each file read in order, cut anywhere, with crashes that re-deliver."""
    batches: list[list[Occurrence]] = []
    for name in world.files:
        evs = world.read_by(name, rng)
        stored = 0  # how far this reader got; a crash restarts it somewhere before
        while stored < len(evs):
            size = rng.choice([1, 2, 7, 50, 300, 1000])
            if stored and rng.random() < 0.25:  # crashed after storing, before the checkpoint
                start = rng.randrange(0, stored)
            else:
                start = stored
            batch = evs[start:start + size]
            batches.append(batch)
            stored = max(stored, start + len(batch))
    sdk = list(world.sdk)
    for _ in range(rng.randint(0, 3)):  # the SDK's retries
        sdk += rng.sample(world.sdk, k=len(world.sdk) // 2)
    for i in range(0, len(sdk), 9):
        batches.insert(rng.randrange(len(batches) + 1), sdk[i:i + 9])
    return batches


async def _check(store: Store, world: World) -> None:
    want: dict[str, int] = {}
    minutes: dict[int, int] = {}
    for occ in world.distinct().values():
        want[occ.fingerprint] = want.get(occ.fingerprint, 0) + 1
        minute = int(occ.seen_at.timestamp() // 60)
        minutes[minute] = minutes.get(minute, 0) + 1
    rows, _ = await store.groups.list(limit=50)
    assert {r["error_hash"]: r["occurrence_count"] for r in rows} == want
    got = await store.db.fetchall("SELECT minute, count FROM error_minute_totals")
    assert {int(r["minute"]): int(r["count"]) for r in got} == minutes
    assert await store.groups.receipt_count() == len(world.distinct())


@pytest.mark.parametrize("seed", range(SEED_BASE, SEED_BASE + SEEDS))
async def test_two_replicas_count_every_event_once(replica_target, seed: int) -> None:  # noqa: F811
    world = generate(seed)
    rng = random.Random(f"replicas-{seed}")
    stores = [await open_replica(replica_target), await open_replica(replica_target)]
    try:
        async def run(store: Store, batches: list[list[Occurrence]]) -> None:
            for batch in batches:
                await _retrying(lambda b=batch: store.groups.record_batch(b, at=AT))
                await asyncio.sleep(0)  # let the other replica interleave its transactions

        await asyncio.gather(*(run(s, deliveries(world, rng)) for s in stores))
        await _check(stores[0], world)
    finally:
        for s in stores:
            await s.close()


async def test_an_offset_inside_another_batchs_range_still_counts(tmp_path) -> None:
    """The Docker case: stderr's traceback at 100 ends after stdout's records at 50 and 300."""
    store = await open_sqlite(str(tmp_path / "s.db"))
    try:
        first = await store.groups.record_batch([file_event("f", 50), file_event("f", 300)], at=AT)
        assert [c.added for c in first] == [2]
        late = await store.groups.record_batch([file_event("f", 100)], at=AT)  # inside [50, 300]
        assert [c.added for c in late] == [1]
        other_file = await store.groups.record_batch([file_event("g", 300)], at=AT)  # same offset, other file
        assert [c.added for c in other_file] == [1]
        again = await store.groups.record_batch([file_event("f", 100), file_event("f", 50), file_event("g", 300)],
                                                at=AT)
        assert again == []  # the twins that must not count
        mixed = await store.groups.record_batch([file_event("f", 300), file_event("f", 301)], at=AT)
        assert [c.added for c in mixed] == [1]
        assert await store.groups.receipt_count() == 5
    finally:
        await store.close()


async def test_prune_forgets_ranges_with_the_receipts(tmp_path) -> None:
    store = await open_sqlite(str(tmp_path / "s.db"))
    try:
        await store.groups.record_batch([file_event("f", 1), file_event("f", 2)], at=AT)
        await store.groups.prune(AT + timedelta(days=2))
        assert await store.groups.receipt_count() == 2  # kept for receipts_for (3 days)
        await store.groups.prune(AT + timedelta(days=4))
        assert await store.groups.receipt_count() == 0
    finally:
        await store.close()


async def test_an_upgraded_store_still_knows_events_counted_by_per_event_receipts(tmp_path) -> None:
    """Receipts written before migration 0021 (one row per file event) keep those events from counting again."""
    path = str(tmp_path / "s.db")
    store = await open_sqlite(path)
    try:  # the store as it was before 0021, with two events counted the old way
        await store.db.execute("DROP TABLE receipt_ranges")
        await store.db.execute("DELETE FROM schema_migrations WHERE version LIKE '0021%'")
        for key in ("f@10", "f@20"):
            await store.db.execute("INSERT INTO event_receipts (event_key, error_hash, received_at) VALUES (?, ?, ?)",
                                   (key, "fp0", AT))
    finally:
        await store.close()
    store = await open_sqlite(path)  # migrates
    try:
        changes = await store.groups.record_batch([file_event("f", 10), file_event("f", 20), file_event("f", 30)],
                                                  at=AT + timedelta(minutes=1))
        assert [c.added for c in changes] == [1]  # only 30 is new
        await store.groups.prune(AT + timedelta(days=4))  # the old receipts and the marker go together
        assert await store.groups.receipt_count() == 0
    finally:
        await store.close()
