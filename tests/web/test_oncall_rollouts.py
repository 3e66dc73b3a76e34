"""Rollout pages as the on-call reads them (issue 21), in Chromium: observed values formatted like
the reason, Promote asks for confirmation naming the gates that are not passing, and a finished
rollout reads as finished (not 'In stage ... hold', not under 'Active')."""

from __future__ import annotations

import asyncio

import pytest

from .conftest import ensure_rollouts
from .seed import ROLLOUT, FakeTraffic, rollout_config
from .test_browser import login

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_promote_confirmation_percent_values_and_finished_rollout(start_sidecar, page):
    running = await start_sidecar(rollouts=[rollout_config(hook_command=["true"])])
    # 149 of 150: 99.33 %, under the 99.5 % gate but not clearly (inconclusive: no automatic rollback).
    traffic = FakeTraffic(requests=150, errors=1)
    controller = await ensure_rollouts(running, traffic.measure)
    w = await page(running.url)
    await login(w)
    await w.goto(f"/rollouts/{ROLLOUT}")
    await w.page.click("form[action$='/start'] button")
    await w.page.wait_for_load_state()
    running.clock.advance(60)  # a window with requests in it
    await controller.evaluate(ROLLOUT, force=True)
    running.clock.advance(30)
    await controller.evaluate(ROLLOUT, force=True)
    await w.goto(f"/rollouts/{ROLLOUT}")

    row = w.page.locator("#gates tr.verdict-row", has_text="success_rate").first
    observed = (await row.locator("td.observed").inner_text()).strip()
    assert observed == "99.33%", observed
    assert "99.33%" in await row.locator("td.reason").inner_text()  # the same number, the same way
    assert "99.50%" in await row.inner_text()  # the threshold too

    # Promote is a link to a confirmation that names the gates that are not passing.
    await w.page.click("a#promote")
    await w.page.wait_for_load_state()
    assert w.page.url.endswith(f"/rollouts/{ROLLOUT}/promote")
    box = await w.page.locator("#promote-confirm .not-passing").inner_text()
    assert "success_rate" in box and "latency_p95" not in box, box
    csrf = await w.page.locator("input[name=csrf]").input_value()
    resp = await w.page.request.post(f"{running.url}/rollouts/{ROLLOUT}/promote", form={"csrf": csrf},
                                     max_redirects=0)
    assert resp.status == 400  # not ticked: refused, nothing promoted
    assert (await running.sidecar.store.rollouts.get(ROLLOUT))["stage_index"] == 0
    await w.page.check("input[name=confirm]")
    await w.page.click("form[action$='/promote'] button[type=submit]")
    await w.page.wait_for_load_state()
    assert w.page.url.endswith("?done=promote")
    assert (await running.sidecar.store.rollouts.get(ROLLOUT))["stage_index"] == 1
    running.clock.advance(30)
    await controller.evaluate(ROLLOUT, force=True)  # a point in the 10% stage

    # Roll back; then the rollout reads as finished everywhere.
    await w.page.click("a:has-text('Roll back')")
    await w.page.wait_for_load_state()
    await w.page.check("input[name=confirm]")
    await w.page.click("form[action$='/rollback'] button[type=submit]")
    await w.page.wait_for_load_state()
    for _ in range(100):  # the rollback hook (a real `true` process) runs, then the run ends
        if (await running.sidecar.store.rollouts.get(ROLLOUT))["state"] == "rolled_back":
            break
        await asyncio.sleep(0.1)
        running.clock.advance(1)
        await controller.evaluate(ROLLOUT, force=True)  # rolled_back once its hook call is done
    assert (await running.sidecar.store.rollouts.get(ROLLOUT))["state"] == "rolled_back"
    await w.goto(f"/rollouts/{ROLLOUT}")
    head = await w.page.locator("#rollout-head").inner_text()
    assert "Finished" in head and "rolled back" in head
    # The charts: one per gate and trigger over the whole run, with the threshold line, a band per
    # stage (1% then 10%) and the decisions (promote, rollback) marked.
    chart = w.page.locator("#charts figure.chart[data-key='gate:success_rate']")
    assert await chart.count() == 1
    assert await chart.locator("polyline.observed").count() >= 1
    assert await chart.locator("polyline.threshold").count() >= 1
    assert await chart.locator("text.band-label").evaluate_all("ts => ts.map(t => t.textContent)") == ["1%", "10%"]
    assert sorted(await chart.locator("line.decision title").evaluate_all("ts => ts.map(t => t.textContent)")) == [
        "promote", "rollback"]
    assert "99.33%" in await chart.locator("figcaption").inner_text()
    assert await w.page.locator("#charts figure.chart[data-key='trigger:error_rate']").count() == 1
    assert "In stage" not in head and "needed" not in head
    await w.goto("/rollouts")
    assert await w.page.locator("table.rollouts-active").count() == 0
    assert ROLLOUT in await w.page.locator("table.rollouts-finished").inner_text()
    await w.goto("/")
    panel = await w.page.locator("#panel-rollouts").inner_text()
    assert "No active rollouts" in panel and "1 finished" in panel
    assert w.problems() == []
