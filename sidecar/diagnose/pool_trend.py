"""A connection pool at its bound with a flat request rate is a leak of ours, not an undersized pool.

CLASSES10 D2 and its twin: psycopg_pool refuses a new waiter at once when `max_waiting` are queued
(`SP/psycopg_pool/pool_async.py` getconn -> TooManyRequests) and times waiters out otherwise (PoolTimeout); the
rules read both as capacity (pool size vs concurrency). The figures the gateway's metrics records print around the
failure decide: every connection in use while the request rate stays flat means connections are taken and never
given back (a getconn without putconn on an error path, a connection held across an idle wait) - code; the rate
rising into the bound is capacity and keeps the first answer.

Read: the records around the error (the last LOOK_BACK lines before it, the first AFTER after it) that print the pool's in-use figure and its bound
(`in_use=5/5`, `in_use=10 ... size=10`) and a request rate (`requests/min=92`, `req/s=3.1`); when the error names
the pool ("the pool 'audit'"), a record naming another pool is not read.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput

LOOK_BACK = 60
AFTER = 10
LEAK = 0.45
FLAT = 1.5  # the highest rate at most this many times the lowest: flat
_IN_USE = re.compile(r"\bin[_ ]use[=: ]+(?P<u>\d+)(?:\s*/\s*(?P<m>\d+))?", re.I)
_SIZE = re.compile(r"\b(?:size|max_size|max)[=: ]+(?P<s>\d+)\b", re.I)
_RATE = re.compile(r"\b(?:requests?|reqs?)\s*/\s*(?P<u>min|minute|s|sec)\s*[=: ]+(?P<r>\d+(?:\.\d+)?)", re.I)
# how long a connection is held, as metric lines print it: query_p95_ms=40, hold_ms=..., db_p95_s=...
_HOLD = re.compile(r"\b[a-z]*_?(?:p\d\d|hold|held|latency|duration|query)[a-z0-9_]*?_(?P<u>ms|s)\s*[=:]\s*(?P<v>\d+(?:\.\d+)?)",
                   re.I)
_SLOW = re.compile(r"\bslow (?:query|queries|statement)\b", re.I)
_PER_SECOND = {"min": 1 / 60, "minute": 1 / 60, "s": 1.0, "sec": 1.0}  # a rate compared in one unit (review r11)
_POOL_NAME = re.compile(r"\bpool '?(?P<n>[\w-]{2,40})'?")
_POOL_RULE = re.compile(r"pool")


def pool_trend_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code when the pool sat at its bound while the request rate stayed flat before the refusal."""
    if d.category != "capacity" or not _POOL_RULE.search(d.rule or ""):
        return d
    named = _POOL_NAME.search("\n".join(inp.messages()))
    full, rates, lines = 0, [], []
    holds: list[float] = []
    # the samples after the refusal count too (following.py's note: the figure that decides often comes later)
    for raw in (*inp.context[-LOOK_BACK:], *inp.after[:AFTER]):
        line = raw[:2048]
        use = _IN_USE.search(line)
        rate = _RATE.search(line)
        if use is None or rate is None:
            continue
        other = _POOL_NAME.search(line)
        if named is not None and other is not None and other.group("n") != named.group("n"):
            continue
        bound = use.group("m") or ((s := _SIZE.search(line)) and s.group("s"))
        rates.append(float(rate.group("r")) * _PER_SECOND[rate.group("u").lower()])
        holds.extend(float(h.group("v")) * (1.0 if h.group("u").lower() == "ms" else 1000.0) for h in _HOLD.finditer(line))
        if bound and int(use.group("u")) >= int(bound):
            full += 1
            lines.append(line.strip())
    if full < 2 or len(rates) < 3 or min(rates) <= 0 or max(rates) / min(rates) > FLAT:
        return d
    # Little's law: connections in use = arrival rate x time each is held. A flat rate fills the pool just as well when
    # the hold time grows (slow queries, a vacuum, a lock): then the database is slow, not our code leaking (review r11)
    window = "\n".join((*inp.context[-LOOK_BACK:], *inp.after[:AFTER]))[:65536]
    if (holds and min(holds) > 0 and max(holds) / min(holds) > FLAT) or _SLOW.search(window):
        return d
    return d.model_copy(update={
        "category": "code", "severity": "high", "confidence": LEAK, "rule": f"{d.rule}+pool-leak",
        "summary": "The pool is exhausted by connections that are never returned (a leak), not by load",
        "root_cause": (f"Every connection of the pool stayed in use in {full} samples before the refusal while the "
                       f"request rate stayed flat ({min(rates):.3g}-{max(rates):.3g} requests/s): the load did not grow, so "
                       "connections are taken and not given back - a getconn() without putconn() on some path, or "
                       "a connection held outside its context manager."),
        "suggested_fix": ["Find the path that takes a connection and does not return it (use `async with "
                          "pool.connection()` or putconn() in a finally block), starting with the last deploy's "
                          "changes.", "Do not raise the pool size to hide it: the leak fills any size."],
        "evidence": list(dict.fromkeys([*lines[-2:], *d.evidence[:2]]))})
