"""The rollout controller: evaluates every running rollout each interval and moves its state.

Everything it decides is persisted before anything is announced (transitions.py): a crash never
loses a decision, a restart resumes the stage with its elapsed time and its sample totals, and
with several replicas on one store exactly one of them decides and calls the hooks; the others
see the new state at their next evaluation (and tell their own bus about it: `_observe`).

Time comes from the injected Clock; tests drive `tick()` with a ManualClock.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from ..bus import (
    ROLLOUT_GATE_FAILED,
    ROLLOUT_GATE_PASSED,
    ROLLOUT_ROLLBACK,
    ROLLOUT_TRANSITION,
    Bus,
)
from ..clock import Clock, SystemClock, utc
from ..config import RolloutConfig
from ..metrics.model import MetricSpec
from ..store.base import Store, StoreError
from ..tasks import cancel_and_wait
from ..telemetry import Telemetry
from .actions import ManualActions
from .closing import close_due, count_late
from .evaluate import Evaluation, MeasureFn, StageEvaluator, capture_baselines, reason_of, unmeasurable
from .gates import GateVerdict
from .hooks import CLAIM_LEASE, HEARTBEAT, HookRunner
from .series import append_point
from .stagetotals import samples_since
from .state import (
    EVALUATED,
    ROLLED_BACK,
    ROLLING_BACK,
    RUNNING,
    WAITING,
    Snapshot,
    needs_approval,
)
from .transitions import Transitions
from .watch import watch, watch_every

log = logging.getLogger(__name__)

# A replica skips an evaluation another replica made less than this fraction of an interval ago.
RECENT_FRACTION = 0.9
SWEEP_TICKS = 10


SpecCheck = Callable[[MetricSpec, float | None], list[str]]


def default_replica_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def as_measure(measure: Any) -> MeasureFn:
    """Accept `async measure(spec, window)` or any object with such a `measure` method."""
    fn = getattr(measure, "measure", measure)
    if not callable(fn):
        raise TypeError("measure must be a coroutine function or an object with .measure(spec, window)")
    return cast(MeasureFn, fn)  # checked callable above; its signature is the caller's promise


class RolloutController:
    """The `rollouts` component: state machine, evaluation loop and hook delivery."""

    name = "rollouts"

    def __init__(
        self,
        rollouts: list[RolloutConfig],
        store: Store,
        measure: MeasureFn | Any,
        bus: Bus | None = None,
        clock: Clock | None = None,
        telemetry: Telemetry | None = None,
        replica: str | None = None,
        check: SpecCheck | None = None,
    ) -> None:
        self.configs = {r.name: r for r in rollouts}
        self.check = check  # the metrics backend's "can this ever be measured?" (MetricsHub.check_spec)
        self.store = store
        self.repo = store.rollouts
        self.measure = as_measure(measure)
        self.bus = bus or Bus()
        self.clock = clock or SystemClock()
        self.telemetry = telemetry
        self.replica = replica or default_replica_id()
        self.actor = f"controller@{self.replica}"
        self.hooks = HookRunner(rollouts, self.repo, self.clock, self.replica, telemetry)
        self.transitions = Transitions(self.configs, self.repo, self.clock, self.bus, telemetry, self.hooks,
                                       self.replica)
        self._task: asyncio.Task[None] | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._problems: dict[str, str] = {}
        self._ticks = 0
        self.actions = ManualActions(self)
        for name in self.configs:
            # Asked once at construction (before the metrics stage reads a record) so the backend
            # prepares what it measures with: the hub's incremental aggregates then grow with the
            # stream instead of being built from a full window by the first evaluation.
            self.spec_problems(name)

    async def act(self, name: str, action: str, actor: str = "api", reason: str | None = None) -> Snapshot:
        """Apply a manual action (see actions.ManualActions.act)."""
        return await self.actions.act(name, action, actor, reason)

    # --- component --------------------------------------------------------------------------

    async def start(self) -> None:
        now = utc(self.clock.time())
        for name in self.configs:
            await self.repo.ensure(name, now)
        self._task = asyncio.create_task(self._loop(), name="rollout-controller")
        self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="rollout-claims-heartbeat")

    async def stop(self) -> None:
        await cancel_and_wait(self._task, self._heartbeat_task)
        self._task = None
        self._heartbeat_task = None
        await self.hooks.close()

    def problems(self) -> list[str]:
        """Readiness: none (a rollout's trouble is shown on /api/status and the rollout page)."""
        return []

    def degraded(self) -> list[str]:
        out = list(self._problems.values())
        out += [f"hook {k}: {err}" for k, err in self.hooks.failed.items()]
        return out

    def spec_problems(self, name: str) -> list[str]:
        """Gates and triggers the metrics backend can never measure (see evaluate.unmeasurable).

        A start is refused while there are any (a rollout whose gates can't be measured would
        hold forever, or never roll back); a running rollout shows them on /api/status.
        """
        return unmeasurable(self.configs[name], self.check) if self.check is not None else []

    @property
    def interval(self) -> float:
        return min((r.interval for r in self.configs.values()), default=10.0)

    async def _heartbeat(self) -> None:
        """Keep this replica's hook-call claims alive (see hooks.CLAIM_LEASE)."""
        while True:
            now = self.clock.time()
            try:
                await self.repo.renew_claims(self.replica, utc(now), utc(now + CLAIM_LEASE))
            except StoreError as exc:
                log.warning("cannot renew hook claims", extra={"error": str(exc)})
            await self.clock.sleep(HEARTBEAT)

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
                self._problems.pop("store", None)
            except StoreError as exc:
                if "store" not in self._problems:
                    log.error("rollout controller cannot use the store", extra={"error": str(exc)})
                self._problems["store"] = f"store unavailable: {exc}"
            except Exception:
                log.exception("rollout controller tick failed")
            wait = self.interval
            try:
                due = await self.hooks.seconds_until_due()
                if due is not None:
                    wait = min(wait, max(due, 0.5))
            except StoreError:
                pass
            await self._watch_until(self.clock.time() + wait)

    @property
    def watch_every(self) -> float | None:
        """How often `watch` runs between evaluations (the smallest trigger `check_every`), if at all."""
        return watch_every(self.configs.values())

    async def _watch_until(self, deadline: float) -> None:
        step = self.watch_every
        while step is not None and self.clock.time() + step < deadline:
            await self.clock.sleep(step)
            try:
                await self.watch()
            except StoreError as exc:
                self._problems["store"] = f"store unavailable: {exc}"
            except Exception:
                log.exception("rollout controller watch failed")
        await self.clock.sleep(max(deadline - self.clock.time(), 0.0))

    async def watch(self) -> dict[str, list[GateVerdict]]:
        """The change triggers checked between evaluations (see watch.watch)."""
        return await watch(self)

    # --- evaluation -------------------------------------------------------------------------

    async def tick(self) -> None:
        """Evaluate every rollout that is due, then deliver due hook calls (retries included)."""
        rolling = []
        for name in self.configs:
            snap = await self._load(name)
            self._observe(snap)
            if snap.state == ROLLING_BACK:
                rolling.append(name)
            elif snap.state in EVALUATED:
                unmeasurable = self.spec_problems(name)
                if unmeasurable:
                    self._problems[f"spec:{name}"] = f"{name}: " + "; ".join(unmeasurable)
                else:
                    self._problems.pop(f"spec:{name}", None)
                await self._evaluate(snap)
                if self.transitions.seen[name].state == ROLLING_BACK:  # this evaluation decided a rollback
                    rolling.append(name)
            if snap.state not in EVALUATED and snap.data.get("closing"):  # not evaluated: close here
                await self._close_ended(snap)
        # Hook calls are swept when this replica made some, or once every SWEEP_TICKS ticks (calls
        # left by a restart or by another replica whose claim expired); not on every tick.
        self._ticks += 1
        if self.transitions.hooks_hint or rolling or self._ticks % SWEEP_TICKS == 1:
            self.transitions.hooks_hint = False
            await self.hooks.deliver_due()
            if await self.hooks.seconds_until_due() is not None:
                self.transitions.hooks_hint = True  # retries are pending: keep looking every tick
        for name in rolling:
            snap = await self._load(name)
            if snap.state == ROLLING_BACK:
                await self.finish_rollback(snap)

    def _observe(self, snap: Snapshot) -> None:
        """Tell this replica's bus about a rollback (or a recovery from one) that another replica
        decided, or that was decided before this process started, as an `observed` event.

        Alerts live per process: without this, a rollback's alert is re-posted to Alertmanager
        only by the replica that decided it, and when that replica dies Alertmanager resolves the
        alert (endsAt passes) while the rollout is still rolled back. The stored state is the
        truth; every replica's alerts follow it. `observed` events reach Alertmanager receivers
        only (Alertmanager de-duplicates identical alerts), so chat is not told twice.
        """
        now_state = (snap.incident, snap.state)
        before = self.transitions.announced.get(snap.name)
        self.transitions.announced[snap.name] = now_state
        backing = (ROLLING_BACK, ROLLED_BACK)
        if before == now_state:
            return
        if snap.state in backing:
            if before is not None and before[0] == snap.incident and before[1] in backing:
                return  # rolling_back -> rolled_back: the same rollback
            self.bus.publish(ROLLOUT_ROLLBACK, self.clock.time(), rollout=snap.name, action="rollback",
                             to_state=snap.state, incident=snap.incident,
                             percent=snap.data.get("rolled_back_from", snap.percent), observed=True,
                             reasons=[{"reason": "rolled back (decided by another replica or before a restart)"}])
        elif before is not None and before[1] in backing:
            self.bus.publish(ROLLOUT_TRANSITION, self.clock.time(), rollout=snap.name, action="observed",
                             to_state=snap.state, incident=snap.incident, observed=True)

    async def _load(self, name: str) -> Snapshot:
        """The stored state of rollout `name` (see transitions.Transitions.load)."""
        return await self.transitions.load(name)

    def snapshot(self) -> dict[str, Any]:
        """What this replica last saw of each rollout (no I/O): context for diagnoses and logs."""
        out = {}
        for name, snap in self.transitions.seen.items():
            verdicts = snap.data.get("verdicts") or []
            out[name] = {
                "state": snap.state, "stage": snap.stage_index, "percent": snap.percent, "incident": snap.incident,
                "failing": [v.get("reason") for v in verdicts if v.get("verdict") == "fail"],
            }
        return out

    async def _close_ended(self, snap: Snapshot) -> bool:
        """Close the due stages of a rollout that is not evaluated (rolled back, complete, paused); whether
        this replica's save won. Counted only then: a lost save is another replica's close (or a retry)."""
        cfg, data = self.configs[snap.name], dict(snap.data)
        closed = await close_due(cfg, data, self.measure, self.clock.time())
        if not closed or not await self.repo.save_data(snap.name, snap.version, data, utc(self.clock.time())):
            return False
        count_late(cfg, closed, self.telemetry)
        return True

    async def evaluate(self, name: str, force: bool = False) -> Evaluation | None:
        """One evaluation of one rollout; None when there was nothing to do (or another replica did it)."""
        return await self._evaluate(await self._load(name), force)

    async def _evaluate(self, snap: Snapshot, force: bool = False) -> Evaluation | None:
        cfg = self.configs[snap.name]
        name = snap.name
        if snap.state not in EVALUATED:
            return None
        if snap.stage_index >= len(cfg.stages):
            # The config lost stages under a running rollout: never guess; an operator decides.
            self._problems[f"config:{name}"] = (f"{name}: stored stage {snap.stage_index} is not in the config "
                                                f"({len(cfg.stages)} stages); promote or roll back by hand")
            return None
        self._problems.pop(f"config:{name}", None)
        now = self.clock.time()
        last = snap.data.get("last_eval_at")
        if not force and last is not None and now - float(last) < RECENT_FRACTION * cfg.interval:
            return None
        data = dict(snap.data)
        # The previous stage's final figures (rollout/closing.py); counted only if this evaluation's save wins.
        closed = await close_due(cfg, data, self.measure, now)
        baselines = await capture_baselines(cfg, self.measure, data.get("baselines") or {}, now)
        snap.data["baselines"] = baselines
        ev = await StageEvaluator(cfg, snap, self.measure, now, self.replica).run()
        # A stage that just started has no sample yet: not news (an alert) until the limit passes.
        started = snap.stage_started_at if snap.stage_started_at is not None else now
        ev.stale_news = [v.name for v in ev.gates if v.stale and not v.dry_run
                         and (v.newest is not None or now - started > cfg.staleness_limit)]
        data.update(
            baselines=baselines, totals=ev.totals, counters=ev.counters, last_eval_at=now, samples=ev.samples,
            changes=ev.changes,
            verdicts=[v.to_dict() for v in ev.verdicts()], dry_trips=ev.dry_trips, holds=ev.holds, stale=ev.stale_gates(),
            late=ev.late_gates(),
            stale_alerted=ev.stale_news,
            series=append_point(data.get("series"), now, snap.stage_index, snap.percent, ev.verdicts()),
        )
        stage = cfg.stages[snap.stage_index]
        elapsed = snap.elapsed(now)
        data["elapsed"] = elapsed
        if ev.trips:
            won = await self.transitions.rollback(snap, cfg, data, ev.trips, actor=self.actor)
        elif (snap.state == RUNNING and elapsed >= stage.hold and ev.samples >= stage.min_samples
              and ev.all_gates_pass() and not ev.stale_gates() and not ev.late_gates()):
            reasons = [reason_of(v) for v in ev.gates] + [
                {"reason": f"held {elapsed:.0f}s >= {stage.hold:g}s with {ev.samples} >= {stage.min_samples} samples"
                           + samples_since(cfg)}
            ]
            if needs_approval(cfg, snap.stage_index):
                won = await self.transitions.simple(snap, cfg, "wait", WAITING, data, reasons, self.actor)
            else:
                won = await self.transitions.advance(snap, cfg, data, reasons, self.actor)
        elif (snap.state == RUNNING and cfg.progress_deadline is not None
              and elapsed >= stage.hold + cfg.progress_deadline):
            won = await self.transitions.deadline(snap, cfg, data, ev, elapsed)
        else:
            won = await self.repo.save_data(name, snap.version, data, utc(now))
            if won:  # what this replica wrote (transitions.seen): diagnoses' context and benches read it
                self.transitions.seen[name] = replace(snap, version=snap.version + 1, data=data)
        if not won:
            return None  # another replica evaluated or changed it first: its result stands
        count_late(cfg, closed, self.telemetry)
        self._record(cfg, snap, ev, now)
        return ev

    def _record(self, cfg: RolloutConfig, snap: Snapshot, ev: Evaluation, now: float) -> None:
        if self.telemetry is not None:
            self.telemetry.rollout_stage.labels(cfg.name).set(snap.percent)
        was_stale = set(snap.data.get("stale_alerted") or [])
        for v in ev.gates:
            if self.telemetry is not None:
                self.telemetry.gate_data_age.labels(cfg.name, v.name).set(v.age if v.age is not None else float("nan"))
                self.telemetry.gate_stale.labels(cfg.name, v.name).set(1 if v.stale else 0)
            if v.name in ev.stale_news and v.name not in was_stale:
                # One alert when a gate's data stops being fresh (the source stopped or vanished).
                self.bus.publish(ROLLOUT_GATE_FAILED, now, rollout=cfg.name, stage=snap.stage_index,
                                 percent=snap.percent, gate=f"{v.name}:stale", role=v.role, dry_run=False,
                                 stale=True, consecutive_failures=1, tripped=False, reasons=[reason_of(v)])
        for name in sorted(was_stale - set(ev.stale_news)):
            self.bus.publish(ROLLOUT_GATE_PASSED, now, rollout=cfg.name, stage=snap.stage_index, gate=f"{name}:stale")
        before = snap.data.get("counters") or {}
        for v in ev.verdicts():
            if self.telemetry is not None:
                self.telemetry.gate_evaluations.labels(cfg.name, v.name, v.verdict).inc()
            key = f"{v.role}:{v.name}"
            if v.verdict == "pass" and int((before.get(key) or {}).get("consecutive_failures", 0)) > 0:
                # The failure streak that raised an alert is over: resolve it.
                self.bus.publish(ROLLOUT_GATE_PASSED, now, rollout=cfg.name, stage=snap.stage_index, gate=v.name,
                                 role=v.role, reasons=[reason_of(v)])
            if v.verdict != "fail":
                continue
            key = f"{v.role}:{v.name}"
            streak = int((ev.counters.get(key) or {}).get("consecutive_failures", 1))
            # One event when a failure streak starts and one when the gate crosses its limits, not
            # one per interval while it keeps failing (the API shows every verdict).
            if streak == 1 or key in ev.new_trips:
                self.bus.publish(ROLLOUT_GATE_FAILED, now, rollout=cfg.name, stage=snap.stage_index,
                                 percent=snap.percent, gate=v.name, role=v.role, dry_run=v.dry_run,
                                 consecutive_failures=streak, tripped=key in ev.new_trips, reasons=[reason_of(v)])

    # --- rollback completion ---------------------------------------------------------------

    async def finish_rollback(self, snap: Snapshot) -> None:
        """rolling_back -> rolled_back once every hook call of the rollback decision is done."""
        cfg = self.configs[snap.name]
        key = snap.data.get("rollback_key")
        calls = await self.repo.hook_calls_for(key) if key else []
        if any(c["status"] != "done" for c in calls):
            failed = [c["hook"] for c in calls if c["status"] == "failed"]
            if failed:
                self._problems[f"rollback:{snap.name}"] = (
                    f"{snap.name}: rollback hooks failed for good: {', '.join(failed)} "
                    "(POST /api/rollouts/{name}/rollback retries them)")
            return
        self._problems.pop(f"rollback:{snap.name}", None)
        reasons = [{"reason": f"{len(calls)} rollback hook call(s) delivered", "hooks": [c["hook"] for c in calls]}]
        await self.transitions.simple(snap, cfg, "rolled_back", ROLLED_BACK, snap.data, reasons, self.actor)
