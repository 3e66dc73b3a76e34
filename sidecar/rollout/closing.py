"""A decided stage's final figures: its late records count in it after the decision (issue 19).

A stage ends at a boundary B: a promotion, the completion, a rollback. Its totals were settled up to its
last evaluation's `now - max_lateness` (rollout/stagetotals.py); the span after that, up to B, was only
measured provisionally, and a record made there can still arrive until B + max_lateness (the bound the
metrics stream counts late records against). Before round 19 the totals were dropped at the boundary,
so such a record counted in NEITHER stage: the new stage counts from B by event time, the old one was
gone (round 18 finding 1). The issue's contract: "late records count in the stage they belong to (event
time), up to a lateness bound, counted in a metric beyond it".

So at the boundary the stage's totals are kept as a *closing* stage (`data["closing"]`, carried across
the promotion and a new start). At the first evaluation at or after B + max_lateness (any replica; in
any state: a completed or rolled-back rollout is not evaluated, its closing stage still closes) the span
(until, B] is measured once as two windows ending now, added to the settled totals (carried requests
included: stagetotals.counted), and the stage moves to `data["finished"]` with its final figures: what
the decision saw (`samples_at_decision`), the final `samples`, and `late` = the records of the stage
counted after its decision. One measurement at the end instead of settling every interval: nothing
reads these totals before they are final, and by then every record within the bound has arrived.

What a late record does NOT do: undo or redo a decision. A promotion stands (it was made on what had
arrived, and the new stage's triggers protect the new percentage from its first second); a rollback
stands. The late records count for the record - the stage's final figures on the API
(`finished_stages`) and the log - not for a verdict. Records later than the bound are counted by the
metrics stream (sidecar_metric_records_dropped_total{reason="late"}) and, made before B, arrive after
the stage closed: in no stage. When the metrics window no longer reaches back to the settled boundary
(max_window; a sidecar down for longer than that) or the backend cannot count (no sample size), the
figures are the settled ones and say `partial`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ..config import RolloutConfig
from ..metrics.model import Measurement, MetricSpec
from ..telemetry import Telemetry
from .stagetotals import FROM_BOUNDARY, LOOK, counted, sample_size

log = logging.getLogger(__name__)

MeasureFn = Callable[[MetricSpec, float], Awaitable[Measurement]]
KEEP_FINISHED = 20  # finished stages kept in the rollout state (the log has every one)


def _specs(cfg: RolloutConfig, stage_index: int) -> dict[str, MetricSpec]:
    """The metric each accumulated totals key of stage `stage_index` measures (evaluate.StageEvaluator keys)."""
    out: dict[str, MetricSpec] = {}
    if cfg.samples is not None:
        out["samples"] = cfg.samples
    gates = [("trigger", g) for g in cfg.triggers]
    if stage_index < len(cfg.stages):
        gates += [("gate", g) for g in cfg.stages[stage_index].gates]
    for role, g in gates:
        for key in (f"{role}:{g.name}", f"{role}:{g.name}{FROM_BOUNDARY}"):
            out[key] = g.metric
            if g.relative_to is not None:
                out[key + ":baseline"] = g.relative_to
    return out


def samples_of(figures: dict[str, dict[str, int]]) -> int:
    """A stage's samples from its per-key figures, the way the evaluator counts them (evaluate._samples)."""
    if "samples" in figures:
        return int(figures["samples"]["count"])
    return max((int(f["count"]) for k, f in figures.items()
                if k.startswith("gate:") and ":baseline" not in k and FROM_BOUNDARY not in k), default=0)


def closing_stage(stage_index: int, percent: float, incident: int, started_at: float | None, ended_at: float,
                  decision: str, data: dict[str, Any]) -> dict[str, Any]:
    """What a stage ending now keeps until its late records have arrived (`data` = its last evaluation's)."""
    return {"stage": stage_index, "percent": percent, "incident": incident, "started_at": started_at,
            "ended_at": ended_at, "decision": decision, "samples_at_decision": int(data.get("samples") or 0),
            "totals": dict(data.get("totals") or {})}


def with_closing(data: dict[str, Any], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The closing stages after `entry` ends (one still closing from a short previous stage stays)."""
    return [*(data.get("closing") or []), entry]


async def _final(cfg: RolloutConfig, entry: dict[str, Any], measure: MeasureFn,
                 now: float) -> dict[str, Any] | None:
    """`entry`'s final figures, or None to try again at the next evaluation (a measurement failed)."""
    boundary = float(entry["ended_at"])
    specs = _specs(cfg, int(entry["stage"]))
    figures: dict[str, dict[str, int]] = {}
    partial = False
    for key, tot in (entry.get("totals") or {}).items():
        if key.startswith(LOOK):
            continue  # a settling look's newest sample, not a total (StageTotals.look)
        n, x = counted(tot)
        until = float(tot["until"])
        spec = specs.get(key)
        if spec is not None and until < boundary:
            span = now - until
            if span > cfg.max_window:
                partial, span = True, cfg.max_window
            try:
                whole = await measure(spec, span)
                after = await measure(spec, now - boundary) if now > boundary else Measurement(None, 0, 0)
            except Exception as exc:  # noqa: BLE001 - the backend's trouble: try again, give up past max_window
                if now - boundary <= cfg.max_window:
                    log.warning("closing a stage: measurement failed; trying again",
                                extra={"rollout": cfg.name, "error": str(exc)})
                    return None
                partial = True
            else:
                if (whole.has_data and whole.count is None) or (after.has_data and after.count is None):
                    partial = True  # a rate without its sample size cannot be added
                else:
                    n += max(0, sample_size(whole) - sample_size(after))
                    x += max(0, int(whole.successes or 0) - int(after.successes or 0))
        elif spec is None and until < boundary:
            partial = True  # the config lost the gate since: its settled part only
        figures[key] = {"count": n, "successes": min(x, n)}
    samples = samples_of(figures)
    decided = int(entry.get("samples_at_decision") or 0)
    return {k: entry[k] for k in ("stage", "percent", "incident", "started_at", "ended_at", "decision")} | {
        "closed_at": now, "samples_at_decision": decided, "samples": samples, "late": samples - decided,
        "figures": figures, "partial": partial}


def _ended_by(decision: str) -> str:
    """The metric's label: how the stage ended (a promotion's decision names its target stage)."""
    return "promote" if decision.startswith("promote") else decision


async def close_due(cfg: RolloutConfig, data: dict[str, Any], measure: MeasureFn, now: float) -> list[dict[str, Any]]:
    """Close every closing stage of `data` whose late records have all arrived (in place); the stages closed.

    Nothing is counted here: `data` is only this replica's proposal until its save wins (save_data is
    compare-and-set on the version). A replica whose save lost closes nothing - the winner did, or the stage
    closes again next tick - so the caller counts (count_late) only after its save returned True; counting
    here counted a stage once per replica that closed it and once more per lost save."""
    pending = data.get("closing") or []
    if not pending:
        return []
    keep: list[dict[str, Any]] = []
    done: list[dict[str, Any]] = []
    for entry in pending:
        final = await _final(cfg, entry, measure, now) if now >= float(entry["ended_at"]) + cfg.max_lateness else None
        (keep if final is None else done).append(final if final is not None else entry)
    if done:
        data["closing"] = keep
        data["finished"] = [*(data.get("finished") or []), *done][-KEEP_FINISHED:]
    return done


def count_late(cfg: RolloutConfig, closed: list[dict[str, Any]], telemetry: Telemetry | None) -> None:
    """Log the stages this replica closed AND saved, and count their late samples in
    sidecar_rollout_stage_late_samples_total by how they ended. Call only after the save won."""
    for f in closed:
        log.info("stage closed: its late records counted", extra={
            "rollout": cfg.name, "stage": f["stage"], "percent": f["percent"], "samples": f["samples"],
            "samples_at_decision": f["samples_at_decision"], "late": f["late"], "partial": f["partial"]})
        if telemetry is not None and f["late"] > 0:
            telemetry.stage_late_samples.labels(cfg.name, _ended_by(str(f["decision"]))).inc(f["late"])
