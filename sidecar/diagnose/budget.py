"""Cost controls for LLM calls: an hourly call budget and a daily token budget.

Both are measured with the injected `Clock`, so tests move time instead of waiting. They live in
memory and are re-seeded at start from the store's record of LLM diagnoses (`restore`), so a
restart (or a crash loop) does not hand out a fresh hour of calls. Attempts that produced no
diagnosis are not in that record: after a restart the budget errs by those, never by more.
"""

from __future__ import annotations

from collections import deque

from ..clock import Clock

HOUR = 3600.0
DAY = 86400.0


class CallBudget:
    """At most `per_hour` calls in any sliding hour (0 disables calls entirely)."""

    def __init__(self, clock: Clock, per_hour: int) -> None:
        self.clock = clock
        self.per_hour = per_hour
        self._calls: deque[float] = deque()

    def _expire(self) -> None:
        cutoff = self.clock.monotonic() - HOUR
        while self._calls and self._calls[0] <= cutoff:
            self._calls.popleft()

    def remaining(self) -> int:
        self._expire()
        return max(0, self.per_hour - len(self._calls))

    def try_acquire(self) -> bool:
        """Spend one call if the budget allows it."""
        if self.remaining() <= 0:
            return False
        self._calls.append(self.clock.monotonic())
        return True

    def restore(self, call_times: list[float]) -> None:
        """Count calls made before this process started (wall-clock times, e.g. from the store)."""
        offset = self.clock.time() - self.clock.monotonic()
        past = sorted(t - offset for t in call_times)
        self._calls = deque(sorted([*past, *self._calls]))
        self._expire()

    def seconds_until_available(self) -> float:
        """How long until the next call is allowed (0 when one is allowed now)."""
        if self.remaining() > 0:
            return 0.0
        if not self._calls:  # per_hour == 0: never
            return HOUR
        return max(0.0, self._calls[0] + HOUR - self.clock.monotonic())


class TokenBudget:
    """At most `per_day` tokens (input + output) per UTC calendar day (0 means no limit)."""

    def __init__(self, clock: Clock, per_day: int) -> None:
        self.clock = clock
        self.per_day = per_day
        self._day = self._today()
        self._used = 0

    def _today(self) -> int:
        return int(self.clock.time() // DAY)

    def _roll(self) -> None:
        today = self._today()
        if today != self._day:
            self._day, self._used = today, 0

    def restore(self, used_today: int) -> None:
        """Count tokens spent today before this process started."""
        self._roll()
        self._used += max(0, used_today)

    @property
    def used(self) -> int:
        self._roll()
        return self._used

    def remaining(self) -> int | None:
        """Tokens left today, or None when unlimited."""
        if self.per_day <= 0:
            return None
        return max(0, self.per_day - self.used)

    def exhausted(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def record(self, tokens: int) -> None:
        self._roll()
        self._used += max(0, tokens)

    def seconds_until_reset(self) -> float:
        return (self._today() + 1) * DAY - self.clock.time()
