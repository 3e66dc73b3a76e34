"""Keyboard navigation on the errors list (issue 21), in Chromium: j/k move the selection, Enter
opens the group, r resolves and m mutes the selected group and come back to the same list; keys
typed into the search box are text, not commands; without a login r/m do nothing."""

from __future__ import annotations

import pytest

from .conftest import with_gateway_errors
from .test_browser import login

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def selected(w) -> str | None:
    return await w.page.evaluate(
        "(document.querySelector('tr.group-row.selected') || {getAttribute: () => null}).getAttribute('data-fingerprint')")


async def test_j_k_enter_resolve_and_mute_from_the_keyboard(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    w = await page(running.url)
    await w.goto("/errors")
    fps = await w.page.locator("tr.group-row").evaluate_all("rows => rows.map(r => r.dataset.fingerprint)")
    assert len(fps) == 9
    await w.page.keyboard.press("j")
    assert await selected(w) == fps[0]
    await w.page.keyboard.press("j")
    await w.page.keyboard.press("j")
    await w.page.keyboard.press("k")
    assert await selected(w) == fps[1]
    # Not logged in: r does nothing (no form, no navigation).
    await w.page.keyboard.press("r")
    assert w.page.url.endswith("/errors")
    # Typing in the search box is text.
    await w.page.click("input[name=q]")
    await w.page.keyboard.type("jk")
    assert await w.page.locator("input[name=q]").input_value() == "jk"
    assert await selected(w) == fps[1]
    await w.page.locator("input[name=q]").fill("")
    await w.page.locator("h1").click()
    await w.page.keyboard.press("Enter")
    await w.page.wait_for_url(f"**/errors/{fps[1]}")

    await login(w)
    await w.goto("/errors?sort=severity")
    fps = await w.page.locator("tr.group-row").evaluate_all("rows => rows.map(r => r.dataset.fingerprint)")
    await w.page.keyboard.press("j")
    await w.page.keyboard.press("r")
    await w.page.wait_for_url("**/errors?sort=severity&done=resolved")
    assert (await running.sidecar.store.groups.get(fps[0]))["status"] == "resolved"
    await w.page.keyboard.press("j")
    await w.page.keyboard.press("j")
    await w.page.keyboard.press("m")
    await w.page.wait_for_url("**/errors?sort=severity&done=muted")
    assert (await running.sidecar.store.groups.get(fps[1]))["status"] == "muted"
    assert w.problems() == []


async def test_next_is_never_an_open_redirect(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    rows, _ = await running.sidecar.store.groups.list(limit=1)
    fp = rows[0]["error_hash"]
    w = await page(running.url)
    await login(w)
    await w.goto(f"/errors/{fp}")
    csrf = await w.page.locator("input[name=csrf]").first.input_value()
    for nxt in ("//evil.example/errors", "https://evil.example/", "/errors\n", "/errors/../login", "/errors?a=<x>"):
        resp = await w.page.request.post(f"{running.url}/errors/{fp}/reopen", form={"csrf": csrf, "next": nxt},
                                         max_redirects=0)
        assert resp.status == 303 and resp.headers["location"] == f"/errors/{fp}?done=reopened", nxt
