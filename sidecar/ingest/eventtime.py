"""Event time: which zone a log's zone-less timestamps are in, and when an event's own time is trusted.

A gateway that runs with `TZ=Australia/Melbourne` writes `2025-11-03 17:00:08` meaning 06:00:08
UTC. Zone of a naive timestamp, in order: a zone printed in the line (`AEDT`, `+11:00`), the
source's `timezone` setting, the `TZ` of the sidecar's own environment (the usual deployment
shares it with the gateway), then UTC.

An event is placed at its own time (first/last seen, per-minute counts, regressions) unless
that time cannot be right: missing or unparseable, more than `MAX_FUTURE` ahead of when it was
read (clock skew, a wrong zone), or older than `MAX_PAST` (garbage such as 1970). Then the
received time is used and the reason counted (sidecar_event_time_fallback_total).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_FUTURE = 300.0  # seconds an event may lie ahead of its receipt (clock skew between hosts)
MAX_PAST = 366 * 86400.0  # older than this is garbage, not a backlog


def zone(name: str | None) -> tzinfo | None:
    """The zone for naive timestamps: `name` (IANA key or UTC), else $TZ, else UTC.

    None means "this host's local time": only when $TZ is set but is not an IANA key (a POSIX
    rule such as `AEST-10AEDT`), which the C library understands and Python's zoneinfo does not.
    """
    if name:
        return ZoneInfo(name)  # validated at config load
    env = os.environ.get("TZ", "").lstrip(":")
    if not env:
        return UTC
    try:
        return ZoneInfo(env)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def check_zone_name(name: str) -> str:
    """Config validation: an IANA zone key (ValueError names the problem)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Australia/Melbourne or UTC)") from None
    return name


def event_time(ts: datetime | None, received: float) -> tuple[float, str | None]:
    """(seconds since the epoch to place the event at, why the received time was used or None)."""
    if ts is None:
        return received, "missing"
    t = ts.timestamp()
    if t > received + MAX_FUTURE:
        return received, "future"
    if t < received - MAX_PAST:
        return received, "too_old"
    return t, None
