"""Rollout gates and automatic rollback: verdicts (gates.py), state machine (controller.py), hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..metrics.model import Measurement, MetricSpec
from .controller import RolloutController
from .gates import GateVerdict, evaluate_gate
from .state import Conflict, InvalidTransition, RolloutError, UnknownRollout, pipeline_decision

if TYPE_CHECKING:
    from ..bus import Bus
    from ..clock import Clock
    from ..config import RolloutConfig
    from ..metrics.hub import MetricsHub
    from ..store.base import Store
    from ..telemetry import Telemetry

__all__ = [
    "Conflict", "GateVerdict", "InvalidTransition", "RolloutController", "RolloutError", "UnknownRollout",
    "build", "evaluate_gate", "pipeline_decision",
]


def build(rollouts: list[RolloutConfig], store: Store, bus: Bus, clock: Clock, telemetry: Telemetry,
          metrics: MetricsHub | None) -> RolloutController:
    """The `rollouts` stage. Gates measure through the metrics stage, and a rollout whose gates it
    can never measure is refused at start (`MetricsHub.check_spec`); without it gates hold."""
    if metrics is None:
        async def unavailable(spec: MetricSpec, window: float) -> Measurement:
            return Measurement(None, reason="the metrics stage is not running")

        return RolloutController(rollouts, store, unavailable, bus, clock, telemetry)
    return RolloutController(rollouts, store, metrics.measure, bus, clock, telemetry, check=metrics.check_spec)
