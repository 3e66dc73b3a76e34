"""When a record around an error was logged: ONE reader for every diagnose mechanism that orders the records of an
excerpt or measures the gap between two of them (onset_change, preceding, contention, following, own_script,
unseen_write, cache_eviction).

The grammar is the ingest stage's, not one of ours: a record's header as `sidecar run` reads it (ingest/formats.py
TextDialect: the gateway's formats, basicConfig's, the stdio shim's; a printed zone word or offset applied), else the
first ISO 8601 date-time printed near the line's start (ingest/timestamps.py ISO_TIME: `T` or a space, a `.` or `,`
fraction, an optional `Z` or offset: the prefix a syslog, Docker, Kubernetes or JSON writer puts before the message),
read by the same parse_timestamp. Both give an aware UTC datetime, so a time from a header and one from another
writer's prefix compare (before, four readers each had a pattern: whole seconds here, fractions there, the line's
start only in one, zones ignored everywhere).
"""

from __future__ import annotations

import re
from datetime import datetime

from ..ingest.formats import TextDialect
from ..ingest.timestamps import ISO_TIME, parse_timestamp

REACH = 120  # a record's time is printed at or near its start: a writer's prefix before it is shorter than this
STAMP = re.compile(ISO_TIME)  # a printed date-time, wherever it is (contention cuts it out of a step's text)
_DIALECT = TextDialect()


def record_time(line: str) -> datetime | None:
    """The time `line`'s record was logged (aware, UTC), or None when it prints none near its start."""
    header = _DIALECT.parse_header(line[:2048])
    if header is not None and header.timestamp is not None:
        return header.timestamp
    return printed_time(line)


def printed_time(line: str) -> datetime | None:
    """record_time's fallback alone: the first ISO 8601 date-time printed near the line's start (for a reader that
    parsed the header itself and found no time in it: own_script)."""
    m = STAMP.search(line[:REACH])
    return None if m is None else parse_timestamp(m.group(0))


def of_episode(line: str, error_at: datetime | None, window: float, *, before_only: bool = False) -> bool:
    """`line`'s record is of the error's episode: logged within `window` seconds of `error_at` (only before it when
    `before_only`: a figure read as the state the error met), or a time on one side or the other is not known - an
    unstamped record is kept, as the readers before this one did (held_slots, at_its_size: review r18, one owner)."""
    at = record_time(line)
    if at is None or error_at is None:
        return True
    gap = (error_at - at).total_seconds()
    return 0 <= gap <= window if before_only else abs(gap) <= window
