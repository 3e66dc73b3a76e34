"""PostgreSQL goes away in the middle of a stream of 10,000 error events and comes back.

The SpoolingSink sits where ingest hands batches to the errors stage (the real GroupRecorder). Every batch returns only
once it is stored or spooled (what lets the tailer advance its checkpoint); while the server is
down /readyz-style problems are reported; when it returns, the spool drains in order, and
every event is counted exactly once (a re-sent batch, as after a crash between store and
checkpoint, is not counted again).
"""

from __future__ import annotations

import asyncio

from sidecar.bus import Bus
from sidecar.errors.groups import GroupRecorder
from sidecar.store.postgres import open_postgres
from sidecar.store.spool import SpoolingSink
from sidecar.telemetry import Telemetry

from .events import make_event

EVENTS = 10_000
BATCH = 500  # ingest hands over up to ingest.queue_size (1000) events per batch


async def test_postgres_outage_mid_stream_loses_and_doubles_nothing(pg_cluster, pg_dsn, tmp_path, clock):
    store = await open_postgres(pg_dsn, pool_size=2, connect_timeout=2.0)
    telemetry = Telemetry()
    recorder = GroupRecorder(store, Bus(), clock, telemetry)
    sink = SpoolingSink(recorder.record, tmp_path / "spool", 64 * 1024 * 1024, clock, telemetry=telemetry,
                        retry_min=1, retry_max=4)
    await sink.start()
    batches = [[make_event(i) for i in range(b, b + BATCH)] for b in range(0, EVENTS, BATCH)]
    try:
        stop_at, start_at = len(batches) // 3, 2 * len(batches) // 3
        problems_seen: list[str] = []
        spooled = 0
        for n, batch in enumerate(batches):
            if n == stop_at:
                pg_cluster.stop()
            if n == start_at:
                problems_seen = sink.problems()
                spooled = sink.spool.records
                pg_cluster.start()
            await sink(batch)  # returns: stored or durably spooled
        assert problems_seen and "store unavailable" in problems_seen[0]
        assert spooled == start_at - stop_at  # every batch of the outage went to disk, none was lost
        assert sink.spooling or sink.spool.records == 0
        # the drainer retries on the injected clock; move it until the spool is empty
        for _ in range(3000):
            if not sink.spooling:
                break
            clock.advance(1)
            await asyncio.sleep(0.005)
        assert not sink.spooling and sink.problems() == []
        groups, _ = await store.groups.list(limit=10)
        assert sorted(g["occurrence_count"] for g in groups) == [3333, 3333, 3334]
        assert await store.groups.receipt_count() == EVENTS and recorder.recorded == EVENTS
        # re-delivery (crash after the store accepted, before the checkpoint was written)
        for batch in batches[-5:]:
            await sink(batch)
        groups, _ = await store.groups.list(limit=10)
        assert sum(g["occurrence_count"] for g in groups) == EVENTS and recorder.recorded == EVENTS
    finally:
        if not pg_cluster.running:
            pg_cluster.start()
        await sink.stop()
        await store.close()
