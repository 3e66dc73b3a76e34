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
identifier with an underscore shared by both) and states an age of at least STUCK seconds (xact_age=23m10s,
"for 14 min", "idle in transaction (12m)"), before the error within WINDOW. Twins that must NOT change: a holder idle
in transaction for seconds (a live transaction between statements: the race reading stands); a stuck holder on
ANOTHER relation; no holder record; an answer that is not concurrency. 0.45: one record tied by a name.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput, one_line

CONFIDENCE = 0.45
STUCK = 60.0  # seconds idle in transaction that are no longer a live transaction between two statements
_HELD = re.compile(r"could not obtain (?:an? )?(?:advisory |exclusive |shared |row |table )?lock|\block not "
                   r"available\b|LockNotAvailable|\b55P03\b|\balready (?:claimed|locked)\b|lock timeout", re.I)
_IDLE = re.compile(r"idle in transaction", re.I)
_AGE = re.compile(r"(?:xact_age|age|idle|for)\W{0,3}(?:(?P<h>\d+)\s*h\s*)?(?:(?P<m>\d+)\s*m(?:in)?\w*\s*)?"
                  r"(?:(?P<s>\d+(?:\.\d+)?)\s*s\w*)?", re.I)
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\"(?P<q>[\w.]+)\"")


def _age(line: str) -> float:
    best = 0.0
    for m in _AGE.finditer(line):
        h, mi, s = m.group("h"), m.group("m"), m.group("s")
        if h or mi or s:
            best = max(best, int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0))
    return best


def _names(text: str) -> set[str]:
    return {m.group("q") or m.group(0) for m in _NAME.finditer(text)}


def stuck_holder_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code when the lock's holder is a session idle in transaction for minutes (module docstring)."""
    if d.category not in ("concurrency", "unknown"):  # unknown: a try-lock's refusal in our words no rule read
        return d
    said = "\n".join([*inp.messages(), inp.traceback[-8192:]])
    if not _HELD.search(said):
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
                category="code", confidence=min(CONFIDENCE, d.confidence), rule=f"{d.rule}+stuck-holder",
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
