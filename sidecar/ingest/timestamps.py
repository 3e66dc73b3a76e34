"""Logged timestamps: the text a logger printed (or a JSON time value) -> an aware UTC datetime.

Which zone a zone-less time is in is decided by eventtime.zone (passed in as `default`); this module
only reads what was printed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

# Zone words printed by `%Z` in the gateway's MelbourneFormatter and common neighbours. An unknown
# word leaves the time naive, which is then read as the sidecar's local time (same host or same TZ).
# RFC 3339 / ISO 8601 date-time as log writers print it: `T` or a space, `.` or `,` before the fraction
# (Python logging's asctime), an optional `Z` or numeric offset. One spelling for every parser of this package.
ISO_TIME = r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?"
_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "IST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "AEST": 10, "AEDT": 11, "ACST": 9.5, "ACDT": 10.5, "AWST": 8, "NZST": 12, "NZDT": 13,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7,
}


def parse_timestamp(text: str | None, zone: str | None = None, default: tzinfo | None = UTC) -> datetime | None:
    """A logged time (ISO-ish, `,mmm` milliseconds, optional zone word) -> aware UTC datetime.

    A time without zone is in `default` (see eventtime.zone; None: this host's local time).
    Results are memoised: a burst of errors shares a handful of timestamps, and parsing one
    (fromisoformat, zone offset) costs more than the rest of building its event header."""
    if not text:
        return None
    key = (text, zone, default)
    hit = _PARSED.get(key, _MISS)
    if hit is not _MISS:
        return hit  # type: ignore[return-value]
    dt = _parse_timestamp(text, zone, default)
    if len(_PARSED) >= 4096:
        _PARSED.clear()
    _PARSED[key] = dt
    return dt


_MISS = object()
_PARSED: dict[tuple[str, str | None, tzinfo | None], datetime | None] = {}


def _parse_timestamp(text: str, zone: str | None, default: tzinfo | None) -> datetime | None:
    s = text.strip().replace(",", ".")
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    if dt.tzinfo is None and zone:
        z = zone.strip()
        hours = _ZONES.get(z.upper())
        if hours is not None:
            dt = dt.replace(tzinfo=timezone(timedelta(hours=hours)))
        elif re.fullmatch(r"[+-]\d\d:?\d\d", z):
            sign = -1 if z[0] == "-" else 1
            digits = z[1:].replace(":", "")
            dt = dt.replace(tzinfo=timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))))
    try:
        if dt.tzinfo is None and default is not None:
            key_z = (default, dt.year, dt.month, dt.day, dt.hour)
            zoff = _ZONE_OFFSETS.get(key_z)
            if zoff is None:
                zoff = dt.replace(tzinfo=default).utcoffset() or timedelta(0)
                if len(_ZONE_OFFSETS) > 10_000:
                    _ZONE_OFFSETS.clear()
                _ZONE_OFFSETS[key_z] = zoff
            return (dt - zoff).replace(tzinfo=UTC)
        if dt.tzinfo is None:
            # Naive: local time of this host. The local UTC offset is looked up once per hour of
            # log time (DST changes on hour boundaries); astimezone on every event was a hot spot.
            key = (dt.year, dt.month, dt.day, dt.hour)
            off = _LOCAL_OFFSETS.get(key)
            if off is None:
                off = dt.astimezone().utcoffset() or timedelta(0)
                if len(_LOCAL_OFFSETS) > 10_000:
                    _LOCAL_OFFSETS.clear()
                _LOCAL_OFFSETS[key] = off
            return (dt - off).replace(tzinfo=UTC)
        return dt.astimezone(UTC)
    except (OverflowError, OSError, ValueError):
        return None


_LOCAL_OFFSETS: dict[tuple[int, int, int, int], timedelta] = {}
_ZONE_OFFSETS: dict[tuple[tzinfo, int, int, int, int], timedelta] = {}


def timestamp_from_value(value: object, default: tzinfo | None = UTC) -> datetime | None:
    """A JSON time field: ISO string or epoch seconds/milliseconds."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        v = float(value)
        if v > 1e12:  # milliseconds
            v /= 1000.0
        try:
            return datetime.fromtimestamp(v, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        return parse_timestamp(value.replace("Z", "+00:00") if value.endswith("Z") else value, None, default)
    return None
