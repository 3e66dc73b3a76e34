"""Budgets and the circuit breaker on an injected clock (no real waiting)."""

from __future__ import annotations

from sidecar.clock import ManualClock
from sidecar.diagnose.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from sidecar.diagnose.budget import CallBudget, TokenBudget
from sidecar.diagnose.trigger import OccurrenceWindow, min_occurrences_for, should_diagnose


def test_call_budget_is_a_sliding_hour(clock: ManualClock):
    budget = CallBudget(clock, per_hour=3)
    assert [budget.try_acquire() for _ in range(4)] == [True, True, True, False]
    assert budget.remaining() == 0
    clock.advance(1800)
    assert budget.seconds_until_available() == 1800
    clock.advance(1799)
    assert not budget.try_acquire()
    clock.advance(1)
    assert budget.try_acquire() and budget.remaining() == 2  # the three calls of t=0 expired
    clock.advance(3600)
    assert budget.remaining() == 3


def test_zero_budget_never_calls(clock):
    budget = CallBudget(clock, per_hour=0)
    assert not budget.try_acquire() and budget.seconds_until_available() == 3600


def test_token_budget_resets_at_utc_midnight(clock):
    clock.set(86400 * 20500 + 86000)  # 400 s before a UTC midnight
    tokens = TokenBudget(clock, per_day=1000)
    tokens.record(600)
    assert tokens.remaining() == 400 and not tokens.exhausted()
    tokens.record(500)
    assert tokens.exhausted() and tokens.seconds_until_reset() == 400
    clock.advance(400)
    assert tokens.remaining() == 1000


def test_unlimited_tokens(clock):
    tokens = TokenBudget(clock, per_day=0)
    tokens.record(10**9)
    assert tokens.remaining() is None and not tokens.exhausted()


def test_breaker_opens_after_consecutive_failures_and_half_opens(clock):
    br = CircuitBreaker(clock, failure_threshold=3, cooldown=300)
    br.record_failure("500")
    br.record_success()  # a success resets the count
    for _ in range(2):
        br.record_failure("500")
    assert br.state == CLOSED and br.allow()
    br.record_failure("500")
    assert br.state == OPEN and not br.allow()
    assert "LLM circuit open (500)" in (br.describe() or "")
    clock.advance(299)
    assert br.state == OPEN
    clock.advance(1)
    assert br.state == HALF_OPEN
    assert br.allow() and not br.allow()  # one trial at a time
    br.record_failure("timeout")  # a failed trial re-opens at once
    assert br.state == OPEN and br.seconds_until_retry() == 300
    clock.advance(300)
    assert br.allow()
    br.record_success()
    assert br.state == CLOSED and br.describe() is None


def test_quota_trip_uses_the_long_cooldown(clock):
    br = CircuitBreaker(clock, failure_threshold=5, cooldown=300)
    br.trip(3600, "quota exhausted")
    clock.advance(3599)
    assert br.state == OPEN and br.reason == "quota exhausted"
    clock.advance(1)
    assert br.state == HALF_OPEN


def test_trigger_thresholds_per_level():
    table = {"CRITICAL": 1, "ERROR": 1, "WARNING": 5}
    assert min_occurrences_for("warning", table) == 5
    assert min_occurrences_for("INFO", table) == 1
    assert should_diagnose(1, "ERROR", table) and not should_diagnose(4, "WARNING", table)


def test_occurrence_window_counts_only_recent_occurrences():
    w = OccurrenceWindow(600, at=0, total=1, before=0)
    w.observe(100, 2)
    w.observe(200, 3)
    assert w.count(200) == 3
    assert w.count(650) == 2  # the first (t=0) left the window
    assert w.count(900) == 0
    w.observe(900, None)  # no count in the event: one more
    assert w.count(900) == 1


def test_min_occurrences_config_is_validated():
    import pytest

    from sidecar.config import ConfigError, load_config

    with pytest.raises(ConfigError) as info:
        load_config(None, {"SIDECAR_DIAGNOSIS__MIN_OCCURRENCES": "{warn: 2}"})
    assert info.value.problems[0].startswith("SIDECAR_DIAGNOSIS__MIN_OCCURRENCES: unknown level 'warn'")
    with pytest.raises(ConfigError):
        load_config(None, {"SIDECAR_DIAGNOSIS__MIN_OCCURRENCES": "{ERROR: 0}"})
    config = load_config(None, {"SIDECAR_DIAGNOSIS__MIN_OCCURRENCES": "{warning: 3}"})
    assert config.diagnosis.min_occurrences == {"WARNING": 3}
