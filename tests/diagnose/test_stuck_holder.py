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
