"""Rollout pages in the browser: stage timeline, gates table, actions, rollback confirmation."""

from __future__ import annotations

import pytest

from .conftest import ensure_rollouts
from .seed import ROLLOUT, FakeTraffic, rollout_config
from .test_browser import login

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_rollout_lifecycle_from_the_dashboard(start_sidecar, page):
    running = await start_sidecar(rollouts=[rollout_config(hook_command=["true"])])
    traffic = FakeTraffic(requests=400, errors=1)
    controller = await ensure_rollouts(running, traffic.measure)
    w = await page(running.url)

    await w.goto("/rollouts")
    assert "idle" in await w.page.locator("table.groups").inner_text()
    await w.goto(f"/rollouts/{ROLLOUT}")
    assert await w.page.locator("ol.timeline li").count() == 4
    assert await w.page.locator("form[action$='/start'] button").is_disabled()  # not logged in

    await login(w)
    await w.goto(f"/rollouts/{ROLLOUT}")
    await w.page.click("form[action$='/start'] button")
    await w.page.wait_for_load_state()
    assert w.page.url.endswith(f"/rollouts/{ROLLOUT}?done=start")
    assert (await w.page.locator("#rollout-head h1 .badge").inner_text()) == "running"
    assert "current" in await w.page.locator("ol.timeline li").first.get_attribute("class")

    # One evaluation: the gates table shows observed vs threshold vs baseline, samples, verdict, reason.
    await controller.evaluate(ROLLOUT, force=True)
    await w.goto(f"/rollouts/{ROLLOUT}")
    gates = w.page.locator("#gates table").first
    text = await gates.inner_text()
    assert "success_rate" in text and "latency_p95" in text and "400" in text
    assert await gates.locator(".badge.verdict-pass, .badge.verdict-fail, .badge.verdict-inconclusive").count() == 2
    assert "error_rate" in await w.page.locator("#gates").inner_text()

    # Overview: the active rollout with its stage and worst gate.
    await w.goto("/")
    panel = await w.page.locator("#panel-rollouts").inner_text()
    assert ROLLOUT in panel and "running" in panel and "1%" in panel

    # Pause, resume.
    await w.goto(f"/rollouts/{ROLLOUT}")
    await w.page.click("form[action$='/pause'] button")
    await w.page.wait_for_load_state()
    assert (await w.page.locator("#rollout-head h1 .badge").inner_text()) == "paused"
    await w.page.click("form[action$='/resume'] button")
    await w.page.wait_for_load_state()
    assert (await w.page.locator("#rollout-head h1 .badge").inner_text()) == "running"

    # Rollback needs the confirmation step: the POST without the ticked box is refused.
    await w.page.click("a:has-text('Roll back')")
    await w.page.wait_for_load_state()
    assert w.page.url.endswith(f"/rollouts/{ROLLOUT}/rollback")
    csrf = await w.page.locator("input[name=csrf]").input_value()
    resp = await w.page.request.post(f"{running.url}/rollouts/{ROLLOUT}/rollback", form={"csrf": csrf},
                                     max_redirects=0)
    assert resp.status == 400
    assert (await running.sidecar.store.rollouts.get(ROLLOUT))["state"] == "running"

    await w.page.fill("#reason", "error rate up after deploy")
    await w.page.check("input[name=confirm]")
    await w.page.click("form[action$='/rollback'] button[type=submit]")
    await w.page.wait_for_load_state()
    assert w.page.url.endswith("?done=rollback")
    assert (await running.sidecar.store.rollouts.get(ROLLOUT))["state"] in ("rolling_back", "rolled_back")
    history = await w.page.locator("#history").inner_text()
    assert "rollback" in history and "error rate up after deploy" in history and "dashboard" in history
    assert "rollback" in await w.page.locator("#hooks").inner_text()  # the rollback hook call is listed
    assert w.problems() == []


async def test_rollout_actions_refused_without_login(start_sidecar, page):
    running = await start_sidecar(rollouts=[rollout_config()])
    await ensure_rollouts(running, FakeTraffic().measure)
    w = await page(running.url)
    resp = await w.page.request.post(f"{running.url}/rollouts/{ROLLOUT}/start", form={"csrf": ""}, max_redirects=0)
    assert resp.status == 401
    assert (await running.sidecar.store.rollouts.get(ROLLOUT))["state"] == "idle"
    resp = await w.goto(f"/rollouts/{ROLLOUT}/nope")
    assert resp.status in (404, 405)
    resp = await w.goto("/rollouts/no-such-rollout")
    assert resp.status == 404
