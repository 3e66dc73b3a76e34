"""The owner of a remote's refusal is read from its reason before its status (refusal_owner.py).

Each refusal is answered by a local aiohttp server and raised by the real openai SDK (which keeps only
`error.message` in its text), then logged both ways the gateway logs it: with the traceback, and as its
OpenAI-compatible wrapper's one line without the class (research upstream-gateway.md: "OpenAI Compatible API error
for model X after N attempt: <error>"). Every owner has a TWIN: the same status with the other owner's reason.
Expected categories are who must act (evals/TAXONOMY.md "Owner of a remote's refusal"), written here per class.
"""

from __future__ import annotations

from typing import Any

import openai
import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.model import Diagnosis
from sidecar.diagnose.situation import sdk_status_text, situation
from tests.diagnose.logged import RULES, logged


async def _error(url: str, model: str = "gemini-2.5-flash") -> openai.APIStatusError:
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=url, max_retries=0)
    try:
        await client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])
    except openai.APIStatusError as e:
        return e
    finally:
        await client.close()
    raise AssertionError("the call did not fail")


async def _both(url: str, model: str = "gemini-2.5-flash") -> list[Diagnosis]:
    """The refusal logged with its traceback, and as the gateway's wrapper line (no class, no frames)."""
    e = await _error(url, model)
    try:
        raise e
    except openai.APIStatusError:
        traced = logged("src.providers.openai_compatible", f"chat failed for model {model}")
    wrapper = (f"2026-12-07 10:00:01 ERROR src.providers.openai_compatible: OpenAI Compatible API error for model {model} "
               f"after 1 attempt: {e}")
    return [RULES.diagnose(excerpt_to_input(traced)), RULES.diagnose(excerpt_to_input(wrapper))]


def _body(status: int, message: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"code": status, "message": message, **extra}}


# (status, reason, owner): the reason decides; the same status carries both owners
KEY_TWINS = [
    (400, "API key not valid. Please pass a valid API key.", "config"),  # Gemini: a bad key is 400 INVALID_ARGUMENT
    (400, "Invalid value for 'temperature': must be between 0 and 2.", "code"),
    (403, "Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account.", "config"),
    (401, "invalid x-api-key", "config"),
]


@pytest.mark.parametrize(("status", "reason", "owner"), KEY_TWINS, ids=[f"{s}-{o}-{i}" for i, (s, _, o) in enumerate(KEY_TWINS)])
async def test_a_key_reason_is_the_key_whatever_the_status(provider: tuple[str, dict[str, Any]], status: int, reason: str,
                                                         owner: str) -> None:
    url, state = provider
    state["answer"] = _body(status, reason)
    for d in await _both(url):
        assert d.category == owner, (reason, d.rule, d.summary)
        assert ("key" in d.summary.lower()) == (owner == "config"), d.summary
        assert "?" not in d.summary.replace("?)", "")


REGION_TWINS = [
    (403, "Country, region, or territory not supported", "config", True),
    (400, "User location is not supported for the API use.", "config", True),
    # the twin: a 400 about a field the request carries, whose NAME has the same word
    (400, "Invalid value for 'user_location': expected an object.", "code", False),
]


@pytest.mark.parametrize(("status", "reason", "owner", "region"), REGION_TWINS, ids=["403", "400", "400-field"])
async def test_a_region_the_provider_does_not_serve_is_where_we_call_from(provider: tuple[str, dict[str, Any]], status: int,
                                                                          reason: str, owner: str, region: bool) -> None:
    url, state = provider
    state["answer"] = _body(status, reason)
    for d in await _both(url):
        assert d.category == owner, (reason, d.rule, d.summary)
        assert ("region" in d.summary) == region, d.summary


async def test_a_base_url_without_the_api_path_is_the_route_not_a_missing_model(provider: tuple[str, dict[str, Any]]) -> None:
    """The local server routes only /v1/chat/completions: without /v1 its router answers a plain 404 page."""
    url, _ = provider
    e = await _error(url.removesuffix("/v1"), "kimi-k2-0905-preview")
    assert str(e) == "Error code: 404"  # no error.message in the router's body: the SDK appends nothing
    for d in await _both(url.removesuffix("/v1"), "kimi-k2-0905-preview"):
        assert d.category == "config" and "route" in d.summary and "base URL" in d.root_cause, (d.rule, d.summary)


@pytest.mark.parametrize(("message", "category", "names"), [
    ("Not found the model kimi-k3-preview or Permission denied", "config", "model"),
    ("The requested resource was not found", None, "resource"),
])
async def test_a_404_with_the_apis_own_message_is_about_a_resource_not_the_route(
        provider: tuple[str, dict[str, Any]], message: str, category: str | None, names: str) -> None:
    """Twin of the bare 404: the API's own error object answers about a model or file, not the base URL."""
    url, state = provider
    state["answer"] = _body(404, message)
    for d in await _both(url, "kimi-k3-preview"):
        assert "route" not in d.summary and "base URL" not in d.root_cause, (d.rule, d.summary)
        if category is not None:
            assert d.category == category, (d.rule, d.summary)


@pytest.mark.parametrize(("line", "named"), [
    ("OpenAI Compatible API error for model x after 1 attempt: Error code: 429 - You exceeded your current quota", True),
    ("OpenAI Compatible API error for model x after 1 attempt: Error code: 404", True),
    # zhipuai's own form names its own package; a shell's exit status and a 3-digit code inside a word are no SDK text
    ('GLM chat failed: Error code: 429, with error text {"error":{"code":"1302"}}', False),
    ("hook failed. Error code: 127", False),
    ("Error code: 4001 - user aborted", False),
])
def test_the_sdks_status_text_names_the_sdk(line: str, named: bool) -> None:
    inp = excerpt_to_input(f"2026-12-07 10:00:01 ERROR src.tools.runner: {line}")
    assert sdk_status_text(inp, situation(inp)) == named, line
    assert "openai" not in situation(inp).components  # a text is no component: the situation model's features stay


async def test_an_unnamed_openai_compatible_host_gets_the_status_readers_answer(provider: tuple[str, dict[str, Any]]) -> None:
    """A 429 quota refusal logged only as the wrapper line, from a host no table names: the provider's account."""
    url, state = provider
    state["answer"] = (429, {"error": {"message": "You exceeded your current quota, please check your plan and billing "
                                                  "details.", "type": "insufficient_quota"}})
    traced, wrapper = await _both(url, "gpt-4.1-mini")
    assert wrapper.category == traced.category == "provider", (wrapper.rule, wrapper.summary)
    assert "quota" in wrapper.summary, wrapper.summary


def test_a_third_partys_key_reason_under_400_is_its_credential() -> None:
    """httpx raise_for_status against a tool's API, with the body logged: the reason decides as for a provider."""
    import httpx

    def raise_it(body: str) -> str:
        req = httpx.Request("POST", "https://api.search.example/v1/search")
        try:
            httpx.Response(400, request=req).raise_for_status()
        except httpx.HTTPStatusError:
            return logged("tools.web_search", f"search failed: {body}")
        raise AssertionError("no error")

    key = RULES.diagnose(excerpt_to_input(raise_it('{"error": "Invalid API key"}')))
    shape = RULES.diagnose(excerpt_to_input(raise_it('{"error": "max_results must be <= 20"}')))
    assert key.category == "config" and "key" in key.summary.lower(), (key.rule, key.summary)
    assert shape.category == "code", (shape.rule, shape.summary)


@pytest.mark.parametrize(("reason", "owner"), [
    ("Your account org-1<ak-2> is not active, current state: suspended, you may check whether your account balance is "
     "sufficient", "provider"),
    ("The API you are accessing is not open", "config"),  # the twin: the same 403 about the key's permission
])
async def test_a_403_about_the_accounts_balance_is_the_account_not_a_permission(provider: tuple[str, dict[str, Any]],
                                                                             reason: str, owner: str) -> None:
    """Moonshot documents exceeded_current_quota_error under 403 as well as 429 (evals/TAXONOMY.md Providers)."""
    url, state = provider
    state["answer"] = _body(403, reason)
    for d in await _both(url, "some-model"):
        assert d.category == owner, (reason, d.rule, d.summary)


@pytest.mark.parametrize("seed", range(4))
def test_the_route_reading_is_the_refusals_own_body_not_another_records(seed: int) -> None:
    """The 404 rule's negative condition is refusal_owner's route reason (rules file `unless: {refusal: [route]}`),
    read in the record's own messages: another component's earlier bare "Error code: 404" (a page fetch) does not
    turn a 404 that carries the API's own message into something else; a bare 404 is the route whatever came before.
    Before, the rules file re-spelled the reason as a text regex over the context too (and for 404 only)."""
    import random
    rng = random.Random(seed)
    who = rng.choice(["src.providers.kimi: Kimi chat failed for model kimi-k2-0905-preview",
                      "src.providers.glm: GLM call to https://open.bigmodel.cn/api/paas/v4 failed for model glm-4.6"])
    other = rng.choice(["src.tools.fetch: page fetch failed", "src.rag.loader: sitemap read failed"])
    before = f"2026-12-07 09:5{rng.randint(0, 9)}:00 WARNING {other}: Error code: 404{rng.choice(['', ' ', chr(9)])}\n"
    body = rng.choice(["'model not found'", "'The requested resource was not found'"])
    said = inp_of(before + f"2026-12-07 10:00:01 ERROR {who}: Error code: 404 - {{'error': {{'message': {body}, "
                           f"'type': 'resource_not_found_error'}}}}")
    assert said.rule == "provider-not-found-404", (said.rule, said.summary)
    bare = inp_of(before + f"2026-12-07 10:00:01 ERROR {who}: Error code: {rng.choice([404, 405])}")
    assert bare.category == "config" and "route" in bare.summary, (bare.rule, bare.summary)


def inp_of(excerpt: str) -> Diagnosis:
    return RULES.diagnose(excerpt_to_input(excerpt))
