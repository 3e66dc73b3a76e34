"""Errors about a piece of data (json, UTF-8, pydantic, anyio streams) raised for real: where the data is the
application's own or a user's (a model's reply parsed by the app, an uploaded file, a request body) the
honest answer stays unknown at <= 0.4; the same classes raised where a setting or a remote is at fault get
that cause (settings loaded by pydantic-settings -> config; a provider's body parsed by its client ->
provider). anyio's stream classes (httpx's backend) keep their families."""

from __future__ import annotations

import json

import anyio
import httpx
import pydantic
import pydantic_settings
import pytest
from aiohttp import web

from tests.diagnose.logged import diagnose, logged, text_of
from tests.helpers import serving


def test_the_apps_own_json_parse_of_a_model_reply_stays_unknown() -> None:
    reply = '{"plan": ["step 1", "step 2"'  # a model's cut-off answer
    try:
        json.loads(reply)
    except json.JSONDecodeError:
        excerpt = logged("tools.planner", "could not parse the plan from the model's reply")
    d = diagnose(excerpt)
    # no remote is blamed for the app's own parse (a rule may call it the code's JSON handling, at <= 0.4)
    assert d.category in ("unknown", "code") and d.confidence <= 0.4


def test_an_uploaded_file_in_another_encoding_stays_unknown() -> None:
    data = "Grüße aus Köln".encode("latin-1")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        excerpt = logged("tools.smart_file_query", "could not read the uploaded file")
    d = diagnose(excerpt)
    assert d.category == "unknown" and d.confidence <= 0.4


class ToolArgs(pydantic.BaseModel):
    path: str
    max_lines: int


def test_a_request_body_that_fails_the_apps_model_stays_unknown() -> None:
    try:
        ToolArgs.model_validate({"path": "/etc/x", "max_lines": "many"})
    except pydantic.ValidationError:
        excerpt = logged("src.daemon.ws.request_router", "invalid tool arguments")
    d = diagnose(excerpt)
    assert d.category == "unknown" and d.confidence <= 0.4


def test_settings_that_do_not_validate_are_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    class GatewaySettings(pydantic_settings.BaseSettings):
        kimi_timeout_secs: float

    monkeypatch.setenv("KIMI_TIMEOUT_SECS", "ninety")
    try:
        GatewaySettings()
    except pydantic.ValidationError:
        excerpt = logged("src.core.config", "loading settings failed")
    d = diagnose(excerpt)
    assert d.category == "config" and "kimi_timeout_secs" in text_of(d)


async def test_a_providers_html_error_page_parsed_by_its_client_is_the_provider() -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html>502 Bad Gateway</html>", content_type="text/html")

    app = web.Application()
    app.router.add_post("/v1/chat/completions", page)
    async with serving(app) as port:
        try:
            async with httpx.AsyncClient() as client:
                (await client.post(f"http://127.0.0.1:{port}/v1/chat/completions", json={})).json()
        except json.JSONDecodeError:
            excerpt = logged("src.providers.kimi_chat", "Kimi call failed for model kimi-k2-0905-preview")
    d = diagnose(excerpt)
    assert d.category == "provider" and "JSON" in d.summary


@pytest.mark.parametrize(("case", "category"), [("closed", "code"), ("broken", "code")])
async def test_anyio_memory_stream_errors(case: str, category: str) -> None:
    """A memory stream used after its own side closed is the code's; one whose receiver went away is in-process
    (no socket, no host), a task of ours that ended first (round 6: code): never a dropped network connection."""
    send, receive = anyio.create_memory_object_stream[bytes](1)
    try:
        if case == "closed":
            await send.aclose()
            await send.send(b"x")
        else:
            await receive.aclose()
            await send.send(b"x")
    except (anyio.ClosedResourceError, anyio.BrokenResourceError):
        excerpt = logged("src.daemon.stream_relay", "relaying the stream failed")
    finally:
        await send.aclose()
        await receive.aclose()
    d = diagnose(excerpt)
    assert d.category == category, (case, d.rule, d.summary)
    assert "network" not in text_of(d).lower(), text_of(d)
    assert case == "closed" or "connection" not in text_of(d).lower(), text_of(d)
