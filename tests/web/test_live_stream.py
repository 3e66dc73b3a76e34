"""The overview updates live from the WebSocket /api/stream (static/live.js), in real Chromium.

Logged in, the page listens on the stream and polls nothing; a new group recorded by the errors
stage appears in the overview without a reload. Without a login it polls /ui/live and opens no
socket. Without JavaScript the server-rendered page is complete and readable.
"""

from __future__ import annotations

import pytest

from .conftest import with_gateway_errors
from .seed import log_line
from .test_browser import login

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_overview_updates_from_the_stream_without_polling_or_reload(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    w = await page(running.url)
    sockets: list[str] = []
    w.page.on("websocket", lambda ws: sockets.append(ws.url))
    await login(w)
    await w.goto("/")
    await w.page.wait_for_selector("html[data-live-via=stream]", timeout=10_000)
    assert sockets and sockets[-1].endswith("/api/stream")
    polls: list[str] = []
    w.page.on("request", lambda r: polls.append(r.url) if "/ui/live" in r.url else None)
    await w.page.evaluate("window.__noReload = 'still here'")
    recent = w.page.locator("#panel-groups ul.recent")
    assert await recent.locator("text=stream-borne failure").count() == 0

    running.clock.advance(30)
    await running.record(log_line(running.clock.time(), "stream-borne failure in the upload path",
                                  level="CRITICAL", offset=70_000))
    await w.page.wait_for_selector("#panel-groups ul.recent li:has-text('stream-borne failure')", timeout=10_000)
    assert await w.page.evaluate("window.__noReload") == "still here"
    assert int(await w.page.get_attribute("html", "data-live-events") or 0) >= 1
    assert polls == [], "the page polled /ui/live while the stream was up"
    assert w.problems() == []


async def test_without_a_login_the_page_polls_and_opens_no_socket(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)  # read_access: open, nobody logged in
    w = await page(running.url)
    sockets: list[str] = []
    w.page.on("websocket", lambda ws: sockets.append(ws.url))
    await w.goto("/")
    await w.page.wait_for_selector("html[data-live-via=poll]", timeout=10_000)
    await w.page.locator("#live-dot.on").wait_for(state="attached")  # a locator, not an eval: the page's CSP forbids eval
    running.clock.advance(30)
    await running.record(log_line(running.clock.time(), "polled failure in the upload path", offset=71_000))
    await w.page.wait_for_selector("#panel-groups ul.recent li:has-text('polled failure')", timeout=10_000)
    assert sockets == []
    assert w.problems() == []


async def test_the_overview_is_readable_without_javascript(start_sidecar, browser):
    running = await with_gateway_errors(start_sidecar)
    context = await browser.new_context(java_script_enabled=False, viewport={"width": 1360, "height": 900})
    try:
        page = await context.new_page()
        await page.goto(running.url + "/")
        main = await page.locator("main").text_content() or ""
        assert "Error groups" in main and "Latest open or regressed" in main
        assert await page.locator("#panel-groups ul.recent li a[href^='/errors/']").count() > 0
        assert await page.get_attribute("html", "data-live-via") is None  # no script ran
    finally:
        await context.close()
