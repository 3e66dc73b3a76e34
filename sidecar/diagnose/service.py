"""The diagnosis stage: listens for new/regressed groups, diagnoses each once, stores and announces it.

Flow: bus event (`group.new`, `group.regressed`, `group.updated`) -> trigger policy -> durable
claim (pending) -> worker takes it atomically -> rules diagnosis stored at once -> Kimi (when a key
is configured) -> store + `diagnosis.ready`. Work the LLM could not do (down, over budget, quota)
stays in `diagnosis_claims` as `failed` with the time of its next attempt; a sweeper re-queues
due claims and claims abandoned by a dead replica.

Single-flight: in the process, a set of fingerprints in flight is checked and updated without an
await in between, so a burst of 1,000 events for one group queues it once; across replicas the
claim row decides (INSERT ... ON CONFLICT DO NOTHING, UPDATE ... WHERE state ... RETURNING).

This module is the event side (lifecycle, bus events -> trigger policy -> claim); the claim side (take, work,
sweep, re-run) is claims.py's `ClaimWork`, mixed into `DiagnosisService`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Any

from ..bus import GROUP_NEW, GROUP_REGRESSED, GROUP_UPDATED, Bus, BusEvent, Subscription
from ..clock import Clock, utc
from ..config import DiagnosisConfig
from ..metrics.series import SeriesStore
from ..store.base import Store, StoreError
from ..tasks import cancel_and_wait
from ..telemetry import Telemetry
from .claims import ClaimWork, GroupNotFound
from .kimi import KimiClient
from .rules import RuleSet
from .runner import DiagnosisRunner, Provider
from .trigger import OccurrenceWindow, should_diagnose

log = logging.getLogger(__name__)

__all__ = ["DiagnosisService", "GroupNotFound", "build", "metrics_around", "new_owner"]  # GroupNotFound: claims.py

MAX_CANDIDATES = 10_000


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DiagnosisService(ClaimWork):
    """The `diagnosis` component (start/stop/problems) and the on-demand re-run."""

    name = "diagnosis"

    def __init__(
        self,
        *,
        config: DiagnosisConfig,
        store: Store,
        bus: Bus,
        clock: Clock,
        rules: RuleSet,
        llm: KimiClient | None = None,
        telemetry: Telemetry | None = None,
        owner: str | None = None,
        rollout_state: Provider | None = None,
        gateway_metrics: Provider | None = None,
        rules_problem: str | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.bus = bus
        self.clock = clock
        self.rules = rules
        self.llm = llm
        self.telemetry = telemetry
        self.owner = owner or new_owner()
        self.rules_problem = rules_problem
        self.queue: asyncio.Queue[tuple[str, int | None]] = asyncio.Queue(maxsize=config.queue_size)
        self._inflight: set[str] = set()
        self._candidates: OrderedDict[str, tuple[str, int, str | None, OccurrenceWindow]] = OrderedDict()
        self._settled: OrderedDict[str, int] = OrderedDict()  # fingerprint -> generation done
        self._tasks: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self._sub: Subscription | None = None
        self.store_failures = 0
        self.runner = DiagnosisRunner(
            config=config, store=store, bus=bus, clock=clock, rules=rules, llm=llm, telemetry=telemetry,
            owner=self.owner, rollout_state=rollout_state, gateway_metrics=gateway_metrics,
        )

    # --- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        if self.llm is not None:
            await self._restore_budgets()
        self._sub = self.bus.subscribe({GROUP_NEW, GROUP_REGRESSED, GROUP_UPDATED}, maxsize=10_000)
        self._tasks.append(asyncio.create_task(self._consume(), name="diagnosis-events"))
        workers = self.llm.config.concurrency if self.llm is not None else 1
        for i in range(workers):
            self._tasks.append(asyncio.create_task(self._work(), name=f"diagnosis-worker-{i}"))
        self._tasks.append(asyncio.create_task(self._sweep(), name="diagnosis-sweeper"))

    async def _restore_budgets(self) -> None:
        """Re-seed the LLM budgets from the store, so a restart does not reset this hour's spend."""
        assert self.llm is not None
        now = self.clock.time()
        try:
            times, tokens = await self.store.diagnoses.llm_spend(utc(now - 3600), utc(now - now % 86400))
        except StoreError as exc:
            log.warning("could not read past LLM spend; budgets start empty", extra={"error": str(exc)})
            return
        self.llm.calls.restore([t.timestamp() for t in times])
        self.llm.tokens.restore(tokens)

    async def stop(self) -> None:
        if self._sub is not None:
            self._sub.close()
        await cancel_and_wait(*self._tasks, *self._background)
        self._tasks.clear()
        if self.llm is not None:
            await self.llm.close()

    def problems(self) -> list[str]:
        """Readiness: none. Kimi out of quota or a refused key degrades diagnoses, not serving."""
        return []

    def degraded(self) -> list[str]:
        out: list[str] = []
        if self.rules_problem:
            out.append(self.rules_problem)
        if self.llm is not None:
            out.extend(self.llm.degraded())
        return out

    def status(self) -> dict[str, Any]:
        return {
            "rules": {"file": self.rules.source, "count": len(self.rules), "problem": self.rules_problem},
            "llm": self.llm.status() if self.llm is not None else {"enabled": False},
            "queued": self.queue.qsize(),
            "in_flight": len(self._inflight),
            "candidates": len(self._candidates),
        }

    # --- events -> trigger ----------------------------------------------------------------------

    async def _consume(self) -> None:
        assert self._sub is not None
        while True:
            event = await self._sub.get()
            try:
                await self.on_event(event)
            except StoreError as exc:
                self.store_failures += 1
                log.warning("diagnosis trigger skipped an event: store unavailable", extra={"error": str(exc)})
            except Exception:
                log.exception("diagnosis trigger failed", extra={"event": event.kind})

    async def on_event(self, event: BusEvent) -> None:
        """Apply the trigger policy to one group event (the bus consumer calls this; so can the app)."""
        data = event.data
        fingerprint = data.get("fingerprint") or data.get("error_hash")
        if not fingerprint:
            return
        total = _int(data.get("count", data.get("occurrence_count")))
        generation = _int(data.get("regression_count", data.get("regressions"))) or 0
        level = data.get("level")
        now = self.clock.time()
        # Everything up to the first await is synchronous: a burst of events for one group
        # cannot slip past these checks between them.
        if fingerprint in self._inflight:
            return
        settled = self._settled.get(fingerprint)
        if event.kind == GROUP_REGRESSED:
            generation = max(generation, (settled or 0) + 1) if generation == 0 else generation
            if settled is not None and generation <= settled:
                return
            self._candidates[fingerprint] = (
                "regressed", generation, level, OccurrenceWindow(self.config.occurrence_window, now, total or 1,
                                                                 (total or 1) - 1))
        elif event.kind == GROUP_NEW:
            if settled is not None:
                return
            self._candidates[fingerprint] = (
                "new", generation, level, OccurrenceWindow(self.config.occurrence_window, now, total or 1, 0))
        else:
            candidate = self._candidates.get(fingerprint)
            if candidate is None:
                if settled is not None:
                    return
                # Unknown group (e.g. we restarted after its group.new): decide from the store once.
                self._inflight.add(fingerprint)
                try:
                    claim = await self.store.diagnoses.claim(fingerprint)
                finally:
                    self._inflight.discard(fingerprint)
                # A group diagnosed with another model or prompt (e.g. by rules before a key was
                # configured) is upgraded when it is still active; otherwise it is settled.
                if claim is not None and not self._outdated(claim):
                    self._remember(fingerprint, int(claim["generation"]))
                    return
                self._candidates[fingerprint] = (
                    "new", generation, level, OccurrenceWindow(self.config.occurrence_window, now, total or 1, 0))
            else:
                candidate[3].observe(now, total)
                if level is None:
                    level = candidate[2]
        self._candidates.move_to_end(fingerprint)
        while len(self._candidates) > MAX_CANDIDATES:
            self._candidates.popitem(last=False)
        reason, generation, cand_level, window = self._candidates[fingerprint]
        if not should_diagnose(window.count(now), level or cand_level, self.config.min_occurrences):
            return
        del self._candidates[fingerprint]
        self._inflight.add(fingerprint)
        try:
            queued = await self._claim(fingerprint, reason, generation)
        except BaseException:
            self._inflight.discard(fingerprint)
            raise
        if not queued:
            self._inflight.discard(fingerprint)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def metrics_around(series: SeriesStore) -> Provider:
    """Gateway metric values around a group's first seen, from the metrics hub's scraped series."""
    from .gateway_metrics import around

    def provide(first_seen: datetime | None = None) -> Any:
        return around(series, first_seen.timestamp()) if first_seen is not None else None

    return provide


def build(config: DiagnosisConfig, store: Store, bus: Bus, clock: Clock, telemetry: Telemetry, *,
          rollout_state: Provider | None = None, gateway_metrics: Provider | None = None) -> DiagnosisService:
    """The diagnosis stage over `config.diagnosis`. A bad rules file raises ConfigError (fails the start).

    `rollout_state` and `gateway_metrics` are the other stages' context for the prompt (the rollout
    controller's snapshot, the metrics hub's series around first seen); None leaves them out.
    """
    from .kimi import KimiClient
    from .rules import RuleSet, default_rules_path, load_rules

    path = default_rules_path(config.rules_file)
    problem = None
    if Path(path).exists():
        rules = load_rules(path)
    else:
        rules = RuleSet([], source=str(path))
        problem = f"rules file {path} not found: only the generic catch-all diagnosis is available"
        log.warning(problem)
    llm = None
    if config.kimi_enabled and config.resolved_api_key():
        llm = KimiClient(config, clock, telemetry)
    return DiagnosisService(
        config=config, store=store, bus=bus, clock=clock, rules=rules, llm=llm,
        telemetry=telemetry, rollout_state=rollout_state, gateway_metrics=gateway_metrics,
        rules_problem=problem,
    )
