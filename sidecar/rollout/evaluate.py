"""Measure one rollout's gates and triggers for its current stage, and apply the failure limits.

Windows. A gate or trigger with `window: null` looks at the whole stage so far. For proportions
the controller accumulates the stage's totals itself: each evaluation measures only the
requests since the previous one and adds them to counts kept in the rollout state, so the stage
sample survives restarts and is not limited by how much history the metrics backend keeps (a
stage can hold for days). A fixed `window` (seconds) is a sliding window measured each time;
`scan_windows` adds shorter sliding windows (see gates.evaluate_windows).

This module does I/O only through the injected `measure` callable; the verdicts themselves come
from the pure functions in gates.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..config import GateConfig, RolloutConfig
from ..metrics.model import Measurement, MetricSpec
from .changelook import change_look
from .changepoint import ChangeState
from .gates import (
    NEGATE,
    PROPORTIONS,
    GateVerdict,
    Role,
    evaluate_gate,
    evaluate_windows,
    quantile_levels,
)
from .limits import GateCounters, count, tripped
from .stagetotals import FROM_BOUNDARY, StageTotals, counted, sample_size
from .state import Snapshot

log = logging.getLogger(__name__)

MeasureFn = Callable[[MetricSpec, float], Awaitable[Measurement]]
MIN_WINDOW = 1.0  # seconds; a zero-length window has no data by construction


@dataclass(slots=True)
class Evaluation:
    gates: list[GateVerdict] = field(default_factory=list)
    triggers: list[GateVerdict] = field(default_factory=list)
    counters: dict[str, dict[str, Any]] = field(default_factory=dict)
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)
    trips: list[dict[str, Any]] = field(default_factory=list)  # non-dry-run gates/triggers beyond limits
    dry_trips: list[dict[str, Any]] = field(default_factory=list)
    holds: list[dict[str, Any]] = field(default_factory=list)  # gates beyond limits with `on_fail: hold`
    new_trips: set[str] = field(default_factory=set)  # "role:name" that crossed their limits just now
    samples: int = 0
    stale_news: list[str] = field(default_factory=list)  # stale gates worth an alert (set by the controller)
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)  # change statistics (changepoint triggers)

    def all_gates_pass(self) -> bool:
        return all(v.verdict == "pass" for v in self.gates if not v.dry_run)

    def stale_gates(self) -> list[str]:
        """Gates (not dry-run) whose newest sample is too old to promote on."""
        return [v.name for v in self.gates if v.stale and not v.dry_run]

    def late_gates(self) -> list[str]:
        """Gates (not dry-run) whose data ends too long ago to promote on while their source delivers."""
        return [v.name for v in self.gates if v.late and not v.dry_run]

    def verdicts(self) -> list[GateVerdict]:
        return [*self.triggers, *self.gates]


def reason_of(v: GateVerdict, trip: str | None = None) -> dict[str, Any]:
    """A verdict as a hook/bus/event reason: observed vs threshold with the sample sizes."""
    out = {
        "gate": v.name, "role": v.role, "verdict": v.verdict, "metric": v.metric, "op": v.op,
        "observed": v.observed, "threshold": v.threshold, "baseline": v.baseline, "samples": v.samples,
        "baseline_samples": v.baseline_samples, "lower": v.lower, "upper": v.upper,
        "confidence": v.confidence, "window": v.window, "reason": v.reason,
        "newest": v.newest, "age": v.age, "stale": v.stale,
    }
    if trip:
        out["trip"] = trip
    return out


class StageEvaluator:
    """One evaluation of one rollout snapshot at time `now`."""

    def __init__(self, cfg: RolloutConfig, snap: Snapshot, measure: MeasureFn, now: float, replica: str = "") -> None:
        self.cfg = cfg
        self.snap = snap
        self.measure = measure
        self.now = now
        self.stage = cfg.stages[snap.stage_index]
        self.stage_start = snap.stage_started_at if snap.stage_started_at is not None else now
        self.stage_totals = StageTotals(cfg, snap.data.get("totals") or {}, self.stage_start, now, self._measure,
                                        replica)
        self.baselines: dict[str, Any] = dict(snap.data.get("baselines") or {})
        self._stage_n: dict[str, int] = {}  # stage sample size per accumulated key, this evaluation
        self.changes: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (snap.data.get("changes") or {}).items()}

    async def run(self) -> Evaluation:
        ev = Evaluation()
        old = self.snap.data.get("counters") or {}
        for role, gates in (("trigger", self.cfg.triggers), ("gate", self.stage.gates)):
            for gate in gates:
                verdict = await self._verdict(gate, role)  # type: ignore[arg-type]
                # Let the loop serve /healthz, the API and ingest between gates: a metrics backend
                # that measures in process (jsonl) never yields, so a whole evaluation would run
                # as one step (bench/rollout_hub_eval.py). Not between the measurements of one
                # gate: a stage settlement subtracts two windows that must see the same records.
                await asyncio.sleep(0)
                key = f"{role}:{gate.name}"
                before = GateCounters.from_dict(old.get(key))
                counters = count(before, verdict.verdict)
                ev.counters[key] = counters.to_dict()
                (ev.triggers if role == "trigger" else ev.gates).append(verdict)
                trip = tripped(gate, counters) if verdict.verdict == "fail" else None
                if trip:
                    held = role == "gate" and gate.on_fail == "hold"
                    (ev.dry_trips if gate.dry_run else ev.holds if held else ev.trips).append(reason_of(verdict, trip))
                    if tripped(gate, before) is None:
                        ev.new_trips.add(key)
        ev.samples = await self._samples(ev)
        ev.totals = self.stage_totals.totals
        ev.changes = self.changes
        return ev

    # --- measuring --------------------------------------------------------------------------

    async def _measure(self, spec: MetricSpec, window: float) -> tuple[Measurement | None, str | None]:
        try:
            return await self.measure(spec, max(window, MIN_WINDOW)), None
        except Exception as exc:  # noqa: BLE001 - any backend failure is an `error` verdict, not a crash
            log.warning("measurement failed", extra={"rollout": self.cfg.name, "error": str(exc)})
            return None, f"{type(exc).__name__}: {exc}"

    async def _accumulate(self, key: str, spec: MetricSpec) -> tuple[Measurement | None, str | None]:
        """The stage total so far: settled totals plus the provisional tail (see `_settle`)."""
        tot, tail, error = await self.stage_totals.settle(key, spec)
        if tail is not None and tail.has_data and tail.count is None:
            # A backend that gives a rate without its sample size cannot be summed.
            return await self._measure(spec, min(self.now - self.stage_start, self.cfg.max_window))
        n, x = counted(tot)
        n += sample_size(tail) if tail is not None else 0
        x += int(tail.successes or 0) if tail is not None and tail.count else 0
        newest = tot.get("newest")
        newest = float(newest) if newest is not None else None
        arrived = tail.arrived if tail is not None else None  # the stream's, not the stage's (_freshness)
        held = tail.held if tail is not None else None
        self._stage_n[key] = n
        if n == 0:
            # Not "the previous stage's": the first stage has none, a restart or a start after a rollback
            # is a boundary too (rollout/stagetotals.py "The settling span after a boundary").
            reason = (f"the stage's first {self.cfg.settle:.0f} s are not counted toward promotion (settling: "
                      "records placed there may have been made before the stage began)"
                      if self.stage_totals.settling(key) else "no requests in the stage yet")
            return Measurement(None, 0, 0, reason, newest=newest, arrived=arrived, held=held), error
        return Measurement(x / n, n, x, newest=newest, arrived=arrived, held=held), error

    async def _baseline(self, gate: GateConfig, key: str, window: float | None) -> tuple[Measurement | None, str | None]:
        assert gate.relative_to is not None
        if gate.baseline == "rollout_start":
            snap = self.baselines.get(key)
            if snap is None:
                return Measurement(None, reason="no baseline captured at rollout start"), None
            return Measurement(snap.get("value"), snap.get("count"), snap.get("successes")), None
        if window is None:
            return await self._accumulate(key + ":baseline", gate.relative_to)
        return await self._measure(gate.relative_to, window)

    async def _verdict(self, gate: GateConfig, role: Role) -> GateVerdict:
        key = f"{role}:{gate.name}"
        if gate.method == "changepoint":
            return await self._change(gate, role, key)
        whole_stage = gate.window is None  # proportions accumulated, other functions one window (_reading)
        promotion = await self._reading(gate, role, key)
        if role == "trigger" or gate.on_fail == "hold" or not whole_stage or self.cfg.settle == 0:
            return promotion  # one reading: a trigger's counts from the boundary (StageTotals.span)
        # `on_fail: rollback`: its pass promotes (after the span), its fail rolls back (from the
        # boundary: a canary failing from its first second is not left running through the span).
        rollback = await self._reading(gate, role, key + FROM_BOUNDARY)
        if rollback.verdict == "fail" and promotion.verdict != "fail":
            return replace(rollback, reason=f"{rollback.reason} (counted from the stage's start: a rollback "
                                            "does not wait for the settling span)")
        return promotion

    async def _reading(self, gate: GateConfig, role: Role, key: str) -> GateVerdict:
        """`gate`'s verdict, its whole-stage proportion accumulated under `key` (StageTotals.span)."""
        proportion = gate.metric.function in PROPORTIONS
        # A whole-stage gate reads what its key counts: from the stage's start + its settling span
        # (StageTotals.span: `settle` for the promotion side, 0 for a trigger and a rollback side). Before
        # round 19 only the accumulated proportions honoured it: a whole-stage p95 (or mean, count) read the
        # span's records - the previous stage's, placed after the boundary - and so did the shorter scan
        # windows of a whole-stage proportion (they were cut at the stage's start, not at counted_from).
        counting = max(self.now - self.stage_start - self.stage_totals.span(key), 0.0)
        rows: list[tuple[float, Measurement | None, Measurement | None]] = []
        errors: dict[float, str] = {}
        if gate.window is None and proportion:
            main_window = counting
            m, err = await self._accumulate(key, gate.metric)
        elif gate.window is None and self.stage_totals.settling(key):
            main_window = 0.0
            m, err = await self._settling_reading(key, gate.metric)
        else:
            main_window = gate.window if gate.window is not None else min(counting, self.cfg.max_window)
            m, err = await self._measure(gate.metric, main_window)
        b, berr = (await self._baseline(gate, key, None if gate.window is None and proportion else main_window)
                   if gate.relative_to is not None else (None, None))
        rows.append((main_window, m, b))
        if err or berr:
            errors[main_window] = err or berr or ""
        for w in sorted(gate.scan_windows, reverse=True):
            if w >= main_window:
                continue
            sm, serr = await self._measure(gate.metric, w)
            sb, sberr = (None, None)
            if gate.relative_to is not None:
                sb, sberr = (await self._baseline(gate, key, w)) if gate.baseline == "concurrent" else (b, None)
            rows.append((w, sm, sb))
            if serr or sberr:
                errors[w] = serr or sberr or ""
        bounds = {}
        if gate.metric.function == "quantile" and gate.metric.quantile is not None:
            for w, qm, qb in rows:
                if w not in errors and evaluate_gate(gate, qm, role=role, baseline=qb).verdict == "fail":
                    bounds[w] = await self._quantile_bounds(gate, role, w, qm, qb)
        verdict = evaluate_windows(gate, rows, role=role, errors=errors, bounds=bounds)
        return self._freshness(verdict, m, b if gate.baseline == "concurrent" else None)

    async def _settling_reading(self, key: str, spec: MetricSpec) -> tuple[Measurement | None, str | None]:
        """A whole-stage gate (not a proportion) in its settling span: nothing counted yet (its no-data
        policy decides), the stream's freshness read incrementally (StageTotals.look)."""
        seen, error = await self.stage_totals.look(key, spec)
        reason = (f"the stage's first {self.cfg.settle:.0f} s are not counted toward promotion (settling: "
                  "records placed there may have been made before the stage began)")
        if seen is None:
            return Measurement(None, 0, 0, reason), error
        return Measurement(None, 0, 0, reason, newest=seen.newest, arrived=seen.arrived, held=seen.held), error

    async def peek(self) -> list[GateVerdict]:
        """The changepoint triggers with `check_every`, checked now WITHOUT ending their look.

        Between evaluations (controller.watch): the statistic as it would be if the look ended
        now, from the canary's requests since the last committed look. Nothing is stored, so the
        looks, and with them the false-alarm bound, are those of the evaluations (changepoint.py
        "Checked between looks"); a regression is acted on seconds after the evidence arrives
        instead of at the next interval.
        """
        out = []
        for gate in self.cfg.triggers:
            if gate.method == "changepoint" and gate.check_every is not None:
                out.append(await self._change(gate, "trigger", f"trigger:{gate.name}", commit=False))
        return out

    async def _change(self, gate: GateConfig, role: Role, key: str, commit: bool = True) -> GateVerdict:
        """One look of a changepoint trigger, or a check of the look in progress (changelook.py):
        the state it ends with is kept in the rollout state when `commit`."""
        r = await change_look(gate, role, ChangeState.from_dict(self.changes.get(key)), self._measure, self.now,
                              self.stage_start, self.cfg.max_window, commit)
        if commit and r.state is not None:
            self.changes[key] = r.state.to_dict()
        return self._freshness(r.verdict, r.canary, None) if r.canary is not None else r.verdict

    def _freshness(self, v: GateVerdict, m: Measurement | None, b: Measurement | None) -> GateVerdict:
        """`v` with the newest sample it used: fresh when that is at most max_staleness old; else `late`
        while the source still delivers (a record arrived within max_staleness, and the newest sample is
        within max_lateness: a writer or shipper that appends in batches, each record stamped when it was
        made), else `stale` (nothing arrived: the writer stopped, the file vanished; or what arrives is
        older than the lateness bound). Both block promotion: the data ends before now. Only `stale`
        alerts and makes the decision `stale` (round 14: a writer delivering every 80 s, or every 40-60 s
        at 2 uploads/min, read stale at 11-32 of 50 evaluations while it was alive). The arrival is known
        for jsonl streams only (Measurement.arrived); elsewhere the newest sample alone decides.
        Round 17, a slow writer whose clock stepped back (metrics/held.py): its records are placed on the
        new clock only after 3 reads agree, so while they wait its newest placed sample is ~3 of its gaps
        old, and past max_lateness at a record every 45 s or more (`stale` for minutes while it delivered).
        So a stream holding records for its writer's clock (Measurement.held) reads `late` whenever a
        record arrived within max_staleness, however old its newest placed sample, if that sample was
        within max_lateness when the oldest of them arrived (the source was live when they began to wait;
        a backlog flushed after a pause waits too, but its source had gone quiet: generated scenarios
        7035, 10121). And "what arrives is
        older than the bound" is measured at the arrival (newest arrival - newest sample), not now: the
        step's first records, placed at their stamps 35-100 s back, and a record every 50-60 s read
        `stale` between two arrivals (newest sample 100 + 60 s old while the writer delivered on time)."""
        newest = m.newest if m is not None else None
        arrived = m.arrived if m is not None else None
        if b is not None and newest is not None:
            newest = None if b.newest is None else min(newest, b.newest)
        if b is not None and arrived is not None:
            arrived = None if b.arrived is None else min(arrived, b.arrived)
        limit = self.cfg.staleness_limit
        age = self.now - newest if newest is not None else None
        stale = age is None or age > limit
        if not stale:
            return replace(v, newest=newest, age=age)
        if m is not None and arrived is not None and not self._behind(m, limit) and not self._behind(b, limit):
            old = f"newest sample {age:.0f}s old" if age is not None else "no sample placed yet"
            why = f"late: {old} > max_staleness {limit:g}s, but its source delivered {self.now - arrived:.0f}s ago"
            if m.held is not None or (b is not None and b.held is not None):
                why += " (records wait for their writer's clock)"
            return replace(v, newest=newest, age=age, late=True, reason=f"{v.reason}; {why}")
        why = (f"stale: newest sample {age:.0f}s old > max_staleness {limit:g}s" if age is not None
               else "stale: no sample in the stage")
        return replace(v, newest=newest, age=age, stale=True, reason=f"{v.reason}; {why}")

    def _behind(self, m: Measurement | None, limit: float) -> bool:
        """`m`'s source did not deliver within `limit` (nothing arrived), or what it delivered was older
        than the lateness bound when it arrived and none of its records wait for their writer's clock
        (_freshness)."""
        if m is None:
            return False
        if m.arrived is None or self.now - m.arrived > limit:
            return True
        if m.newest is None:
            return m.held is None
        if m.held is not None and m.held - m.newest <= self.cfg.max_lateness:
            return False
        return m.arrived - m.newest > self.cfg.max_lateness

    async def _quantile_bounds(self, gate: GateConfig, role: Role, window: float, m: Measurement | None,
                               b: Measurement | None) -> tuple[Measurement | None, Measurement | None]:
        """The canary's and baseline's quantiles at the levels that bound their true quantiles.

        Measured only when the point estimate misses the condition (the bounds can only turn a
        `fail` into `inconclusive`), so healthy evaluations cost no extra queries.
        """
        q = gate.metric.quantile
        if q is None or m is None or not m.has_data or not m.count:
            return None, None
        must = gate.op if role == "gate" else NEGATE[gate.op]
        canary_low_side = must in ("<", "<=")  # failing needs even the canary's low bound to be too high
        lo, hi = quantile_levels(q, m.count, gate.confidence)
        canary_spec = gate.metric.model_copy(update={"quantile": lo if canary_low_side else hi})
        cm, err = await self._measure(canary_spec, window)
        if err is not None:
            return None, None
        bm = None
        if gate.relative_to is not None and gate.baseline == "concurrent" and b is not None and b.count:
            blo, bhi = quantile_levels(q, b.count, gate.confidence)
            base_spec = gate.relative_to.model_copy(update={"quantile": bhi if canary_low_side else blo})
            bm, err = await self._measure(base_spec, window)
            if err is not None:
                return cm, None
        elif gate.relative_to is not None:
            bm = b
        return cm, bm

    async def _samples(self, ev: Evaluation) -> int:
        if self.cfg.samples is not None:
            tot, tail, _ = await self.stage_totals.settle("samples", self.cfg.samples)
            return counted(tot)[0] + (sample_size(tail) if tail is not None else 0)
        counts = [n for k, n in self._stage_n.items()
                  if k.startswith("gate:") and ":baseline" not in k and FROM_BOUNDARY not in k]
        return max(counts, default=0)


async def capture_baselines(cfg: RolloutConfig, measure: MeasureFn, existing: dict[str, Any],
                            now: float) -> dict[str, Any]:
    """Snapshot the `baseline: rollout_start` series (memory before the canary gets traffic)."""
    out = dict(existing)
    gates = [("trigger", g) for g in cfg.triggers] + [("gate", g) for s in cfg.stages for g in s.gates]
    for role, gate in gates:
        key = f"{role}:{gate.name}"
        if gate.relative_to is None or gate.baseline != "rollout_start" or key in out:
            continue
        try:
            m = await measure(gate.relative_to, gate.window or 300.0)
        except Exception as exc:  # noqa: BLE001 - retried at the next evaluation
            log.warning("baseline capture failed", extra={"rollout": cfg.name, "gate": gate.name, "error": str(exc)})
            continue
        if m.has_data:
            out[key] = {"value": m.value, "count": m.count, "successes": m.successes, "at": now}
    return out


def unmeasurable(cfg: RolloutConfig, check: Callable[[MetricSpec, float | None], list[str]]) -> list[str]:
    """`path: reason` for every spec of the rollout that `check` (the metrics backend) rejects."""
    checks: list[tuple[str, MetricSpec, float | None]] = []
    if cfg.samples is not None:
        checks.append(("samples", cfg.samples, cfg.max_window))
    gates = [("triggers", g) for g in cfg.triggers] + [
        (f"stages[{i}].gates", g) for i, s in enumerate(cfg.stages) for g in s.gates]
    for where, gate in gates:
        window = gate.window if gate.window is not None else cfg.max_window
        checks.append((f"{where}[{gate.name}].metric", gate.metric, window))
        if gate.relative_to is not None:
            checks.append((f"{where}[{gate.name}].relative_to", gate.relative_to,
                           window if gate.baseline == "concurrent" else (gate.window or 300.0)))
    out: list[str] = []
    for path, spec, span in checks:
        for problem in check(spec, span):
            line = f"{path}: {problem}"
            if line not in out:
                out.append(line)
    return out
