"""A lock refusal (55P03) whose holder is a session idle in transaction for minutes is our code's unended
transaction (stuck_holder.py); a holder idle for seconds, a stuck holder on another relation, or another worker's
claim of the same row leaves the race reading (concurrency).

The refusal is psycopg's own class for SQLSTATE 55P03 (psycopg.errors.LockNotAvailable, looked up by its code), with
the server's message from heapam.c; generated over seeds: the table, the holder's pid and age, the record's words.
"""

from __future__ import annotations

import random

import pytest
from psycopg import errors

from .logged import diagnose, raised_and_logged

STAMP = "2026-12-06 19:12:30"


def _refusal(rng: random.Random, table: str) -> str:
    cls = errors.lookup("55P03")

    def claim() -> None:
        raise cls(f'could not obtain lock on row in relation "{table}"')
    text = raised_and_logged(claim, "src.workers.job_runner",
                             f"[worker-1] claim of {table} id={rng.randint(1000, 99999)} failed")
    return STAMP + text[len(STAMP):]


def _holder(rng: random.Random, table: str, seconds: int) -> str:
    age = f"{seconds // 60}m{seconds % 60}s"
    return (f"2026-12-06 19:12:0{rng.randint(0, 9)} WARNING src.monitoring.db_health: blocking session "
            f"pid={rng.randint(100, 9999)} state='idle in transaction' xact_age={age} query='claim_next_job' holds "
            f"locks on {table}")


@pytest.mark.parametrize("seed", range(4))
def test_a_lock_held_by_a_session_idle_in_transaction_for_minutes_is_code(seed: int) -> None:
    rng = random.Random(seed)
    table = rng.choice(["upload_jobs", "alert_outbox", "embedding_jobs"])
    d = diagnose("\n".join([_holder(rng, table, rng.randint(120, 3000)), _refusal(rng, table)]))
    assert d.category == "code" and d.rule.endswith("+stuck-holder") and d.confidence < 0.6, (d.rule, d.summary)
    assert "idle in transaction" in d.root_cause


@pytest.mark.parametrize("seed", range(4))
def test_a_live_holder_another_relation_or_another_claimer_stays_concurrency(seed: int) -> None:
    rng = random.Random(seed)
    table = rng.choice(["upload_jobs", "alert_outbox", "embedding_jobs"])
    other = "file_cleanup_queue"
    claimed = f"2026-12-06 19:12:29 INFO src.workers.job_runner: [worker-2] claimed {table} id=4411"
    for lines in ([_holder(rng, table, rng.randint(1, 20)), _refusal(rng, table)],  # between two statements
                  [_holder(rng, other, rng.randint(120, 3000)), _refusal(rng, table)],  # another relation's holder
                  [claimed, _refusal(rng, table)]):  # another worker's claim: the race
        got = diagnose("\n".join(lines))
        assert got.category == "concurrency" and "stuck-holder" not in got.rule, (lines, got.rule, got.summary)


class ClaimLost(Exception):
    """A worker's own error when its try-lock answers False (pg_try_advisory_lock / redis Lock.acquire(blocking=False))."""


def _claim_lost(rng: random.Random, table: str, job: int) -> str:
    def claim() -> None:
        raise ClaimLost(f"job {job} already claimed")
    text = raised_and_logged(claim, "src.workers.job_runner", f"[worker-1] claim of {table} id={job} failed")
    return STAMP + text[len(STAMP):]


@pytest.mark.parametrize("seed", range(3))
def test_a_try_lock_refused_in_our_words_is_read_by_its_holder(seed: int) -> None:
    """The try-lock's False in our own words ('job N already claimed'): another worker's claim of the same job is the
    race (concurrency); a session idle in transaction for minutes holding the table is our unended transaction
    (code); with neither record the answer is not a race (no second actor shown)."""
    rng = random.Random(seed)
    table, job = rng.choice(["upload_jobs", "alert_outbox"]), rng.randint(1000, 99999)
    claimed = f"2026-12-06 19:12:29 INFO src.workers.job_runner: [worker-2] claimed {table} id={job}"
    got = diagnose("\n".join([claimed, _claim_lost(rng, table, job)]))
    assert got.category == "concurrency" and "contention" in got.rule, (got.rule, got.summary)
    got = diagnose("\n".join([_holder(rng, table, rng.randint(120, 3000)), _claim_lost(rng, table, job)]))
    assert got.category == "code" and "stuck-holder" in got.rule, (got.rule, got.summary)
    got = diagnose(_claim_lost(rng, table, job))
    assert got.category != "concurrency" and "stuck-holder" not in got.rule, (got.rule, got.summary)


# Every spelling of a unit the class writes (Go durations, PostgreSQL's interval styles, words), with its seconds.
_UNITS = {"h": 3600, "hr": 3600, "hours": 3600, "m": 60, "min": 60, "mins": 60, "minutes": 60, "s": 1, "sec": 1,
          "secs": 1, "seconds": 1, "ms": 1e-3, "msec": 1e-3, "milliseconds": 1e-3, "us": 1e-6, "\u00b5s": 1e-6,
          "microseconds": 1e-6}


def _spelled(rng: random.Random, seconds: float) -> str:
    """`seconds` written as the class writes an age: number+unit (any spelling, spaced or not), HH:MM:SS(.f), ISO."""
    form = rng.randrange(4)
    if form == 0:
        whole, frac = divmod(seconds, 1)
        return f"{int(whole) // 3600:02d}:{int(whole) % 3600 // 60:02d}:{int(whole) % 60:02d}" + \
            (f".{int(round(frac * 1000)):03d}" if frac else "")
    if form == 1 and seconds == int(seconds):
        return f"PT{int(seconds) // 60}M{int(seconds) % 60}S"
    units = [u for u, f in _UNITS.items() if f <= max(seconds, 1e-6) and seconds / f < 1e9]
    unit = rng.choice(units)
    return f"{seconds / _UNITS[unit]:.6f}".rstrip("0").rstrip(".") + rng.choice(["", " "]) + unit


def _holder_aged(rng: random.Random, table: str, age: str) -> str:
    key = rng.choice([f"xact_age={age}", f"idle in transaction {age}", f"state='idle in transaction' for {age}"])
    lead = "" if "idle in transaction" in key else "state='idle in transaction' "
    return (f"2026-12-06 19:12:0{rng.randint(0, 9)} WARNING src.monitoring.db_health: blocking session "
            f"pid={rng.randint(100, 9999)} {lead}{key} query='claim_next_job' holds locks on {table}")


@pytest.mark.parametrize("seed", range(12))
def test_the_holders_age_is_read_in_its_own_unit(seed: int) -> None:
    """Milliseconds and microseconds are not minutes: a holder idle 250 ms is a live transaction (the race stands), the
    same holder idle for minutes - in any unit, clock or ISO form - is our unended transaction."""
    rng = random.Random(seed)
    table = rng.choice(["upload_jobs", "alert_outbox", "embedding_jobs"])
    live = rng.choice([rng.randint(1, 900) / 1000, rng.randint(1, 50), rng.randint(1, 999) / 1e6])
    got = diagnose("\n".join([_holder_aged(rng, table, _spelled(rng, live)), _refusal(rng, table)]))
    assert got.category == "concurrency" and "stuck-holder" not in got.rule, (live, got.rule, got.summary)
    stuck = float(rng.randint(90, 5000))
    got = diagnose("\n".join([_holder_aged(rng, table, _spelled(rng, stuck)), _refusal(rng, table)]))
    assert got.category == "code" and "stuck-holder" in got.rule, (stuck, got.rule, got.summary)


def test_a_number_beside_no_unit_or_another_quantity_is_no_age() -> None:
    """'2 mb', 'pool min 5', a bare xact_age=600 (unit unknown) and a negative interval say nothing of minutes idle."""
    rng = random.Random(7)
    for age in ("45 s after 2 mb", "30s (pool min 5)", "600", "-00:10:00", "3 mb"):
        got = diagnose("\n".join([_holder_aged(rng, "upload_jobs", age), _refusal(rng, "upload_jobs")]))
        assert got.category == "concurrency" and "stuck-holder" not in got.rule, (age, got.rule)
