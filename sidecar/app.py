"""Wiring and lifecycle: open the store, build the stages in dependency order, serve, shut down.

Shutdown order matters: stop accepting HTTP first, then stop the stages from the last built to
the first (ingest stops reading and writes its final checkpoint only after the errors stage has
flushed what it accepted), then close the store.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar

from aiohttp import web

from .backoff import Backoff
from .bus import Bus
from .clock import Clock, SystemClock
from .config import Config
from .exceptions import SidecarError
from .stages import Component, Stages
from .store.base import Store, StoreError
from .telemetry import Telemetry

if TYPE_CHECKING:
    from .ingest.tracked import EventSink

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class StartupError(SidecarError):
    """The sidecar cannot start; the message is one line naming the problem, for the CLI."""


def build_stages(config: Config, store: Store, bus: Bus, clock: Clock, telemetry: Telemetry, url: str) -> Stages:
    """Build every stage with its collaborators, upstream first (nothing starts here).

    Order: groups (the ingest sink) before ingest; metrics before rollouts (gates measure
    through it) and diagnosis (the prompt reads its series); ingest last, so every consumer is
    subscribed before events flow, and it stops first, so its final checkpoint covers exactly
    what the sink (spool) accepted.
    """
    from .alerts.component import Alerts
    from .diagnose.service import build as build_diagnosis
    from .diagnose.service import metrics_around
    from .errors.groups import GroupRecorder
    from .ingest.tail import Ingest
    from .metrics.hub import MetricsHub
    from .rollout import build as build_rollouts
    from .store.spool import build as build_spool

    groups = GroupRecorder(store, bus, clock, telemetry, config.grouping, keep_raw=config.store.keep_raw)
    # Between ingest and groups: a batch is stored, or spooled to disk while the store is down.
    spool = build_spool(config.store, groups.record, clock, telemetry)
    sink: EventSink = spool
    collect = config.collect
    # Ingest and the SDK endpoints share one Deduplicator, so each sees the other's copies.
    if collect.dedup_window > 0:
        from .ingest.collect import Deduplicator, DedupSink

        sink = DedupSink(spool, Deduplicator(collect.dedup_window, clock, on_drop=telemetry.collect_duplicates.inc))
    metrics_cfg = config.metrics  # writers' clocks kept next to ingest's checkpoints unless set
    if metrics_cfg.clock_dir is None:
        metrics_cfg = metrics_cfg.model_copy(update={"clock_dir": config.ingest.checkpoint_dir})
    metrics = MetricsHub(metrics_cfg, clock, telemetry)
    collector = None
    if collect.sentry.projects or collect.otlp.enabled:
        from .ingest.collect import CollectService

        token = config.server.api_token
        # Stored SDK errors feed the metrics source `sdk` (rollout gates count them by release).
        collector = CollectService(collect, sink, clock, telemetry,
                                   token.get_secret_value() if token is not None else None,
                                   on_stored=metrics.sdk_errors.add)
    rollouts = build_rollouts(config.rollouts, store, bus, clock, telemetry, metrics)
    diagnosis = build_diagnosis(config.diagnosis, store, bus, clock, telemetry, rollout_state=rollouts.snapshot,
                                gateway_metrics=metrics_around(metrics.series))
    alerts = Alerts(config.alerts, store, bus, clock, telemetry, url, allowed_hosts=config.server.outbound_hosts)
    ingest = Ingest(config, sink, clock, telemetry, store)
    return Stages(groups=groups, spool=spool, sink=sink, collect=collector, metrics=metrics, rollouts=rollouts,
                  diagnosis=diagnosis, alerts=alerts, ingest=ingest)


def public_url(config: Config) -> str:
    """The base URL people reach the dashboard at: `server.public_url`, else this host and port."""
    server = config.server
    host = "127.0.0.1" if server.host in ("0.0.0.0", "::", "") else server.host
    return (server.public_url or f"http://{host}:{server.port}").rstrip("/")


SLOW_START = 5.0  # seconds a start-up step may take before the log says what the process waits for


async def _said_if_slow(step: Awaitable[_T], what: str, after: float = SLOW_START) -> _T:
    """Await `step`; if it takes longer than `after` seconds, log what start-up is waiting for (and again
    every `after` * 6 seconds), and how long it took once done.

    /healthz answers only after every stage has started (Sidecar.start), so a start-up that waits on a
    peer (a database another replica holds locked, a migration) looked like a dead process from outside;
    the log line names the step (round 14: a replica "did not come up" and nothing said why).
    """
    task: asyncio.Future[_T] = asyncio.ensure_future(step)
    began = time.monotonic()
    wait = after
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=wait)
            if done:
                break
            log.warning("start-up: still waiting", extra={"step": what, "waited_s": round(time.monotonic() - began, 1)})
            wait = after * 6
    except BaseException:
        task.cancel()
        raise
    took = time.monotonic() - began
    if took > after:
        log.warning("start-up: slow step ended", extra={"step": what, "took_s": round(took, 1)})
    return task.result()


class Sidecar:
    """The running process: configuration, shared services and the stages."""

    def __init__(self, config: Config, clock: Clock | None = None, telemetry: Telemetry | None = None) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.telemetry = telemetry or Telemetry()
        self.bus = Bus()
        self._store: Store | None = None
        self.stages = Stages()
        self._runner: web.AppRunner | None = None
        self.started_at: float | None = None
        self.url = public_url(config)  # known before serving: stages put it in links (alerts)

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is not open (Sidecar.start() has not run)")
        return self._store

    @property
    def components(self) -> list[Component]:
        """The running stages in start order (empty before start)."""
        return self.stages.components()

    async def start(self, serve: bool = True) -> None:
        try:
            self._store = await self._open_store()
        except StoreError as exc:
            raise StartupError(f"store: {exc}") from None
        self.stages = build_stages(self.config, self._store, self.bus, self.clock, self.telemetry, self.url)
        for component in self.components:
            await _said_if_slow(component.start(), f"stage {component.name}")
        if serve:
            await self._serve()
        self.started_at = self.clock.time()
        log.info("sidecar started", extra={"url": self.url, "stages": [c.name for c in self.components]})

    async def _open_store(self) -> Store:
        """Open and migrate the store, waiting out an unavailable one for `store.startup_wait` seconds.

        StoreUnavailable is the failure that may pass by itself (store/base.py): a replica migrating one SQLite
        file holds its write lock while another starts (round 14's CI: the second of two replicas started
        together gave up after busy_timeout while the first ran its migrations at load ~25), a database server
        that is still starting beside the pod. Retrying with backoff, said in the log each time, starts the
        replica once its peer is done; a StoreError (a file that is not a database, a refused login) and a data
        directory that cannot be created (StorePathUnusable) fail at once.
        Real time, not self.clock: nothing runs yet that a test's clock could advance.
        """
        from .store.database import StorePathUnusable, StoreUnavailable
        from .store.open import open_store

        deadline = time.monotonic() + self.config.store.startup_wait
        retry = Backoff(0.25, 5.0)
        while True:
            try:
                return await _said_if_slow(open_store(self.config.store), "store (open and migrate)")
            except StoreUnavailable as exc:
                left = deadline - time.monotonic()
                if left <= 0 or isinstance(exc, StorePathUnusable):
                    raise
                pause = min(retry.next(), left)
                log.warning("store unavailable at start-up; retrying", extra={
                    "error": str(exc), "retry_in_s": round(pause, 2), "gives_up_in_s": round(left, 1)})
                await asyncio.sleep(pause)

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
    except BaseException:
        # Any start-up failure, not only the ones worded for the CLI: what start() opened is closed,
        # or the process never exits (the store's connection threads are non-daemon: sqlite.py).
        await sidecar.stop()
        raise
    # What start-up built (modules, config, rules, stages) lives as long as the process: moved out
    # of the cyclic GC's generations, a full collection walks only what the process made since, on
    # the event loop (with 200k metrics records held: ~11 ms instead of ~32; bench/RESULTS.md, #19).
    gc.freeze()
    await stop.wait()
    log.info("shutting down")
    try:
        await asyncio.wait_for(sidecar.stop(), timeout=config.server.shutdown_timeout)
    except TimeoutError:
        log.error("shutdown took longer than its timeout; exiting anyway", extra={"timeout_s": config.server.shutdown_timeout})
    return 0
