"""One diagnosis of one claimed group: input from the store, rules diagnosis stored at once, then
Kimi (when configured) under its cost and reliability policy, result stored and announced.

The service (service.py) decides *when* a group is diagnosed and makes sure only one worker in
one replica holds its claim; this module decides *what* happens once the claim is held, and how
the claim is finished: done, or failed with the time of the next attempt (durable retry).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from .. import backoff
from ..bus import DIAGNOSIS_LLM_PAUSED, DIAGNOSIS_READY, Bus
from ..clock import Clock, utc
from ..config import DiagnosisConfig
from ..store.base import Row, Store
from ..telemetry import Telemetry
from .context import input_from_store
from .kimi import InvalidAnswerError, KimiClient, LLMRejected, LLMUnavailable, QuotaExceeded
from .model import Diagnosis, DiagnosisInput
from .primary import choose
from .rules import RuleSet
from .surroundings import gather as gather_surroundings

log = logging.getLogger(__name__)

Provider = Callable[..., Any | Awaitable[Any]]  # gateway_metrics gets the group's first seen


class DiagnosisRunner:
    def __init__(
        self,
        *,
        config: DiagnosisConfig,
        store: Store,
        bus: Bus,
        clock: Clock,
        rules: RuleSet,
        llm: KimiClient | None,
        telemetry: Telemetry | None,
        owner: str,
        rollout_state: Provider | None = None,
        gateway_metrics: Provider | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.bus = bus
        self.clock = clock
        self.rules = rules
        self.llm = llm
        self.telemetry = telemetry
        self.owner = owner
        self.rollout_state = rollout_state
        self.gateway_metrics = gateway_metrics
        self._provider_warned: set[str] = set()
        # groups answered by the rules in this process; a Future while that answer is being stored
        self._rules_stored: OrderedDict[str, asyncio.Future[None] | None] = OrderedDict()
        self._paused_announced: float | None = None

    def cache_key(self, fingerprint: str) -> str:
        """What a diagnosis was made with: the same group, model and prompt version give the same answer."""
        if self.llm is None:
            return f"{fingerprint}:rules"
        return f"{fingerprint}:{self.llm.model}:{self.llm.prompt_version}"

    async def answer_with_rules(self, fp: str, inp: DiagnosisInput | None = None) -> Diagnosis | None:
        """Store the rules' diagnosis of a group now, whatever the LLM queue is doing (None: no group row yet)."""
        while fp in self._rules_stored:
            pending = self._rules_stored[fp]
            if pending is None:  # stored
                return None
            # Another caller (the GROUP_NEW handler) is storing it now: a claim finished as `done` before that
            # answer is in the store would show a settled group with no diagnosis (test_service, under load).
            # Then look again: stored, or that caller failed (gone: store it here), or another waiter took it over.
            await asyncio.shield(pending)
        # Claimed before the first await: two callers that both find nothing stored (the GROUP_NEW handler and a
        # claim, neither with an input yet) would each read the group and store it: a second `rules` row in the
        # history (test_service's thousand events, under load in CI).
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._rules_stored[fp] = done
        while len(self._rules_stored) > 10_000:
            self._rules_stored.popitem(last=False)
        try:  # the diagnosis inside: a rule that raises must still resolve `done`, or later callers wait forever
            if inp is None:
                inp = await input_from_store(self.store, fp, context_lines=self.config.context_lines)
                if inp is None:  # no group row yet: nothing stored, a later caller tries again
                    if self._rules_stored.get(fp) is done:
                        del self._rules_stored[fp]
                    return None
            diag = self.rules.diagnose(inp)
            await self._store_result(fp, diag, replace_llm=False, cache_key=f"{fp}:rules", logger=inp.logger)
        except BaseException:
            if self._rules_stored.get(fp) is done:
                del self._rules_stored[fp]
            raise
        else:
            if self._rules_stored.get(fp) is done:
                self._rules_stored[fp] = None
        finally:
            done.set_result(None)
        return diag

    def forget_rules(self, fp: str) -> None:
        """A regression or a manual re-run: the next claim stores a fresh rules answer."""
        self._rules_stored.pop(fp, None)

    async def run_claim(self, claim: Row) -> tuple[Diagnosis | None, bool]:
        """Diagnose a claim this owner holds (state running) and finish it.

        Returns the diagnosis now current (None when the group is missing) and whether the claim
        is settled (done), so the caller can stop watching the group.
        """
        repo = self.store.diagnoses
        fp = claim["error_hash"]
        inp = await input_from_store(self.store, fp, context_lines=self.config.context_lines)
        if inp is None:
            # The group row is not there (yet): try again later rather than diagnose nothing.
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="failed", outcome="no_group",
                              last_error="group not found in the store",
                              next_attempt_at=utc(self.clock.time() + self.config.retry_interval))
            return None, False
        rules_diag = self.rules.diagnose(inp)
        first_attempt = claim["outcome"] in (None, "no_group")  # nothing stored for this claim yet
        if first_attempt:
            await self.answer_with_rules(fp, inp)
        if self.llm is None:
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="done", outcome="rules",
                              cache_key=self.cache_key(fp))
            return rules_diag, True
        key = self.cache_key(fp)
        if claim["reason"] in ("new", "retry"):
            cached = await repo.cached(key)
            if cached is not None:
                diag = choose(rules_diag, Diagnosis.model_validate(cached["result"])).primary
                await repo.set_current(fp, diag, utc(self.clock.time()))
                await repo.finish(fp, self.owner, utc(self.clock.time()), state="done", outcome="cached", cache_key=key)
                return diag, True
        rollout = await self._provided("rollout_state")
        metrics = await self._provided("gateway_metrics", inp.first_seen)
        inp.surroundings = await gather_surroundings(self.store, inp)
        try:
            # One deadline for all of this group's LLM work (retries, Retry-After waits, the repair
            # call): a hung server costs bounded time and the claim is released for a later attempt.
            diag = await asyncio.wait_for(self.llm.diagnose(inp, rules_diag, rollout=rollout, metrics=metrics),
                                          timeout=self.config.group_deadline)
        except TimeoutError:
            self.llm.record_timeout(f"group deadline {self.config.group_deadline:g}s exceeded")
            self._count("kimi", "deadline")
            self._announce_pause()
            log.warning("Kimi diagnosis exceeded its deadline; the rules diagnosis stands, retry later",
                        extra={"fingerprint": fp, "deadline_s": self.config.group_deadline})
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="failed", outcome="deadline",
                              last_error=self.llm.last_error,
                              next_attempt_at=utc(self.clock.time() + self.config.retry_interval))
            return rules_diag, False
        except LLMUnavailable as exc:
            attempts = int(claim["attempts"])
            give_up = attempts >= self.config.max_attempts
            interval = self.config.retry_interval
            wait = max(exc.retry_after or 0.0, backoff.delay(attempts, interval, interval * 64))
            outcome = "quota" if isinstance(exc, QuotaExceeded) else "unavailable"
            self._count("kimi", outcome)
            self._announce_pause()
            log.warning("Kimi diagnosis deferred", extra={
                "fingerprint": fp, "reason": exc.reason,
                "next": "giving up until a manual re-run" if give_up else f"retry in {wait:.0f}s"})
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="failed", outcome=outcome,
                              last_error=exc.reason,
                              next_attempt_at=None if give_up else utc(self.clock.time() + wait))
            return rules_diag, False
        except (InvalidAnswerError, LLMRejected) as exc:
            outcome = "invalid" if isinstance(exc, InvalidAnswerError) else "rejected"
            self._count("kimi", outcome)
            log.warning("Kimi diagnosis unusable: the rules diagnosis stands", extra={"fingerprint": fp, "error": str(exc)})
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="done", outcome=outcome,
                              cache_key=key, last_error=str(exc)[:500])
            return rules_diag, True
        except Exception as exc:  # a bug of ours: loud in the log, and the work stays durable
            log.exception("Kimi diagnosis crashed; it will be retried", extra={"fingerprint": fp})
            self._count("kimi", "error")
            await repo.finish(fp, self.owner, utc(self.clock.time()), state="failed", outcome="error",
                              last_error=f"{type(exc).__name__}: {exc}"[:500],
                              next_attempt_at=utc(self.clock.time() + self.config.retry_interval))
            return rules_diag, False
        choice = choose(rules_diag, diag)
        if choice.primary.source == "kimi":
            await self._store_result(fp, choice.primary, replace_llm=True, cache_key=key, logger=inp.logger)
            outcome = "kimi"
        else:
            # Kept beside the rules' answer (history, API, group page), not shown first.
            log.info("Kimi diagnosis kept beside the rules' answer", extra={"fingerprint": fp, "reason": choice.reason})
            await repo.add(fp, key, diag, utc(self.clock.time()))
            self._count("kimi", "secondary")
            if choice.disagree:
                await repo.set_current(fp, choice.primary, utc(self.clock.time()), replace_llm=True)
            outcome = "kimi_secondary"
        await repo.finish(fp, self.owner, utc(self.clock.time()), state="done", outcome=outcome, cache_key=key)
        return choice.primary, True

    async def _store_result(self, fp: str, diag: Diagnosis, *, replace_llm: bool, cache_key: str,
                            logger: str | None = None) -> None:
        repo = self.store.diagnoses
        at = utc(self.clock.time())
        await repo.add(fp, cache_key, diag, at)
        current = await repo.set_current(fp, diag, at, replace_llm=replace_llm)
        self._count(diag.source, "ok")
        if current:
            self.bus.publish(
                DIAGNOSIS_READY, self.clock.time(), fingerprint=fp, summary=diag.summary, severity=diag.severity,
                category=diag.category, confidence=diag.confidence, source=diag.source, model=diag.model,
                rule=diag.rule, root_cause=diag.root_cause, suggested_fix=list(diag.suggested_fix), logger=logger,
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

    async def _provided(self, attr: str, *args: Any) -> Any:
        provider = getattr(self, attr)
        if provider is None:
            return None
        try:
            value = provider(*args)
            if inspect.isawaitable(value):
                value = await asyncio.wait_for(value, timeout=2.0)
            return value
        except Exception as exc:  # a context provider must never block a diagnosis
            if attr not in self._provider_warned:
                self._provider_warned.add(attr)
                log.warning("diagnosis context provider failed", extra={"provider": attr, "error": str(exc)})
            return None
