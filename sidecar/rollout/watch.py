"""Change triggers checked between evaluations (`check_every`): act on a regression within
seconds of the evidence instead of at the next interval.

A peek computes the change statistic as it would be if the look ended now, from the canary's
requests since the last committed look, and stores nothing (evaluate.StageEvaluator.peek). The
looks, and with them the false-alarm bound, stay the evaluations' (rollout/changepoint.py:
"Checked between looks"). Only a firing trigger that is not dry-run writes: the same stored,
claimed rollback decision an evaluation makes (another replica's newer write wins).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ..clock import Clock
from ..config import RolloutConfig
from .evaluate import MeasureFn, StageEvaluator, reason_of
from .gates import GateVerdict
from .hooks import HookRunner
from .state import EVALUATED, ROLLING_BACK, Snapshot
from .transitions import Transitions


class Watched(Protocol):
    """What a watch needs of the controller (a protocol, so watch.py does not import controller.py,
    which imports it: tests/foundation/test_import_graph.py keeps the package free of cycles)."""

    configs: dict[str, RolloutConfig]
    transitions: Transitions
    measure: MeasureFn
    clock: Clock
    actor: str
    hooks: HookRunner

    async def finish_rollback(self, snap: Snapshot) -> None: ...


def watch_every(configs: Iterable[RolloutConfig]) -> float | None:
    """The smallest `check_every` of any trigger (None: nothing to watch)."""
    every = [t.check_every for r in configs for t in r.triggers if t.check_every is not None]
    return min(every) if every else None


async def watch(ctrl: Watched) -> dict[str, list[GateVerdict]]:
    """Check every rollout's watched triggers now; roll back when one (not dry-run) fires.

    Returns the fired triggers per rollout, dry-run ones included (benches and tests read them).
    """
    fired: dict[str, list[GateVerdict]] = {}
    for name, cfg in ctrl.configs.items():
        if not any(t.check_every is not None for t in cfg.triggers):
            continue
        snap = await ctrl.transitions.load(name)
        if snap.state not in EVALUATED or snap.stage_index >= len(cfg.stages):
            continue
        now = ctrl.clock.time()
        verdicts = [v for v in await StageEvaluator(cfg, snap, ctrl.measure, now).peek() if v.verdict == "fail"]
        if not verdicts:
            continue
        fired[name] = verdicts
        trips = [reason_of(v, "fired between evaluations") for v in verdicts if not v.dry_run]
        if not trips:
            continue
        shown = {(v.role, v.name) for v in verdicts}  # the API shows the verdict that fired
        data = {**snap.data, "elapsed": snap.elapsed(now), "verdicts": [v.to_dict() for v in verdicts] + [
            v for v in snap.data.get("verdicts") or [] if (v.get("role"), v.get("name")) not in shown]}
        if await ctrl.transitions.rollback(snap, cfg, data, trips, actor=ctrl.actor):
            await ctrl.hooks.deliver_due()
            after = await ctrl.transitions.load(name)
            if after.state == ROLLING_BACK:
                await ctrl.finish_rollback(after)
    return fired
