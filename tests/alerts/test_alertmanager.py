"""Against a real Alertmanager (the Debian prometheus-alertmanager binary): alerts appear in its
/api/v2/alerts with our labels, are re-posted while firing, and resolve when the condition clears."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from sidecar.alerts.render import iso
from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.config import AlertsConfig
from sidecar.store.base import Store
from sidecar.telemetry import Telemetry
from tests.alerts.conftest import AlertmanagerProc, FakeChat
from tests.alerts.helpers import Harness, until_async

SECRET = "sk-live-TESTONLY1234567890abcdef"


@pytest.fixture
async def am_harness(sqlite_store: Store, manual_now: ManualClock) -> AsyncIterator[Harness]:
    h = Harness(sqlite_store, Bus(), manual_now, Telemetry())
    try:
        yield h
    finally:
        for alerts in list(h.running):
            await h.stop(alerts)


def am_config(am: AlertmanagerProc, chat: FakeChat | None = None) -> AlertsConfig:
    receivers = [{"name": "am", "kind": "alertmanager", "url": am.url, "timeout": 2}]
    routes = [{"name": "everything", "receivers": ["am"], "continue": True}]
    if chat is not None:
        receivers.append({"name": "hook", "kind": "webhook", "url": chat.url("/hook")})
        routes.append({"name": "hook", "receivers": ["hook"], "group_wait": 0})
    return AlertsConfig.model_validate({"rules_file": None, "receivers": receivers, "routes": routes,
                                        "resend_interval": 60})


async def am_alerts(am: AlertmanagerProc, **labels: str) -> list[dict]:
    found = await asyncio.to_thread(am.alerts)
    return [a for a in found if all(a["labels"].get(k) == v for k, v in labels.items())]


async def test_alert_appears_with_labels_and_resolves_when_cleared(am_harness: Harness,
                                                                   alertmanager: AlertmanagerProc) -> None:
    h = am_harness
    alerts = await h.start(am_config(alertmanager))
    await h.publish(alerts, "group.new", fingerprint="abc123", title="KeyError in upload", level="CRITICAL",
                    logger="ws_daemon", exception_type="KeyError", count=2)

    async def firing() -> list[dict]:
        return await am_alerts(alertmanager, alertname="SidecarErrorGroup", fingerprint="abc123")

    (alert,) = await until_async(firing, what="the alert in Alertmanager")
    assert alert["labels"] == {"alertname": "SidecarErrorGroup", "alert_key": "group:abc123", "fingerprint": "abc123",
                               "severity": "critical", "level": "CRITICAL", "logger": "ws_daemon",
                               "exception_type": "KeyError"}
    assert alert["annotations"]["summary"] == "New error: KeyError in upload"
    assert alert["annotations"]["dashboard_url"] == "http://sidecar.test:8081/errors/abc123"
    assert alert["status"]["state"] == "active"
    assert alert["generatorURL"] == "http://sidecar.test:8081/errors/abc123"

    # Still firing a resend interval later: posted again (Alertmanager expects clients to repeat).
    await h.advance(60)
    await until_async(lambda: _sent_count(h, 2), what="the periodic re-post")

    await h.publish(alerts, "group.status", fingerprint="abc123", status="resolved")
    await until_async(lambda: _sent_count(h, 3), what="the resolving post")

    async def resolved() -> bool:
        left = await firing()
        return not left  # Alertmanager lists active alerts only; a resolved one drops out

    assert await until_async(resolved, what="the alert to resolve")
    # What resolved it: our last post carried endsAt = the moment the group was resolved.
    (last,) = [r for r in await h.store.alerts.recent(limit=1, with_payload=True)]
    (posted,) = last["payload"]
    assert posted["labels"]["alert_key"] == "group:abc123"
    assert posted["endsAt"] == iso(h.clock.time())


async def _sent_count(h: Harness, n: int) -> bool:
    rows = [r for r in await h.delivery_rows() if r["channel"] == "alertmanager" and r["status"] == "sent"]
    return len(rows) >= n


async def test_rollout_rollback_and_diagnosis_reach_alertmanager_redacted(
        am_harness: Harness, alertmanager: AlertmanagerProc, chat: FakeChat) -> None:
    h = am_harness
    alerts = await h.start(am_config(alertmanager, chat))
    await h.publish(alerts, "rollout.rollback", rollout="async_upload", percent=10,
                    reasons=[{"gate": "error-rate", "value": 0.08, "op": ">", "threshold": 0.05},
                             f"hook said token={SECRET}"], values={"error_rate": 0.08})
    await h.publish(alerts, "diagnosis.ready", fingerprint="f9", summary=f"quota exhausted for {SECRET}",
                    root_cause="balance is 0", suggested_fix="top up", severity="high", category="provider",
                    confidence=0.9, source="kimi")

    async def both() -> list[dict]:
        found = await am_alerts(alertmanager)
        return found if len(found) >= 2 else []

    found = await until_async(both, what="two alerts in Alertmanager")
    by_name = {a["labels"]["alertname"]: a for a in found}
    rollback = by_name["SidecarRolloutRollback"]
    assert rollback["labels"]["rollout"] == "async_upload" and rollback["labels"]["severity"] == "critical"
    assert rollback["annotations"]["reasons"].startswith("- error-rate: 0.08 > 0.05")
    diagnosis = by_name["SidecarDiagnosis"]
    assert diagnosis["annotations"]["root_cause"] == "balance is 0"
    assert diagnosis["annotations"]["confidence"] == "90%"
    assert SECRET not in json.dumps(found)
    await chat.wait_for("/hook", 1)
    assert SECRET not in json.dumps([r.json for r in chat.received])

    # The rollout recovers: its rollback alert resolves in Alertmanager.
    await h.publish(alerts, "rollout.transition", rollout="async_upload", state="running")

    async def rollback_gone() -> bool:
        left = await am_alerts(alertmanager, alertname="SidecarRolloutRollback")
        return not left

    assert await until_async(rollback_gone, what="the rollback alert to resolve")
