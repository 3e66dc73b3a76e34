"""Near-miss twins the round-8 review found for the layers that read a cause from other records
(transport_setting.py, preceding.wrapped_cause, ws_causes._private_close): a normal record must not turn a real
failure into another cause.

Class list (from the review, each the twin of a class those layers answer): a change word that is about something
else on the settings line (the env source, the provider choice); a timeout setting of another phase or call than the
one that fired (openai's connect timeout, a health check's, a stream's idle timeout) and a long but plausible timeout
in seconds; a masked password in a DSN before a DNS failure; a host that merely holds a provider's name; an error
logged long before a wrapper record with other records between them; a close reason naming a limit or a protocol
rule with a credential-sounding word. Failures are raised for real (loopback servers, closed ports), 4 seeds.
"""

from __future__ import annotations

import random
import socket
import traceback

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .logged import diagnose, text_of
from .test_transport_setting import (
    KIMI_FAILED,
    KIMI_TIMED_OUT,
    STAMP,
    _closed_port,
    _excerpt,
    _kimi_refused,
    _resolve_invalid,
    _silent_timeout,
)
from .test_ws_private_close import _closed_by_server

SEEDS = range(4)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_change_word_about_something_else_leaves_a_refusal_alone(seed: int) -> None:
    rng = random.Random(seed)
    url = rng.choice(["https://api.moonshot.ai/v1", "https://api.moonshot.cn/v1"])
    line = rng.choice([f"settings (env overrides .env): KIMI_BASE_URL={url}",
                       f"provider switched from glm to kimi, KIMI_BASE_URL={url}",
                       f"config reloaded (3 keys changed from defaults); KIMI_BASE_URL={url}"])
    d = diagnose(_excerpt([f"{STAMP} INFO src.core.env_config: {line}"], _kimi_refused(_closed_port()), *KIMI_FAILED))
    assert d.category != "config" and "+setting" not in (d.rule or ""), (line, d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_timeout_of_another_phase_or_a_long_one_in_seconds_is_not_the_one_that_fired(seed: int) -> None:
    rng = random.Random(seed)
    setting = rng.choice(["KIMI_CONNECT_TIMEOUT=5", "KIMI_HEALTH_TIMEOUT=3", "KIMI_STREAM_IDLE_TIMEOUT_S=5",
                          "KIMI_TIMEOUT_SECS=1800", "KIMI_POOL_TIMEOUT=2"])
    line = f"{STAMP} INFO src.providers.base: provider ready: {setting}"
    d = diagnose(_excerpt([line], _silent_timeout(0.2), *KIMI_TIMED_OUT))
    assert "+setting" not in (d.rule or "") and "milliseconds" not in text_of(d), (setting, d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_masked_password_in_a_dsn_is_not_a_placeholder_host(seed: int) -> None:
    rng = random.Random(seed)
    mask = rng.choice(["<redacted>", "<REDACTED>", "${SUPABASE_DB_PASSWORD}"])
    line = f"{STAMP} INFO src.core.env_config: SUPABASE_DB_URL=postgresql://postgres:{mask}@db.qzkvhrnwpbtdyxms.supabase.co:5432/postgres"
    d = diagnose(_excerpt([line], _resolve_invalid, "src.storage.supabase_client", "[HEALTH] supabase probe failed"))
    assert "+setting" not in (d.rule or "") and "placeholder" not in text_of(d), (d.rule, d.summary)


def _redis_refused_long_before(request: str) -> str:
    port = _closed_port()
    try:
        redis.Redis(port=port, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)).ping()
    except Exception:
        tb = traceback.format_exc().rstrip()
    else:
        raise AssertionError("the closed port answered")
    return "\n".join([f"2026-12-06 06:00:01 ERROR src.cache.redis_cache: cache ping failed ({request})", tb,
                      *(f"2026-12-06 06:{m:02d}:00 INFO src.daemon.ws_server: [req:{m:08x}] tools/call chat ok"
                        for m in range(10, 60, 10))])


@pytest.mark.parametrize("seed", SEEDS)
def test_an_error_logged_long_before_a_wrapper_with_records_between_is_not_its_cause(seed: int) -> None:
    rng = random.Random(seed)
    before = _redis_refused_long_before(rng.choice(["request_id=r-111", "req_id=5e0c", "no request"]))
    wrapper = f"2026-12-06 07:00:0{seed} ERROR src.daemon.ws_server: [req:9f3a2b1c] [PROVIDER_ERROR] chat failed"
    d = diagnose(before + "\n" + wrapper)
    assert "+wrapped" not in (d.rule or "") and d.category != "storage", (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_close_reason_naming_a_limit_or_a_protocol_rule_is_no_credential_refusal(seed: int) -> None:
    rng = random.Random(seed)
    code = rng.choice([4000, 4008, 4400, 4999])
    limit = diagnose(_closed_by_server(code, rng.choice(["token limit exceeded", "message exceeds the size limit"])))
    assert limit.category == "capacity", (limit.rule, limit.summary)
    rule = diagnose(_closed_by_server(code, rng.choice(["binary frames not allowed", "message signature format invalid"])))
    assert rule.category == "unknown" and rule.confidence <= 0.4, (rule.rule, rule.summary)


def test_the_closed_port_helper_really_refuses() -> None:
    """The near-misses above rely on a refused connection: check the helper gives one."""
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", _closed_port()), timeout=1).close()
