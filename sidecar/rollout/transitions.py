"""A rollout's stored state: read a snapshot, commit a transition, then announce it.

Persist first, announce after: the state row (optimistic version), the history event, the decision
row and the hook calls go in one transaction (store/rollouts.py `commit`); only a transition that
won is published on the bus, counted in telemetry and has its hooks delivered. A transition that
lost (another replica changed the row first) returns False and announces nothing.

Used by the evaluation loop (controller.py) and the manual actions (actions.py) alike, so both
persist decisions the same way.
"""

from __future__ import annotations

import logging
from typing import Any

from ..bus import (
    ROLLOUT_GATE_FAILED,
    ROLLOUT_PROMOTED,
    ROLLOUT_ROLLBACK,
    ROLLOUT_TRANSITION,
    ROLLOUT_WAITING_APPROVAL,
    Bus,
)
from ..clock import Clock, utc
from ..config import RolloutConfig
from ..store.rollouts import Decision, Event, HookCallRow, RolloutRepo, decoded_data
from ..telemetry import Telemetry
from .closing import closing_stage, with_closing
from .evaluate import Evaluation, reason_of
from .hooks import CLAIM_LEASE, HookRunner, hook_name
from .stagetotals import samples_since
from .state import (
    COMPLETE,
    EVALUATED,
    HOOK_KINDS,
    PAUSED,
    ROLLING_BACK,
    RUNNING,
    Snapshot,
    UnknownRollout,
    hook_payload,
    next_step,
)

log = logging.getLogger(__name__)


class Transitions:
    """The stored state of a controller's rollouts and the transitions between its states.

    `seen` is the snapshot this replica last read or wrote per rollout (what `snapshot()` and the
    pages show without a query); `announced` the (incident, state) this replica's bus was last told
    (see controller._observe); `hooks_hint` is set when a commit queued hook calls to deliver.
    """

    def __init__(self, configs: dict[str, RolloutConfig], repo: RolloutRepo, clock: Clock, bus: Bus,
                 telemetry: Telemetry | None, hooks: HookRunner, replica: str) -> None:
        self.configs = configs
        self.repo = repo
        self.clock = clock
        self.bus = bus
        self.telemetry = telemetry
        self.hooks = hooks
        self.replica = replica
        self.actor = f"controller@{replica}"
        self.seen: dict[str, Snapshot] = {}
        self.announced: dict[str, tuple[int, str]] = {}
        self.hooks_hint = True
        self._rows: dict[str, dict[str, Any]] = {}  # the row last read per rollout (see load)

    async def load(self, name: str) -> Snapshot:
        """The stored state of rollout `name` (its row is created idle on first use).

        The row's data is decoded only when the row changed since this replica last read it (same
        version and `updated_at`: the data kept; store/rollouts.py `get_unless`). The watch reads the
        row every `check_every` seconds, and decoding its data (the page's series included) on each
        read was most of a healthy stage's cost in bench/rollout_sim.py. The snapshot's `data` is a
        copy at its top level; its nested values are shared with the kept row: never change them in
        place (copy, as the evaluator and views.detail do).
        """
        if name not in self.configs:
            raise UnknownRollout(name)
        kept = self._rows.get(name)
        row = await (self.repo.get(name) if kept is None else
                     self.repo.get_unless(name, kept["version"], kept["updated_at"]))
        if row is None:
            await self.repo.ensure(name, utc(self.clock.time()))
            row = await self.repo.get(name)
        assert row is not None
        if kept is not None and row["data"] is None and (row["version"], row["updated_at"]) == (
                kept["version"], kept["updated_at"]):
            row = {**row, "data": kept["data"]}  # unchanged since the last read: its data, not decoded again
        else:
            row = {**row, "data": decoded_data(row["data"])}
        self._rows[name] = row
        snap = Snapshot.from_row(row)  # a copy of `data` (callers add keys to theirs)
        self.seen[name] = snap
        return snap

    async def commit(
        self, snap: Snapshot, cfg: RolloutConfig, *, action: str, to_state: str, changes: dict[str, Any],
        reasons: list[dict[str, Any]], actor: str, decision: str | None = None, incident: int | None = None,
    ) -> bool:
        """Persist one transition (with its decision and hook calls when it has side effects)."""
        now = self.clock.time()
        incident = snap.incident if incident is None else incident
        to_stage = changes.get("stage_index", snap.stage_index)
        to_percent = changes.get("percent", snap.percent)
        event = Event(action, snap.state, to_state, snap.stage_index, to_stage, snap.percent, to_percent,
                      actor, reasons)
        dec, calls = None, []
        if decision is not None:
            key = f"{cfg.name}:{incident}:{decision}"
            dec = Decision(incident, decision, key, actor, reasons)
            payload = hook_payload(
                cfg, action=action, incident=incident, key=key, from_stage=snap.stage_index, to_stage=to_stage,
                from_percent=snap.percent, to_percent=to_percent, state=to_state, reasons=reasons, at=now,
                decided_by=actor,
            )
            kinds = HOOK_KINDS.get(action, ())
            for i, hook in enumerate(cfg.hooks):
                if hook.kind in kinds:
                    calls.append(HookCallRow(hook_name(hook, i), hook.kind, hook.retries + 1,
                                             {**payload, "kind": hook.kind}))
        won = await self.repo.commit(cfg.name, snap.version, {**changes, "state": to_state}, utc(now), event,
                                     incident, dec, calls, claim=(self.replica, utc(now + CLAIM_LEASE)))
        if not won:
            return False
        fresh = await self.load(cfg.name)  # refresh what snapshot() shows
        self.announced[cfg.name] = (fresh.incident, fresh.state)  # told below, by this replica's own events
        if calls:
            self.hooks_hint = True
        data = {"rollout": cfg.name, "action": action, "from_state": snap.state, "to_state": to_state,
                "from_stage": snap.stage_index, "to_stage": to_stage, "from_percent": snap.percent,
                "to_percent": to_percent, "incident": incident, "actor": actor, "reasons": reasons}
        self.bus.publish(ROLLOUT_TRANSITION, now, **data)
        if action == "rollback":
            # `percent` = where it failed (alerts show it); `values` = what each tripped gate saw.
            values = {r["gate"]: r.get("observed") for r in reasons if r.get("gate")}
            self.bus.publish(ROLLOUT_ROLLBACK, now, **data, percent=snap.percent, values=values)
            if self.telemetry is not None:
                self.telemetry.rollbacks.labels(cfg.name).inc()
        elif action in ("promote", "complete"):
            self.bus.publish(ROLLOUT_PROMOTED, now, **data)
        elif action == "wait":
            self.bus.publish(ROLLOUT_WAITING_APPROVAL, now, **data)
        if self.telemetry is not None:
            self.telemetry.rollout_stage.labels(cfg.name).set(to_percent)
        log.info("rollout transition", extra={k: data[k] for k in ("rollout", "action", "from_state", "to_state",
                                                                    "from_percent", "to_percent")})
        if dec is not None and calls:
            await self.hooks.deliver_due(key=dec.key)
        return True

    async def simple(self, snap: Snapshot, cfg: RolloutConfig, action: str, to_state: str,
                      data: dict[str, Any], reasons: list[dict[str, Any]], actor: str,
                      extra: dict[str, Any] | None = None) -> bool:
        return await self.commit(snap, cfg, action=action, to_state=to_state,
                                  changes={"data": data, **(extra or {})}, reasons=reasons, actor=actor)

    async def advance(self, snap: Snapshot, cfg: RolloutConfig, data: dict[str, Any],
                       reasons: list[dict[str, Any]], actor: str) -> bool:
        """Promote to the next stage, or complete after the last one."""
        now = self.clock.time()
        step, to = next_step(cfg, snap.stage_index)
        data = self._closing(snap, data, now, step)
        if step == "complete":
            return await self.commit(
                snap, cfg, action="complete", to_state=COMPLETE, decision="complete", reasons=reasons, actor=actor,
                changes={"data": data, "running_since": None, "stage_elapsed": snap.elapsed(now)},
            )
        fresh = {k: data[k] for k in ("baselines", "verdicts", "last_eval_at", "series", "closing", "finished")
                 if k in data}
        return await self.commit(
            snap, cfg, action="promote", to_state=RUNNING, decision=f"promote:{to}", reasons=reasons, actor=actor,
            changes={"stage_index": to, "percent": cfg.stages[to].percent, "stage_started_at": utc(now),
                     "stage_elapsed": 0.0, "running_since": utc(now), "data": fresh},
        )

    @staticmethod
    def _closing(snap: Snapshot, data: dict[str, Any], now: float, decision: str) -> dict[str, Any]:
        """`data` with the ending stage kept until its late records have arrived (rollout/closing.py): a
        stage ends when it is decided while evaluated (a rollback of a completed rollout ends no stage)."""
        if snap.state not in EVALUATED:
            return data
        entry = closing_stage(snap.stage_index, snap.percent, snap.incident, snap.stage_started_at, now, decision, data)
        return {**data, "closing": with_closing(data, entry)}

    async def deadline(self, snap: Snapshot, cfg: RolloutConfig, data: dict[str, Any], ev: Evaluation,
                        elapsed: float) -> bool:
        """The stage made no progress by its deadline: pause (an operator decides) or roll back."""
        stage = cfg.stages[snap.stage_index]
        assert cfg.progress_deadline is not None
        why = (f"progress deadline: {elapsed:.0f}s in the stage >= hold {stage.hold:g}s + "
               f"progress_deadline {cfg.progress_deadline:g}s without a promotion "
               f"({ev.samples}/{stage.min_samples} samples{samples_since(cfg)}"
               + (f"; stale: {', '.join(ev.stale_gates())}" if ev.stale_gates() else "")
               + (f"; late: {', '.join(ev.late_gates())}" if ev.late_gates() else "") + ")")
        # a late gate blocks promotion as a stale one does (controller.py): name it, or a stage held only by late
        # data is paused with no gate named (re-read r15)
        reasons = [{"reason": why, "progress_deadline": True}] + [
            reason_of(v) for v in ev.gates if v.verdict != "pass" or v.stale or v.late]
        now = self.clock.time()
        if cfg.on_progress_deadline == "rollback":
            return await self.rollback(snap, cfg, data, reasons, actor=self.actor)
        data = {**data, "paused_from": snap.state, "paused_by_deadline": True}
        won = await self.simple(snap, cfg, "pause", PAUSED, data, reasons, self.actor,
                                 {"running_since": None, "stage_elapsed": snap.elapsed(now)})
        if won:
            self.bus.publish(ROLLOUT_GATE_FAILED, now, rollout=cfg.name, stage=snap.stage_index, percent=snap.percent,
                             gate="progress-deadline", role="gate", dry_run=False, consecutive_failures=1,
                             tripped=True, reasons=reasons)
        return won

    async def rollback(self, snap: Snapshot, cfg: RolloutConfig, data: dict[str, Any],
                        reasons: list[dict[str, Any]], actor: str) -> bool:
        now = self.clock.time()
        data = {**self._closing(snap, data, now, "rollback"), "rollback_key": f"{cfg.name}:{snap.incident}:rollback",
                "rolled_back_from": snap.percent}
        return await self.commit(
            snap, cfg, action="rollback", to_state=ROLLING_BACK, decision="rollback", reasons=reasons, actor=actor,
            changes={"percent": 0.0, "running_since": None, "stage_elapsed": snap.elapsed(now), "data": data},
        )

