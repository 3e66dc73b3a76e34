"""Rollout gates over the real MetricsHub reading a real metrics.jsonl written exactly as the
gateway's `AsyncUploadLogger` writes it (research/upstream-gateway.md 4.1): fallback records,
double-written failures, late records, a file that vanishes and a writer that stops."""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.config import GateConfig, JsonlStream, MetricsConfig, RolloutConfig, StageConfig
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec
from sidecar.rollout.views import summary
from sidecar.telemetry import Telemetry
from tests.rollout.upstream_writer import UploadMetrics, utc_iso

STREAM = "async_upload"
ASYNC_OR_FALLBACK = {"where": {"execution_type": "async"}, "failure_when": {"execution_type": "sync_fallback"}}


class Gateway:
    """Appends records the way the wrapper does, for each outcome of one upload call."""

    def __init__(self, path: Path, clock: ManualClock, fallback: bool = True) -> None:
        self.path, self.clock, self.fallback = path, clock, fallback
        self.n = 0

    def write(self, *records: UploadMetrics) -> None:
        with self.path.open("a") as f:
            for r in records:
                f.write(json.dumps(asdict(r)) + "\n")

    def upload(self, ok: bool, *, kind: str = "async", request_id: str | None = None, at: float | None = None,
               size: float | None = None) -> None:
        self.n += 1
        t = self.clock.time() if at is None else at
        size = 0.5 + (self.n % 97) / 10 if size is None else size
        if ok:
            self.write(UploadMetrics(kind, True, 800.0, utc_iso(t), file_size_mb=size, request_id=request_id))
        elif self.fallback:  # async failed, the sync call rescued it: only this record is written
            self.write(UploadMetrics("sync_fallback", True, 2400.0, utc_iso(t), fallback_used=True, file_size_mb=size,
                                     request_id=request_id))
        else:  # inner handler, then the outer `except`: microseconds apart, same call
            self.write(UploadMetrics(kind, False, 30001.0, utc_iso(t), "TimeoutError", file_size_mb=size,
                                     request_id=request_id),
                       UploadMetrics(kind, False, 30001.2, utc_iso(t + 0.000_05), "TimeoutError", file_size_mb=size,
                                     request_id=request_id))


def hub_for(path: Path, clock: ManualClock, telemetry: Telemetry | None = None) -> MetricsHub:
    return MetricsHub(MetricsConfig(jsonl=[JsonlStream(name=STREAM, paths=[str(path)], start_at="beginning")]),
                      clock, telemetry)


def spec(function: str) -> MetricSpec:
    return MetricSpec(source="jsonl", stream=STREAM, function=function, **ASYNC_OR_FALLBACK)


async def test_sync_fallback_counts_as_an_async_failure(tmp_path: Path, clock: ManualClock) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock, fallback=True)
    for i in range(100):
        gw.upload(ok=i % 10 != 0)  # 10 async failures, each rescued by the sync fallback
    gw.upload(ok=True, kind="sync")
    hub = hub_for(gw.path, clock)
    await hub.jsonl[STREAM].poll()
    m = await hub.measure(spec("error_rate"), 600)
    assert (m.count, m.successes) == (100, 10)
    assert (await hub.measure(spec("count"), 600)).count == 100
    # The old rule (execution_type: async only) is blind: it sees 90/90.
    blind = await hub.measure(MetricSpec(source="jsonl", stream=STREAM, function="error_rate",
                                         where={"execution_type": "async"}), 600)
    assert (blind.count, blind.successes) == (90, 0)


async def test_a_double_written_failure_counts_once_with_and_without_request_id(
        tmp_path: Path, clock: ManualClock) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock, fallback=False)
    for i in range(200):
        clock.advance(0.3)
        gw.upload(ok=i % 20 != 0, request_id=f"req-{i}" if i % 40 else None)
    # Two distinct failures of the same size 1 s apart, no request_id: both count.
    gw.upload(ok=False, size=2.0)
    clock.advance(1.0)
    gw.upload(ok=False, size=2.0)
    telemetry = Telemetry()
    hub = hub_for(gw.path, clock, telemetry)
    await hub.jsonl[STREAM].poll()
    m = await hub.measure(spec("error_rate"), 600)
    assert (m.count, m.successes) == (202, 12)  # 10 + 2 failures, not 24
    assert hub.jsonl[STREAM].status()["duplicates"] == 12
    dropped = telemetry.registry.get_sample_value(
        "sidecar_metric_records_dropped_total", {"stream": STREAM, "reason": "duplicate"})
    assert dropped == 12


def rollout(interval: float = 30, **kw: object) -> RolloutConfig:
    return RolloutConfig(
        name="async-upload", flag="ASYNC_UPLOAD_ROLLOUT", interval=interval, samples=spec("count"),
        stages=[
            StageConfig(percent=10, hold=300, min_samples=20, gates=[
                GateConfig(name="success-rate", metric=spec("success_rate"), op=">=", threshold=0.9,
                           method="sequential", confidence=0.999, pass_confidence=0.8, min_samples=20),
            ]),
            StageConfig(percent=50, hold=300),
        ],
        **kw,  # type: ignore[arg-type]
    )


async def drive(c, hub: MetricsHub, gw: Gateway, clock: ManualClock, seconds: float, *, rate: float,
                write: bool = True) -> None:
    """`seconds` of traffic (`rate` uploads/s, all healthy), polling and evaluating as `sidecar run` does."""
    step = 5.0
    for _ in range(int(seconds / step)):
        clock.advance(step / 2)
        if write:
            for _ in range(int(rate * step)):
                gw.upload(ok=True)
        clock.advance(step / 2)
        await hub.jsonl[STREAM].poll()
        await c.tick()


async def test_a_deleted_metrics_file_never_promotes_and_the_decision_says_stale(
        make, sqlite_store, clock, tmp_path: Path) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    cfg = rollout()
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    await drive(c, hub, gw, clock, 200, rate=0.5)  # healthy, but short of the 300 s hold
    gw.path.unlink()
    await drive(c, hub, gw, clock, 900, rate=0.5, write=False)
    s = await summary(c, cfg.name)
    assert (s["stage"], s["decision"], s["decision_reason"]) == (0, "hold", "stale")
    assert s["stale"] == ["success-rate"]
    assert hub.jsonl[STREAM].status()["missing"] == [str(gw.path)]
    events = await sqlite_store.rollouts.events(cfg.name)
    assert not [e for e in events if e["action"] == "promote"]
    # The file comes back with fresh records: the stage promotes.
    await drive(c, hub, gw, clock, 60, rate=0.5)
    s = await summary(c, cfg.name)
    assert s["stage"] == 1 and hub.jsonl[STREAM].status()["missing"] == []


async def test_a_writer_that_stops_never_promotes_and_raises_one_stale_alert(
        make, sqlite_store, clock, tmp_path: Path) -> None:
    from sidecar.bus import ROLLOUT_GATE_FAILED, Bus

    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    bus = Bus()
    sub = bus.subscribe({ROLLOUT_GATE_FAILED})
    cfg = rollout()
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1", bus=bus)
    await c.act(cfg.name, "start")
    await drive(c, hub, gw, clock, 200, rate=0.5)
    assert (await summary(c, cfg.name))["stale"] == []
    await drive(c, hub, gw, clock, 900, rate=0.5, write=False)  # the gateway stopped writing
    s = await summary(c, cfg.name)
    assert (s["stage"], s["decision"], s["decision_reason"]) == (0, "hold", "stale")
    gate = (await c._load(cfg.name)).data["verdicts"][-1]
    assert gate["stale"] and gate["age"] > cfg.staleness_limit and "stale: newest sample" in gate["reason"]
    seen = [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]
    stale_alerts = [e for e in seen if e.data.get("stale")]
    assert len(stale_alerts) == 1 and stale_alerts[0].data["gate"] == "success-rate:stale"


async def test_late_records_count_in_their_stage_up_to_the_lateness_bound(
        make, sqlite_store, clock, tmp_path: Path) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    telemetry = Telemetry()
    hub = hub_for(gw.path, clock, telemetry)
    cfg = rollout(interval=10, max_lateness=120)
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    await drive(c, hub, gw, clock, 100, rate=0.2)  # 20 records, on time
    # 30 records stamped 60 s ago (after several evaluations) arrive now: within the bound.
    for _ in range(30):
        gw.upload(ok=True, at=clock.time() - 60)
    # 5 records stamped 200 s ago: beyond the bound, counted as late.
    for _ in range(5):
        gw.upload(ok=True, at=clock.time() - 200)
    await drive(c, hub, gw, clock, 300, rate=0.0)
    data = (await c._load(cfg.name)).data
    assert data["samples"] == 20 + 30  # all on-time records, and the late ones within the bound
    late = telemetry.registry.get_sample_value("sidecar_metric_records_dropped_total",
                                               {"stream": STREAM, "reason": "late"})
    assert late == 5


async def test_the_shipped_rules_read_fallback_and_double_written_failures(tmp_path: Path, clock: ManualClock) -> None:
    import yaml

    rules = yaml.safe_load((Path(__file__).parents[2] / "rules" / "rollouts.yaml").read_text())
    cfg = RolloutConfig.model_validate(rules["rollouts"][0])
    success = cfg.stages[1].gates[0].metric
    errors = next(t for t in cfg.triggers if t.name == "error-rate-ceiling").metric
    assert cfg.samples is not None
    on = Gateway(tmp_path / "metrics.jsonl", clock, fallback=True)
    off = Gateway(on.path, clock, fallback=False)
    for i in range(100):
        clock.advance(0.5)
        (on if i < 50 else off).upload(ok=i % 10 != 3)  # 5 fallbacks, then 5 double-written failures
    hub = hub_for(on.path, clock)
    await hub.jsonl[STREAM].poll()
    s = await hub.measure(success, 600)
    e = await hub.measure(errors, 600)
    n = await hub.measure(cfg.samples, 600)
    assert (s.count, s.successes, e.successes, n.count) == (100, 90, 10, 100)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_writer_that_delivers_in_batches_is_late_not_stale(
        make, sqlite_store, clock, tmp_path: Path, seed: int) -> None:
    """A writer (or a shipper in front of it) that appends its records in batches every F s, each stamped
    when the upload was made: between batches its newest record is older than max_staleness (60 s) while
    the source is alive. The gate then reads `late` (no promotion on data that ends before now, no stale
    alert, decision_reason `late`), never `stale`; the stage promotes on a batch. Varied by seed: F (50-58 s,
    below max_staleness), the uploads' spacing (22-30 s: the 1% stage's traffic) and the phases.
    Twin (must not change): the same writer stops delivering - stale once nothing arrived for max_staleness."""
    from sidecar.bus import ROLLOUT_GATE_FAILED, Bus

    rng = random.Random(seed)
    flush, gap = rng.uniform(50.0, 58.0), rng.uniform(22.0, 30.0)
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    bus = Bus()
    sub = bus.subscribe({ROLLOUT_GATE_FAILED})
    twin = rollout(max_lateness=120)
    twin = twin.model_copy(update={"name": "stops", "stages": [twin.stages[0].model_copy(update={"hold": 1e6})]})
    cfgs = [rollout(max_lateness=120), twin]
    c = make(cfgs, sqlite_store, hub, clock=clock, replica="r1", bus=bus)
    for cfg in cfgs:
        await c.act(cfg.name, "start")
    t0 = clock.time()
    made, next_upload, next_flush = [], t0 + rng.uniform(0, gap), t0 + rng.uniform(0, flush)
    seen: list[tuple[str, bool, bool]] = []  # (decision_reason, stale, late) at each evaluation with old data
    evaluated = None

    async def step(deliver: bool) -> None:
        nonlocal next_upload, next_flush, made, evaluated
        clock.advance(1.0)
        while next_upload <= clock.time():
            made.append(next_upload)
            next_upload += gap
        if deliver and next_flush <= clock.time():
            for t in made:
                gw.upload(ok=True, at=t)
            made, next_flush = [], next_flush + flush
        await hub.jsonl[STREAM].poll()
        await c.tick()
        snap = await c._load(cfgs[0].name)
        if snap.stage_index == 0 and snap.data.get("last_eval_at") != evaluated:
            evaluated = snap.data.get("last_eval_at")
            gate = snap.data["verdicts"][-1]
            if gate["age"] is not None and gate["age"] > cfgs[0].staleness_limit:
                seen.append(((await summary(c, cfgs[0].name))["decision_reason"], gate["stale"], gate.get("late", False)))

    while clock.time() - t0 < 1500 and (await summary(c, cfgs[0].name))["stage"] == 0:
        await step(deliver=True)
    assert seen and all(s == ("late", False, True) for s in seen)  # held on late data, never called stale
    assert (await summary(c, cfgs[0].name))["stage"] == 1  # promoted on a batch
    assert not [e for e in (sub.queue.get_nowait() for _ in range(sub.queue.qsize())) if e.data.get("stale")]
    # Twin: the writer stops. Late while its last batch is under max_staleness old, stale after.
    s = await summary(c, "stops")
    assert s["stage"] == 0 and s["stale"] == []
    stopped = clock.time()
    while clock.time() - stopped < 3 * cfgs[1].interval + flush:
        await step(deliver=False)
    s = await summary(c, "stops")
    assert (s["stage"], s["decision_reason"], s["stale"]) == (0, "stale", ["success-rate"])


async def test_what_a_replica_shows_diagnoses_is_its_last_evaluation(make, sqlite_store, clock, tmp_path: Path) -> None:
    """`controller.snapshot()` (the rollout context of every diagnosis) is the evaluation this replica just
    stored, not the row it read before it: a stage gate failing at this evaluation is in it at once (it showed
    the previous evaluation's verdicts until the next read: one interval late, and the benches' readings of
    dry-run firings one watch check late)."""
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    hub = hub_for(gw.path, clock)
    cfg = rollout(interval=30)
    held = cfg.stages[0].gates[0].model_copy(update={"on_fail": "hold"})  # no transition: the evaluation is stored
    cfg = cfg.model_copy(update={"stages": [cfg.stages[0].model_copy(update={"gates": [held]}), *cfg.stages[1:]]})
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    for i in range(60):
        clock.advance(0.5)
        gw.upload(ok=i % 3 != 0)  # 33% failures: the success-rate gate (>= 90%) fails clearly
    await hub.jsonl[STREAM].poll()
    await c.tick()
    shown = c.snapshot()[cfg.name]
    assert len(shown["failing"]) == 1 and "40/60" in shown["failing"][0]  # 40 of 60 uploads succeeded
    assert (shown["state"], shown["stage"]) == ("running", 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_record_made_before_a_promotion_and_read_after_it_is_the_previous_stages(
        make, sqlite_store, clock, tmp_path: Path, seed: int) -> None:
    """Which stage a record belongs to when its event time and its arrival disagree around a stage
    boundary (the decision: rollout/stagetotals.py "Which stage a record belongs to"). The gateway
    builds its record when the upload ENDS and appends it at once (upstream-gateway.md 4.1); a
    lagging writer or shipper, or our poll, delivers it after the promotion: it ran under the previous
    stage's percentage, so it counts there (event time), not toward the new stage's min_samples.
    Varied by seed: how many such records (3-12), how late before the promotion they were made (1-100 s:
    within the 120 s lateness bound), the traffic before and after."""
    rng = random.Random(seed)
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    cfg = rollout(interval=10, max_lateness=120)
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    await drive(c, hub, gw, clock, 60, rate=rng.choice([0.2, 0.4]))
    await c.act(cfg.name, "promote")
    promoted = clock.time()
    assert (await c._load(cfg.name)).stage_index == 1
    made_before = rng.randrange(3, 13)
    for _ in range(made_before):  # made before the promotion, appended (read) after it
        gw.upload(ok=True, at=promoted - rng.uniform(1.0, 100.0))
    rate = rng.choice([0.2, 0.4])
    await drive(c, hub, gw, clock, 200, rate=rate)
    await drive(c, hub, gw, clock, 20, rate=0.0)  # an evaluation after the last upload
    after = int(200 / 5) * int(rate * 5)  # drive's uploads, every one made after the promotion
    assert (await c._load(cfg.name)).data["samples"] == after  # not after + made_before
