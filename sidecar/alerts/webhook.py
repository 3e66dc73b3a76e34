"""Generic webhook: Alertmanager's webhook JSON (version "4") so existing consumers can read it.

With a receiver `secret` each request is signed by Standard Webhooks (`sidecar/signing.py`, the
same scheme as rollout hooks): the signed timestamp lets a receiver reject replays.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .model import Alert, Notification
from .render import cut, headline, iso

MAX_ALERTS = 200


def _alert(alert: Alert) -> dict[str, Any]:
    annotations = {"summary": alert.title}
    if alert.text:
        annotations["description"] = alert.text
    annotations.update({k.lower().replace(" ", "_"): v for k, v in alert.fields.items()})
    return {
        "status": alert.status, "key": alert.key, "labels": dict(alert.labels), "annotations": annotations,
        "startsAt": iso(alert.starts_at), "endsAt": iso(alert.ends_at) if alert.ends_at else "0001-01-01T00:00:00Z",
        "generatorURL": alert.url or "", "fingerprint": hashlib.sha256(alert.key.encode()).hexdigest()[:16],
    }


def _common(dicts: list[dict[str, str]]) -> dict[str, str]:
    if not dicts:
        return {}
    first = dicts[0]
    return {k: v for k, v in first.items() if all(d.get(k) == v for d in dicts[1:])}


def render(note: Notification, receiver: str, external_url: str) -> dict[str, Any]:
    alerts = list(note.alerts[:MAX_ALERTS])
    return {
        "version": "4", "groupKey": note.group_key, "truncatedAlerts": len(note.alerts) - len(alerts),
        "status": note.status, "receiver": receiver, "groupLabels": dict(note.group_labels),
        "commonLabels": _common([a.labels for a in alerts]),
        "commonAnnotations": _common([_alert(a)["annotations"] for a in alerts]),
        "externalURL": external_url, "notification_reason": note.reason, "title": cut(headline(note), 500),
        "alerts": [_alert(a) for a in alerts],
    }
