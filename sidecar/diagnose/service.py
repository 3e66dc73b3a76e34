"""The diagnosis stage: listens for new/regressed groups, diagnoses each once, stores and announces it.

Flow: bus event (`group.new`, `group.regressed`, `group.updated`) -> trigger policy -> durable
claim (pending) -> worker takes it atomically -> rules diagnosis stored at once -> Kimi (when a key
is configured) -> store + `diagnosis.ready`. Work the LLM could not do (down, over budget, quota)
stays in `diagnosis_claims` as `failed` with the time of its next attempt; a sweeper re-queues
due claims and claims abandoned by a dead replica.

Single-flight: in the process, a set of fingerprints in flight is checked and updated without an
await in between, so a burst of 1,000 events for one group queues it once; across replicas the
claim row decides (INSERT ... ON CONFLICT DO NOTHING, UPDATE ... WHERE state ... RETURNING).
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
from ..exceptions import SidecarError
from ..metrics.series import SeriesStore
from ..store.base import Row, Store, StoreError
from ..tasks import cancel_and_wait
from ..telemetry import Telemetry
from .kimi import KimiClient
from .model import Diagnosis
from .rules import RuleSet
from .runner import DiagnosisRunner, Provider
from .trigger import OccurrenceWindow, should_diagnose

log = logging.getLogger(__name__)

MAX_CANDIDATES = 10_000
MAX_SETTLED = 50_000


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class GroupNotFound(SidecarError, LookupError):
    pass


class DiagnosisService:
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

    # --- identity of a diagnosis ----------------------------------------------------------------

    def cache_key(self, fingerprint: str) -> str:
        return self.runner.cache_key(fingerprint)

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

    def _outdated(self, claim: Row) -> bool:
        """A finished claim made with another model or prompt version than this service would use."""
        return claim["state"] == "done" and claim["cache_key"] not in (None, self.cache_key(claim["error_hash"]))

    def _remember(self, fingerprint: str, generation: int) -> None:
        self._settled[fingerprint] = generation
        self._settled.move_to_end(fingerprint)
        while len(self._settled) > MAX_SETTLED:
            self._settled.popitem(last=False)

    async def _claim(self, fingerprint: str, reason: str, generation: int) -> bool:
        """Record the work durably, then queue it; False when another worker or replica has it."""
        repo = self.store.diagnoses
        at = utc(self.clock.time())
        if not await repo.claim_pending(fingerprint, self.owner, reason, generation, at):
            claim = await repo.claim(fingerprint)
            if claim is None:
                return False
            stale_key = self._outdated(claim)
            newer = generation > int(claim["generation"]) and claim["state"] in ("done", "failed")
            if not (newer or stale_key) or not await repo.reopen(
                fingerprint, self.owner, reason, max(generation, int(claim["generation"])), at,
                expect_attempts=int(claim["attempts"]),
            ):
                self._remember(fingerprint, int(claim["generation"]))
                return False
        self._enqueue(fingerprint, None)
        await self._rules_now(fingerprint, fresh=reason != "new")
        return True

    async def _rules_now(self, fingerprint: str, *, fresh: bool) -> None:
        """The rules answer at once, before the claim reaches a (possibly LLM-blocked) worker."""
        if fresh:
            self.runner.forget_rules(fingerprint)
        try:
            await self.runner.answer_with_rules(fingerprint)
        except StoreError as exc:  # the worker stores it when it takes the claim
            log.warning("rules diagnosis deferred: store unavailable", extra={"fingerprint": fingerprint, "error": str(exc)})

    def _enqueue(self, fingerprint: str, stale_attempts: int | None) -> None:
        try:
            self.queue.put_nowait((fingerprint, stale_attempts))
        except asyncio.QueueFull:
            # The claim is durable (pending, due now): the sweeper picks it up when there is room.
            self._inflight.discard(fingerprint)
            log.warning("diagnosis queue full; left for the retry sweeper", extra={"fingerprint": fingerprint})
        if self.telemetry is not None:
            self.telemetry.queue_depth.labels("diagnosis").set(self.queue.qsize())

    # --- workers --------------------------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            fingerprint, stale_attempts = await self.queue.get()
            try:
                await self.run(fingerprint, stale_attempts=stale_attempts)
            except StoreError as exc:
                self.store_failures += 1
                log.warning("diagnosis deferred: store unavailable", extra={"fingerprint": fingerprint, "error": str(exc)})
            except Exception:
                log.exception("diagnosis failed", extra={"fingerprint": fingerprint})
            finally:
                self._inflight.discard(fingerprint)
                if self.telemetry is not None:
                    self.telemetry.queue_depth.labels("diagnosis").set(self.queue.qsize())

    def _lease(self) -> float:
        """How long a running claim may go without finishing before another replica takes it over."""
        per_call = self.config.timeout * (self.config.max_retries + 1) + self.config.max_retry_after
        return 2 * per_call + 60.0

    async def _sweep(self) -> None:
        while True:
            try:
                await self.sweep_once()
            except StoreError as exc:
                log.warning("diagnosis retry sweep skipped: store unavailable", extra={"error": str(exc)})
            except Exception:
                log.exception("diagnosis retry sweep failed")
            await self.clock.sleep(self.config.retry_interval)

    async def sweep_once(self) -> int:
        """Queue due pending/failed claims and abandoned running ones; return how many were queued."""
        now = self.clock.time()
        rows = await self.store.diagnoses.due(utc(now), utc(now - self._lease()), limit=50)
        queued = 0
        for row in rows:
            fp = row["error_hash"]
            if fp in self._inflight or self.queue.full():
                continue
            self._inflight.add(fp)
            self._enqueue(fp, int(row["attempts"]) if row["state"] == "running" else None)
            queued += 1
        return queued

    async def run(self, fingerprint: str, *, stale_attempts: int | None = None) -> Diagnosis | None:
        """Take the claim and diagnose; None when another worker or replica took it first."""
        repo = self.store.diagnoses
        now = self.clock.time()
        claim = await repo.take(
            fingerprint, self.owner, utc(now), stale_attempts=stale_attempts,
            stale_before=utc(now - self._lease()) if stale_attempts is not None else None,
        )
        if claim is None:
            return None
        diagnosis, settled = await self.runner.run_claim(claim)
        if settled:
            self._remember(fingerprint, int(claim["generation"]))
        return diagnosis

    # --- on demand ------------------------------------------------------------------------------

    async def rerun(self, fingerprint: str) -> tuple[str, Diagnosis | None]:
        """Re-diagnose a group now (POST /api/groups/{fp}/diagnose).

        Returns ("done", diagnosis) or ("busy", None) when a diagnosis of it is running already.
        Raises GroupNotFound for an unknown fingerprint.
        """
        repo = self.store.diagnoses
        if await repo.group(fingerprint) is None:
            raise GroupNotFound(fingerprint)
        if fingerprint in self._inflight:
            return "busy", None
        self._inflight.add(fingerprint)
        try:
            at = utc(self.clock.time())
            if not await repo.claim_pending(fingerprint, self.owner, "manual", 0, at):
                claim = await repo.claim(fingerprint)
                if claim is None or claim["state"] == "running":
                    return "busy", None
                if claim["state"] in ("done", "failed") and not await repo.reopen(
                    fingerprint, self.owner, "manual", int(claim["generation"]), at,
                    expect_attempts=int(claim["attempts"]),
                ):
                    return "busy", None
            self.runner.forget_rules(fingerprint)
            diag = await self.run(fingerprint)
            return ("done", diag) if diag is not None else ("busy", None)
        finally:
            self._inflight.discard(fingerprint)

    async def rerun_in_background(self, fingerprint: str) -> None:
        """Start a re-run without waiting for it (the API's `?wait=false`); GroupNotFound as `rerun`."""
        if await self.store.diagnoses.group(fingerprint) is None:
            raise GroupNotFound(fingerprint)
        task = asyncio.create_task(self.rerun(fingerprint), name=f"diagnosis-rerun-{fingerprint[:12]}")
        self._background.add(task)
        task.add_done_callback(self._background.discard)


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
