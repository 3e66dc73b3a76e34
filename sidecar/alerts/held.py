"""Group alerts that have not fired yet: below their count threshold, or waiting for a diagnosis.

Both kinds are saved as one state row (`HELD_STATE_KEY`) with the aggregation groups, so a restart
neither loses an alert that was about to fire nor fires one twice. Every table is bounded: under a
flood of new groups the oldest held alert is dropped (it had not reached its threshold), an alert
that finds the waiting room full fires at once without its diagnosis, and only the most recent
diagnoses are remembered for alerts still below their threshold.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from .model import Alert

HELD_STATE_KEY = "@held"  # the store row holding this state (a pseudo route of alert_groups)
MAX_HELD = 10_000
MAX_AWAITING = 1_000  # group alerts waiting for their diagnosis (beyond this they fire without it)
MAX_DIAGNOSES = 1_000  # recent diagnoses remembered for group alerts still held below their threshold


class HeldAlerts:
    """Unfired group alerts by fingerprint; `dirty` says the saved row is out of date."""

    def __init__(self) -> None:
        self._held: OrderedDict[str, tuple[Alert, int]] = OrderedDict()  # fp -> (alert, count that fires it)
        self._awaiting: OrderedDict[str, tuple[Alert, float]] = OrderedDict()  # fp -> (alert, arrived at)
        self._diagnoses: OrderedDict[str, Mapping[str, Any]] = OrderedDict()
        self.dirty = False

    # --- below the count threshold ---------------------------------------------------------

    def hold(self, fp: str, alert: Alert, until: int) -> None:
        """Keep `alert` until the group's count reaches `until` (the newest replaces an older one)."""
        self._held[fp] = (alert, until)
        self._held.move_to_end(fp)
        while len(self._held) > MAX_HELD:
            self._held.popitem(last=False)
        self.dirty = True

    def reached(self, fp: str, count: int) -> Alert | None:
        """The held alert whose threshold `count` reaches (removed), else None."""
        held = self._held.get(fp)
        if held is None or count < held[1]:
            return None
        del self._held[fp]
        self.dirty = True
        return held[0]

    # --- waiting for a diagnosis -----------------------------------------------------------

    def park(self, fp: str, alert: Alert, at: float) -> bool:
        """Let `alert` wait for its diagnosis; False when it is known already or the room is full."""
        if fp in self._diagnoses or len(self._awaiting) >= MAX_AWAITING:
            return False
        self._awaiting[fp] = (alert, at)
        self.dirty = True  # saved with the held alerts: a crash while waiting loses nothing
        return True

    def waiting(self) -> Iterator[tuple[str, Alert, float]]:
        """(fingerprint, alert, arrived at) in arrival order; safe to `release` while iterating."""
        for fp, (alert, at) in list(self._awaiting.items()):
            yield fp, alert, at

    def release(self, fp: str) -> None:
        if self._awaiting.pop(fp, None) is not None:
            self.dirty = True

    def diagnosed(self, fp: str, diagnosis: Mapping[str, Any]) -> tuple[Alert, float] | None:
        """Remember a diagnosis; return the alert that was waiting for it (no longer waiting), if any."""
        self._diagnoses[fp] = diagnosis
        self._diagnoses.move_to_end(fp)
        while len(self._diagnoses) > MAX_DIAGNOSES:
            self._diagnoses.popitem(last=False)
        waiting = self._awaiting.pop(fp, None)
        if waiting is not None:
            self.dirty = True
        return waiting

    def diagnosis(self, fp: str) -> Mapping[str, Any] | None:
        return self._diagnoses.get(fp)

    # --- both ------------------------------------------------------------------------------

    def forget(self, fp: str) -> None:
        """The group resolved: nothing of it may fire later."""
        # Either table changed means the saved row is stale: a restart must not fire it.
        waited = self._awaiting.pop(fp, None) is not None
        held = self._held.pop(fp, None) is not None
        self.dirty |= waited or held

    def to_dict(self) -> dict[str, Any]:
        return {"held": [[fp, alert.to_dict(), until] for fp, (alert, until) in self._held.items()],
                "awaiting": [[fp, alert.to_dict(), at] for fp, (alert, at) in self._awaiting.items()]}

    def load(self, state: Mapping[str, Any] | None) -> None:
        """Restore a saved row; raises KeyError, TypeError or ValueError when it cannot be read."""
        for fp, alert, until in (state or {}).get("held", []):
            self._held[fp] = (Alert.from_dict(alert), int(until))
        for fp, alert, at in (state or {}).get("awaiting", []):
            self._awaiting[fp] = (Alert.from_dict(alert), float(at))
