"""Kimi (Moonshot's OpenAI-compatible API) through the `openai` SDK, with our own retry policy.

The SDK's retries are off (`max_retries=0`) because it retries every 429, including Moonshot's
`exceeded_current_quota_error`, which means the balance is gone and no retry can succeed. Our
policy instead:

- 429 `exceeded_current_quota_error` -> no retry; open the circuit for `quota_cooldown`
- other 429 -> wait what Retry-After says (if at most `max_retry_after`), else give up for now
- 5xx, 408/409, timeouts, connection errors -> jittered exponential backoff, at most `max_retries`
- 401/403 -> open the circuit for `breaker_cooldown` (a bad key will not fix itself)
- other 4xx -> no retry, the rules diagnosis stands

Every attempt spends one call of the hourly budget; tokens count against the daily budget. A
concurrency semaphore bounds calls in flight. Waiting uses the injected clock.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from .. import backoff
from ..backoff import parse_retry_after
from ..clock import Clock
from ..config import DiagnosisConfig
from ..exceptions import SidecarError
from ..telemetry import Telemetry
from .breaker import OPEN, CircuitBreaker
from .budget import CallBudget, TokenBudget
from .model import Diagnosis, DiagnosisInput, Tokens
from .prompt import PROMPT_VERSION, InvalidAnswer, build_prompt, parse_answer, repair_message

log = logging.getLogger(__name__)

QUOTA_ERROR = "exceeded_current_quota_error"
# Moonshot's balance error, and OpenAI's name for the same condition on compatible endpoints.
QUOTA_ERRORS = (QUOTA_ERROR, "insufficient_quota")


class LLMError(SidecarError):
    """Base class: the LLM did not produce a diagnosis."""


class LLMUnavailable(LLMError):
    """The call could not be made or failed for now; retry after `retry_after` seconds (from durable state)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class QuotaExceeded(LLMUnavailable):
    """The account's balance or quota is exhausted (Moonshot 429 exceeded_current_quota_error)."""


class LLMRejected(LLMError):
    """The provider refused this request for good (a 4xx other than 401/403/408/409/429)."""


class InvalidAnswerError(LLMError):
    """The answer stayed unusable after one repair attempt; the rules diagnosis stands."""


def retry_after_seconds(headers: Any, now: float) -> float | None:
    """Seconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date), else None."""
    if headers is None:
        return None
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass
    return parse_retry_after(headers.get("retry-after"), now)


def is_quota_error(exc: openai.APIStatusError) -> bool:
    """Moonshot's envelope is {"error": {"type": ..., "message": ...}}; the SDK unwraps it into body/type."""
    if getattr(exc, "type", None) in QUOTA_ERRORS or getattr(exc, "code", None) in QUOTA_ERRORS:
        return True
    text = f"{exc.body if exc.body is not None else ''} {exc}"
    return any(q in text for q in QUOTA_ERRORS)


class KimiClient:
    """One diagnosis per `diagnose()` call: prompt, call with policy, validate, one repair turn."""

    def __init__(
        self,
        config: DiagnosisConfig,
        clock: Clock,
        telemetry: Telemetry | None = None,
        *,
        api_key: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        key = api_key or config.resolved_api_key()
        if not key:
            raise ValueError("no API key: set MOONSHOT_API_KEY or diagnosis.api_key")
        self.config = config
        self.clock = clock
        self.telemetry = telemetry
        self.model = config.model
        self.prompt_version = PROMPT_VERSION
        self._rng = rng or random.Random()
        self._client = openai.AsyncOpenAI(
            base_url=config.base_url, api_key=key, max_retries=0, timeout=config.timeout
        )
        self._sem = asyncio.Semaphore(config.concurrency)
        self.calls = CallBudget(clock, config.calls_per_hour)
        self.tokens = TokenBudget(clock, config.tokens_per_day)
        self.breaker = CircuitBreaker(clock, config.breaker_failures, config.breaker_cooldown)
        self._timeouts = 0  # consecutive timed-out calls
        self.requests_sent = 0
        self.last_error: str | None = None
        self._update_gauges()

    # --- status ---------------------------------------------------------------------------------

    def _update_gauges(self) -> None:
        if self.telemetry is not None:
            self.telemetry.llm_circuit_open.set(1 if self.breaker.state == OPEN else 0)
            self.telemetry.llm_budget_remaining.set(self.calls.remaining())

    def degraded(self) -> list[str]:
        """A circuit opened by something only a human can fix (the balance is exhausted, the key
        is refused), for /api/status.

        A circuit opened by transient provider failures, or a used-up budget, is not one: the
        sidecar keeps working (rules diagnoses; LLM work waits in the claims table), so they show
        in `status()` and the `sidecar_llm_circuit_open` gauge only.
        """
        self._update_gauges()
        line = self.breaker.describe()
        reason = self.breaker.reason or ""
        needs_human = reason.startswith(("quota", "authentication"))
        return [line] if line is not None and needs_human else []

    def status(self) -> dict[str, Any]:
        self._update_gauges()
        return {
            "enabled": True,
            "model": self.model,
            "base_url": self.config.base_url,
            "prompt_version": self.prompt_version,
            "circuit": self.breaker.state,
            "circuit_reason": self.breaker.reason,
            "circuit_retry_in": round(self.breaker.seconds_until_retry(), 1),
            "calls_per_hour": self.config.calls_per_hour,
            "calls_remaining_this_hour": self.calls.remaining(),
            "budget_exhausted": self.calls.remaining() <= 0 or self.tokens.exhausted(),
            "tokens_used_today": self.tokens.used,
            "tokens_remaining_today": self.tokens.remaining(),
            "requests_sent": self.requests_sent,
            "last_error": self.last_error,
        }

    async def close(self) -> None:
        await self._client.close()

    # --- the call -------------------------------------------------------------------------------

    def _gate(self) -> None:
        """Refuse before spending anything when the circuit is open or a budget is used up."""
        if not self.breaker.allow():
            self._update_gauges()
            raise LLMUnavailable(
                f"circuit open ({self.breaker.reason})", retry_after=self.breaker.seconds_until_retry()
            )
        if self.tokens.exhausted():
            self.breaker.release_trial()
            raise LLMUnavailable("daily token budget used up", retry_after=self.tokens.seconds_until_reset())

    def _spend_call(self) -> None:
        if not self.calls.try_acquire():
            self.breaker.release_trial()
            self._update_gauges()
            raise LLMUnavailable("hourly call budget used up", retry_after=self.calls.seconds_until_available())

    def record_timeout(self, reason: str) -> None:
        """A call (or a group's whole deadline) timed out: `timeouts_to_open` in a row open the circuit."""
        self._timeouts += 1
        self.last_error = reason
        if self._timeouts >= self.config.timeouts_to_open:
            self.breaker.trip(self.config.breaker_cooldown, f"{self._timeouts} timeouts in a row ({reason})")
        else:
            self.breaker.record_failure(reason)
        self._update_gauges()

    async def _complete(self, messages: list[dict[str, str]]) -> tuple[str | None, Tokens]:
        """One chat completion under the retry policy; returns the content and the tokens used."""
        self._gate()
        attempt = 0
        while True:
            self._spend_call()
            started = time.perf_counter()
            delay: float | None = None
            response: Any = None
            try:
                async with self._sem:
                    self.requests_sent += 1
                    response = await self._client.chat.completions.create(  # type: ignore[call-overload]
                        model=self.model,
                        messages=messages,
                        response_format={"type": "json_object"},
                        temperature=self.config.temperature,
                        max_tokens=self.config.max_tokens,
                        timeout=self.config.timeout,
                    )
            except openai.RateLimitError as exc:
                if is_quota_error(exc):
                    self.breaker.trip(self.config.quota_cooldown, "quota exhausted: exceeded_current_quota_error")
                    self.last_error = "429 exceeded_current_quota_error"
                    self._update_gauges()
                    log.error("Kimi quota exhausted (429 exceeded_current_quota_error); LLM diagnoses paused",
                              extra={"paused_s": self.config.quota_cooldown})
                    raise QuotaExceeded("quota exhausted (429 exceeded_current_quota_error)",
                                        retry_after=self.config.quota_cooldown) from None
                reason = f"429 {exc.type or 'rate limited'}"
                delay = retry_after_seconds(exc.response.headers, self.clock.time())
            except openai.APITimeoutError:
                reason = f"timeout after {self.config.timeout:g}s"
                # A hung server costs `timeout` per call and holds a worker: do not retry a timeout,
                # and open the circuit after a few in a row instead of after `breaker_failures`.
                self.record_timeout(reason)
                raise LLMUnavailable(reason) from None
            except openai.APIConnectionError as exc:
                reason = f"connection error: {exc.__cause__ or exc}"
            except openai.APIStatusError as exc:
                status = exc.status_code
                if status in (401, 403):
                    self.breaker.trip(self.config.breaker_cooldown, f"authentication failed ({status})")
                    self.last_error = f"{status} authentication failed"
                    self._update_gauges()
                    raise LLMUnavailable(self.last_error, retry_after=self.config.breaker_cooldown) from None
                if status < 500 and status not in (408, 409):
                    self.breaker.record_success()  # the service answered; this request is the problem
                    self.last_error = f"{status} {exc.type or ''}".strip()
                    raise LLMRejected(f"{status}: {exc.message}") from None
                reason = f"HTTP {status}"
                delay = retry_after_seconds(exc.response.headers, self.clock.time())
            except openai.APIError as exc:  # e.g. a body the SDK could not validate
                reason = f"bad response: {type(exc).__name__}"
            else:
                if not isinstance(response, ChatCompletion):
                    # A proxy answering 200 with HTML: the SDK hands back the text, not a completion.
                    reason = "bad response: not a chat completion (a proxy in the way?)"
                    response = None
            if response is not None:
                self._timeouts = 0
                elapsed = time.perf_counter() - started
                self.breaker.record_success()
                usage = response.usage
                tokens = Tokens(
                    input=(usage.prompt_tokens or 0) if usage else 0,
                    output=(usage.completion_tokens or 0) if usage else 0,
                )
                self.tokens.record(tokens.input + tokens.output)
                if self.telemetry is not None:
                    self.telemetry.llm_latency.labels(self.model).observe(elapsed)
                    self.telemetry.llm_tokens.labels(self.model, "input").inc(tokens.input)
                    self.telemetry.llm_tokens.labels(self.model, "output").inc(tokens.output)
                self._update_gauges()
                content = response.choices[0].message.content if response.choices else None
                return content, tokens

            self.last_error = reason
            if delay is not None and delay > self.config.max_retry_after:
                self.breaker.record_failure(reason)
                self._update_gauges()
                raise LLMUnavailable(f"{reason}; Retry-After {delay:.0f}s is too long to wait", retry_after=delay)
            if attempt >= self.config.max_retries:
                self.breaker.record_failure(reason)
                self._update_gauges()
                raise LLMUnavailable(f"{reason} (after {attempt + 1} attempts)", retry_after=delay)
            wait = delay if delay is not None else backoff.delay(attempt + 1, 0.5, 8.0, self._rng)
            log.info("Kimi call failed; retrying", extra={"reason": reason, "wait_s": round(wait, 2)})
            await self.clock.sleep(wait)
            attempt += 1
            if self.breaker.is_open():  # another call found out meanwhile (e.g. quota): stop here
                raise LLMUnavailable(f"{reason}; circuit opened meanwhile ({self.breaker.reason})",
                                     retry_after=self.breaker.seconds_until_retry())

    async def diagnose(
        self,
        inp: DiagnosisInput,
        hint: Diagnosis | None = None,
        *,
        rollout: Any = None,
        metrics: Any = None,
    ) -> Diagnosis:
        """Ask Kimi; raise LLMUnavailable (retry later), LLMRejected or InvalidAnswerError (rules stand)."""
        prompt = build_prompt(
            inp, hint, context_lines=self.config.context_lines, rollout=rollout, metrics=metrics,
            version=self.prompt_version,
        )
        started = time.perf_counter()
        hint_rule = hint.rule if hint is not None else None
        content, tokens = await self._complete(prompt.messages)
        try:
            return parse_answer(content, prompt, model=self.model, tokens=tokens, hint_rule=hint_rule,
                                duration_ms=int((time.perf_counter() - started) * 1000))
        except InvalidAnswer as exc:
            log.warning("Kimi answer invalid; asking once to repair it", extra={"problem": exc.problem})
            messages = [*prompt.messages, {"role": "assistant", "content": (content or "")[:4000]},
                        repair_message(exc.problem, self.prompt_version)]
        content2, tokens2 = await self._complete(messages)
        total = Tokens(input=tokens.input + tokens2.input, output=tokens.output + tokens2.output)
        try:
            return parse_answer(content2, prompt, model=self.model, tokens=total, hint_rule=hint_rule,
                                duration_ms=int((time.perf_counter() - started) * 1000))
        except InvalidAnswer as exc:
            self.last_error = f"invalid answer after repair: {exc.problem}"
            raise InvalidAnswerError(exc.problem) from None
