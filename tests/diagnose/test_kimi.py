"""The Kimi client against a local OpenAI-compatible server, driven by the real openai SDK over a socket."""

from __future__ import annotations

import json

import pytest

from sidecar.diagnose.kimi import (
    InvalidAnswerError,
    KimiClient,
    LLMRejected,
    LLMUnavailable,
    QuotaExceeded,
    retry_after_seconds,
)
from sidecar.diagnose.model import DiagnosisInput
from sidecar.diagnose.rules import load_rules
from sidecar.telemetry import Telemetry

from .conftest import GOOD_ANSWER, Reply, error, good, llm_config

PGRST = (
    "2025-10-28 10:01:02 ERROR src.storage.supabase_client: Failed to record upload: "
    "{'message': \"Could not find the 'upload_method' column of 'provider_file_uploads' in the schema cache\", "
    "'code': 'PGRST204'}"
)


def _input() -> DiagnosisInput:
    return DiagnosisInput(
        fingerprint="f" * 32, message=PGRST.split(": ", 1)[1], logger="src.storage.supabase_client",
        traceback=PGRST, context=("2025-10-28 10:01:01 INFO httpx: HTTP Request: POST /rest/v1/provider_file_uploads "
                                  '"HTTP/2 400 Bad Request"',),
    )


@pytest.fixture
def rules():
    return load_rules("rules/diagnoses.yaml")


async def _client(fake, clock, **kw) -> KimiClient:
    return KimiClient(llm_config(fake.base_url, **kw), clock, Telemetry())


async def test_good_answer_is_validated_and_ungrounded_evidence_dropped(fake_llm, rclock, rules):
    fake_llm.then(good())
    client = await _client(fake_llm, rclock)
    inp = _input()
    hint = rules.diagnose(inp)
    d = await client.diagnose(inp, hint)
    await client.close()
    assert d.source == "kimi" and d.model == "kimi-k2-turbo-preview" and d.category == "storage"
    assert d.prompt_version == "diagnose-v4" and d.rule == "supabase-missing-column-pgrst204"
    assert d.tokens.input == 120 and d.tokens.output == 80
    # the invented line is dropped; the quoted fragment occurs in the input and stays
    assert d.evidence == ["PGRST204"]
    req = fake_llm.requests[0]
    assert req["response_format"] == {"type": "json_object"}
    assert req["model"] == "kimi-k2-turbo-preview"
    user = req["messages"][1]["content"]
    assert "upload_method" in user and "supabase-missing-column-pgrst204" in user
    assert "HTTP/2 400 Bad Request" in user  # context lines around the error
    assert fake_llm.headers[0]["Authorization"] == "Bearer sk-test-key-not-a-secret-000000"


async def test_grounded_evidence_is_kept(fake_llm, rclock):
    answer = dict(GOOD_ANSWER, evidence=["'code': 'PGRST204'}", "invented: the database is on fire"])
    fake_llm.then(good(answer))
    client = await _client(fake_llm, rclock)
    d = await client.diagnose(_input())
    await client.close()
    assert d.evidence == ["'code': 'PGRST204'}"]


async def test_malformed_then_good_repairs_once(fake_llm, rclock):
    fake_llm.then(Reply(content="Sure! Here is the diagnosis: {not json"), good())
    client = await _client(fake_llm, rclock)
    d = await client.diagnose(_input())
    await client.close()
    assert d.category == "storage"
    assert len(fake_llm.requests) == 2
    repair = fake_llm.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and "not json" in repair[-2]["content"]
    assert "could not be used" in repair[-1]["content"]
    assert d.tokens.input == 240  # both calls counted


async def test_malformed_twice_raises_invalid_answer(fake_llm, rclock):
    fake_llm.then(Reply(content="[1, 2, 3]"), Reply(content=json.dumps({"summary": "x"})))
    client = await _client(fake_llm, rclock)
    with pytest.raises(InvalidAnswerError) as info:
        await client.diagnose(_input())
    await client.close()
    assert len(fake_llm.requests) == 2
    assert "root_cause" in str(info.value)
    assert client.breaker.state == "closed"  # the service works; the answer was bad


async def test_quota_429_is_not_retried_and_opens_the_circuit(fake_llm, rclock):
    fake_llm.then(error(429, "exceeded_current_quota_error", "Your account is suspended due to insufficient balance"))
    client = await _client(fake_llm, rclock, quota_cooldown=7200)
    with pytest.raises(QuotaExceeded) as info:
        await client.diagnose(_input())
    assert info.value.retry_after == 7200
    assert len(fake_llm.requests) == 1
    assert client.breaker.state == "open"
    assert any("quota" in p for p in client.degraded())
    assert client.telemetry.llm_circuit_open._value.get() == 1
    # while open, nothing is sent
    with pytest.raises(LLMUnavailable):
        await client.diagnose(_input())
    assert len(fake_llm.requests) == 1
    # after the cool-down one trial call goes through and closes it
    rclock.advance(7200)
    fake_llm.then(good())
    d = await client.diagnose(_input())
    await client.close()
    assert d.source == "kimi" and client.breaker.state == "closed"


async def test_rate_limit_honours_retry_after(fake_llm, rclock):
    fake_llm.then(error(429, "rate_limit_reached_error", headers={"Retry-After": "7"}), good())
    client = await _client(fake_llm, rclock)
    d = await client.diagnose(_input())
    await client.close()
    assert d.source == "kimi"
    assert rclock.sleeps == [7.0]
    assert len(fake_llm.requests) == 2


async def test_retry_after_longer_than_limit_defers(fake_llm, rclock):
    fake_llm.then(error(429, "engine_overloaded_error", headers={"Retry-After": "600"}))
    client = await _client(fake_llm, rclock, max_retry_after=60)
    with pytest.raises(LLMUnavailable) as info:
        await client.diagnose(_input())
    await client.close()
    assert info.value.retry_after == 600 and rclock.sleeps == []
    assert len(fake_llm.requests) == 1


async def test_500_then_good_retries_with_jittered_backoff(fake_llm, rclock):
    fake_llm.then(error(500, "server_error"), good())
    client = await _client(fake_llm, rclock)
    d = await client.diagnose(_input())
    await client.close()
    assert d.source == "kimi"
    assert len(rclock.sleeps) == 1 and 0.25 <= rclock.sleeps[0] <= 0.5


async def test_5xx_gives_up_after_two_retries(fake_llm, rclock):
    fake_llm.then(error(502, "bad_gateway"), error(503, "unavailable"), error(500, "server_error"), good())
    client = await _client(fake_llm, rclock)
    with pytest.raises(LLMUnavailable) as info:
        await client.diagnose(_input())
    await client.close()
    assert len(fake_llm.requests) == 3  # one call + at most 2 retries
    assert "HTTP 500" in str(info.value)


async def test_slow_response_times_out_and_two_timeouts_open_the_circuit(fake_llm, rclock):
    """A timeout is not retried at once (a hung server would hold the worker 3x); two in a row open the circuit."""
    fake_llm.then(*(good(delay=1.0) for _ in range(3)))
    client = await _client(fake_llm, rclock, timeout=0.3, max_retries=1)
    with pytest.raises(LLMUnavailable) as info:
        await client.diagnose(_input())
    assert "timeout" in str(info.value)
    assert len(fake_llm.requests) == 1 and client.breaker.state == "closed"
    with pytest.raises(LLMUnavailable):
        await client.diagnose(_input())
    assert client.breaker.state == "open" and "2 timeouts in a row" in (client.breaker.reason or "")
    with pytest.raises(LLMUnavailable) as info:  # open: no request is sent
        await client.diagnose(_input())
    await client.close()
    assert "circuit open" in str(info.value) and len(fake_llm.requests) == 2


async def test_connection_refused(free_port, rclock):
    # nothing listens on free_port
    client = KimiClient(llm_config(f"http://127.0.0.1:{free_port}/v1", breaker_failures=1), rclock)
    with pytest.raises(LLMUnavailable) as info:
        await client.diagnose(_input())
    await client.close()
    assert "connection error" in str(info.value)
    assert len(rclock.sleeps) == 2  # two backoffs: three attempts in all
    assert client.breaker.state == "open"
    assert client.status()["circuit"] == "open" and client.degraded() == []  # transient: not even degraded


async def test_bad_request_is_not_retried(fake_llm, rclock):
    fake_llm.then(error(400, "invalid_request_error", "Input token length too long"))
    client = await _client(fake_llm, rclock)
    with pytest.raises(LLMRejected):
        await client.diagnose(_input())
    await client.close()
    assert len(fake_llm.requests) == 1 and rclock.sleeps == []


async def test_hourly_budget_stops_calls(fake_llm, rclock):
    fake_llm.default = good()
    client = await _client(fake_llm, rclock, calls_per_hour=2)
    await client.diagnose(_input())
    await client.diagnose(_input())
    with pytest.raises(LLMUnavailable) as info:
        await client.diagnose(_input())
    assert "budget" in str(info.value) and info.value.retry_after == pytest.approx(3600)
    assert len(fake_llm.requests) == 2
    assert client.status()["budget_exhausted"] and client.degraded() == []  # throttled, not degraded
    assert client.telemetry.llm_budget_remaining._value.get() == 0
    rclock.advance(3600)
    await client.diagnose(_input())
    await client.close()
    assert len(fake_llm.requests) == 3


async def test_planted_secrets_never_reach_the_server(fake_llm, rclock):
    secrets = ["sk-live-TESTONLY1234567890abcdef", "hunter2-db-password", "AKIAIOSFODNN7EXAMPLE", "oncall@example.com"]
    fake_llm.then(good())
    inp = DiagnosisInput(
        fingerprint="a" * 32,
        message=f"auth failed for key {secrets[0]} user {secrets[3]}",
        traceback=(f"postgresql://app:{secrets[1]}@db.internal:5432/x\n"
                   f'Traceback (most recent call last):\n  File "/app/src/x.py", line 3, in f\n'
                   f"ValueError: aws={secrets[2]}"),
        context=(f"2025-10-28 INFO config: {{\"password\": \"{secrets[1]}\"}}",),
    )
    client = await _client(fake_llm, rclock)
    await client.diagnose(inp)
    await client.close()
    body = fake_llm.raw_bodies[0]
    for s in secrets:
        assert s not in body
    assert "[REDACTED:api_key]" in json.loads(body)["messages"][1]["content"]


def test_retry_after_parsing():
    assert retry_after_seconds({"retry-after": "3"}, 0) == 3
    assert retry_after_seconds({"retry-after-ms": "1500"}, 0) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, 1445412480.0) == pytest.approx(10)
    assert retry_after_seconds({"retry-after": "soon"}, 0) is None
    assert retry_after_seconds({}, 0) is None


async def test_a_proxy_page_instead_of_json_is_retried(fake_llm, rclock):
    fake_llm.then(Reply(html="<html><body>502 upstream</body></html>"), good())
    client = await _client(fake_llm, rclock)
    d = await client.diagnose(_input())
    await client.close()
    assert d.source == "kimi" and len(fake_llm.requests) == 2 and len(rclock.sleeps) == 1


async def test_a_refused_key_opens_the_circuit_and_says_so(fake_llm, rclock):
    fake_llm.then(error(401, "invalid_authentication_error", "Invalid Authentication"))
    client = await _client(fake_llm, rclock)
    with pytest.raises(LLMUnavailable):
        await client.diagnose(_input())
    await client.close()
    assert len(fake_llm.requests) == 1 and client.breaker.state == "open"
    assert any("authentication failed (401)" in p for p in client.degraded())
