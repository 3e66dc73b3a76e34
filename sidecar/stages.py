"""The stages by type: what app.py builds and what the web layer reads, with no lookup by name.

This module sits between the web layer and the stages (web -> stages -> store -> foundations):
stage modules never import it, app.py fills it in, and web handlers read typed fields from it.
A field is None when the stage is not running (a test that builds one stage, collection not
configured); handlers answer 503 or hide the section then, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .alerts.component import Alerts
    from .bus import Bus
    from .clock import Clock
    from .config import Config
    from .diagnose.service import DiagnosisService
    from .errors.groups import GroupRecorder
    from .ingest.collect.service import CollectService
    from .ingest.tail import Ingest
    from .ingest.tracked import EventSink
    from .metrics.hub import MetricsHub
    from .rollout.controller import RolloutController
    from .store.base import Store
    from .store.spool import SpoolingSink
    from .telemetry import Telemetry


class Component(Protocol):
    """A pipeline stage as the app sees it."""

    @property
    def name(self) -> str: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def problems(self) -> list[str]:
        """Readiness problems (shown on /readyz): the sidecar cannot serve or ingest."""
        ...

    def degraded(self) -> list[str]:
        """Dependencies in trouble (chat, Kimi, scrapes, hooks): /api/status, never /readyz."""
        ...


@dataclass
class Stages:
    """The running stages, upstream first (the order they start in; they stop in reverse).

    `sink` is what ingest and the SDK endpoints deliver error events to: the spool, behind the
    SDK/log de-duplication when that is configured.
    """

    groups: GroupRecorder | None = None
    spool: SpoolingSink | None = None
    sink: EventSink | None = None
    collect: CollectService | None = None
    metrics: MetricsHub | None = None
    rollouts: RolloutController | None = None
    diagnosis: DiagnosisService | None = None
    alerts: Alerts | None = None
    ingest: Ingest | None = None

    def components(self) -> list[Component]:
        """The stages that are running, in start order."""
        ordered: list[Component | None] = [self.groups, self.spool, self.collect, self.metrics, self.rollouts,
                                           self.diagnosis, self.alerts, self.ingest]
        return [c for c in ordered if c is not None]


class Runtime(Protocol):
    """The running process as the web layer sees it (implemented by app.Sidecar)."""

    config: Config
    clock: Clock
    telemetry: Telemetry
    bus: Bus
    stages: Stages
    url: str
    started_at: float | None

    @property
    def store(self) -> Store: ...

    async def problems(self) -> list[str]: ...

    def degraded(self) -> dict[str, list[str]]: ...
