"""Durable diagnosis claims: take, work, sweep and re-run them (the second half of the diagnosis stage).

A claim row (`diagnosis_claims`) is the unit of work: recorded before it is queued, taken atomically by one
worker, left `failed` with its next attempt when the LLM could not answer, re-queued by the sweeper when due or
abandoned by a dead replica. `DiagnosisService` (service.py: lifecycle and the trigger policy over bus events)
mixes this in; the split keeps the event side and the claim side one idea each.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from ..clock import Clock, utc
from ..config import DiagnosisConfig
from ..exceptions import SidecarError
from ..store.base import Row, Store, StoreError
from ..telemetry import Telemetry
from .model import Diagnosis
from .runner import DiagnosisRunner

log = logging.getLogger("sidecar.diagnose.service")  # one logger name for the stage, as before the split

MAX_SETTLED = 50_000


class GroupNotFound(SidecarError, LookupError):
    pass


class ClaimWork:
    """The claim side of `DiagnosisService` (it sets these attributes in its __init__)."""

    config: DiagnosisConfig
    store: Store
    clock: Clock
    telemetry: Telemetry | None
    owner: str
    runner: DiagnosisRunner
    queue: asyncio.Queue[tuple[str, int | None]]
    store_failures: int
    _inflight: set[str]
    _settled: OrderedDict[str, int]
    _background: set[asyncio.Task[Any]]

    def cache_key(self, fingerprint: str) -> str:
        return self.runner.cache_key(fingerprint)

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
        task.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Task[Any]) -> None:
    """A background re-run has no caller to raise to: its failure (a store gone away) is logged, not lost."""
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("a background diagnosis re-run failed", exc_info=exc, extra={"task": task.get_name()})
