"""The errors list as the on-call reads it, in Chromium: real titles, severity column and sort."""

from __future__ import annotations

import asyncio

import pytest

from sidecar import severity

from .conftest import with_gateway_errors

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def diagnosed(running, n: int) -> None:
    """Wait (bounded) until the rules engine has diagnosed `n` groups: it runs off the event bus."""
    for _ in range(200):
        row = await running.sidecar.store.db.fetchone(
            "SELECT COUNT(*) AS n FROM error_investigations WHERE severity IS NOT NULL")
        if row and int(row["n"]) >= n:
            return
        await asyncio.sleep(0.05)
    pytest.fail("the rules engine diagnosed fewer groups than expected")


async def test_titles_severity_column_and_severity_sort(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    await diagnosed(running, 1)
    w = await page(running.url)
    await w.goto("/errors")
    # Titles are the real messages, not templates made of <*>; the template sits under the title.
    titles = await w.page.locator("tr.group-row td.title > a").all_inner_texts()
    assert any("file_id=file-7c1e9a" in t for t in titles), titles
    assert any("<*>" in t for t in await w.page.locator("tr.group-row .template").all_inner_texts())

    await w.page.click("th a[href*='sort=severity']")
    await w.page.wait_for_load_state()
    assert "sort=severity" in w.page.url
    shown = await w.page.locator("tr.group-row td.severity").all_inner_texts()
    ranks = [severity.rank(s.strip()) for s in shown]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] == 4, shown
    # The API answers the same order (the DESIGN contract: most severe first, then last seen).
    api = await w.page.request.get(running.url + "/api/groups?sort=severity&limit=50",
                                   headers={"Authorization": "Bearer web-test-token-0123456789"})
    items = (await api.json())["items"]
    assert [i["effective_severity"] for i in items] == [s.strip() for s in shown]
    assert w.problems() == []
