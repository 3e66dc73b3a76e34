"""A provider's authentication refusal after a record showing its client built from ANOTHER provider's key setting is
the code's wiring (credential_origin.py); built from its own key, or a registry line listing every key, it stays the
key setting's (config).

Class list: the credential settings the gateway's providers read (research upstream-gateway.md: KIMI_API_KEY,
MOONSHOT_API_KEY, GLM_API_KEY, ZAI_API_KEY), crossed with the shapes a client-construction record prints its key's
source in (settings['X'], os.environ.get("X"), "key from X", "built with X"), for both providers' documented 401
bodies (Moonshot invalid_authentication_error; Z.ai code 1000/1002) from the real openai SDK against a loopback server.
Near-misses: the client built from its own key, a registry line naming both keys, another provider's key named on a
line about that other provider.
"""

from __future__ import annotations

import random
from typing import Any

import openai
import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import RULES, logged, text_of

SEEDS = range(4)
STAMP = "2026-12-06 07:00:00"
KEYS = {"kimi": ["KIMI_API_KEY", "MOONSHOT_API_KEY"], "glm": ["GLM_API_KEY", "ZAI_API_KEY"]}
BODIES = {"kimi": {"error": {"message": "Invalid Authentication", "type": "invalid_authentication_error"}},
          "glm": {"error": {"code": "1002", "message": "Authorization Token非法，请确认Authorization Token正确传递。"}}}
MODELS = {"kimi": "kimi-k2-0905-preview", "glm": "glm-4.6"}


def _built(rng: random.Random, remote: str, key: str) -> str:
    shape = rng.choice([f"{remote} client: api_key=settings['{key}'] (49 chars), base_url=https://example/v1",
                        f"{remote} client: api_key=os.environ.get(\"{key}\")",
                        f"building {remote} provider with key from {key}",
                        f"{remote} client built with {key}"])
    return f"{STAMP} DEBUG src.providers.registry: {shape}"


async def _refused(provider: tuple[str, dict[str, Any]], remote: str, before: list[str]) -> str:
    url, state = provider
    state["answer"] = (401, BODIES[remote])
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=url, max_retries=0)
    try:
        await client.chat.completions.create(model=MODELS[remote], messages=[{"role": "user", "content": "hi"}])
    except openai.AuthenticationError:
        return "\n".join([*before, logged(f"src.providers.{remote}_chat", f"chat failed (model: {MODELS[remote]})")])
    finally:
        await client.close()
    raise AssertionError("no 401")


@pytest.mark.parametrize("seed", SEEDS)
async def test_a_client_built_from_another_providers_key_is_code(provider: tuple[str, dict[str, Any]], seed: int) -> None:
    rng = random.Random(seed)
    remote = rng.choice(["kimi", "glm"])
    other = rng.choice(KEYS["glm" if remote == "kimi" else "kimi"])
    d = RULES.diagnose(excerpt_to_input(await _refused(provider, remote, [_built(rng, remote, other)])))
    assert d.category == "code" and other in text_of(d) and "key" in text_of(d), (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
async def test_a_client_built_from_its_own_key_stays_the_key_setting(provider: tuple[str, dict[str, Any]],
                                                                     seed: int) -> None:
    rng = random.Random(seed)
    remote = rng.choice(["kimi", "glm"])
    other_remote = "glm" if remote == "kimi" else "kimi"
    line = rng.choice([
        _built(rng, remote, rng.choice(KEYS[remote])),
        f"{STAMP} INFO src.providers.registry: Registered providers: kimi (KIMI_API_KEY set), glm (GLM_API_KEY set)",
        _built(rng, other_remote, rng.choice(KEYS[other_remote])),
    ])
    d = RULES.diagnose(excerpt_to_input(await _refused(provider, remote, [line])))
    assert d.category == "config" and "+origin:credential" not in (d.rule or ""), (line, d.rule, d.summary)
