"""What the API and the dashboard show about a rollout: JSON-ready dicts built from the store.

The `decision` field is the contract for deploy pipelines: `promote` (gates passed: approve or
go on; or the rollout is complete), `hold` (keep waiting), `rollback` (a rollback was decided).
"""

from __future__ import annotations

from typing import Any

from ..jsonvalue import jsonable
from .controller import RolloutController
from .stagetotals import counted_from
from .state import PAUSED, RUNNING, WAITING, Snapshot, needs_approval, pipeline_decision


def _epoch_iso(ts: float | None) -> str | None:
    from ..clock import utc

    return utc(ts).isoformat() if ts is not None else None


async def summary(controller: RolloutController, name: str) -> dict[str, Any]:
    cfg = controller.configs[name]
    snap: Snapshot = await controller._load(name)
    now = controller.clock.time()
    stage_index = min(snap.stage_index, len(cfg.stages) - 1)
    stage = cfg.stages[stage_index]
    verdicts = snap.data.get("verdicts") or []
    decision = pipeline_decision(snap.state)
    held = snap.state in (RUNNING, PAUSED, WAITING)
    stale = list(snap.data.get("stale") or []) if held else []
    late = list(snap.data.get("late") or []) if held else []
    decision_reason = None
    if decision == "hold":
        failing = any(v.get("verdict") == "fail" for v in verdicts)
        decision_reason = "stale" if stale else "late" if late else ("failing" if failing else "collecting")
    return {
        "name": name,
        "flag": cfg.flag,
        "enable_flag": cfg.enable_flag,
        "state": snap.state,
        "decision": decision,
        # Why `hold`: `stale` (a gate's newest sample is older than max_staleness: a source
        # stopped or vanished), `late` (so is its newest sample, but the source delivered within
        # max_staleness: records arrive late, in batches), `failing`, or `collecting` (hold time,
        # samples or evidence).
        "decision_reason": decision_reason,
        "stale": stale,
        "late": late,
        "stage": snap.stage_index,
        "stages": len(cfg.stages),
        "percent": snap.percent,
        "stage_percent": stage.percent,
        "incident": snap.incident,
        "started_at": _epoch_iso(snap.started_at),
        "stage_started_at": _epoch_iso(snap.stage_started_at),
        "elapsed": snap.elapsed(now) if snap.state not in ("idle",) else 0.0,
        "hold": stage.hold,
        "samples": snap.data.get("samples", 0),
        "min_samples": stage.min_samples,
        # `samples` counts from here, not from stage_started_at: the stage's first `settle` s are not
        # counted toward promotion (rollout/stagetotals.py "The settling span after a boundary"), so a
        # user counting the stage's records from its start finds `settle` s of them more.
        "counted_from": _epoch_iso(counted_from(cfg, snap.stage_started_at)
                                   if snap.stage_started_at is not None else None),
        "settle": cfg.settle,
        "approval_required": needs_approval(cfg, stage_index),
        "last_evaluated_at": _epoch_iso(snap.data.get("last_eval_at")),
        "failing": sorted({v["name"] for v in verdicts if v.get("verdict") == "fail"}),
        "version": snap.version,
    }


async def detail(controller: RolloutController, name: str, history: int = 200) -> dict[str, Any]:
    cfg = controller.configs[name]
    snap = await controller._load(name)
    out = await summary(controller, name)
    # Copies: a snapshot's nested data is shared with the row the controller keeps (transitions.load),
    # and the page adds keys to these.
    verdicts = [dict(v) for v in snap.data.get("verdicts") or []]
    counters = snap.data.get("counters") or {}
    for v in verdicts:
        v["counters"] = counters.get(f"{v.get('role')}:{v.get('name')}")
    repo = controller.repo
    out.update(
        plan=[{"percent": s.percent, "hold": s.hold, "min_samples": s.min_samples, "approval": s.approval,
               "gates": [g.name for g in s.gates]} for s in cfg.stages],
        gates=[v for v in verdicts if v.get("role") == "gate"],
        triggers=[v for v in verdicts if v.get("role") == "trigger"],
        dry_run_trips=snap.data.get("dry_trips") or [],
        # Gates beyond their limits with `on_fail: hold`: they block promotion instead of rolling back.
        held_trips=snap.data.get("holds") or [] if snap.state in (RUNNING, PAUSED, WAITING) else [],
        baselines=snap.data.get("baselines") or {},
        history=jsonable(await repo.events(name, history)),
        decisions=jsonable(await repo.decisions(name)),
        hook_calls=jsonable(await repo.hook_calls(name, history)),
        problems=[p for p in controller.degraded() if name in p],
        # Decided stages with their late records counted (final figures; rollout/closing.py), and those
        # whose records may still arrive (for max_lateness after their boundary).
        finished_stages=snap.data.get("finished") or [],
        closing_stages=[{k: v for k, v in c.items() if k != "totals"} for c in snap.data.get("closing") or []],
    )
    return out
