"""The `Retry-After` header, shared by every outbound HTTP client of the sidecar (Kimi here, alert
channels downstream). The backoff itself is sidecar/backoff.py. Pure functions."""

from __future__ import annotations

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

