"""Rollout gates and automatic rollback: verdicts (gates.py), state machine (controller.py), hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..metrics.model import Measurement, MetricSpec
from .controller import RolloutController
from .gates import GateVerdict, evaluate_gate
from .state import Conflict, InvalidTransition, RolloutError, UnknownRollout, pipeline_decision

if TYPE_CHECKING:
    from ..app import Sidecar

__all__ = [
    "Conflict", "GateVerdict", "InvalidTransition", "RolloutController", "RolloutError", "UnknownRollout",
    "build", "evaluate_gate", "pipeline_decision",
]


def build(sidecar: Sidecar, measure: Any | None = None) -> RolloutController:
    """The `rollouts` component. Gates measure through the `metrics` component, looked up at call
    time (it is built in the same pass, just before this one)."""

    async def via_metrics(spec: MetricSpec, window: float) -> Measurement:
        metrics = sidecar.component("metrics")
        fn = getattr(metrics, "measure", None)
        if fn is None:
            return Measurement(None, reason="the metrics stage is not running")
        return await fn(spec, window)

    controller = RolloutController(
        sidecar.config.rollouts, sidecar.store, measure or via_metrics, sidecar.bus, sidecar.clock,
        sidecar.telemetry,
    )

    def check(spec: MetricSpec, window: float | None) -> list[str]:
        # Only the metrics stage's limits matter, and only while it is what the gates measure with.
        if controller.measure is not via_metrics:
            return []
        fn = getattr(sidecar.component("metrics"), "check_spec", None)
        return fn(spec, window) if fn is not None else []

    controller.check = check
    return controller
