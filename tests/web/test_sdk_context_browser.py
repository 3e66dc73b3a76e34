"""The group page in Chromium shows what a Sentry SDK sent with the error: release, tags,
breadcrumbs, local variables - escaped, and with secrets redacted."""

from __future__ import annotations

import json

import aiohttp
import pytest

from .conftest import TOKEN
from .test_browser import login

pytestmark = pytest.mark.asyncio(loop_scope="session")

KEY = "feedfacefeedfacefeedfacefeedface"
SECRET = "sk-live-Qq1Ww2Ee3Rr4Tt5Yy6Uu7Ii8Oo9Pp0"
XSS = "<img src=x onerror=alert(1)>"


def envelope(event: dict) -> bytes:
    payload = json.dumps(event).encode()
    return b"\n".join([b"{}", json.dumps({"type": "event", "length": len(payload)}).encode(), payload]) + b"\n"


async def test_sdk_context_on_the_group_page(start_sidecar, page):
    running = await start_sidecar(collect={"sentry": {"projects": [{"id": 7, "keys": [KEY]}]}})
    event = {
        "event_id": "c" * 32, "level": "error", "release": "gateway@3.1.0", "environment": "production",
        "tags": {"provider": "glm", "note": XSS},
        "breadcrumbs": {"values": [{"category": "httpx", "message": "POST https://open.bigmodel.cn/api 429"}]},
        "exception": {"values": [{"type": "RateLimitError", "module": "zhipuai", "value": "code 1302",
                                  "stacktrace": {"frames": [{
                                      "abs_path": "/app/src/providers/glm.py", "function": "chat", "lineno": 88,
                                      "context_line": "    return client.chat(**req)", "in_app": True,
                                      "vars": {"model": "'glm-4.6'", "api_key": f"'{SECRET}'"}}]}}]},
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{running.url}/api/7/envelope/?sentry_key={KEY}", data=envelope(event)) as r:
            assert r.status == 200, await r.text()
    rows, _ = await running.sidecar.store.groups.list()
    [row] = rows
    w = await page(running.url)
    await login(w, TOKEN)
    resp = await w.goto(f"/errors/{row['error_hash']}")
    assert resp.status == 200
    context = w.page.locator("#sdk-context")
    text = await context.inner_text()
    assert "gateway@3.1.0" in text and "production" in text and "glm" in text
    assert "open.bigmodel.cn" in text  # the breadcrumb
    await context.locator("details.locals summary").first.click()
    assert "glm-4.6" in await context.inner_text()
    assert XSS in text  # shown as text, not markup
    html = await w.page.content()
    assert SECRET not in html
    assert w.problems() == []  # no dialog, no console error
