"""Aggregation groups, as Alertmanager does them, as pure state transitions driven by `now`.

An alert taking a route joins the group keyed by (route, the route's group_by label values). A
group flushes first `group_wait` after its first alert, then every `group_interval`. A flush sends
a notification only when something changed since the last one (a new firing alert, a newly
resolved one), or when alerts are still firing and `repeat_interval` has passed since the last
send. Resolved and one-shot alerts leave the group once notified; an empty group is dropped.
Silenced alerts are filtered at flush time (they neither send nor count as a change), so a
silence that expires lets the alert notify at the next flush.

Nothing here does I/O or reads a clock: `add`, `resolve` and `flush_due` take `now`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..severity import rank
from .model import FIRING, RESOLVED, Alert, Notification
from .rules import Route

IsSilenced = Callable[[Mapping[str, str]], bool]


def group_key(route: Route, labels: Mapping[str, str]) -> str:
    glabels = route.group_labels(labels)
    digest = hashlib.sha256(json.dumps(glabels, sort_keys=True).encode()).hexdigest()[:16]
    return f"{route.name}:{digest}"


@dataclass
class Group:
    key: str
    route: str
    labels: dict[str, str]
    alerts: dict[str, Alert] = field(default_factory=dict)
    first_at: float = 0.0
    next_flush_at: float = 0.0
    last_sent_at: float | None = None
    last_firing: frozenset[str] = frozenset()  # keys firing at the last notification
    last_resolved: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "route": self.route, "labels": self.labels,
            "alerts": [a.to_dict() for a in self.alerts.values()], "first_at": self.first_at,
            "next_flush_at": self.next_flush_at, "last_sent_at": self.last_sent_at,
            "last_firing": sorted(self.last_firing), "last_resolved": sorted(self.last_resolved),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Group:
        alerts = [Alert.from_dict(a) for a in d.get("alerts", [])]
        return cls(
            key=str(d["key"]), route=str(d["route"]), labels=dict(d.get("labels") or {}),
            alerts={a.key: a for a in alerts}, first_at=float(d.get("first_at", 0.0)),
            next_flush_at=float(d.get("next_flush_at", 0.0)),
            last_sent_at=None if d.get("last_sent_at") is None else float(d["last_sent_at"]),
            last_firing=frozenset(d.get("last_firing") or ()), last_resolved=frozenset(d.get("last_resolved") or ()),
        )


class Aggregator:
    """All aggregation groups of all routes. `dirty` names groups changed since `take_dirty()`."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes: dict[str, Route] = {r.name: r for r in routes}
        self.groups: dict[str, Group] = {}
        self._dirty: set[str] = set()

    # --- state in ---------------------------------------------------------------------------

    def add(self, alert: Alert, route: Route, now: float) -> Group:
        """A firing (or re-firing) alert joins its group; same key = same alert (dedup)."""
        key = group_key(route, alert.labels)
        group = self.groups.get(key)
        if group is None:
            group = Group(key=key, route=route.name, labels=route.group_labels(alert.labels),
                          first_at=now, next_flush_at=now + route.group_wait)
            self.groups[key] = group
        previous = group.alerts.get(alert.key)
        if previous is not None and previous.status == FIRING and alert.status == FIRING:
            # Keep when it started; take the newest text (count, stage, ...).
            alert = replace(alert, starts_at=previous.starts_at)
        group.alerts[alert.key] = alert
        self._dirty.add(key)
        return group

    def resolve(self, now: float, keys: Iterable[str] = (), prefixes: Iterable[str] = ()) -> list[Alert]:
        """Mark matching firing alerts resolved; return them (as resolved)."""
        keys = set(keys)
        prefixes = tuple(prefixes)
        out = []
        for group in self.groups.values():
            for k, a in list(group.alerts.items()):
                if a.status != FIRING or a.one_shot:
                    continue
                if k in keys or (prefixes and k.startswith(prefixes)):
                    group.alerts[k] = a.resolved(now)
                    out.append(group.alerts[k])
                    self._dirty.add(group.key)
        return out

    def update_field(self, key: str, name: str, value: str) -> None:
        """Refresh one field of a firing alert in place (not a change: no notification by itself)."""
        for group in self.groups.values():
            a = group.alerts.get(key)
            if a is not None and a.status == FIRING and name in a.fields and a.fields[name] != value:
                group.alerts[key] = replace(a, fields={**a.fields, name: value})
                self._dirty.add(group.key)

    def firing(self, key: str) -> Alert | None:
        for group in self.groups.values():
            a = group.alerts.get(key)
            if a is not None and a.status == FIRING:
                return a
        return None

    # --- decisions --------------------------------------------------------------------------

    def next_due(self) -> float | None:
        return min((g.next_flush_at for g in self.groups.values()), default=None)

    def flush_due(self, now: float, is_silenced: IsSilenced = lambda labels: False) -> list[Notification]:
        """Flush every group whose time has come; return the notifications to send."""
        out = []
        for key in sorted(self.groups, key=lambda k: self.groups[k].next_flush_at):
            group = self.groups[key]
            if group.next_flush_at > now:
                continue
            route = self.routes.get(group.route)
            if route is None:  # the route was removed from the rules: drop the group
                del self.groups[key]
                self._dirty.add(key)
                continue
            note = self._flush(group, route, now, is_silenced)
            if note is not None:
                out.append(note)
            self._dirty.add(key)
            if not group.alerts and not (note is not None and any(a.one_shot for a in note.alerts)):
                # A group that just sent one-shot notices stays (empty) until its next flush, so the next notice waits for
                # group_interval instead of opening a new group with a fresh group_wait.
                del self.groups[key]
        return out

    def _flush(self, group: Group, route: Route, now: float, is_silenced: IsSilenced) -> Notification | None:
        group.next_flush_at = now + max(route.group_interval, 0.001)
        visible = [a for a in group.alerts.values() if not is_silenced(a.labels)]
        firing = frozenset(a.key for a in visible if a.status == FIRING)
        resolved = frozenset(a.key for a in visible if a.status == RESOLVED)
        if group.last_sent_at is None:
            reason = "new"
            send = bool(firing)  # a group whose alerts all resolved before the first flush stays quiet
        elif firing != group.last_firing or not resolved <= group.last_resolved:
            reason = "changed"
            # Resolved alerts nobody was told about (firing was never notified) are dropped quietly.
            send = bool(firing) or bool(resolved & group.last_firing)
        elif firing and now - group.last_sent_at >= route.repeat_interval:
            reason = "repeat"
            send = True
        else:
            send = False
        note = None
        if send:
            # Firing first, the most severe first among them: a grouped message's headline
            # ("... (+3 more)") names the critical alert, not whichever started first.
            alerts = tuple(sorted((a for a in visible if a.status == FIRING or a.key in group.last_firing),
                                  key=lambda a: (a.status != FIRING, -rank(a.severity), a.starts_at, a.key)))
            note = Notification(group_key=group.key, route=route.name, receivers=route.receivers,
                                group_labels=dict(group.labels), alerts=alerts, reason=reason, at=now)
            group.last_sent_at = now
            group.last_resolved = resolved
        # Resolved alerts are done once a flush has judged them; a one-shot notice once it was sent
        # (or muted: a silenced notice is dropped, not delivered late).
        silenced_keys = {a.key for a in group.alerts.values()} - {a.key for a in visible}
        done = {k for k, a in group.alerts.items()
                if a.status == RESOLVED or (a.one_shot and (note is not None or k in silenced_keys))}
        for k in done:
            del group.alerts[k]
        if note is not None:
            group.last_firing = firing - done
        else:
            group.last_firing = group.last_firing & frozenset(group.alerts)
        return note

    # --- persistence ------------------------------------------------------------------------

    def take_dirty(self) -> tuple[list[Group], list[str]]:
        """Groups to save and group keys to delete since the last call."""
        dirty, self._dirty = self._dirty, set()
        keep = [self.groups[k] for k in sorted(dirty) if k in self.groups]
        gone = [k for k in sorted(dirty) if k not in self.groups]
        return keep, gone

    def mark_dirty(self, keys: Iterable[str]) -> None:
        self._dirty.update(keys)

    def load(self, groups: Iterable[Group]) -> None:
        for g in groups:
            if g.route in self.routes:
                self.groups[g.key] = g
