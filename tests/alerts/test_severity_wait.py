"""A new group's alert carries its diagnosis (issue 21): severity = the diagnosis' severity, else the
level's class; the first message waits up to group_wait for the diagnosis instead of sending a
log-level alert and then a second message; a grouped message leads with its most severe alert.
End to end through the Alerts component, a real webhook receiver socket and SQLite."""

from __future__ import annotations

from tests.alerts.conftest import FakeChat, alerts_config
from tests.alerts.helpers import Harness


def routes(group_wait: float = 30) -> list[dict[str, object]]:
    # A "page on critical" route first (no continue), everything else to the team's hook.
    return [{"name": "page", "receivers": ["slack"], "match": {"severity": "critical"}, "group_wait": group_wait},
            {"name": "team", "receivers": ["hook"], "group_wait": group_wait, "group_by": ["kind"]}]


async def test_a_diagnosis_within_group_wait_rides_on_the_first_message(harness: Harness, chat: FakeChat) -> None:
    alerts = await harness.start(alerts_config(chat, routes=routes()))
    await harness.publish(alerts, "group.new", fingerprint="quota", title="RateLimitError: exceeded quota",
                          level="ERROR", logger="src.providers.kimi", count=1)
    await harness.advance(5)
    await harness.publish(alerts, "diagnosis.ready", fingerprint="quota", severity="critical", category="provider",
                          summary="Kimi balance exhausted", root_cause="429 exceeded_current_quota_error",
                          suggested_fix="Top up the Moonshot balance", source="rules")
    await harness.advance(24)
    assert chat.at("/slack") == []  # still inside group_wait, counted from the group's arrival
    await harness.advance(1)
    await chat.wait_for("/slack", 1)  # routed by the diagnosis' severity: the page route took it
    slack = chat.at("/slack")[0].json
    assert "Kimi balance exhausted" in str(slack)
    assert chat.at("/hook") == []  # the page route has no continue: one message, to the pager
    await harness.advance(3600)
    assert len(chat.at("/slack")) == 1  # and no second "Diagnosis: ..." notice afterwards


async def test_without_a_diagnosis_the_alert_goes_at_group_wait_with_the_level_class(harness: Harness,
                                                                                    chat: FakeChat) -> None:
    alerts = await harness.start(alerts_config(chat, routes=routes()))
    await harness.publish(alerts, "group.new", fingerprint="f1", title="boom", level="ERROR", count=1)
    await harness.advance(29)
    assert chat.at("/hook") == []
    await harness.advance(1)
    await chat.wait_for("/hook", 1)
    (alert,) = chat.at("/hook")[0].json["alerts"]
    assert alert["labels"]["severity"] == "error" and alert["labels"]["kind"] == "group.new"
    # A late diagnosis still arrives, as its own notice (the first message is gone already).
    await harness.publish(alerts, "diagnosis.ready", fingerprint="f1", severity="medium", summary="late")
    await harness.advance(60)
    await chat.wait_for("/hook", 2)
    assert chat.at("/hook")[1].json["alerts"][0]["key"] == "diagnosis:f1"


async def test_a_grouped_message_leads_with_the_most_severe_alert(harness: Harness, chat: FakeChat) -> None:
    config = alerts_config(chat, routes=[{"name": "all", "receivers": ["hook"], "group_wait": 30,
                                          "group_by": ["kind"]}])
    alerts = await harness.start(config)
    for i, level in enumerate(["WARNING", "ERROR", "ERROR"]):
        await harness.publish(alerts, "group.new", fingerprint=f"g{i}", title=f"ConnectionError {i}", level=level)
        await harness.advance(1)
    await harness.publish(alerts, "group.new", fingerprint="crit", title="Health writer stuck", level="CRITICAL")
    await harness.advance(30)
    await chat.wait_for("/hook", 1)
    body = chat.at("/hook")[0].json
    assert body["title"].startswith("[FIRING:4] New error: Health writer stuck (+3 more)"), body["title"]
    assert [a["labels"]["severity"] for a in body["alerts"]] == ["critical", "error", "error", "warning"]


async def test_an_alert_waiting_for_its_diagnosis_survives_a_crash(harness: Harness, chat: FakeChat) -> None:
    from sidecar.tasks import cancel_and_wait

    config = alerts_config(chat, routes=routes())
    first = await harness.start(config)
    await harness.publish(first, "group.new", fingerprint="crashy", title="boom", level="ERROR", count=1)
    await first.tick()  # the scheduler's next round: state saved
    # A crash: the tasks die, stop() (which would flush the waiting alert) never runs.
    harness.running.remove(first)
    await cancel_and_wait(*first._tasks)
    first._sub.close()
    second = await harness.start(config)  # same store
    await harness.publish(second, "diagnosis.ready", fingerprint="crashy", severity="critical", summary="it broke")
    await harness.advance(30)
    await chat.wait_for("/slack", 1)  # the page route: it carried the diagnosis' severity
    body = str(chat.at("/slack")[0].json)
    assert "New error: boom" in body and "it broke" in body  # the group alert itself, with its diagnosis


async def test_a_group_resolved_while_its_alert_waits_stays_quiet_after_a_crash(harness: Harness,
                                                                                 chat: FakeChat) -> None:
    """Muting a group while its alert waits for a diagnosis must reach the saved state: a replica that
    restarts from it must not send the muted group's 'New error' message."""
    from sidecar.tasks import cancel_and_wait

    config = alerts_config(chat, routes=routes())
    first = await harness.start(config)
    await harness.publish(first, "group.new", fingerprint="noisy", title="boom", level="ERROR", count=1)
    await first.tick()  # saved while waiting
    await harness.advance(5)
    await harness.publish(first, "group.status", fingerprint="noisy", status="muted")
    await first.tick()  # saved again: nothing waits any more
    harness.running.remove(first)  # a crash: stop() never runs
    await cancel_and_wait(*first._tasks)
    first._sub.close()
    second = await harness.start(config)
    await harness.advance(3600)
    await second.tick()
    assert [r for r in await harness.delivery_rows() if "boom" in str(r)] == []
    assert chat.at("/hook") == [] and chat.at("/slack") == []


async def test_two_ticks_at_once_queue_each_due_notification_once(harness: Harness, chat: FakeChat) -> None:
    """The scheduler's tick and a caller's tick (an operator action, a test) running at the same moment: each due
    notification is written to the outbox once and neither tick fails (before: both took the same unsent note
    across the outbox write, queued it twice, and one popped an empty list - a loaded CI run, round 20)."""
    import asyncio

    alerts = await harness.start(alerts_config(chat, routes=routes(group_wait=30)))
    for n in range(3):
        await harness.publish(alerts, "group.new", fingerprint=f"f{n}", title=f"boom {n}", level="ERROR", count=1)
    harness.clock.advance(30)  # every group is due, the scheduler not yet told
    await asyncio.gather(alerts.tick(), alerts.tick(), alerts.tick())
    rows = await harness.delivery_rows()
    assert sorted(str(r["summary"]) for r in rows) == sorted({str(r["summary"]) for r in rows})
    assert len(rows) >= 1
