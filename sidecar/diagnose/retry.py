"""Retry timing shared by every outbound HTTP client of the sidecar (Kimi here, alert channels
downstream): the `Retry-After` header and jittered exponential backoff. Pure functions."""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime


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


def backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped, jittered to 50-100%
    so a server that came back is not hit by every caller at the same instant."""
    raw = min(cap, base * (2 ** max(0, attempt - 1)))
    return float(raw * rng.uniform(0.5, 1.0))
