"""Channel renderers: payload shape and each channel's size limits (pure)."""

from __future__ import annotations

import json

from sidecar.alerts import discord, slack, teams, webhook
from sidecar.alerts.alertmanager import labels_of, to_am
from sidecar.alerts.model import Alert, Notification


def big_alert(i: int, size: int = 10_000, status_end: float | None = None) -> Alert:
    return Alert(
        key=f"group:{i}", kind="group.new", labels={"kind": "group.new", "severity": "critical", "logger": "gw"},
        title=f"New error {i}: " + "T" * size, text="x" * size,
        fields={"Root cause": "r" * size, "Suggested fix": "f" * size, "Level": "CRITICAL"},
        url=f"http://sidecar:8081/errors/{i}", starts_at=1_763_900_000.0, ends_at=status_end,
    )


def note(alerts: list[Alert]) -> Notification:
    return Notification(group_key="errors:abc", route="errors", receivers=("x",), group_labels={"kind": "group.new"},
                        alerts=tuple(alerts), reason="new", at=1_763_900_030.0)


def test_slack_block_kit_within_limits() -> None:
    payload = slack.render(note([big_alert(i) for i in range(120)]))
    blocks = payload["blocks"]
    assert len(blocks) <= slack.MAX_BLOCKS
    assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= slack.HEADER_TEXT
    sections = [b for b in blocks if b["type"] == "section"]
    assert sections and all(len(b["text"]["text"]) <= slack.SECTION_TEXT for b in sections)
    assert all(len(f["text"]) <= slack.FIELD_TEXT for b in sections for f in b.get("fields", []))
    assert blocks[-1]["type"] == "context" and "more alert" in blocks[-1]["elements"][0]["text"]
    hidden = int(blocks[-1]["elements"][0]["text"].split("and ")[1].split(" ")[0])
    assert len(sections) + hidden == 120
    assert sum(len(json.dumps(b, ensure_ascii=False)) for b in sections) <= slack.BLOCKS_BUDGET
    small = slack.render(note([big_alert(i, size=10) for i in range(49)]))["blocks"]
    assert len(small) == 50 and small[-1]["type"] == "section"  # 49 alerts fit without "and N more"
    assert payload["text"].startswith("[FIRING:120]") and len(payload["text"]) <= slack.FALLBACK_TEXT
    assert "<http://sidecar:8081/errors/0|" in sections[0]["text"]["text"]


def test_slack_escapes_mentions_and_links_from_log_text() -> None:
    a = Alert(key="k", kind="group.new", labels={"severity": "error"}, title="boom <!channel> & <http://evil|x>",
              text="<@U123>", starts_at=0)
    payload = slack.render(note([a]))
    # The header is plain_text (never parsed for mentions); everything mrkdwn must be escaped.
    dumped = json.dumps([payload["text"], payload["blocks"][1:]])
    assert "<!channel>" not in dumped and "<@U123>" not in dumped and "<http://evil" not in dumped
    assert "&lt;!channel&gt; &amp;" in dumped and "&lt;@U123&gt;" in dumped


def test_discord_embeds_within_limits() -> None:
    payload = discord.render(note([big_alert(i) for i in range(30)]))
    embeds = payload["embeds"]
    assert 1 <= len(embeds) <= discord.MAX_EMBEDS
    assert sum(discord.embed_size(e) for e in embeds) <= discord.TOTAL
    for e in embeds:
        assert len(e["title"]) <= discord.TITLE
        assert len(e.get("description", "")) <= discord.DESCRIPTION
        assert all(len(f["name"]) <= discord.FIELD_NAME and len(f["value"]) <= discord.FIELD_VALUE
                   for f in e.get("fields", []))
        assert e["color"] == discord.RED and e["url"].startswith("http://sidecar:8081/errors/")
    assert len(payload["content"]) <= discord.CONTENT and "more alert" in payload["content"]
    assert payload["allowed_mentions"] == {"parse": []}


def test_discord_small_notification_is_complete_and_resolved_is_green() -> None:
    a = Alert(key="k", kind="group.new", labels={"severity": "warning"}, title="t", text="body",
              fields={"Level": "WARNING"}, starts_at=0, ends_at=60)
    payload = discord.render(note([a]))
    (embed,) = payload["embeds"]
    assert embed["color"] == discord.GREEN and embed["fields"] == [{"name": "Level", "value": "WARNING", "inline": True}]
    assert embed["description"] == "resolved\nbody"
    assert payload["content"] == "[RESOLVED] t"


def test_teams_adaptive_card_shape_and_size() -> None:
    payload = teams.render(note([big_alert(i, size=3000) for i in range(40)]))
    assert payload["type"] == "message"
    (att,) = payload["attachments"]
    assert att["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = att["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["type"] == "TextBlock" and card["body"][0]["text"].startswith("[FIRING:40]")
    assert any(b["type"] == "FactSet" for b in card["body"])
    assert card["actions"][0] == {"type": "Action.OpenUrl", "title": "Open in dashboard",
                                  "url": "http://sidecar:8081/errors/0"}
    assert len(json.dumps(payload, ensure_ascii=False).encode()) <= teams.SIZE_BUDGET
    assert "more alert" in card["body"][-1]["text"]


def test_webhook_is_alertmanager_v4_shaped_and_signed() -> None:
    alerts = [big_alert(1, size=10), big_alert(2, size=10, status_end=1_763_900_020.0)]
    payload = webhook.render(note(alerts), "hook", "http://sidecar:8081")
    assert payload["version"] == "4" and payload["receiver"] == "hook" and payload["status"] == "firing"
    assert payload["groupKey"] == "errors:abc" and payload["groupLabels"] == {"kind": "group.new"}
    assert payload["commonLabels"] == {"kind": "group.new", "severity": "critical", "logger": "gw"}
    assert [a["status"] for a in payload["alerts"]] == ["firing", "resolved"]
    assert payload["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z"
    assert payload["alerts"][1]["endsAt"] == "2025-11-23T12:13:40.000Z"


def test_alertmanager_alert_labels_and_times() -> None:
    a = Alert(key="group:abc", kind="group.regressed", labels={"kind": "group.regressed", "severity": "error",
                                                               "exception-type": "ValueError"},
              title="t", fields={"Root cause": "x"}, url="http://s/errors/abc", starts_at=1000.0)
    am = to_am(a, now=1100.0, resend_interval=60)
    assert am["labels"] == {"severity": "error", "exception_type": "ValueError", "alertname": "SidecarErrorGroup",
                            "alert_key": "group:abc"}
    assert am["annotations"]["root_cause"] == "x" and am["annotations"]["dashboard_url"] == "http://s/errors/abc"
    assert am["startsAt"] == "1970-01-01T00:16:40.000Z" and am["endsAt"] == "1970-01-01T00:22:20.000Z"
    resolved = to_am(a.resolved(1200.0), now=1300.0, resend_interval=60)
    assert resolved["endsAt"] == "1970-01-01T00:20:00.000Z"
    assert labels_of(a) == am["labels"]


def test_notices_are_not_called_firing() -> None:
    a = Alert(key="diagnosis:x", kind="diagnosis.ready", labels={}, title="Diagnosis: quota", one_shot=True)
    assert slack.render(note([a]))["text"].startswith("[NOTICE:1] Diagnosis: quota")
