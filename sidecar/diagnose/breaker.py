"""A circuit breaker for the LLM: stop calling a provider that keeps failing, try again later.

closed -> (N consecutive failures) -> open for `cooldown` -> half_open: one trial call ->
success closes it, failure re-opens it. A quota error (the account's balance is exhausted) opens
it for the long `quota_cooldown` at once: retrying cannot help and costs requests. The state and
its reason are exposed for /readyz and the dashboard.
"""

from __future__ import annotations

from ..clock import Clock

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    def __init__(self, clock: Clock, failure_threshold: int, cooldown: float) -> None:
        self.clock = clock
        self.failure_threshold = max(1, failure_threshold)
        self.cooldown = cooldown
        self._state = CLOSED
        self._failures = 0
        self._open_until = 0.0  # monotonic
        self._trial_in_flight = False
        self.reason: str | None = None
        self.opened_at: float | None = None  # wall clock, for display

    @property
    def state(self) -> str:
        if self._state == OPEN and self.clock.monotonic() >= self._open_until:
            self._state = HALF_OPEN
            self._trial_in_flight = False
        return self._state

    def is_open(self) -> bool:
        return self.state == OPEN

    def seconds_until_retry(self) -> float:
        return max(0.0, self._open_until - self.clock.monotonic()) if self.state == OPEN else 0.0

    def allow(self) -> bool:
        """May a call be made now? In half-open, only one trial call at a time."""
        state = self.state
        if state == CLOSED:
            return True
        if state == HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._state = CLOSED
        self._failures = 0
        self._trial_in_flight = False
        self.reason = None
        self.opened_at = None

    def record_failure(self, reason: str) -> None:
        self._failures += 1
        if self._state == HALF_OPEN or self._failures >= self.failure_threshold:
            self.trip(self.cooldown, reason)

    def release_trial(self) -> None:
        """A half-open trial ended without a verdict (e.g. an invalid answer): let another try."""
        self._trial_in_flight = False

    def trip(self, cooldown: float, reason: str) -> None:
        """Open now for `cooldown` seconds (quota errors use a long one)."""
        self._state = OPEN
        self._open_until = self.clock.monotonic() + cooldown
        self._trial_in_flight = False
        self.reason = reason
        self.opened_at = self.clock.time()

    def describe(self) -> str | None:
        """A readiness problem line while open, else None."""
        if self.state != OPEN:
            return None
        return f"LLM circuit open ({self.reason}); next attempt in {self.seconds_until_retry():.0f}s"
