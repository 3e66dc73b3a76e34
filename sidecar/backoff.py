"""Retry delays for every retry loop of the sidecar: capped exponential backoff with jitter.

One formula, so every client backs off the same way: retry n (1-based) waits base * 2^(n-1),
capped at `cap`, then scaled by a random factor in [1 - jitter, 1] ("equal jitter" with the
default 0.5; AWS Architecture Blog, "Exponential Backoff And Jitter"). Jitter only ever shortens a
delay, so the cap stays a true upper bound (what tests with an injected clock advance by), and
callers that come back together after an outage (replicas, hooks, channels) spread out instead
of hitting the recovered server at the same instant.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

JITTER = 0.5  # the delay is 50-100% of the exponential step
_MAX_EXPONENT = 62  # 2**62 already exceeds any cap; avoids building huge ints for a long outage

_shared_rng = random.Random()


def delay(attempt: int, base: float, cap: float, rng: random.Random | None = None, jitter: float = JITTER) -> float:
    """Seconds to wait before retry number `attempt` (1-based; < 1 counts as 1)."""
    if not 0.0 <= jitter <= 1.0:
        raise ValueError(f"jitter must be within [0, 1], got {jitter}")
    step = min(cap, base * float(2 ** min(max(0, attempt - 1), _MAX_EXPONENT)))
    return step * (rng or _shared_rng).uniform(1.0 - jitter, 1.0)


@dataclass
class Backoff:
    """The delay state of one retry loop: `next()` after a failure, `reset()` after a success."""

    base: float
    cap: float
    rng: random.Random | None = None
    jitter: float = JITTER
    attempt: int = field(default=0, init=False)

    def next(self) -> float:
        """The delay before the next retry (and count the failure)."""
        self.attempt += 1
        return delay(self.attempt, self.base, self.cap, self.rng, self.jitter)

    def reset(self) -> None:
        self.attempt = 0


# A server's own `Retry-After` overrides the backoff (Kimi, alert channels).
def parse_retry_after(value: str | None, now: float) -> float | None:
    """`Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT` -> seconds from now (>= 0)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)

