"""Reviewer, round 9: near-miss twins of context_causes.py (21a3592) whose earlier record carries the trigger
words but not the act the rule reads into them. Each must leave the answer where it is without that record.

- PGRST123 (aggregates disabled): `_switched_off` takes ANY of the last 40 records holding the substring
  `aggregates` and any of `set/off/false/updated/deploy/...` as "a record changed that very option". A record
  of our own usage roll-up that names its aggregates (`per-model aggregates updated for 14 models`) changes no
  PostgREST option: the answer must stay code (f5_twin_first_use's answer), not config.
- 57014 'due to user request': `_own_cancel` takes any record matching `pg_cancel_backend` / `cancelling
  query` as our cancel, also one saying our cancel did NOT happen (refused, skipped). The cancel then came
  from someone else: the answer must be the one without that record.

Logged by the real postgrest client against a loopback server (classes8_base._postgrest); seeds vary the
wording, the logger, the client and where the records sit (classes8_vary.spread). Fixed by the lead (round 9):
the option's name is required, and a cancel record that says it did not happen is no cancel.
"""

from __future__ import annotations

import random

import pytest

from tests.diagnose.classes8_base import _postgrest, line
from tests.diagnose.classes8_vary import logger_of, spread
from tests.diagnose.logged import diagnose

AGGREGATES = b'{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}'
USER_CANCEL = b'{"code":"57014","details":null,"hint":null,"message":"canceling statement due to user request"}'
SEEDS = range(6)


def _report_naming_aggregates(rng: random.Random) -> str:
    n = rng.randrange(3, 40)
    return line(logger_of(rng, "rest"), rng.choice([
        f"usage rollup: per-model aggregates updated for {n} models",
        f"dashboard totals: aggregates set for {n} panels",
        f"nightly job: token aggregates refreshed, {n} rows updated",
        f"usage report: monthly aggregates off the hot path ({n} tables)"]))


@pytest.mark.parametrize("seed", SEEDS)
def test_pgrst123_after_a_report_naming_its_aggregates_stays_code(seed: int) -> None:
    rng = random.Random(f"agg-word-{seed}")
    d = diagnose(spread(rng, [_report_naming_aggregates(rng)], _postgrest(rng, 400, AGGREGATES)))
    assert d.category == "code", (d.category, d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_pgrst123_without_any_earlier_record_is_code(seed: int) -> None:
    """The reference the near-miss must match (no record before: our query uses a switched-off feature)."""
    rng = random.Random(f"agg-none-{seed}")
    assert diagnose(spread(rng, [], _postgrest(rng, 400, AGGREGATES))).category == "code"


def _cancel_not_done(rng: random.Random) -> str:
    pid = rng.randrange(1000, 9999)
    return line(rng.choice(["src.storage.watchdog", "src.storage.query_guard"]), rng.choice([
        f"pg_cancel_backend({pid}) refused: must be a member of the role whose process is being cancelled",
        f"not cancelling query of pid {pid}: under the limit",
        f"could not cancel backend {pid}: permission denied"]), "WARNING")


@pytest.mark.parametrize("seed", SEEDS)
def test_user_cancel_after_our_cancel_that_did_not_happen_keeps_its_answer(seed: int) -> None:
    rng = random.Random(f"cancel-not-done-{seed}")
    error = _postgrest(rng, 500, USER_CANCEL)
    without = diagnose(error)
    d = diagnose(spread(rng, [_cancel_not_done(rng)], error))
    assert (d.category, d.rule) == (without.category, without.rule), (without.category, d.category, d.rule)
