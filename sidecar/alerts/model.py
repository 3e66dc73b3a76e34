"""The data the alerting stage works on: an `Alert` (one condition, identified by its dedup key) and a
`Notification` (the alerts of one aggregation group, flushed together to a route's receivers).

Alerts are immutable values: every change (a repeat occurrence, a resolve) produces a new `Alert`
with the same `key`, so the pure grouping functions can compare snapshots without aliasing bugs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

FIRING = "firing"
RESOLVED = "resolved"


@dataclass(frozen=True, slots=True, eq=True)
class Alert:
    """One alertable condition.

    key:       dedup key; two events with the same key are the same alert (e.g. `group:<fingerprint>`).
    kind:      the bus event kind that raised it (`group.new`, `rollout.rollback`, ...).
    labels:    what routes, silences and group_by match on (kind, severity, category, logger,
               rollout, fingerprint, ...); all values are strings, empty ones are dropped.
    title/text/fields: what people read; already redacted when the alert is built.
    url:       link to the dashboard page for the condition.
    starts_at: epoch seconds when the condition started.
    ends_at:   epoch seconds when it cleared; None while firing.
    one_shot:  a notice (diagnosis ready, promoted): sent once, never repeated, never "resolved".
    """

    key: str
    kind: str
    labels: dict[str, str]
    title: str
    text: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    starts_at: float = 0.0
    ends_at: float | None = None
    one_shot: bool = False

    @property
    def status(self) -> str:
        return RESOLVED if self.ends_at is not None else FIRING

    @property
    def severity(self) -> str:
        return self.labels.get("severity", "")

    def resolved(self, at: float) -> Alert:
        return replace(self, ends_at=at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "kind": self.kind, "labels": dict(self.labels), "title": self.title,
            "text": self.text, "fields": dict(self.fields), "url": self.url, "starts_at": self.starts_at,
            "ends_at": self.ends_at, "one_shot": self.one_shot,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Alert:
        return cls(
            key=str(d["key"]), kind=str(d["kind"]), labels={str(k): str(v) for k, v in d["labels"].items()},
            title=str(d.get("title", "")), text=str(d.get("text", "")),
            fields={str(k): str(v) for k, v in (d.get("fields") or {}).items()}, url=d.get("url"),
            starts_at=float(d.get("starts_at", 0.0)),
            ends_at=None if d.get("ends_at") is None else float(d["ends_at"]),
            one_shot=bool(d.get("one_shot", False)),
        )


@dataclass(frozen=True, slots=True)
class Notification:
    """What one flush of one aggregation group sends to each receiver of its route."""

    group_key: str
    route: str
    receivers: tuple[str, ...]
    group_labels: dict[str, str]
    alerts: tuple[Alert, ...]
    reason: str  # "new" | "changed" | "repeat"
    at: float

    @property
    def firing(self) -> list[Alert]:
        return [a for a in self.alerts if a.status == FIRING]

    @property
    def resolved(self) -> list[Alert]:
        return [a for a in self.alerts if a.status == RESOLVED]

    @property
    def status(self) -> str:
        return FIRING if self.firing else RESOLVED

    def for_receiver(self, send_resolved: bool) -> Notification | None:
        """The notification as a receiver that may not want resolved alerts sees it (None: nothing to send)."""
        if send_resolved:
            return self
        firing = tuple(a for a in self.alerts if a.status == FIRING)
        if not firing:
            return None
        return replace(self, alerts=firing)
