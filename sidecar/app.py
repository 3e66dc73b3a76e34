"""Wiring and lifecycle: open the store, build the stages in dependency order, serve, shut down.

Shutdown order matters: stop accepting HTTP first, then stop the stages from the last built to
the first (ingest stops reading and writes its final checkpoint only after the errors stage has
flushed what it accepted), then close the store.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

from .bus import Bus
from .clock import Clock, SystemClock
from .config import Config
from .store.base import Store, StoreError
from .telemetry import Telemetry

log = logging.getLogger(__name__)


class Component(Protocol):
    """A pipeline stage as the app sees it."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def problems(self) -> list[str]:
        """Readiness problems (shown on /readyz): the sidecar cannot serve or ingest."""

    def degraded(self) -> list[str]:
        """Dependencies in trouble (chat, Kimi, scrapes, hooks): /api/status, never /readyz."""


class StartupError(Exception):
    """The sidecar cannot start; the message is one line naming the problem, for the CLI."""


def build_components(sidecar: Sidecar) -> list[Component]:
    """The stages, upstream first. Each stage module offers a `build(sidecar)` factory.

    Order: groups (the ingest sink) before ingest; metrics before rollouts (gates measure
    through it); diagnosis and alerts subscribe to the bus before events flow.
    """
    components: list[Component] = []
    from .errors.groups import build as build_groups

    groups = build_groups(sidecar)
    components.append(groups)
    from .store.spool import build as build_spool

    # Between ingest and groups: a batch is stored, or spooled to disk while the store is down.
    spool = build_spool(sidecar, groups.record)
    components.append(spool)
    collect = sidecar.config.collect
    # What ingest and the SDK endpoints deliver to: the spool, behind the SDK/log de-duplication
    # when it is configured (both paths must share one Deduplicator to see each other's copies).
    sidecar.event_sink = spool
    if collect.dedup_window > 0:
        from .ingest.collect import Deduplicator, DedupSink

        sidecar.event_sink = DedupSink(spool, Deduplicator(collect.dedup_window, sidecar.clock,
                                                           on_drop=sidecar.telemetry.collect_duplicates.inc))
    if collect.sentry.projects or collect.otlp.enabled:
        from .ingest.collect import CollectService

        token = sidecar.config.server.api_token
        components.append(CollectService(collect, sidecar.event_sink, sidecar.clock, sidecar.telemetry,
                                         token.get_secret_value() if token is not None else None))
    from .metrics.hub import build as build_metrics

    components.append(build_metrics(sidecar))  # "metrics": rollout gates call .measure() on it
    from .rollout import build as build_rollouts

    components.append(build_rollouts(sidecar))  # "rollouts": gates, state machine, hooks
    from .diagnose.service import build as build_diagnosis

    components.append(build_diagnosis(sidecar))
    from .alerts import build as build_alerts

    components.append(build_alerts(sidecar))
    from .ingest.tail import build as build_ingest

    # Last: every consumer is subscribed before events flow; stopped first, so its final
    # checkpoint covers exactly what the sink (spool) accepted.
    components.append(build_ingest(sidecar))
    return components


def public_url(config: Config) -> str:
    """The base URL people reach the dashboard at: `server.public_url`, else this host and port."""
    server = config.server
    host = "127.0.0.1" if server.host in ("0.0.0.0", "::", "") else server.host
    return (server.public_url or f"http://{host}:{server.port}").rstrip("/")


class Sidecar:
    """The running process: configuration, shared services and the stages."""

    def __init__(self, config: Config, clock: Clock | None = None, telemetry: Telemetry | None = None) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.telemetry = telemetry or Telemetry()
        self.bus = Bus()
        self._store: Store | None = None
        # What ingest delivers error events to: the spool in front of the groups stage.
        self.event_sink: Callable[[list[Any]], Awaitable[None]] | None = None
        self.components: list[Component] = []
        self._runner: web.AppRunner | None = None
        self.started_at: float | None = None
        self.url = public_url(config)  # known before serving: stages put it in links (alerts)

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is not open (Sidecar.start() has not run)")
        return self._store

    def component(self, name: str) -> Any | None:
        return next((c for c in self.components if c.name == name), None)

    async def start(self, serve: bool = True) -> None:
        from .store.open import open_store

        try:
            self._store = await open_store(self.config.store)
        except StoreError as exc:
            raise StartupError(f"store: {exc}") from None
        self.components = build_components(self)
        for component in self.components:
            await component.start()
        if serve:
            await self._serve()
        self.started_at = self.clock.time()
        log.info("sidecar started", extra={"url": self.url, "stages": [c.name for c in self.components]})

    async def _serve(self) -> None:
        from .web.server import build_web_app

        server = self.config.server
        # Open connections (an SSE stream, a slow client) get a short grace period at shutdown,
        # so the whole stop stays inside the 5 s a process supervisor allows.
        # auto_decompress=False: request bodies are inflated by the handlers that accept them
        # (ingest/collect/bodies.py), with an output cap, so a gzip bomb costs at most that cap.
        runner = web.AppRunner(build_web_app(self), access_log=None, auto_decompress=False,
                               shutdown_timeout=min(2.0, server.shutdown_timeout))
        await runner.setup()
        site = web.TCPSite(runner, server.host, server.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            reason = exc.strerror or str(exc)
            raise StartupError(f"server: cannot listen on {server.host}:{server.port}: {reason}") from None
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for component in reversed(self.components):
            try:
                await component.stop()
            except Exception:
                log.exception("stage failed to stop cleanly", extra={"stage": component.name})
        if self._store is not None:
            await self._store.close()
            self._store = None
        log.info("sidecar stopped")

    async def problems(self) -> list[str]:
        problems: list[str] = []
        try:
            await self.store.ping()
        except (StoreError, RuntimeError) as exc:
            problems.append(f"store: {exc}")
        for component in self.components:
            problems.extend(f"{component.name}: {p}" for p in component.problems())
        return problems

    def degraded(self) -> dict[str, list[str]]:
        """Each stage's degraded dependencies (empty lists included), and the sidecar_degraded gauge.

        Kept apart from `problems()` on purpose: /readyz is the pod's readiness, and a Slack outage
        or an empty Kimi balance must not take the gateway that shares the pod out of its Service.
        """
        out = {c.name: list(c.degraded()) for c in self.components}
        for name, items in out.items():
            self.telemetry.degraded.labels(stage=name).set(1 if items else 0)
        return out


async def run(config: Config) -> int:
    """Run until SIGTERM/SIGINT; return the process exit code."""
    sidecar = Sidecar(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await sidecar.start()
    except StartupError:
        await sidecar.stop()
        raise
    await stop.wait()
    log.info("shutting down")
    try:
        await asyncio.wait_for(sidecar.stop(), timeout=config.server.shutdown_timeout)
    except TimeoutError:
        log.error("shutdown took longer than %.1fs; exiting anyway", config.server.shutdown_timeout)
    return 0
