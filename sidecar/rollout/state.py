"""Rollout states, the persisted snapshot, and the pure rules of the state machine.

    idle ──start──> running(stage k) ──gates pass for hold + samples──> running(stage k+1) ... ──> complete
                       │   └─(approval needed)─> waiting_approval ──approve──┘
                       ├─pause──> paused ──resume──> (back)
                       └─trigger fires / gate trips / manual──> rolling_back ──hooks done──> rolled_back

Triggers stay armed in waiting_approval and paused: pausing stops promotion, not protection.
A completed or rolled-back rollout can be started again (a new incident).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..config import RolloutConfig
from ..exceptions import SidecarError

IDLE = "idle"
RUNNING = "running"
WAITING = "waiting_approval"
PAUSED = "paused"
COMPLETE = "complete"
ROLLING_BACK = "rolling_back"
ROLLED_BACK = "rolled_back"
STATES = (IDLE, RUNNING, WAITING, PAUSED, COMPLETE, ROLLING_BACK, ROLLED_BACK)
EVALUATED = (RUNNING, WAITING, PAUSED)  # states in which gates and triggers are measured

# Which manual actions are allowed from which states.
ALLOWED: dict[str, tuple[str, ...]] = {
    "start": (IDLE, COMPLETE, ROLLED_BACK),
    "promote": (RUNNING, WAITING),
    "approve": (WAITING,),
    "pause": (RUNNING, WAITING),
    "resume": (PAUSED,),
    "rollback": (RUNNING, WAITING, PAUSED, COMPLETE, ROLLING_BACK),
}


class RolloutError(SidecarError):
    """Base class for rollout control errors."""


class UnknownRollout(RolloutError):
    pass


class InvalidTransition(RolloutError):
    """The action is not allowed in the current state (HTTP 409)."""


class Conflict(RolloutError):
    """Another replica kept changing the rollout; the action was not applied (HTTP 409)."""


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


@dataclass(slots=True)
class Snapshot:
    """One `rollout_state` row, with timestamps as epoch seconds."""

    name: str
    state: str
    stage_index: int
    percent: float
    started_at: float | None
    stage_started_at: float | None
    stage_elapsed: float
    running_since: float | None
    incident: int
    version: int
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Snapshot:
        return cls(
            name=row["name"], state=row["state"], stage_index=int(row["stage_index"]),
            percent=float(row["percent"]), started_at=_ts(row.get("started_at")),
            stage_started_at=_ts(row.get("stage_started_at")), stage_elapsed=float(row["stage_elapsed"] or 0),
            running_since=_ts(row.get("running_since")), incident=int(row["incident"]),
            version=int(row["version"]), data=dict(row.get("data") or {}),
        )

    def elapsed(self, now: float) -> float:
        """Seconds counted toward the stage's hold: running time, not paused time."""
        running = max(0.0, now - self.running_since) if self.running_since is not None else 0.0
        return self.stage_elapsed + running


def pipeline_decision(state: str) -> str:
    """What a deploy pipeline should do now: promote | hold | rollback.

    `promote` means this stage's gates have passed (waiting for approval) or the rollout is
    complete; `rollback` means a rollback was decided; anything else is `hold` (keep waiting).
    """
    if state in (ROLLING_BACK, ROLLED_BACK):
        return "rollback"
    if state in (WAITING, COMPLETE):
        return "promote"
    return "hold"


def next_step(cfg: RolloutConfig, stage_index: int) -> tuple[str, int]:
    """After stage `stage_index` passes: ("complete", k) at the last stage, else ("promote", k+1)."""
    if stage_index + 1 >= len(cfg.stages):
        return "complete", stage_index
    return "promote", stage_index + 1


def needs_approval(cfg: RolloutConfig, stage_index: int) -> bool:
    return cfg.stages[stage_index].approval or not cfg.auto_promote


def hook_payload(
    cfg: RolloutConfig, *, action: str, incident: int, key: str, from_stage: int | None, to_stage: int | None,
    from_percent: float | None, to_percent: float | None, state: str, reasons: list[dict[str, Any]],
    at: float, decided_by: str,
) -> dict[str, Any]:
    """The JSON every hook receives (the `kind` field is filled per hook).

    Reasons and the actor are free text (an operator's pasted log line, a metrics error): redacted
    like every other exit (issue 18)."""
    from ..clock import utc
    from ..redaction import redact, redact_obj

    return {
        "rollout": cfg.name,
        "flag": cfg.flag,
        "enable_flag": cfg.enable_flag,
        "action": action,
        "incident": incident,
        "state": state,
        "from_stage": from_stage,
        "to_stage": to_stage,
        "from_percent": from_percent,
        "to_percent": to_percent,
        "enabled": bool(to_percent),
        "reasons": redact_obj(reasons),
        "timestamp": utc(at).isoformat(),
        "idempotency_key": key,
        "decided_by": redact(decided_by),
    }


# Which hook kinds each decision calls.
HOOK_KINDS: dict[str, tuple[str, ...]] = {
    "start": ("stage-change",),
    "promote": ("promote", "stage-change"),
    "complete": ("promote",),
    "rollback": ("rollback", "stage-change"),
}
