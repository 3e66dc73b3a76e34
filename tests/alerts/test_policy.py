"""Retry policy, Retry-After parsing, backoff and the per-receiver token bucket (pure)."""

from __future__ import annotations

import random

from sidecar.alerts.delivery import (
    FAILED,
    RETRY,
    SENT,
    TokenBucket,
    classify,
    next_delay,
    parse_retry_after,
)
from sidecar.backoff import delay as backoff


def test_classify() -> None:
    assert classify(200).outcome == SENT and classify(204).outcome == SENT
    assert classify(429, 12.0).outcome == RETRY and classify(429, 12.0).retry_after == 12.0
    assert classify(408).outcome == RETRY
    assert classify(500).outcome == RETRY and classify(502).outcome == RETRY
    assert classify(503, 7.0).retry_after == 7.0
    for status in (400, 401, 403, 404, 410, 413):
        assert classify(status).outcome == FAILED, status


def test_parse_retry_after() -> None:
    now = 1_445_412_480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(" 1.5 ", now) == 1.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now) == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == 0.0  # in the past: now
    assert parse_retry_after("-5", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_backoff_doubles_caps_and_jitters() -> None:
    rng = random.Random(1)
    for attempt, raw in ((1, 2), (2, 4), (3, 8), (4, 16), (10, 300)):
        delays = [backoff(attempt, 2.0, 300.0, rng) for _ in range(200)]
        assert all(raw * 0.5 <= d <= raw for d in delays)
        assert max(delays) - min(delays) > raw * 0.3  # actually jittered
    r = classify(429, 7200.0)
    assert next_delay(r, 1, base=2, cap=300, retry_after_max=3600, rng=rng) == 3600  # capped
    assert next_delay(classify(429, 3.0), 5, base=2, cap=300, retry_after_max=3600, rng=rng) == 3.0


def test_token_bucket() -> None:
    bucket = TokenBucket(per_minute=3, now=0.0)
    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert abs(bucket.take(0.0) - 20.0) < 1e-9  # one token every 20 s
    assert abs(bucket.take(10.0) - 10.0) < 1e-9
    assert bucket.take(20.0) == 0.0
    assert bucket.take(1000.0) == 0.0 and bucket.tokens <= 3  # never more than a burst
