"""Alertmanager as a receiver: `POST {url}/api/v2/alerts` with a list of alerts.

Alertmanager does its own grouping, silencing and repeating, so these alerts bypass our
aggregation groups: a firing alert is posted at once and re-posted every `resend_interval` while it
fires, with `endsAt = now + 4 * resend_interval` (Prometheus' convention) so Alertmanager resolves it
by itself if the sidecar stops. When the condition clears, the alert is posted once more with
`endsAt` = the time it cleared, which resolves it immediately. One-shot notices are posted once
with a short `endsAt` window.

Identity in Alertmanager is the label set, so labels are stable per alert key: `alertname` plus the
alert's labels (names sanitised to `[a-zA-Z_][a-zA-Z0-9_]*`).
"""

from __future__ import annotations

import re
from typing import Any

from ..clock import utc
from ..store.base import Store
from .model import Alert
from .render import cut, iso

ALERTNAMES = {
    "group.new": "SidecarErrorGroup", "group.regressed": "SidecarErrorGroup",
    "diagnosis.ready": "SidecarDiagnosis", "rollout.gate_failed": "SidecarRolloutGateFailed",
    "rollout.rollback": "SidecarRolloutRollback", "rollout.promoted": "SidecarRolloutPromoted",
    "rollout.waiting_approval": "SidecarRolloutWaitingApproval", "diagnosis.llm_paused": "SidecarLlmPaused",
}
ANNOTATION = 4000
MAX_PER_POST = 500  # alerts per POST; bigger sets are split
LABEL_VALUE = 500
_BAD = re.compile(r"[^A-Za-z0-9_]")


def api_url(base: str) -> str:
    base = base.rstrip("/")
    return base if base.endswith("/api/v2/alerts") else f"{base}/api/v2/alerts"


def label_name(name: str) -> str:
    clean = _BAD.sub("_", name)
    return clean if clean and not clean[0].isdigit() else f"_{clean}"


def labels_of(alert: Alert) -> dict[str, str]:
    labels = {label_name(k): cut(v, LABEL_VALUE) for k, v in alert.labels.items() if v}
    # `kind` differs between group.new and group.regressed; keep identity per alert key.
    if alert.kind in ("group.new", "group.regressed"):
        labels.pop("kind", None)
    labels["alertname"] = ALERTNAMES.get(alert.kind, "SidecarAlert")
    labels["alert_key"] = cut(alert.key, LABEL_VALUE)
    return labels


def to_am(alert: Alert, now: float, resend_interval: float) -> dict[str, Any]:
    annotations = {"summary": cut(alert.title, ANNOTATION)}
    if alert.text:
        annotations["description"] = cut(alert.text, ANNOTATION)
    for k, v in alert.fields.items():
        annotations[label_name(k.lower())] = cut(v, ANNOTATION)
    if alert.url:
        annotations["dashboard_url"] = alert.url
    if alert.ends_at is not None:
        ends = alert.ends_at
    elif alert.one_shot:
        ends = max(now, alert.starts_at) + 4 * resend_interval
    else:
        ends = now + 4 * resend_interval
    out: dict[str, Any] = {"labels": labels_of(alert), "annotations": annotations,
                           "startsAt": iso(alert.starts_at), "endsAt": iso(ends)}
    if alert.url:
        out["generatorURL"] = alert.url
    return out


def render(alerts: list[Alert], now: float, resend_interval: float) -> list[dict[str, Any]]:
    return [to_am(a, now, resend_interval) for a in alerts]


async def enqueue(store: Store, receiver: str, alerts: list[Alert], now: float, resend_interval: float) -> None:
    """Write a receiver's due alerts to the outbox: large sets in chunks (one row each, coalesced per chunk, so
    a newer state of the same chunk replaces an unsent older one) to keep requests small."""
    for i in range(0, max(1, len(alerts)), MAX_PER_POST):
        chunk = alerts[i:i + MAX_PER_POST]
        firing = sum(1 for a in chunk if a.status == "firing")
        key = f"am:{receiver}" + (f":{i // MAX_PER_POST}" if i else "")
        await store.alerts.enqueue(
            receiver=receiver, channel="alertmanager", route=None, group_key=key,
            payload=render(chunk, now, resend_interval), summary=f"{firing} firing, {len(chunk) - firing} resolved",
            alert_count=len(chunk), now=utc(now), coalesce_key=key)
