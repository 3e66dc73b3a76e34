"""A request counted before a restart is counted once after it, even when the replay puts it at
another time than the live read did (review of round 6: stagetotals' "gone" arithmetic assumes a
request the new window still holds sits where it sat).

How a replay can move a record LATER than the live read put it (the only direction that can count
it twice: it leaves the span the last evaluation saw and lands in the span after it):
- a writer clock ahead by less than the skew tolerance (30 s): live, a stamp in the future is put
  at its arrival; a replay has no arrival time and took the stamp at face value;
- a record without a timestamp: live, it is put at its arrival; a replay put it at the restart.
The replay now takes the writer's offset from the file when its stamps are ahead of the file's
modification time by more than the future slack (5 s, as live), and leaves untimed history unplaced
(counted in sidecar_metric_records_dropped_total{reason="untimed_in_history"}).
Each case: one canary upload a second, evaluated every 10 s, a restart 4 s after an evaluation with
`start_at: beginning` (the file replayed); every upload is made once, so the stage must count it once.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.metrics.hub import MetricsHub
from sidecar.store.base import Store
from sidecar.store.sqlite import open_sqlite
from tests.rollout.test_gateway_records import Gateway, rollout
from tests.rollout.test_restart_counts import hub_for
from tests.rollout.upstream_writer import UploadMetrics, utc_iso

STREAM = "async_upload"


def upload(gw: Gateway, clock: ManualClock, ahead: float, untimed: bool) -> None:
    rec = asdict(UploadMetrics("async", True, 800.0, utc_iso(clock.time() + ahead)))
    if untimed:
        del rec["timestamp"]
    with gw.path.open("a") as f:
        f.write(json.dumps(rec) + "\n")
    os.utime(gw.path, (clock.time(), clock.time()))  # the file system's clock is the sidecar's


@pytest.mark.parametrize("ahead, untimed", [(20.0, False), (8.0, False), (0.0, True)],
                         ids=["writer-20s-ahead", "writer-8s-ahead", "no-timestamps"])
async def test_a_request_replayed_at_another_time_is_counted_once(
        make, sqlite_store: Store, clock: ManualClock, tmp_path: Path, ahead: float, untimed: bool) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    cfg = rollout(interval=10, max_lateness=120)
    hub = await hub_for(gw.path, clock, "beginning")
    c = make([cfg], sqlite_store, hub, clock=clock, replica="before")
    await c.act(cfg.name, "start")
    made = 0

    async def second(hub_now: MetricsHub) -> None:
        nonlocal made
        clock.advance(0.5)
        upload(gw, clock, ahead, untimed)
        made += 1
        clock.advance(0.5)
        await hub_now.jsonl[STREAM].poll()

    for s in range(1, 65):  # ticks at 10..60 s, the restart at 64 s: 4 uploads after the last tick
        await second(hub)
        if s % 10 == 0:
            await c.tick()
    data = (await c._load(cfg.name)).data
    assert data.get("samples") == 60, data
    await c.stop()
    hub.jsonl[STREAM].close()
    store = await open_sqlite(str(tmp_path / "sidecar.db"))
    try:
        hub2 = await hub_for(gw.path, clock, "beginning")
        c2 = make([cfg], store, hub2, clock=clock, replica="after")
        for s in range(65, 291):  # past the lateness bound (120 s), before the hold (300 s) ends
            await second(hub2)
            if s % 10 == 0:
                await c2.tick()
        samples = (await c2._load(cfg.name)).data["samples"]
        # Before the fix: 295 (20 s and 8 s ahead) and 350 (no timestamps: the 64 replayed at the restart).
        # Untimed history cannot be placed at all (the file says nothing of when): the 4 uploads read
        # after the last evaluation and before the restart are lost with the old process.
        assert samples == made - (4 if untimed else 0)
        assert made == 290
    finally:
        await store.close()


async def test_what_one_replica_lacks_and_its_peer_holds_is_counted_once(
        make, sqlite_store: Store, store2: Store, clock: ManualClock, tmp_path: Path) -> None:
    """Two replicas whose windows differ (fresh seed 9914): replica A has read the file live since the
    stage began; the file is then copytruncated (the copy matches no path) and replica B starts
    after that, so B's window lacks the first 45 uploads A still holds. They evaluate in turn
    within the lateness bound: B keeps what it lacks counted (carried), A counts it in its own
    window, never both. Before: B settled the 40 it lacked at once and A's next evaluation counted
    them again (45 too many)."""
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    cfg = rollout(interval=10, max_lateness=120)
    hub_a = await hub_for(gw.path, clock, "beginning")
    a = make([cfg], sqlite_store, hub_a, clock=clock, replica="a")
    await a.act(cfg.name, "start")
    hubs = [hub_a]
    b = None
    made = 0
    counts = []
    for s in range(1, 111):
        if s == 45:  # logrotate copytruncate (A has read everything): the copy is not a path the stream follows
            (tmp_path / "metrics.jsonl.1").write_bytes(gw.path.read_bytes())
            with gw.path.open("r+") as f:
                f.truncate(0)
        clock.advance(0.5)
        upload(gw, clock, 0.0, False)
        made += 1
        clock.advance(0.5)
        if s == 46:
            hub_b = await hub_for(gw.path, clock, "beginning")
            b = make([cfg], store2, hub_b, clock=clock, replica="b")
            hubs.append(hub_b)
        for h in hubs:
            await h.jsonl[STREAM].poll()
        if s % 10 == 0:
            order = [a] if b is None else [b, a] if (s // 10) % 2 else [a, b]  # whoever ticks first evaluates
            for c in order:
                await c.tick()
            counts.append(((await a._load(cfg.name)).data["samples"], made))
    # B's first evaluation (50 s) cannot know uploads 41-44: read only by A, after A's last
    # evaluation, and gone from the file B reads (the one loss a restart may cause, contract C6's
    # kin); A's next evaluation counts them. Every other evaluation is exact.
    assert counts[4] == (46, 50), str(counts)
    assert all(n == m for i, (n, m) in enumerate(counts) if i != 4), str(counts)
