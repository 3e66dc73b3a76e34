"""sidecar/backoff.py: the one retry-delay formula (capped exponential, jitter only shortens)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sidecar.backoff import Backoff, delay


@given(attempt=st.integers(-5, 10_000), base=st.floats(0.001, 100), cap=st.floats(0.001, 10_000),
       jitter=st.floats(0, 1), seed=st.integers(0, 2**32))
def test_a_delay_lies_within_the_jittered_step_and_never_beyond_the_cap(attempt, base, cap, jitter, seed):
    step = min(cap, base * 2 ** min(max(0, attempt - 1), 62))
    got = delay(attempt, base, cap, random.Random(seed), jitter)
    assert step * (1 - jitter) - 1e-9 <= got <= step + 1e-9
    assert got <= cap + 1e-9


def test_steps_double_until_the_cap_without_jitter():
    assert [delay(n, 0.5, 10.0, jitter=0.0) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_jitter_spreads_callers_that_fail_together():
    rng = random.Random(7)
    delays = {round(delay(5, 1.0, 60.0, rng), 6) for _ in range(100)}
    assert len(delays) > 90 and min(delays) >= 8.0 and max(delays) <= 16.0


def test_a_retry_loop_counts_failures_and_starts_over_after_a_success():
    retry = Backoff(1.0, 30.0, jitter=0.0)
    assert [retry.next() for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0]
    retry.reset()
    assert retry.next() == 1.0


def test_an_outage_of_any_length_does_not_overflow():
    assert delay(10**9, 0.5, 300.0, jitter=0.0) == 300.0


@pytest.mark.parametrize("jitter", [-0.1, 1.5])
def test_a_jitter_outside_zero_to_one_is_refused(jitter):
    with pytest.raises(ValueError, match="jitter must be within"):
        delay(1, 1.0, 2.0, jitter=jitter)
