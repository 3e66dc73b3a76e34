"""The Alerts component end to end against local receivers: payload per channel, retries, no retry on
400, grouping, repeat interval, silences, rate limits, restart with a pending delivery, redaction."""

from __future__ import annotations

import json

from tests.alerts.conftest import FakeChat, alerts_config
from tests.alerts.helpers import Harness, until, until_async
from tests.helpers import signed_by

SECRET = "sk-live-TESTONLY1234567890abcdef"


def only(chat: FakeChat, name: str, **route: object) -> dict[str, object]:
    base = {"name": f"to-{name}", "receivers": [name], "group_wait": 30, "group_interval": 60,
            "repeat_interval": 3600}
    base.update(route)
    return base


async def test_each_channel_gets_its_payload_shape(harness: Harness, chat: FakeChat) -> None:
    alerts = await harness.start(alerts_config(chat))
    await harness.publish(alerts, "group.new", fingerprint="abc123", title="KeyError: 'file_id'", level="ERROR",
                          logger="ws_daemon", exception_type="KeyError", count=1)
    await harness.advance(29)
    await harness.advance(1)
    for path in ("/slack", "/discord", "/teams", "/hook"):
        await chat.wait_for(path)
    slack = chat.at("/slack")[0].json
    assert slack["text"].startswith("[FIRING:1] New error: KeyError")
    assert slack["blocks"][0]["type"] == "header"
    assert "<http://sidecar.test:8081/errors/abc123|" in slack["blocks"][1]["text"]["text"]
    discord = chat.at("/discord")[0].json
    assert discord["embeds"][0]["url"] == "http://sidecar.test:8081/errors/abc123"
    assert discord["embeds"][0]["title"] == "New error: KeyError: 'file_id'"
    teams = chat.at("/teams")[0].json
    assert teams["type"] == "message"
    assert teams["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert teams["attachments"][0]["content"]["type"] == "AdaptiveCard"
    hook = chat.at("/hook")[0]
    body = hook.json
    assert body["version"] == "4" and body["status"] == "firing" and body["receiver"] == "hook"
    assert body["alerts"][0]["labels"]["fingerprint"] == "abc123"
    assert signed_by("hook-secret", hook.body, hook.headers) and not signed_by("other", hook.body, hook.headers)
    assert "webhook-signature" not in {k.lower() for k in chat.at("/slack")[0].headers}
    rows = await until_async(lambda: _all_sent(harness, 4), what="4 sent rows")
    assert {r["channel"] for r in rows} == {"slack", "discord", "teams", "webhook"}
    sent = harness.telemetry.alert_deliveries.labels(channel="slack", outcome="sent")._value.get()
    assert sent == 1


async def _all_sent(harness: Harness, n: int) -> list[dict[str, object]] | None:
    rows = await harness.delivery_rows()
    return rows if len(rows) == n and all(r["status"] == "sent" for r in rows) else None


async def test_retries_500_then_succeeds_with_backoff(harness: Harness, chat: FakeChat) -> None:
    chat.answer("/slack", 500, times=2)
    alerts = await harness.start(alerts_config(chat, routes=[only(chat, "slack", group_wait=0)]))
    await harness.publish(alerts, "group.new", fingerprint="f1", title="boom", level="ERROR")
    await chat.wait_for("/slack", 1, attempts=True)
    row = await until_async(lambda: _row_with(harness, attempts=1), what="first retry recorded")
    assert row["status"] == "pending" and row["http_status"] == 500 and row["last_error"].startswith("HTTP 500")
    first_delay = (row["next_attempt_at"] - row["updated_at"]).total_seconds()
    assert 1.0 <= first_delay <= 2.0  # backoff_base 2 s, jittered to 50-100 %
    await harness.advance(first_delay)
    row = await until_async(lambda: _row_with(harness, attempts=2), what="second retry recorded")
    second_delay = (row["next_attempt_at"] - row["updated_at"]).total_seconds()
    assert 2.0 <= second_delay <= 4.0  # doubled
    await harness.advance(second_delay)
    await chat.wait_for("/slack", 1)
    row = await until_async(lambda: _row_with(harness, status="sent"), what="sent")
    assert row["attempts"] == 3 and chat.attempts["/slack"] == 3


async def _row_with(harness: Harness, **want: object) -> dict[str, object] | None:
    rows = await harness.delivery_rows()
    for r in rows:
        if all(r[k] == v for k, v in want.items()):
            return r
    return None


async def test_429_honours_retry_after(harness: Harness, chat: FakeChat) -> None:
    chat.answer("/discord", 429, headers={"Retry-After": "120"})
    alerts = await harness.start(alerts_config(chat, routes=[only(chat, "discord", group_wait=0)]))
    await harness.publish(alerts, "group.new", fingerprint="f1", title="boom", level="ERROR")
    row = await until_async(lambda: _row_with(harness, attempts=1), what="429 recorded")
    assert row["http_status"] == 429
    assert (row["next_attempt_at"] - row["updated_at"]).total_seconds() == 120
    await harness.advance(120)
    await chat.wait_for("/discord", 1)
    assert chat.attempts["/discord"] == 2


async def test_hanging_receiver_times_out_and_is_retried(harness: Harness, chat: FakeChat) -> None:
    chat.answer("/teams", 200, hang=True)
    alerts = await harness.start(alerts_config(chat, routes=[only(chat, "teams", group_wait=0)]))
    await harness.publish(alerts, "group.new", fingerprint="f1", title="boom", level="ERROR")
    row = await until_async(lambda: _row_with(harness, attempts=1), what="timeout recorded")
    assert row["last_error"] == "timeout after 0.5s" and row["http_status"] is None
    await harness.advance((row["next_attempt_at"] - row["updated_at"]).total_seconds())
    await chat.wait_for("/teams", 1)


async def test_400_is_not_retried(harness: Harness, chat: FakeChat) -> None:
    chat.answer("/hook", 400)
    config = alerts_config(chat, routes=[only(chat, "hook", group_wait=0, group_by=["fingerprint"])])
    alerts = await harness.start(config)
    await harness.publish(alerts, "group.new", fingerprint="bad", title="boom", level="ERROR")
    row = await until_async(lambda: _row_with(harness, status="failed"), what="permanent failure")
    assert row["attempts"] == 1 and row["http_status"] == 400 and row["retryable"] is False
    await harness.advance(600)  # ten backoff caps' worth, still short of repeat_interval
    # A later alert to the same receiver goes through; the 400 one was never tried again.
    await harness.publish(alerts, "group.new", fingerprint="good", title="fine", level="ERROR")
    await chat.wait_for("/hook", 1)
    assert chat.attempts["/hook"] == 2
    assert (await _row_with(harness, status="failed"))["attempts"] == 1
    assert harness.telemetry.alert_deliveries.labels(channel="webhook", outcome="failed")._value.get() == 1


async def test_hundred_new_groups_make_one_message_per_route_then_repeat(harness: Harness, chat: FakeChat) -> None:
    alerts = await harness.start(alerts_config(chat))
    for i in range(100):
        await harness.publish(alerts, "group.new", fingerprint=f"fp{i:03d}", title=f"error {i}", level="ERROR")
        await harness.advance(0.1)
    await harness.advance(21)  # just past 30 s after the first
    for path in ("/slack", "/discord", "/teams", "/hook"):
        await chat.wait_for(path, 1)
    hook = chat.at("/hook")[0].json
    assert len(hook["alerts"]) == 100 and hook["notification_reason"] == "new"
    for _ in range(59):  # group_interval ticks up to the repeat interval: nothing new to say
        await harness.advance(60)
    assert len(chat.received) == 4
    await harness.advance(60)  # 3600 s after the first message
    await chat.wait_for("/hook", 2)
    assert chat.at("/hook")[1].json["notification_reason"] == "repeat"
    for path in ("/slack", "/discord", "/teams"):
        await chat.wait_for(path, 2)
        assert len(chat.at(path)) == 2


async def test_resolved_group_sends_resolved(harness: Harness, chat: FakeChat) -> None:
    alerts = await harness.start(alerts_config(chat, routes=[only(chat, "hook", group_wait=0)]))
    await harness.publish(alerts, "group.new", fingerprint="f1", title="boom", level="ERROR")
    await chat.wait_for("/hook", 1)
    await harness.publish(alerts, "group.status", fingerprint="f1", status="resolved")
    await harness.advance(60)
    await chat.wait_for("/hook", 2)
    body = chat.at("/hook")[1].json
    assert body["status"] == "resolved" and body["alerts"][0]["status"] == "resolved"


async def test_silence_mutes_matching_alerts_until_expired(harness: Harness, chat: FakeChat) -> None:
    config = alerts_config(chat, routes=[only(chat, "hook", group_wait=0, group_by=["logger"])])
    alerts = await harness.start(config)
    silence = await alerts.add_silence(["logger=noisy"], ends_at=harness.clock.time() + 3600, comment="deploy")
    await harness.publish(alerts, "group.new", fingerprint="n1", title="noisy error", level="ERROR", logger="noisy")
    await harness.publish(alerts, "group.new", fingerprint="q1", title="real error", level="ERROR", logger="quiet")
    await chat.wait_for("/hook", 1)
    assert chat.at("/hook")[0].json["alerts"][0]["labels"]["logger"] == "quiet"
    await harness.advance(60)
    assert await alerts.expire_silence(silence["id"]) is True
    assert await alerts.expire_silence(silence["id"]) is False
    await harness.advance(60)
    await chat.wait_for("/hook", 2)
    assert chat.at("/hook")[1].json["alerts"][0]["labels"]["logger"] == "noisy"
    assert len(chat.at("/hook")) == 2


async def test_rate_limit_defers_instead_of_dropping(harness: Harness, chat: FakeChat) -> None:
    config = alerts_config(chat, routes=[only(chat, "hook", group_wait=0, group_by=["fingerprint"])])
    config.receivers[3].rate_limit_per_minute = 2
    alerts = await harness.start(config)
    for i in range(4):
        await harness.publish(alerts, "group.new", fingerprint=f"f{i}", title="x", level="ERROR")
    await chat.wait_for("/hook", 2)
    rows = await until_async(lambda: _deferred(harness, 2), what="two deferred deliveries")
    assert all(abs(r["next_attempt_at"].timestamp() - harness.clock.time() - 30) < 0.001 for r in rows)
    assert all(r["attempts"] == 0 for r in rows)  # waiting for the rate limit is not a failed attempt
    await harness.advance(30)
    await chat.wait_for("/hook", 3)
    await harness.advance(30)
    await chat.wait_for("/hook", 4)


async def _deferred(harness: Harness, n: int) -> list[dict[str, object]] | None:
    now = harness.clock.time()
    rows = [r for r in await harness.delivery_rows()
            if r["status"] == "pending" and r["next_attempt_at"].timestamp() > now]
    return rows if len(rows) == n else None


async def test_restart_resumes_pending_and_failed_deliveries_and_groups(harness: Harness, chat: FakeChat) -> None:
    chat.answer("/slack", 503, times=1)
    chat.answer("/discord", 500, times=1)
    routes = [only(chat, "slack", group_wait=0, **{"continue": True}), only(chat, "discord", group_wait=0,
                                                                          **{"continue": True}),
              only(chat, "hook", group_wait=30)]
    config = alerts_config(chat, routes=routes, max_attempts=1)
    first = await harness.start(config)
    await harness.publish(first, "group.new", fingerprint="f1", title="boom", level="ERROR")
    await until_async(lambda: _failed_or_retry(harness), what="both chat deliveries failed once")
    await harness.stop(first)  # the hook's group is still inside group_wait
    assert chat.at("/slack") == [] and chat.at("/discord") == [] and chat.at("/hook") == []

    second = await harness.start(config)  # same SQLite store, new component
    await chat.wait_for("/slack", 1)
    await chat.wait_for("/discord", 1)
    await harness.advance(30)  # the restored group's group_wait ends
    await chat.wait_for("/hook", 1)
    assert chat.at("/hook")[0].json["alerts"][0]["labels"]["fingerprint"] == "f1"
    rows = await until_async(lambda: _all_sent(harness, 3), what="all sent")
    assert {r["receiver"]: r["attempts"] for r in rows}["slack"] == 1  # re-queued with a fresh attempt budget
    assert second.degraded() == []


async def _failed_or_retry(harness: Harness) -> bool:
    rows = await harness.delivery_rows()
    return len(rows) == 2 and all(r["status"] == "failed" and r["retryable"] for r in rows)


async def test_planted_secret_never_reaches_a_receiver(harness: Harness, chat: FakeChat) -> None:
    alerts = await harness.start(alerts_config(chat))
    await harness.publish(alerts, "group.new", fingerprint="s1", title=f"auth failed for api_key={SECRET}",
                          message=f"Authorization: Bearer {SECRET}", level="CRITICAL", logger="ws_daemon")
    await harness.publish(alerts, "diagnosis.ready", fingerprint="s1", summary=f"leaked {SECRET}",
                          root_cause=f"the key {SECRET} is revoked", suggested_fix=[f"rotate {SECRET}"],
                          severity="high", confidence=0.9)
    await harness.publish(alerts, "rollout.rollback", rollout="async", reasons=[f"token={SECRET} rejected"])
    await harness.advance(30)
    for path in ("/slack", "/discord", "/teams", "/hook"):
        await chat.wait_for(path, 1)
    bodies = b"".join(r.body for r in chat.received)
    assert SECRET.encode() not in bodies
    assert b"REDACTED" in bodies
    rows = await harness.store.alerts.recent(with_payload=True)
    assert SECRET not in json.dumps([r["payload"] for r in rows])


async def test_threshold_holds_a_warning_group_until_its_count_across_a_restart(
        harness: Harness, chat: FakeChat, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "alerts.yaml"
    rules.write_text("thresholds: {WARNING: 3}\n")
    config = alerts_config(chat, routes=[only(chat, "hook", group_wait=0)], rules_file=str(rules))
    first = await harness.start(config)
    await harness.publish(first, "group.new", fingerprint="w", title="slow", level="WARNING", count=1)
    await harness.publish(first, "group.updated", fingerprint="w", level="WARNING", count=2)
    await harness.publish(first, "group.new", fingerprint="e", title="err", level="ERROR", count=1)
    await chat.wait_for("/hook", 1)
    assert [a["labels"]["fingerprint"] for a in chat.at("/hook")[0].json["alerts"]] == ["e"]
    await harness.stop(first)
    second = await harness.start(config)  # the held group survives the restart
    await harness.publish(second, "group.updated", fingerprint="w", level="WARNING", count=3)
    await harness.advance(60)
    await chat.wait_for("/hook", 2)
    alerts = chat.at("/hook")[1].json["alerts"]
    assert [a["labels"]["fingerprint"] for a in alerts] == ["e", "w"]
    assert alerts[1]["annotations"]["occurrences"] == "3"


async def test_failing_receiver_shows_in_problems_and_build_wires_public_url(harness: Harness,
                                                                               chat: FakeChat) -> None:
    chat.answer("/hook", 500, times=10)
    config = alerts_config(chat, routes=[only(chat, "hook", group_wait=0)], backoff_base=1, backoff_max=1)
    alerts = await harness.start(config)
    assert alerts.degraded() == []
    await harness.publish(alerts, "group.new", fingerprint="f", title="boom", level="ERROR")
    for n in (1, 2, 3):
        await chat.wait_for("/hook", n, attempts=True)
        await until_async(lambda n=n: _row_with(harness, attempts=n), what=f"attempt {n} recorded")
        await harness.advance(1)
    (problem,) = alerts.degraded()
    assert problem.startswith("receiver hook: 3 deliveries in a row failed (last: HTTP 500")

    from sidecar.app import Sidecar, build_stages
    from sidecar.config import Config

    sidecar = Sidecar(Config.model_validate({"server": {"port": 9999, "read_access": "open"}, "alerts": {"rules_file": None}}),
                      clock=harness.clock)
    stages = build_stages(sidecar.config, harness.store, sidecar.bus, sidecar.clock, sidecar.telemetry, sidecar.url)
    assert stages.alerts is not None and stages.alerts.public_url == "http://127.0.0.1:9999"


async def test_connection_refused_is_retried_and_the_url_stays_secret(harness: Harness, chat: FakeChat) -> None:
    from tests.conftest import find_free_port

    dead = f"http://127.0.0.1:{find_free_port()}/services/T000/B000/s3cr3tpath"
    config = alerts_config(chat, routes=[only(chat, "slack", group_wait=0)])
    config.receivers[0].url = dead
    alerts = await harness.start(config)
    await harness.publish(alerts, "group.new", fingerprint="f", title="boom", level="ERROR")
    row = await until_async(lambda: _row_with(harness, attempts=1), what="connection error recorded")
    assert row["status"] == "pending" and row["http_status"] is None
    assert row["last_error"].startswith("ClientConnectorError") and "s3cr3tpath" not in row["last_error"]
    assert harness.telemetry.alert_deliveries.labels(channel="slack", outcome="retry")._value.get() == 1


async def test_diagnosis_event_carries_root_cause_fix_and_logger(harness: Harness, chat: FakeChat) -> None:
    # The event as the diagnosis stage publishes it (sidecar.diagnose.runner): the whole diagnosis
    # and the group's logger, so the alert needs nothing from the store.
    config = alerts_config(chat, routes=[only(chat, "hook", group_wait=0, match={"logger": "ws_daemon"})])
    alerts = await harness.start(config)
    await harness.publish(alerts, "diagnosis.ready", fingerprint="fpd", summary="Kimi balance exhausted",
                          severity="high", category="provider_quota", confidence=0.93, source="rules",
                          root_cause=f"quota gone for key {SECRET}", logger="ws_daemon",
                          suggested_fix=["top up the Moonshot balance", "fail over to GLM"])
    await chat.wait_for("/hook", 1)
    (alert,) = chat.at("/hook")[0].json["alerts"]
    assert alert["labels"]["logger"] == "ws_daemon"  # routed by the group's logger
    assert alert["annotations"]["root_cause"].startswith("quota gone for key [REDACTED")
    assert alert["annotations"]["suggested_fix"] == "- top up the Moonshot balance\n- fail over to GLM"
    assert alert["annotations"]["confidence"] == "93%"
    assert alert["generatorURL"] == "http://sidecar.test:8081/errors/fpd"
    assert SECRET not in chat.at("/hook")[0].body.decode()


async def test_store_outage_loses_no_notification(harness: Harness, chat: FakeChat) -> None:
    import sqlite3

    config = alerts_config(chat, routes=[only(chat, "hook", group_wait=0)])
    alerts = await harness.start(config)
    # Another process holds the write lock: our writes fail fast ("database is locked").
    await harness.store.db._w.conn.execute("PRAGMA busy_timeout=50")
    blocker = sqlite3.connect(harness.store.db.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        await harness.publish(alerts, "group.new", fingerprint="f", title="during the outage", level="ERROR")
        await until(lambda: any(p.startswith("store:") for p in alerts.degraded()), what="the outage noticed")
        assert chat.received == []
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await harness.advance(5)  # the scheduler retries the store
    await chat.wait_for("/hook", 1)
    assert chat.at("/hook")[0].json["alerts"][0]["annotations"]["summary"] == "New error: during the outage"
    await until(lambda: alerts.degraded() == [], what="the problem to clear")
