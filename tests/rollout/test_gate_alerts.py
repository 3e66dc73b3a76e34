"""Gate alerts against a real Alertmanager: a gate that fails raises an alert, and the alert
resolves (endsAt) when the gate passes again; a stale gate's alert resolves when data returns."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.config import AlertsConfig, GateConfig, RolloutConfig, StageConfig
from sidecar.store.base import Store
from sidecar.telemetry import Telemetry
from tests.alerts.conftest import AlertmanagerProc, alertmanager, manual_now  # noqa: F401 - fixtures
from tests.alerts.helpers import Harness, until_async

from .test_gateway_records import Gateway, hub_for, spec


async def firing(am: AlertmanagerProc, gate: str) -> list[dict]:
    found = await asyncio.to_thread(am.alerts)
    return [a for a in found if a["labels"].get("alertname") == "SidecarRolloutGateFailed"
            and a["labels"].get("gate") == gate]


async def step(c, hub, gw: Gateway, clock: ManualClock, ok: int, failed: int, seconds: float = 30) -> None:
    clock.advance(seconds / 2)
    for i in range(ok + failed):
        gw.upload(ok=i >= failed)
    clock.advance(seconds / 2)
    await hub.jsonl["async_upload"].poll()
    await c.tick()


async def test_a_failed_gate_alert_resolves_in_alertmanager_when_the_gate_passes_again(
        make, sqlite_store: Store, manual_now: ManualClock, alertmanager: AlertmanagerProc,  # noqa: F811
        tmp_path: Path) -> None:
    clock = manual_now
    h = Harness(sqlite_store, Bus(), clock, Telemetry())
    alerts = await h.start(AlertsConfig.model_validate({
        "rules_file": None, "receivers": [{"name": "am", "kind": "alertmanager", "url": alertmanager.url}],
        "routes": [{"name": "all", "receivers": ["am"], "group_wait": 0}], "resend_interval": 60}))
    try:
        gw = Gateway(tmp_path / "metrics.jsonl", clock, fallback=True)
        gw.path.write_text("")
        hub = hub_for(gw.path, clock)
        cfg = RolloutConfig(
            name="async-upload", flag="ASYNC_UPLOAD_ROLLOUT", interval=30,
            stages=[StageConfig(percent=10, hold=100_000, gates=[
                # relative-free, sliding 60 s window; never trips (limit 100): only alerts
                GateConfig(name="success-rate", metric=spec("success_rate"), op=">=", threshold=0.9,
                           window=60, confidence=0.95, consecutive_failure_limit=100),
            ])],
        )
        c = make([cfg], sqlite_store, hub, clock=clock, replica="r1", bus=h.bus)
        await c.act(cfg.name, "start")
        await step(c, hub, gw, clock, ok=10, failed=30)  # 75% fallbacks: the gate fails
        (alert,) = await until_async(lambda: firing(alertmanager, "success-rate"), what="the gate alert")
        assert alert["status"]["state"] == "active"
        for _ in range(3):
            await step(c, hub, gw, clock, ok=40, failed=0)  # healthy again: the gate passes
        verdict = (await c._load(cfg.name)).data["verdicts"][-1]
        assert verdict["verdict"] == "pass"

        async def gone() -> bool:
            return not await firing(alertmanager, "success-rate")

        assert await until_async(gone, what="the gate alert to resolve")
        assert (await c._load(cfg.name)).state == "running"  # resolved by the gate, not by a transition
    finally:
        await h.stop(alerts)
