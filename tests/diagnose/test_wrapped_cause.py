"""A gateway wrapper record whose own text does not say why ("[req:..] [PROVIDER_ERROR] chat failed after N attempts")
takes the cause of the error record just before it (preceding.wrapped_cause; held-out 7's 7001; CLASSES8 I2: the SDK's
own retry records before the final exception).

Class list: the openai SDK's status errors it retries by design and then raises (openai/_base_client.py _should_retry:
408, 409, 429, 5xx) from a loopback server, with the SDK's own retry lines and httpx's request lines captured as it
logs them, then the daemon's wrapper record of the same request. Near-miss: the earlier record belongs to ANOTHER
request (its [req:] id differs): the wrapper keeps its own answer. 3 seeds.
"""

from __future__ import annotations

import random

import pytest

from tests.diagnose.classes8_base import _http_answer, _kimi_call, line

from .logged import diagnose


def _excerpt(rng: random.Random, status: int, wrapper_req: str, call_req: str) -> str:
    body = b'{"error": {"message": "The service is temporarily unavailable", "type": "server_error"}}'
    before = [line("src.daemon.ws_server", f"[req:{call_req}] tools/call chat (model=kimi-k2-0905-preview)")]
    failed = _kimi_call(rng, _http_answer(status, body), 1, before, timeout=5)  # client, model, logger drawn
    code = rng.choice(["PROVIDER_ERROR", "INTERNAL_ERROR"])
    return "\n".join([failed, line("src.daemon.ws_server", f"[req:{wrapper_req}] [{code}] chat failed after 3 attempts",
                                   "ERROR", 9)])


@pytest.mark.parametrize("seed", range(3))
def test_a_wrapper_takes_the_cause_of_the_record_before_it(seed: int) -> None:
    rng = random.Random(seed)
    req = f"{rng.randrange(16**8):08x}"
    d = diagnose(_excerpt(rng, rng.choice([502, 503, 529]), req, req))
    assert d.category == "provider" and "Kimi" in d.summary and "+wrapped:" in (d.rule or ""), (d.rule, d.summary)


@pytest.mark.parametrize("seed", range(3))
def test_a_wrapper_of_another_request_keeps_its_own_answer(seed: int) -> None:
    rng = random.Random(seed)
    d = diagnose(_excerpt(rng, 503, f"{rng.randrange(16**8):08x}", "aaaa0000"))
    assert "+wrapped:" not in (d.rule or ""), (d.rule, d.summary)
