"""Microsoft Teams (Workflows webhook): a message with one Adaptive Card attachment.

Shape: `{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
"content": {AdaptiveCard 1.4}}]}`. Teams rejects messages over about 28 KB, so the card is built
within SIZE_BUDGET bytes of JSON: alerts that do not fit are summarised as "and N more".
"""

from __future__ import annotations

import json
from typing import Any

from .model import FIRING, Alert, Notification
from .render import cut, headline, status_word

SIZE_BUDGET = 26_000  # bytes of JSON; leaves headroom under Teams' ~28 KB message limit
TEXT = 2000
FACT = 1000
_COLOR = {"critical": "Attention", "error": "Attention", "warning": "Warning", "info": "Accent"}


def _md(text: str) -> str:
    # Adaptive Card TextBlocks render a markdown subset: keep log text from forming links.
    return text.replace("](", "] (")


def _alert_items(alert: Alert) -> list[dict[str, Any]]:
    color = "Good" if alert.status != FIRING else _COLOR.get(alert.severity, "Attention")
    title = _md(cut(alert.title, 500))
    items: list[dict[str, Any]] = [{
        "type": "TextBlock", "text": f"[{title}]({alert.url})" if alert.url else title, "weight": "Bolder",
        "color": color, "wrap": True, "separator": True, "spacing": "Medium",
    }, {"type": "TextBlock", "text": status_word(alert), "isSubtle": True, "spacing": "None", "wrap": True}]
    if alert.text:
        items.append({"type": "TextBlock", "text": _md(cut(alert.text, TEXT)), "wrap": True})
    if alert.fields:
        items.append({"type": "FactSet", "facts": [{"title": cut(k, 100), "value": _md(cut(v, FACT))}
                                                   for k, v in alert.fields.items()]})
    return items


def _message(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
        "version": "1.4", "body": body, "msteams": {"width": "Full"},
    }
    if actions:
        card["actions"] = actions
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def _size(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode())


def render(note: Notification) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": _md(cut(headline(note), 300)), "size": "Large", "weight": "Bolder", "wrap": True},
    ]
    first_url = next((a.url for a in note.alerts if a.url), None)
    actions = [{"type": "Action.OpenUrl", "title": "Open in dashboard", "url": first_url}] if first_url else []
    shown = 0
    for alert in note.alerts:
        candidate = body + _alert_items(alert)
        if _size(_message(candidate, actions)) > SIZE_BUDGET - 200:
            break
        body = candidate
        shown += 1
    hidden = len(note.alerts) - shown
    if hidden:
        body.append({"type": "TextBlock", "text": f"…and {hidden} more alert{'s' if hidden != 1 else ''} in this group",
                     "isSubtle": True, "wrap": True})
    return _message(body, actions)
