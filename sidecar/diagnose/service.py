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
import inspect
import logging
import os
import socket
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from ..bus import (
    DIAGNOSIS_LLM_PAUSED,
    DIAGNOSIS_READY,
    GROUP_NEW,
    GROUP_REGRESSED,
    GROUP_UPDATED,
    Bus,
    BusEvent,
)
from ..clock import Clock, utc
from ..config import DiagnosisConfig
from ..store.base import Row, Store, StoreError
from ..telemetry import Telemetry
from .context import input_from_store
from .kimi import InvalidAnswerError, KimiClient, LLMRejected, LLMUnavailable, QuotaExceeded
from .model import Diagnosis
from .rules import RuleSet
from .trigger import OccurrenceWindow, should_diagnose

log = logging.getLogger(__name__)

Provider = Callable[[], Any | Awaitable[Any]]
MAX_CANDIDATES = 10_000
MAX_SETTLED = 50_000


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class GroupNotFound(LookupError):
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
        self.rollout_state = rollout_state
        self.gateway_metrics = gateway_metrics
        self.rules_problem = rules_problem
        self.queue: asyncio.Queue[tuple[str, int | None]] = asyncio.Queue(maxsize=config.queue_size)
        self._inflight: set[str] = set()
        self._candidates: OrderedDict[str, tuple[str, int, str | None, OccurrenceWindow]] = OrderedDict()
        self._settled: OrderedDict[str, int] = OrderedDict()  # fingerprint -> generation done
        self._tasks: list[asyncio.Task[None]] = []
        self._sub = None
        self.store_failures = 0
        self._provider_warned: set[str] = set()
        self._paused_announced: float | None = None

    # --- identity of a diagnosis ----------------------------------------------------------------

    def cache_key(self, fingerprint: str) -> str:
        if self.llm is None:
            return f"{fingerprint}:rules"
        return f"{fingerprint}:{self.llm.model}:{self.llm.prompt_version}"

    # --- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        self._sub = self.bus.subscribe({GROUP_NEW, GROUP_REGRESSED, GROUP_UPDATED}, maxsize=10_000)
        self._tasks.append(asyncio.create_task(self._consume(), name="diagnosis-events"))
        workers = self.llm.config.concurrency if self.llm is not None else 1
        for i in range(workers):
            self._tasks.append(asyncio.create_task(self._work(), name=f"diagnosis-worker-{i}"))
        self._tasks.append(asyncio.create_task(self._sweep(), name="diagnosis-sweeper"))

    async def stop(self) -> None:
        if self._sub is not None:
            self._sub.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self.llm is not None:
            await self.llm.close()

    def problems(self) -> list[str]:
        out: list[str] = []
        if self.rules_problem:
            out.append(self.rules_problem)
        if self.llm is not None:
            out.extend(self.llm.problems())
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
                log.warning("diagnosis trigger skipped an event: store unavailable (%s)", exc)
            except Exception:
                log.exception("diagnosis trigger failed on %s", event.kind)

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
                if claim is not None:
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
            stale_key = claim["state"] == "done" and claim["cache_key"] not in (None, self.cache_key(fingerprint))
            newer = generation > int(claim["generation"]) and claim["state"] in ("done", "failed")
            if not (newer or stale_key) or not await repo.reopen(
                fingerprint, self.owner, reason, max(generation, int(claim["generation"])), at,
                expect_attempts=int(claim["attempts"]),
            ):
                self._remember(fingerprint, int(claim["generation"]))
                return False
        self._enqueue(fingerprint, None)
        return True

    def _enqueue(self, fingerprint: str, stale_attempts: int | None) -> None:
        try:
            self.queue.put_nowait((fingerprint, stale_attempts))
        except asyncio.QueueFull:
            # The claim is durable (pending, due now): the sweeper picks it up when there is room.
            self._inflight.discard(fingerprint)
            log.warning("diagnosis queue full; %s left for the retry sweeper", fingerprint)
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
                log.warning("diagnosis of %s deferred: store unavailable (%s)", fingerprint, exc)
            except Exception:
                log.exception("diagnosis of %s failed", fingerprint)
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
                log.warning("diagnosis retry sweep skipped: store unavailable (%s)", exc)
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
        return await self._diagnose(claim)

    async def _diagnose(self, claim: Row) -> Diagnosis | None:
        repo = self.store.diagnoses
        fp = claim["error_hash"]
        generation = int(claim["generation"])
        inp = await input_from_store(self.store, fp, context_lines=self.config.context_lines)
        if inp is None:
            # The group row is not there (yet): try again later rather than diagnose nothing.
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="failed", outcome="no_group",
                              last_error="group not found in the store",
                              next_attempt_at=utc(self.clock.time() + self.config.retry_interval))
            return None
        rules_diag = self.rules.diagnose(inp)
        first_attempt = claim["outcome"] is None
        if first_attempt:
            await self._store_result(fp, rules_diag, replace_llm=False, cache_key=f"{fp}:rules")
        if self.llm is None:
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="done", outcome="rules",
                              cache_key=self.cache_key(fp))
            self._remember(fp, generation)
            return rules_diag
        key = self.cache_key(fp)
        if claim["reason"] in ("new", "retry"):
            cached = await repo.cached(key)
            if cached is not None:
                diag = Diagnosis.model_validate(cached["result"])
                await repo.set_current(fp, diag, utc(self.clock.time()))
                await repo.finish(fp, self.owner, utc(self.clock.time()), state="done", outcome="cached", cache_key=key)
                self._remember(fp, generation)
                return diag
        rollout, metrics = await self._provided("rollout_state"), await self._provided("gateway_metrics")
        try:
            diag = await self.llm.diagnose(inp, rules_diag, rollout=rollout, metrics=metrics)
        except LLMUnavailable as exc:
            attempts = int(claim["attempts"])
            give_up = attempts >= self.config.max_attempts
            wait = max(exc.retry_after or 0.0, self.config.retry_interval * (2 ** min(attempts - 1, 6)))
            outcome = "quota" if isinstance(exc, QuotaExceeded) else "unavailable"
            self._count("kimi", outcome)
            self._announce_pause()
            log.warning("Kimi diagnosis of %s deferred (%s); %s", fp, exc.reason,
                        "giving up until a manual re-run" if give_up else f"retry in {wait:.0f}s")
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="failed", outcome=outcome,
                              last_error=exc.reason,
                              next_attempt_at=None if give_up else utc(self.clock.time() + wait))
            return rules_diag
        except (InvalidAnswerError, LLMRejected) as exc:
            outcome = "invalid" if isinstance(exc, InvalidAnswerError) else "rejected"
            self._count("kimi", outcome)
            log.warning("Kimi diagnosis of %s unusable (%s): the rules diagnosis stands", fp, exc)
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="done", outcome=outcome,
                              cache_key=key, last_error=str(exc)[:500])
            self._remember(fp, generation)
            return rules_diag
        await self._store_result(fp, diag, replace_llm=True, cache_key=key)
        await repo.finish(fp, self.owner, utc(self.clock.time()), state="done", outcome="kimi", cache_key=key)
        self._remember(fp, generation)
        return diag

    async def _store_result(self, fp: str, diag: Diagnosis, *, replace_llm: bool, cache_key: str) -> None:
        repo = self.store.diagnoses
        at = utc(self.clock.time())
        await repo.add(fp, cache_key, diag, at)
        current = await repo.set_current(fp, diag, at, replace_llm=replace_llm)
        self._count(diag.source, "ok")
        if current:
            self.bus.publish(
                DIAGNOSIS_READY, self.clock.time(), fingerprint=fp, summary=diag.summary, severity=diag.severity,
                category=diag.category, confidence=diag.confidence, source=diag.source, model=diag.model,
                rule=diag.rule,
            )

    def _announce_pause(self) -> None:
        """Publish once per circuit opening, so alerts can page ops (a quota error needs a human)."""
        breaker = self.llm.breaker if self.llm is not None else None
        if breaker is None or not breaker.is_open() or breaker.opened_at == self._paused_announced:
            return
        self._paused_announced = breaker.opened_at
        self.bus.publish(
            DIAGNOSIS_LLM_PAUSED, self.clock.time(), reason=breaker.reason, model=self.llm.model if self.llm else None,
            retry_in=round(breaker.seconds_until_retry(), 1),
            quota=bool(breaker.reason and "quota" in breaker.reason),
        )

    def _count(self, source: str, outcome: str) -> None:
        if self.telemetry is not None:
            self.telemetry.diagnoses.labels(source, outcome).inc()

    async def _provided(self, attr: str) -> Any:
        provider = getattr(self, attr)
        if provider is None:
            return None
        try:
            value = provider()
            if inspect.isawaitable(value):
                value = await asyncio.wait_for(value, timeout=2.0)
            return value
        except Exception as exc:  # a context provider must never block a diagnosis
            if attr not in self._provider_warned:
                self._provider_warned.add(attr)
                log.warning("diagnosis context provider %s failed: %s", attr, exc)
            return None

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
            diag = await self.run(fingerprint)
            return ("done", diag) if diag is not None else ("busy", None)
        finally:
            self._inflight.discard(fingerprint)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _component_snapshot(sidecar: Any, name: str) -> Provider:
    """Context for the prompt from another stage's component, found at call time (built later or absent)."""

    def provide() -> Any:
        component = sidecar.component(name)
        for attr in ("snapshot", "status"):
            fn = getattr(component, attr, None)
            if callable(fn):
                return fn()
        return None

    return provide


def build(sidecar: Any, *, rollout_state: Provider | None = None,
          gateway_metrics: Provider | None = None) -> DiagnosisService:
    """The component factory app.py calls. A bad rules file raises ConfigError (fails the start)."""
    from .kimi import KimiClient
    from .rules import RuleSet, default_rules_path, load_rules

    config: DiagnosisConfig = sidecar.config.diagnosis
    path = default_rules_path(config.rules_file)
    problem = None
    if Path(path).exists():
        rules = load_rules(path)
    else:
        rules = RuleSet([], source=str(path))
        problem = f"rules file {path} not found: only the generic catch-all diagnosis is available"
        log.warning(problem)
    if rollout_state is None:
        rollout_state = _component_snapshot(sidecar, "rollouts")
    if gateway_metrics is None:
        gateway_metrics = _component_snapshot(sidecar, "metrics")
    llm = None
    if config.kimi_enabled and config.resolved_api_key():
        llm = KimiClient(config, sidecar.clock, sidecar.telemetry)
    return DiagnosisService(
        config=config, store=sidecar.store, bus=sidecar.bus, clock=sidecar.clock, rules=rules, llm=llm,
        telemetry=sidecar.telemetry, rollout_state=rollout_state, gateway_metrics=gateway_metrics,
        rules_problem=problem,
    )
