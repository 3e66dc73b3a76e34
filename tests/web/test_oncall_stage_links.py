"""Errors and rollout stages linked both ways (issue 21), in Chromium: a group first seen while
async-upload ran at 1% says "began during async-upload 1%" and links to the rollout; the rollout
page lists it under that stage; the list marks it "new since" the running stage; a group seen
before the rollout started is in none of these; a regressed group is marked as such."""

from __future__ import annotations

import pytest

from .conftest import ensure_rollouts
from .seed import ROLLOUT, FakeTraffic, log_line, rollout_config
from .test_browser import fingerprint_of, login

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_groups_that_began_during_a_stage_link_both_ways(start_sidecar, page):
    running = await start_sidecar(rollouts=[rollout_config()])
    controller = await ensure_rollouts(running, FakeTraffic(requests=150, errors=0).measure)
    await running.record(log_line(running.clock.time(), "old failure before the rollout", offset=1))
    old = await fingerprint_of(running, "old failure before")
    await running.sidecar.store.groups.set_status(old, "resolve", _utc(running.clock.time()))
    running.clock.advance(60)
    w = await page(running.url)
    await login(w)
    await w.goto(f"/rollouts/{ROLLOUT}")
    await w.page.click("form[action$='/start'] button")
    await w.page.wait_for_load_state()
    await controller.evaluate(ROLLOUT, force=True)
    running.clock.advance(30)
    await running.record(log_line(running.clock.time(), "TimeoutError in async_upload_wrapper", offset=2,
                                  logger="src.tools.async_upload"))
    await running.record(log_line(running.clock.time(), "old failure before the rollout", offset=3))  # regresses
    new = await fingerprint_of(running, "async_upload_wrapper")

    await w.goto(f"/errors/{new}")
    began = w.page.locator("a.began")
    assert (await began.inner_text()).strip() == f"began during {ROLLOUT} 1%"
    assert await began.get_attribute("href") == f"/rollouts/{ROLLOUT}"
    await w.goto(f"/errors/{old}")
    assert await w.page.locator("a.began").count() == 0

    await w.goto(f"/rollouts/{ROLLOUT}")
    stage = await w.page.locator("#stage-errors").inner_text()
    assert "async_upload_wrapper" in stage and "old failure" not in stage
    await w.page.click(f"#stage-errors a[href='/errors/{new}']")
    await w.page.wait_for_url(f"**/errors/{new}")

    await w.goto("/errors")
    new_row = w.page.locator(f"tr.group-row[data-fingerprint='{new}']")
    old_row = w.page.locator(f"tr.group-row[data-fingerprint='{old}']")
    assert (await new_row.locator(".marker.new").inner_text()).strip() == f"new since {ROLLOUT} 1%"
    assert await old_row.locator(".marker.new").count() == 0
    assert (await old_row.locator(".marker.regressed").inner_text()).strip() == "regressed"
    assert w.problems() == []


def _utc(ts: float):
    from sidecar.clock import utc

    return utc(ts)


async def test_an_older_group_that_spiked_during_a_stage_is_listed_under_it(start_sidecar, page):
    """A group that existed before the stage and ran at 3x+ its earlier rate while the stage ran is
    listed as spiked under that stage; one at its usual rate is not, and neither is a new one."""
    running = await start_sidecar(rollouts=[rollout_config()])
    controller = await ensure_rollouts(running, FakeTraffic(requests=150, errors=0).measure)
    t0 = running.clock.time()
    offset = 10
    for i in range(2):  # the hour before the stage: 2 each
        for msg in ("kimi stream reset by peer", "steady cache miss in tool registry"):
            offset += 1
            await running.record(log_line(t0 + 60 * i, msg, offset=offset))
    running.clock.advance(3600)
    w = await page(running.url)
    await login(w)
    await w.goto(f"/rollouts/{ROLLOUT}")
    await w.page.click("form[action$='/start'] button")
    await w.page.wait_for_load_state()
    await controller.evaluate(ROLLOUT, force=True)
    now = running.clock.time()
    for i in range(24):  # during the stage: 24 of the first (12x), 2 of the second (as before)
        offset += 1
        await running.record(log_line(now + 10 + i, "kimi stream reset by peer", offset=offset))
    for i in range(2):
        offset += 1
        await running.record(log_line(now + 40 + i, "steady cache miss in tool registry", offset=offset))
    offset += 1
    await running.record(log_line(now + 50, "brand new upload failure", offset=offset))
    running.clock.advance(120)
    spiked = await fingerprint_of(running, "stream reset")

    await w.goto(f"/rollouts/{ROLLOUT}")
    spikes = w.page.locator("#stage-errors ul.stage-spikes li")
    assert await spikes.count() == 1
    text = " ".join((await spikes.first.inner_text()).split())
    assert "stream reset" in text and "spiked" in text
    assert await spikes.first.locator(f"a[href='/errors/{spiked}']").count() == 1
    stage = await w.page.locator("#stage-errors").inner_text()
    assert "steady cache miss" not in stage  # at its usual rate
    assert "brand new upload failure" in await w.page.locator("#stage-errors ul.stage-groups").inner_text()
    assert w.problems() == []
