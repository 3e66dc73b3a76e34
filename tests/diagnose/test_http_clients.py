"""aiohttp's and websockets' real client errors against local servers, logged by gateway modules: an HTTP
error status from a third-party host by who must act (its credentials -> config, the request the code built
-> code, the host failing or limiting -> network; a 404 alone says too little), a WebSocket upgrade answered
by a plain HTTP server (a wrong port/URL -> config), a URI that is no ws:// URI, and a non-JSON body where
the provider's JSON was expected."""

from __future__ import annotations

import aiohttp
import httpx
import pytest
import websockets
from aiohttp import web

from sidecar.diagnose.verdict import MAX_CONFIDENCE
from tests.diagnose.logged import diagnose, logged, text_of
from tests.helpers import serving


def _app() -> web.Application:
    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["s"]), text="no")

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html><body>Sign in</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/s/{s}", status)
    app.router.add_get("/{tail:.*}", page)
    return app

STATUSES = [(503, "network"), (429, "network"), (502, "network"), (401, "config"), (403, "config"), (400, "code"),
            (422, "code")]

@pytest.mark.parametrize(("status", "category"), STATUSES)
async def test_aiohttp_status_from_a_third_party_host(status: int, category: str) -> None:
    async with serving(_app()) as port:
        url = f"http://127.0.0.1:{port}/s/{status}"
        try:
            async with aiohttp.ClientSession() as session, session.post(url, json={"text": "alert"},
                                                                        raise_for_status=True):
                pass
        except aiohttp.ClientResponseError:
            excerpt = logged("tools.webhook_notify", f"posting the notification to {url} failed")
    d = diagnose(excerpt)
    assert d.category == category, (status, d.rule, d.summary)
    assert f"127.0.0.1:{port}" in d.summary and str(status) in d.summary
    for wrong in ("Kimi", "GLM", "Supabase", "KIMI_API_KEY"):
        assert wrong not in text_of(d)
    assert d.confidence <= 0.4 + 1e-9 or category != "network"

async def test_httpx_raise_for_status_from_a_third_party_host() -> None:
    async with serving(_app()) as port:
        url = f"http://127.0.0.1:{port}/s/503"
        try:
            async with httpx.AsyncClient() as client:
                (await client.get(url)).raise_for_status()
        except httpx.HTTPStatusError:
            excerpt = logged("tools.smart_file_download", f"download of {url} failed")
    d = diagnose(excerpt)
    assert d.category == "network" and "503" in d.summary

async def test_a_404_from_a_third_party_host_gets_no_invented_cause() -> None:
    """Whose URL is wrong (a deleted webhook, a user's link) the record does not say: stay low."""
    async with serving(_app()) as port:
        url = f"http://127.0.0.1:{port}/s/404"
        try:
            async with aiohttp.ClientSession() as session, session.get(url, raise_for_status=True):
                pass
        except aiohttp.ClientResponseError:
            excerpt = logged("tools.smart_file_download", f"download of {url} failed")
    d = diagnose(excerpt)
    assert d.confidence <= 0.4

async def test_aiohttp_ws_connect_to_a_plain_http_server_is_the_url_setting() -> None:
    async with serving(_app()) as port:
        url = f"http://127.0.0.1:{port}/ws"
        try:
            async with aiohttp.ClientSession() as session:
                await session.ws_connect(url)
        except aiohttp.WSServerHandshakeError:
            excerpt = logged("scripts.runtime.run_ws_shim", "daemon connection failed", (f"connecting to {url}",))
    d = diagnose(excerpt)
    assert d.category == "config" and "200" in d.summary and "WebSocket" in d.summary
    for wrong in ("token", "403", "unauthorized"):
        assert wrong not in d.summary

async def _refuse(status: int) -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=status, text="nope")

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    return app

@pytest.mark.parametrize(("status", "category"), [(200, "config"), (403, "config"), (404, "config"), (502, "network")])
async def test_websockets_client_upgrade_answered_without_101(status: int, category: str) -> None:
    async with serving(await _refuse(status)) as port:
        url = f"ws://127.0.0.1:{port}/ws"
        try:
            async with websockets.connect(url, open_timeout=5):
                pass
        except websockets.InvalidStatus:
            excerpt = logged("scripts.runtime.run_ws_shim", "daemon connection failed", (f"connecting to {url}",))
    d = diagnose(excerpt)
    assert d.category == category and str(status) in d.summary
    assert d.confidence <= MAX_CONFIDENCE

async def test_websockets_invalid_uri_is_configuration() -> None:
    try:
        async with websockets.connect("http://127.0.0.1:1/ws"):
            pass
    except websockets.InvalidURI:
        excerpt = logged("scripts.runtime.run_ws_shim", "daemon connection failed")
    d = diagnose(excerpt)
    assert d.category == "config"

async def test_an_html_page_where_the_providers_json_was_expected() -> None:
    async with serving(_app()) as port:
        url = f"http://127.0.0.1:{port}/v1/chat/completions"
        try:
            async with aiohttp.ClientSession() as session, session.get(url) as resp:
                await resp.json()
        except aiohttp.ContentTypeError:
            excerpt = logged("src.providers.kimi_chat", "Kimi call failed for model kimi-k2-0905-preview")
    d = diagnose(excerpt)
    assert d.category == "provider" and "not JSON" in d.summary
