"""A lock refusal whose holder is a session idle in transaction for minutes: no second actor raced us - our code left a
transaction open (round 18: the code twin of the concurrency class).

The class (evals/TAXONOMY.md "Round 18: concurrency and capacity as situations"): concurrency is two actors on one
object within a window, the failure being the loser's. A refusal of the 'held' kind - PostgreSQL 55P03
lock_not_available ("could not obtain lock on row in relation", NOWAIT or lock_timeout), a try-lock or claim that
answers "already claimed" - is read as concurrency by its SQLSTATE. When the records show the holder is a session
in pg_stat_activity state `idle in transaction` ("The backend is in a transaction, but is not currently executing a
query": PostgreSQL docs, Monitoring Database Activity, pg_stat_activity.state) for a minute or more, nobody is
working on the object: a transaction was begun and never committed or rolled back (a missing commit on an error
path, a connection returned to a pool mid-transaction). The fix is our code's (end the transaction; set
idle_in_transaction_session_timeout as the guard) - code, not a race.

The LINK: the holder's record names the same relation/object as the refusal (a table name, a quoted relation, an
identifier with an underscore shared by both) and states an age of at least STUCK seconds, read in its own unit
(xact_age=23m10s, "for 14 min", "idle in transaction (12m)", 00:05:12.345 - never 250ms as minutes), before the
error within WINDOW. Twins that must NOT change: a holder idle in transaction for seconds (a live transaction between
statements: the race reading stands); a stuck holder on ANOTHER relation; no holder record; an answer that is not concurrency. 0.45: one record tied by a name.
"""

from __future__ import annotations

import re

from .contention import HELD
from .honest_unknown import lent
from .model import Diagnosis, DiagnosisInput, one_line

CONFIDENCE = 0.45
STUCK = 60.0  # seconds idle in transaction that are no longer a live transaction between two statements
_IDLE = re.compile(r"idle in transaction", re.I)
# An age is read only right after a word that names one (xact_age=, idle, for, transaction, duration), as a run of
# number+unit parts (Go's "23m10.5s", "14 min", PostgreSQL's postgres_verbose "@ 5 mins 12.345 secs"), a clock
# HH:MM:SS(.f) (PostgreSQL's default interval output of now() - xact_start, optionally after "N days"), or ISO 8601
# PT..H..M..S (IntervalStyle iso_8601). Units are spelled out, each ended by a non-letter: before, "m\w*" read
# "250ms" as 250 minutes and "12 microseconds" as 12 minutes. A bare number has no unit and no age, unless the key
# names the unit (xact_age_s=600, idle_ms=250).
_UNIT = {"d": 86400.0, "day": 86400.0, "days": 86400.0, "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0,
         "hours": 3600.0, "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0, "s": 1.0,
         "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "ms": 1e-3, "msec": 1e-3, "msecs": 1e-3,
         "millis": 1e-3, "millisecond": 1e-3, "milliseconds": 1e-3, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6,
         "usec": 1e-6, "usecs": 1e-6, "microsecond": 1e-6, "microseconds": 1e-6, "ns": 1e-9, "nanosecond": 1e-9,
         "nanoseconds": 1e-9}
_UNITS = "|".join(sorted((re.escape(u) for u in _UNIT), key=len, reverse=True))
_KEY = re.compile(rf"\b(?:(?:\w+_)?age|idle|duration)(?:_(?P<unit>{_UNITS}))?\b|\b(?:for|transaction)\b", re.I)
_LEAD = re.compile(r"[^\w\n-]{0,3}")  # "=", ": ", " (", "=@ " - never a minus sign (a negative interval is no age)
_PART = re.compile(rf"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>{_UNITS})(?![a-z\u00b5\u03bc])[\s,]*", re.I)
_CLOCK = re.compile(r"(?P<h>\d+):(?P<m>[0-5]\d):(?P<s>[0-5]\d(?:\.\d+)?)(?![\d:])")
_ISO = re.compile(r"P(?:(?P<d>\d+)D)?T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?\b")
_BARE = re.compile(r"\d+(?:\.\d+)?(?![\w:.])")
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\"(?P<q>[\w.]+)\"")


def _age_at(line: str, pos: int, key_unit: str | None) -> float:
    """Seconds of the age written at `pos` (just after its key), 0 when none is."""
    iso = _ISO.match(line, pos)
    if iso and any(iso.group(g) for g in "dhms"):
        return (int(iso.group("d") or 0) * 86400 + int(iso.group("h") or 0) * 3600 + int(iso.group("m") or 0) * 60
                + float(iso.group("s") or 0))
    total = 0.0
    while part := _PART.match(line, pos):
        total += float(part.group("n")) * _UNIT[part.group("u").lower()]
        pos = part.end()
    if clock := _CLOCK.match(line, pos):
        total += int(clock.group("h")) * 3600 + int(clock.group("m")) * 60 + float(clock.group("s"))
    elif total == 0 and key_unit and (bare := _BARE.match(line, pos)):
        total = float(bare.group(0)) * _UNIT[key_unit.lower()]
    return total


def _age(line: str) -> float:
    best = 0.0
    for key in _KEY.finditer(line):
        lead = _LEAD.match(line, key.end())
        best = max(best, _age_at(line, lead.end() if lead else key.end(), key.group("unit")))
    return best


def _names(text: str) -> set[str]:
    return {m.group("q") or m.group(0) for m in _NAME.finditer(text)}


def stuck_holder_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code when the lock's holder is a session idle in transaction for minutes (module docstring)."""
    if d.category not in ("concurrency", "unknown"):  # unknown: a try-lock's refusal in our words no rule read
        return d
    said = "\n".join([*inp.messages(), inp.traceback[-8192:]])
    if not HELD.search(said):  # the held refusal's one grammar (contention.py)
        return d
    objects = _names("\n".join(inp.messages()))
    for raw in reversed(inp.context):
        for ln in raw.splitlines():
            if not _IDLE.search(ln) or _age(ln) < STUCK:
                continue
            shared = objects & _names(ln)
            if not shared:
                continue
            quoted = one_line(ln.strip(), 240)
            return d.reanswered(
                category="code", confidence=min(CONFIDENCE, lent(d, inp)), rule=f"{d.rule}+stuck-holder",
                severity="high",
                summary=one_line(f"The lock on {sorted(shared)[0]} is held by a session idle in transaction for "
                                 "minutes: a transaction our code never ended, not a race", 300),
                root_cause=(f'The refusal\'s holder is "{quoted}": a session in a transaction that runs no query '
                            "(pg_stat_activity state 'idle in transaction') for longer than any statement takes. Nothing "
                            "else is working on the object; a transaction was begun and never committed or "
                            "rolled back, and every claim behind it fails."),
                suggested_fix=["End the transaction on every path (commit/rollback in `finally`, `with conn.transaction()`"
                               "), and never return a connection to the pool inside one.",
                               "Set idle_in_transaction_session_timeout so a forgotten transaction is ended by the "
                               "server; terminate the stuck backend (pg_terminate_backend) to recover now."],
                evidence=[ln.strip()[:300]])
    return d
