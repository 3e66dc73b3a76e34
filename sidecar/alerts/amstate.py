"""What each Alertmanager receiver should currently be told, as pure state driven by `now`.

Firing alerts are re-posted every `resend_interval` (Alertmanager expects clients to keep
sending; Prometheus does the same). Resolved alerts and one-shot notices stay in the posted set
for `4 * resend_interval` after they end, so a payload that replaces a still-pending one (the
outbox coalesces per receiver) never drops a resolution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import FIRING, Alert

IsSilenced = Callable[[Mapping[str, str]], bool]


@dataclass
class AmReceiverState:
    alerts: dict[str, Alert] = field(default_factory=dict)
    changed: bool = False
    last_post_at: float | None = None


class AmState:
    def __init__(self, resend_interval: float) -> None:
        self.resend = resend_interval
        self.receivers: dict[str, AmReceiverState] = {}
        self.dirty = False

    def fire(self, receiver: str, alert: Alert) -> None:
        st = self.receivers.setdefault(receiver, AmReceiverState())
        prev = st.alerts.get(alert.key)
        if prev is not None and prev.status == FIRING:
            alert = Alert.from_dict({**alert.to_dict(), "starts_at": prev.starts_at})
        st.alerts[alert.key] = alert
        st.changed = True
        self.dirty = True

    def resolve(self, now: float, keys: Iterable[str] = (), prefixes: Iterable[str] = ()) -> None:
        keys, prefixes = set(keys), tuple(prefixes)
        for st in self.receivers.values():
            for k, a in list(st.alerts.items()):
                if a.status == FIRING and not a.one_shot and (k in keys or (prefixes and k.startswith(prefixes))):
                    st.alerts[k] = a.resolved(now)
                    st.changed = True
                    self.dirty = True

    def _expired(self, a: Alert, now: float) -> bool:
        if a.ends_at is not None:
            return now >= a.ends_at + 4 * self.resend
        if a.one_shot:
            return now >= a.starts_at + 4 * self.resend
        return False

    def due(self, now: float, is_silenced: IsSilenced = lambda labels: False) -> dict[str, list[Alert]]:
        """Receivers to post to now, with the alerts to post (firing, plus recent resolutions)."""
        out: dict[str, list[Alert]] = {}
        for name, st in self.receivers.items():
            for k, a in list(st.alerts.items()):
                if self._expired(a, now):
                    del st.alerts[k]
                    self.dirty = True
            periodic = st.last_post_at is None or now - st.last_post_at >= self.resend
            visible = [a for a in st.alerts.values() if a.status != FIRING or not is_silenced(a.labels)]
            if visible and (st.changed or (periodic and any(a.status == FIRING for a in visible))):
                out[name] = sorted(visible, key=lambda a: a.key)
                st.last_post_at = now
                self.dirty = True
            st.changed = False
        return out

    def next_due(self) -> float | None:
        times = [st.last_post_at + self.resend for st in self.receivers.values()
                 if st.last_post_at is not None and any(a.status == FIRING for a in st.alerts.values())]
        if any(st.changed for st in self.receivers.values()):
            return float("-inf")
        return min(times, default=None)

    def to_dict(self) -> dict[str, Any]:
        return {name: {"alerts": [a.to_dict() for a in st.alerts.values()], "last_post_at": st.last_post_at}
                for name, st in self.receivers.items()}

    def load(self, data: Mapping[str, Any], receivers: Iterable[str]) -> None:
        known = set(receivers)
        for name, st in data.items():
            if name not in known:
                continue
            alerts = [Alert.from_dict(a) for a in st.get("alerts", [])]
            # After a restart, re-post at once: Alertmanager may have expired them meanwhile.
            self.receivers[name] = AmReceiverState(alerts={a.key: a for a in alerts}, changed=bool(alerts),
                                                   last_post_at=st.get("last_post_at"))
