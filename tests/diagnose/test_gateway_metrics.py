"""Gateway metric values around first seen, from a real metrics hub's series, into the prompt that
reaches the local OpenAI-compatible server (the real openai SDK, a real SQLite store)."""

from __future__ import annotations

import json
import math

from sidecar.app import build_stages
from sidecar.bus import GROUP_NEW, Bus, BusEvent
from sidecar.config import Config
from sidecar.diagnose.gateway_metrics import MAX_SERIES, around
from sidecar.metrics.hub import MetricsHub
from sidecar.telemetry import Telemetry

from .conftest import GOOD_ANSWER, good, seed_group

T0 = 1_763_900_000.0  # the group's first seen (seed_group's default)
SEM = {"semaphore_type": "global", "provider": "kimi"}


def feed(hub: MetricsHub) -> None:
    """10 minutes at 15 s: the semaphore drops 5 -> 4 and errors jump at T0; memory is flat."""
    errors = 0.0
    for i in range(-40, 41):
        t = T0 + 15 * i
        hub.add_sample("mcp_semaphore_current_value", 5.0 if t <= T0 else 4.0, t, SEM)
        errors += 0.0 if t <= T0 else 3.0
        hub.add_sample("mcp_errors_total", errors, t, {"component": "kimi", "error_type": "timeout"})
        hub.add_sample("mcp_memory_usage_bytes", 512e6, t)
        hub.add_sample("mcp_api_latency_seconds_sum", (1.0 if t <= T0 else 8.0) * (i + 41), t, {"provider": "kimi"})
        hub.add_sample("mcp_api_latency_seconds_count", float(i + 41), t, {"provider": "kimi"})
        hub.add_sample("mcp_api_latency_seconds_bucket", float(i + 41), t, {"provider": "kimi", "le": "+Inf"})
        hub.add_sample("mcp_cache_hit_ratio", 0.5, t)  # not of interest to a diagnosis


def by_series(block: dict) -> dict[str, dict]:
    return {s["series"]: s for s in block["series"]}


def test_values_before_and_after_first_seen_changed_series_first():
    hub = MetricsHub(Config().metrics, clock=None)  # type: ignore[arg-type]
    feed(hub)
    block = around(hub.series, T0)
    assert block is not None
    got = by_series(block)
    sem = got["mcp_semaphore_current_value{provider=kimi,semaphore_type=global}"]
    assert (sem["kind"], sem["before"], sem["after"]) == ("gauge", 5.0, 4.0)
    errs = got["mcp_errors_total{component=kimi,error_type=timeout}"]
    assert errs["kind"] == "counter" and errs["before"] == 0.0 and math.isclose(errs["after"], 60.0, rel_tol=0.1)
    lat = got["mcp_api_latency_seconds{provider=kimi}"]
    assert lat["kind"] == "mean" and math.isclose(lat["before"], 1.0, rel_tol=0.05) and lat["after"] > 6.0
    assert got["mcp_memory_usage_bytes"]["before"] == got["mcp_memory_usage_bytes"]["after"] == 512e6
    assert not any("bucket" in s or "cache_hit" in s or s.endswith("_count") for s in got)
    assert block["series"][-1]["series"] == "mcp_memory_usage_bytes"  # unchanged series come last


def test_nothing_around_first_seen_is_none_and_many_series_are_bounded():
    hub = MetricsHub(Config().metrics, clock=None)  # type: ignore[arg-type]
    assert around(hub.series, T0) is None
    feed(hub)
    assert around(hub.series, T0 + 86_400) is None  # a group first seen long after the samples
    for n in range(200):
        for t in (T0 - 30, T0 + 30):
            hub.add_sample("mcp_semaphore_queue_depth", float(n), t, {"provider": f"p{n}"})
    block = around(hub.series, T0)
    assert block is not None and len(block["series"]) == MAX_SERIES and block["omitted_series"] > 180


async def test_the_prompt_carries_metrics_around_first_seen(sqlite_store, clock, fake_llm):
    config = Config.model_validate({"diagnosis": {"base_url": fake_llm.base_url, "timeout": 5.0,
                                                  "api_key": "sk-test-key-not-a-secret-000000"}})
    # The stages as app.py wires them: the diagnosis stage reads the metrics stage's series.
    stages = build_stages(config, sqlite_store, Bus(), clock, Telemetry(), "http://127.0.0.1:8080")
    hub, svc = stages.metrics, stages.diagnosis
    assert hub is not None and svc is not None
    feed(hub)
    fake_llm.then(good(GOOD_ANSWER))
    fp = "b" * 32
    await seed_group(sqlite_store, fp, "Failed to release global semaphore: BoundedSemaphore released too many times")
    await svc.on_event(BusEvent(kind=GROUP_NEW, at=0.0, data={"fingerprint": fp, "count": 1, "level": "ERROR"}))
    f, stale = svc.queue.get_nowait()
    await svc.run(f, stale_attempts=stale)
    await svc.stop()
    user = fake_llm.requests[0]["messages"][1]["content"]
    section = user.split("## Gateway metrics around first seen", 1)[1].split("##", 1)[0]
    block = json.loads(section)
    assert by_series(block)["mcp_semaphore_current_value{provider=kimi,semaphore_type=global}"]["after"] == 4.0


async def test_the_prompt_carries_the_running_rollout_stage(sqlite_store, clock, fake_llm):
    """The rollout controller's snapshot (its documented shape) reaches the prompt's Rollout state."""
    from sidecar.diagnose.kimi import KimiClient
    from sidecar.diagnose.rules import load_rules
    from sidecar.diagnose.service import DiagnosisService
    from sidecar.telemetry import Telemetry

    cfg = Config.model_validate({"diagnosis": {"base_url": fake_llm.base_url, "timeout": 5.0,
                                               "api_key": "sk-test-key-not-a-secret-000000"}}).diagnosis
    snapshot = {"async-upload": {"state": "running", "stage": 2, "percent": 10.0, "incident": 1, "failing": []}}
    telemetry = Telemetry()
    svc = DiagnosisService(config=cfg, store=sqlite_store, bus=Bus(), clock=clock,
                           rules=load_rules("rules/diagnoses.yaml"), llm=KimiClient(cfg, clock, telemetry),
                           telemetry=telemetry, rollout_state=lambda: snapshot)
    fake_llm.then(good(GOOD_ANSWER))
    fp = "c" * 32
    await seed_group(sqlite_store, fp, "Kimi call failed: Error code: 500")
    await svc.on_event(BusEvent(kind=GROUP_NEW, at=0.0, data={"fingerprint": fp, "count": 1, "level": "ERROR"}))
    f, stale = svc.queue.get_nowait()
    await svc.run(f, stale_attempts=stale)
    await svc.stop()
    user = fake_llm.requests[0]["messages"][1]["content"]
    section = user.split("## Rollout state", 1)[1].split("##", 1)[0]
    assert json.loads(section) == snapshot
