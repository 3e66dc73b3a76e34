"""The gateway's aggregate "no provider could serve" takes the category of the failures that closed the paths
(aggregate.py, CLASSES10 A1 and its twins).

Real failures: the openai SDK against the local OpenAI-compatible server answering 500 (an outage) or 401 (our key
refused), and builtin TypeError/AttributeError raised by a request builder of ours before any request is sent. What
varies by seed: the aggregate's wording (the four shapes research §1.2/§6 names and others of the class), the
providers' loggers and models, the carrier of each failure (a traceback or the message only), the breaker records
(present or not), unrelated records between. Twins: the same aggregate behind provider outages stays provider; our
TypeError in an unrelated component does not count; a path closed by a refused key beside an outage is config.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

import openai
import pytest

from tests.diagnose.conftest import FakeLLM, error
from tests.diagnose.logged import diagnose, logged, text_of

SEEDS = range(1, 7)
AGGREGATES = (
    "[req:{r}] [SERVICE_UNAVAILABLE] No provider available for chat: kimi circuit OPEN, glm circuit OPEN",
    "[req:{r}] [SERVICE_UNAVAILABLE] routing found no healthy provider for model {model}",
    "[req:{r}] [PROVIDER_ERROR] all providers in the fallback chain failed for chat (kimi, glm)",
    "[req:{r}] Upload failed with both providers. Primary: kimi circuit open, Fallback: glm circuit open",
    "[req:{r}] [SERVICE_UNAVAILABLE] every provider path is closed; fallback exhausted",
)
PATHS = {"kimi": ("src.providers.kimi_chat", "kimi-k2-0905-preview"), "glm": ("src.providers.glm_chat", "glm-4.6")}


def _type_error() -> None:
    tools: Any = 3
    [t for t in tools]  # noqa: B018 - our builder iterating an int: a real TypeError


def _attribute_error() -> None:
    prompt: Any = None
    prompt.strip()


def _ours(rng: random.Random) -> Callable[[], None]:
    return rng.choice((_type_error, _attribute_error))


async def _status(fake: FakeLLM, status: int) -> None:
    fake.then(error(status, "server_error" if status >= 500 else "invalid_authentication_error", "boom"))
    client = openai.AsyncOpenAI(base_url=fake.base_url, api_key="sk-test", max_retries=0)
    try:
        await client.chat.completions.create(model="kimi-k2", messages=[{"role": "user", "content": "hi"}])
    finally:
        await client.close()


async def _failure(rng: random.Random, provider: str, kind: str, fake: FakeLLM, stamp: int) -> list[str]:
    """The records of one failed call of `provider` (a traceback or the message only) - real exceptions."""
    logger, model = PATHS[provider]
    req = f"{rng.randrange(16**6):06x}"
    try:
        if kind == "ours":
            _ours(rng)()
        else:
            await _status(fake, 500 if kind == "outage" else 401)
    except Exception as exc:  # noqa: BLE001 - the failure under test, whatever its class
        if rng.random() < 0.5:
            text = logged(logger, f"[req:{req}] {provider} call failed ({model})")
        else:
            text = logged(logger, f"[req:{req}] {provider} call failed ({model}): {type(exc).__name__}: {exc}",
                          level=logging.ERROR).split("\nTraceback", 1)[0]
        return [text.replace(text[:19], f"2026-12-06 10:0{stamp // 60}:{stamp % 60:02d}", 1)]
    raise AssertionError("no failure")


async def _excerpt(rng: random.Random, fake: FakeLLM, kinds: dict[str, str], noise: str | None = None) -> str:
    lines: list[str] = []
    t = 0
    for provider, kind in kinds.items():
        for _ in range(rng.randrange(1, 4)):
            t += rng.randrange(1, 9)
            lines += await _failure(rng, provider, kind, fake, t)
        if rng.random() < 0.6:
            lines.append(f"2026-12-06 10:0{t // 60}:{t % 60:02d} WARNING src.resilience.circuit_breaker_manager: "
                         f"circuit {provider} CLOSED -> OPEN after 3 consecutive failures")
    if noise is not None:
        lines.insert(rng.randrange(len(lines) + 1), noise)
    t += 2
    aggregate = rng.choice(AGGREGATES).format(r=f"{rng.randrange(16**4):04x}", model=rng.choice(("glm-4.6", "kimi-k2")))
    lines.append(f"2026-12-06 10:0{t // 60}:{t % 60:02d} ERROR src.daemon.error_handling: {aggregate}")
    return "\n".join(lines)


@pytest.mark.parametrize("seed", SEEDS)
async def test_breakers_opened_by_our_exceptions_make_the_aggregate_a_code_fault(fake_llm: FakeLLM, seed: int) -> None:
    rng = random.Random(seed)
    d = diagnose(await _excerpt(rng, fake_llm, {"kimi": "ours", "glm": "ours"}))
    assert d.category == "code" and d.confidence < 0.6, (seed, d.rule, d.summary)
    assert "TypeError" in text_of(d) or "AttributeError" in text_of(d)
    assert "outage" not in text_of(d).lower() and "overloaded" not in text_of(d).lower()


@pytest.mark.parametrize("seed", SEEDS)
async def test_the_twins_keep_their_own_readings(fake_llm: FakeLLM, seed: int) -> None:
    rng = random.Random(seed)
    outage = diagnose(await _excerpt(rng, fake_llm, {"kimi": "outage", "glm": "outage"}))
    assert outage.category == "provider", (seed, outage.rule)
    try:
        _type_error()
    except TypeError:
        unrelated = logged("src.export.conversations", "export of conv 8c1e failed").splitlines()[0]
    mixed_noise = diagnose(await _excerpt(rng, fake_llm, {"kimi": "outage", "glm": "outage"}, noise=unrelated))
    assert mixed_noise.category == "provider", (seed, mixed_noise.rule)
    refused = diagnose(await _excerpt(rng, fake_llm, {"kimi": "refused", "glm": "outage"}))
    assert refused.category == "config" and refused.confidence < 0.6, (seed, refused.rule, refused.summary)
    assert "kimi" in text_of(refused)
    half = diagnose(await _excerpt(rng, fake_llm, {"kimi": "ours", "glm": "outage"}))
    assert half.category != "code", (seed, half.rule)
