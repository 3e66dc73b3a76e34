"""A restart that replays the gateway's file over several reads: an evaluation between two reads
of the replay must count nothing twice and lose nothing.

The class: the window a replica evaluates lacks, for a while, records it (or the process before it)
had counted, and regains them later - here a `start_at: beginning` replay longer than one read
(follow.READ_BUDGET, 8 MB: the gateway's metrics.jsonl is never rotated by the gateway and grows
~70 MB a day at 3 uploads/s), so the unsettled span's records come back a read or more after the
first evaluation of the new process. What the stage's totals do with a window that lacks records
(carry them, stagetotals._keep_forgotten) must not add to what the window regains, and a settlement
must not be computed on a window that has not read the file to its end yet.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig
from sidecar.metrics.follow import READ_BUDGET
from sidecar.metrics.hub import MetricsHub
from sidecar.store.base import Store
from sidecar.store.sqlite import open_sqlite
from tests.rollout.test_gateway_records import STREAM, Gateway, rollout
from tests.rollout.test_restart_counts import run
from tests.rollout.upstream_writer import UploadMetrics, utc_iso


def history(path: Path, start: float, end: float, n: int) -> int:
    """`n` old sync uploads stamped evenly in [start, end), written in one go; returns the bytes."""
    step = (end - start) / n
    with path.open("a") as f:
        for k in range(n):
            f.write(json.dumps(asdict(UploadMetrics("sync", True, 950.0, utc_iso(start + k * step),
                                                    file_size_mb=1.5, provider="kimi"))) + "\n")
    return path.stat().st_size


@pytest.mark.parametrize("reads_before_eval", [1, 2])
async def test_an_evaluation_in_the_middle_of_a_long_replay_counts_each_upload_once(
        make, sqlite_store: Store, clock: ManualClock, tmp_path: Path, reads_before_eval: int) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    size = history(gw.path, clock.time() - 3500, clock.time() - 1200, 85_000)
    assert size > 2 * READ_BUDGET  # the replay takes 3 reads or more
    cfg = rollout(interval=10, max_lateness=120)
    cfg = cfg.model_copy(update={"stages": [cfg.stages[0].model_copy(update={"hold": 3600}), *cfg.stages[1:]]})
    config = MetricsConfig(window=3600, jsonl=[JsonlStream(name=STREAM, paths=[str(gw.path)], start_at="beginning")])
    hub = MetricsHub(config, clock)
    while True:  # the first process read its history before the stage started
        await hub.jsonl[STREAM].poll()
        if not hub.jsonl[STREAM].replaying:
            break
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    made = await run(c, hub, gw, clock, 90)  # one canary upload a second, evaluated every 10 s
    assert (await c._load(cfg.name)).data["samples"] == made == 90
    await c.stop()
    hub.jsonl[STREAM].close()
    store = await open_sqlite(str(tmp_path / "sidecar.db"))
    try:
        for _ in range(10):  # the sidecar is down for 10 s; the gateway goes on
            clock.advance(1)
            gw.upload(ok=True)
            made += 1
        hub2 = MetricsHub(config, clock)
        c2 = make([cfg], store, hub2, clock=clock, replica="r1")  # the same replica, restarted
        for _ in range(reads_before_eval):
            await hub2.jsonl[STREAM].poll()
        assert hub2.jsonl[STREAM].replaying  # still reading history: the stage's records are not back yet
        await c2.tick()
        [mid] = [v for v in (await c2._load(cfg.name)).data["verdicts"] if v["name"] == "success-rate"]
        assert mid["verdict"] == "error" and "still reading its history" in mid["reason"]  # said, not guessed
        counts: list[int] = []
        made += await run(c2, hub2, gw, clock, 300, counts=counts)  # past the lateness bound: all settles
        assert max(counts) <= made  # never more than the writer made
        assert counts[-1] == made == 400
    finally:
        await store.close()
