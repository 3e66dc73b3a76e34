"""Manual rollout actions (the API's and the dashboard's start/promote/approve/pause/resume/rollback).

Owned by RolloutController (`controller.actions`, `controller.act`): the same transitions as the evaluation loop
(transitions.Transitions: `commit`, `advance`, `rollback`), validated against the current state and retried on a version conflict
with another replica. A second rollback in one incident is refused: one decision per incident.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..clock import utc
from ..config import RolloutConfig
from ..store.rollouts import Event
from .evaluate import MeasureFn, capture_baselines
from .hooks import HookRunner
from .state import (
    ALLOWED,
    PAUSED,
    ROLLED_BACK,
    ROLLING_BACK,
    RUNNING,
    Conflict,
    InvalidTransition,
    Snapshot,
    UnknownRollout,
)
from .transitions import Transitions

RETRIES_ON_CONFLICT = 3


class Controller(Protocol):
    """What the manual actions need from the controller: its configs, metrics, hooks and the
    transitions the evaluation loop uses. A protocol, so this module does not import the
    controller (which owns a `ManualActions`): the dependency points one way."""

    configs: dict[str, RolloutConfig]
    measure: MeasureFn
    hooks: HookRunner
    transitions: Transitions

    def spec_problems(self, name: str) -> list[str]: ...


class ManualActions:
    """The manual actions of one controller, a collaborator it owns (not a mixin): they use the
    controller's transitions and store, so both paths persist decisions the same way."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller

    async def act(self, name: str, action: str, actor: str = "api", reason: str | None = None) -> Snapshot:
        """Apply a manual action; raise InvalidTransition / Conflict / UnknownRollout."""
        c, t = self.controller, self.controller.transitions
        if action not in ALLOWED:
            raise InvalidTransition(f"unknown action {action!r}")
        cfg = c.configs.get(name)
        if cfg is None:
            raise UnknownRollout(name)
        if action == "start":
            unmeasurable = c.spec_problems(name)
            if unmeasurable:
                raise InvalidTransition(f"cannot start {name}: " + "; ".join(unmeasurable))
        reasons = [{"reason": f"manual {action}" + (f": {reason}" if reason else ""), "actor": actor}]
        for _ in range(RETRIES_ON_CONFLICT):
            snap = await t.load(name)
            if snap.state not in ALLOWED[action]:
                raise InvalidTransition(f"cannot {action} {name} while it is {snap.state}")
            if await self._apply(snap, cfg, action, actor, reasons):
                return await t.load(name)
        raise Conflict(f"{name} kept changing under {action}; try again")

    async def _apply(self, snap: Snapshot, cfg: RolloutConfig, action: str, actor: str,
                     reasons: list[dict[str, Any]]) -> bool:
        c, t = self.controller, self.controller.transitions
        now = t.clock.time()
        data = dict(snap.data)
        if action == "start":
            baselines = await capture_baselines(cfg, c.measure, {}, now)
            incident = snap.incident + 1
            return await t.commit(
                snap, cfg, action="start", to_state=RUNNING, decision="start", incident=incident, reasons=reasons,
                actor=actor, changes={
                    "incident": incident, "stage_index": 0, "percent": cfg.stages[0].percent,
                    "started_at": utc(now), "stage_started_at": utc(now), "stage_elapsed": 0.0,
                    "running_since": utc(now),
                    # a stage that ended shortly before (a rollback) still closes: rollout/closing.py
                    "data": {"baselines": baselines, **{k: data[k] for k in ("closing", "finished") if k in data}},
                },
            )
        if action in ("promote", "approve"):
            return await t.advance(snap, cfg, data, reasons, actor)
        if action == "pause":
            data["paused_from"] = snap.state
            return await t.simple(snap, cfg, "pause", PAUSED, data, reasons, actor,
                                 {"running_since": None, "stage_elapsed": snap.elapsed(now)})
        if action == "resume":
            back = data.pop("paused_from", RUNNING)
            return await t.simple(snap, cfg, "resume", back, data, reasons, actor, {"running_since": utc(now)})
        # rollback
        if snap.state == ROLLING_BACK:
            rearmed = await t.repo.rearm_failed(cfg.name, snap.incident, utc(now))
            if not rearmed:
                raise InvalidTransition(f"{cfg.name} is already rolling back (no failed hook calls to retry)")
            await t.repo.add_event(cfg.name, snap.incident, utc(now), Event(
                "retry_hooks", snap.state, snap.state, snap.stage_index, snap.stage_index, snap.percent, snap.percent,
                actor, reasons))
            await c.hooks.deliver_due(key=data.get("rollback_key"))
            return True
        if not await t.rollback(snap, cfg, data, reasons, actor):
            fresh = await t.load(cfg.name)
            if fresh.state in (ROLLING_BACK, ROLLED_BACK):
                raise InvalidTransition(f"{cfg.name} was already rolled back (one decision per incident)")
            return False
        return True
