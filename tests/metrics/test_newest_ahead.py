"""A live source's freshness counts a record placed a few seconds after now (metrics/hub.py).

The class: a record's time on our clock is its stamp corrected by its writer's estimated offset;
the estimate (a low quantile of delays) can be a fraction of a second off, and a writer up to
FUTURE_SLACK ahead is not corrected at all. Such a record sits just after `now`, outside the
measured window (start, now]. Its value waits for the window to reach it (counts are of what
happened by now), but it is a sample of a live source: a gate's `newest` must not call the source
stale because of it (generated scenario 9835: the first sync record after a 90 s writer pause,
placed 0.14 s ahead, left the p95 gate stale). Varied: how far ahead, the function (proportion,
count, quantile), the records' kind. Near-misses: a record ahead that the spec's filter does not
select, and a record beyond the slack (clamped to its arrival by the stream) change nothing else.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.jsonl import FUTURE_SLACK
from sidecar.metrics.model import MetricSpec
from tests.rollout.upstream_writer import UploadMetrics, utc_iso

T0 = 1_763_900_000.0
SPECS = {
    "success_rate": dict(function="success_rate", where={"execution_type": "async"}),
    "count": dict(function="count", where={"execution_type": "async"}),
    "quantile": dict(function="quantile", quantile=0.95, field="duration_ms", where={"execution_type": "async"}),
}


def write(path: Path, kind: str, stamp: float) -> None:
    with path.open("a") as f:
        f.write(json.dumps(asdict(UploadMetrics(kind, True, 812.5, utc_iso(stamp)))) + "\n")


@pytest.mark.parametrize("ahead", [0.2, 2.0, FUTURE_SLACK - 0.5])
@pytest.mark.parametrize("fn", sorted(SPECS))
async def test_a_record_just_ahead_of_now_is_a_fresh_sample(tmp_path: Path, ahead: float, fn: str) -> None:
    clock = ManualClock(start=T0)
    path = tmp_path / "metrics.jsonl"
    write(path, "async", T0 - 90)  # before a 90 s pause of the writer
    hub = MetricsHub(MetricsConfig(jsonl=[JsonlStream(name="s", paths=[str(path)], start_at="beginning")]), clock)
    await hub.jsonl["s"].poll()
    spec = MetricSpec(source="jsonl", stream="s", **SPECS[fn])  # type: ignore[arg-type]
    before = await hub.measure(spec, 1800)
    assert before.newest == pytest.approx(T0 - 90, abs=1e-3)
    write(path, "sync", clock.time() + ahead)  # not selected by the spec: nothing changes
    await hub.jsonl["s"].poll()
    assert (await hub.measure(spec, 1800)).newest == pytest.approx(T0 - 90, abs=1e-3)
    write(path, "async", clock.time() + ahead)
    await hub.jsonl["s"].poll()
    now = await hub.measure(spec, 1800)
    assert now.newest == pytest.approx(T0, abs=1e-3)  # a sample of now: the source is live
    assert now.count == before.count  # its value waits for the window to reach it
    clock.advance(ahead + 0.01)
    assert (await hub.measure(spec, 1800)).count == (before.count or 0) + 1


async def test_a_stamp_beyond_the_slack_is_placed_at_its_arrival_and_counted_there(tmp_path: Path) -> None:
    clock = ManualClock(start=T0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    hub = MetricsHub(MetricsConfig(jsonl=[JsonlStream(name="s", paths=[str(path)], start_at="beginning")]), clock)
    await hub.jsonl["s"].poll()
    write(path, "async", T0 + 3600)  # a bogus clock read an hour ahead
    await hub.jsonl["s"].poll()
    m = await hub.measure(MetricSpec(source="jsonl", stream="s", **SPECS["count"]), 60)  # type: ignore[arg-type]
    assert m.count == 1 and m.newest == pytest.approx(T0, abs=1e-3)
