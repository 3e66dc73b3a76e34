"""Rate limits for the collection endpoints: a token bucket per key and an hourly quota per project.

Both are decided on the injected clock, so tests drive them without sleeping. A refusal says how
long to wait, which the endpoint turns into `Retry-After` and Sentry's `X-Sentry-Rate-Limits`
(develop.sentry.dev/sdk/expected-features/rate-limiting/): SDKs then hold back that category
instead of retrying into the limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...clock import Clock

MAX_BUCKETS = 10_000  # keys are configured, but a flood of wrong keys must not grow memory


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """`rate` events per second per key, bursts up to `burst` (default: one second's worth, at least 10)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str, n: int, rate: float, burst: float | None = None) -> float:
        """Take `n` tokens; return 0 when allowed, else the seconds until they would be."""
        cap = max(burst if burst is not None else rate, 10.0, float(n))
        now = self._clock.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._buckets.clear()
            bucket = self._buckets[key] = _Bucket(cap, now)
        bucket.tokens = min(cap, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= n:
            bucket.tokens -= n
            return 0.0
        return (n - bucket.tokens) / rate


class HourlyQuota:
    """At most `limit` events per project per clock hour."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._hour: dict[str, tuple[int, int]] = {}

    def take(self, key: str, n: int, limit: int | None) -> float:
        if limit is None:
            return 0.0
        now = self._clock.time()
        hour = int(now // 3600)
        start, used = self._hour.get(key, (hour, 0))
        if start != hour:
            used = 0
        if used + n > limit:
            return math.ceil((hour + 1) * 3600 - now)
        self._hour[key] = (hour, used + n)
        return 0.0
