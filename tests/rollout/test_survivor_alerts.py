"""Two replicas on one store (SQLite and a real PostgreSQL), each with its own bus and alerts
stage, both posting to a real Alertmanager: when the replica that rolled back stops, the
survivor keeps the rollback alert firing (re-posting it with a later endsAt), tells chat
nothing twice, and resolves it when the rollout is started again."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.config import AlertsConfig, RolloutConfig, StageConfig
from sidecar.metrics.model import Measurement, MetricSpec
from sidecar.store.base import Store
from sidecar.telemetry import Telemetry
from tests.alerts.conftest import AlertmanagerProc, alertmanager, manual_now  # noqa: F401 - fixtures
from tests.alerts.helpers import Harness, until_async


async def rollback_alerts(am: AlertmanagerProc) -> list[dict]:
    found = await asyncio.to_thread(am.alerts)
    return [a for a in found if a["labels"].get("rollout") == "async-upload"
            and a["labels"].get("alertname", "").endswith("Rollback")]


def ends(alert: dict) -> float:
    return datetime.fromisoformat(alert["endsAt"].replace("Z", "+00:00")).timestamp()


async def test_the_survivor_keeps_a_dead_deciders_rollback_alert_firing(
        make, store: Store, manual_now: ManualClock, alertmanager: AlertmanagerProc) -> None:  # noqa: F811
    clock = manual_now
    config = AlertsConfig.model_validate({
        "rules_file": None, "receivers": [{"name": "am", "kind": "alertmanager", "url": alertmanager.url}],
        "routes": [{"name": "all", "receivers": ["am"], "group_wait": 0}], "resend_interval": 60})
    h1, h2 = Harness(store, Bus(), clock, Telemetry()), Harness(store, Bus(), clock, Telemetry())
    a1 = await h1.start(config)
    await h2.start(config)

    async def measure(spec: MetricSpec, window: float) -> Measurement:
        return Measurement(None, reason="no metrics in this test")

    cfg = RolloutConfig(name="async-upload", flag="F", interval=10, stages=[StageConfig(percent=10, hold=3600)])
    c1 = make([cfg], store, measure, clock=clock, replica="decider", bus=h1.bus)
    c2 = make([cfg], store, measure, clock=clock, replica="survivor", bus=h2.bus)
    try:
        await c1.act(cfg.name, "start")
        await c2.tick()
        await c1.act(cfg.name, "rollback", reason="error rate 8%")
        await c1.tick()
        (first,) = await until_async(lambda: rollback_alerts(alertmanager), what="the decider's rollback alert")
        await h1.stop(a1)  # the decider dies: nobody re-posts its alert from there
        last_row = max(r["id"] for r in await store.alerts.recent())
        chat_before = [r for r in await store.alerts.recent() if r["channel"] != "alertmanager"]
        for _ in range(2):
            await h2.advance(60)
            await c2.tick()

        async def reposted() -> list[dict]:
            await h2.advance(0.01)  # let the survivor's scheduler deliver what it queued
            rows = [r for r in await store.alerts.recent(with_payload=True, status="sent") if r["id"] > last_row]
            return [a for r in rows for a in r["payload"]
                    if a["labels"]["alert_key"] == "rollout:async-upload:rollback" and ends(a) > ends(first) + 60]

        (posted, *_) = await until_async(reposted, what="the survivor's re-post with a later endsAt")
        assert posted["labels"] == first["labels"]
        (alert,) = await rollback_alerts(alertmanager)
        assert alert["status"]["state"] == "active" and alert["updatedAt"] > first["updatedAt"]
        assert [r for r in await store.alerts.recent() if r["channel"] != "alertmanager"] == chat_before
        # Started again (by the survivor): the alert resolves.
        await c2.act(cfg.name, "start")
        await h2.advance(1)

        async def gone() -> bool:
            await h2.advance(0.01)
            return not [a for a in await rollback_alerts(alertmanager) if a["status"]["state"] == "active"
                        and ends(a) > clock.time() + 1]

        assert await until_async(gone, what="the rollback alert to resolve")
    finally:
        for h in (h1, h2):
            for a in list(h.running):
                await h.stop(a)
