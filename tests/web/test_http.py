"""Pages over plain HTTP (no browser): the same pages on PostgreSQL 15, and the LLM panel with Kimi."""

from __future__ import annotations

import aiohttp
import pytest

from .conftest import TOKEN, with_gateway_errors
from .seed import XSS_MESSAGE, log_line

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_pages_render_on_postgres(pg_migrated_dsn, start_sidecar):
    # pg_migrated_dsn first: the database must outlive the sidecar using it.
    running = await with_gateway_errors(start_sidecar, store={"backend": "postgres", "dsn": pg_migrated_dsn})
    await running.record(log_line(running.clock.time(), XSS_MESSAGE, offset=90_000))
    rows, total = await running.sidecar.store.groups.list(q="PGRST204")
    assert total == 1
    fp = rows[0]["error_hash"]
    async with aiohttp.ClientSession(running.url) as http:
        for path in ("/", "/errors", "/errors?q=pgrst204&status=open&level=ERROR&sort=count",
                     "/errors?logger=src.providers.kimi&sort=first_seen&page=2", f"/errors/{fp}", "/alerts",
                     "/rollouts"):
            async with http.get(path) as resp:
                body = await resp.text()
                assert resp.status == 200, (path, body[:500])
        async with http.get("/errors?q=PGRST204") as resp:
            body = await resp.text()
        assert f'data-fingerprint="{fp}"' in body and body.count('class="group-row') == 1
        async with http.get("/errors") as resp:
            body = await resp.text()
        assert "&lt;script&gt;alert(" in body and "<script>alert" not in body
        assert 'value="src.providers.kimi"' in body  # the logger facet query ran on PostgreSQL


async def test_overview_llm_panel_with_kimi_configured(start_sidecar):
    # A Kimi key makes the diagnosis stage build its LLM client; nothing is diagnosed, so no call is made.
    running = await start_sidecar(diagnosis={"api_key": "sk-test-not-a-secret-0000000000", "base_url": "http://127.0.0.1:9/v1",
                                             "calls_per_hour": 40})
    async with aiohttp.ClientSession(running.url) as http, http.get("/") as resp:
        body = " ".join((await resp.text()).split())
    assert "rules + Kimi" in body
    assert 'class="badge circuit-closed">closed<' in body
    assert "40 of 40 calls this hour" in body


async def test_dashboard_resolve_does_what_the_api_does(start_sidecar):
    # The form action refreshes the groups-by-status gauge and cleans the notes like
    # POST /api/groups/{fp}/resolve; filter text with a NUL is cleaned too.
    from sidecar.web.auth import COOKIE_NAME, csrf_token

    running = await with_gateway_errors(start_sidecar)
    rows, _ = await running.sidecar.store.groups.list(q="PGRST204")
    fp = rows[0]["error_hash"]
    gauge = running.sidecar.telemetry.groups
    async with aiohttp.ClientSession(running.url, cookies={COOKIE_NAME: TOKEN}) as http:
        form = {"csrf": csrf_token(TOKEN), "notes": "added the column\x00"}
        async with http.post(f"/errors/{fp}/resolve", data=form, allow_redirects=False) as resp:
            assert resp.status == 303
        async with http.get("/errors", params={"q": "PGRST\x00204"}) as resp:
            assert resp.status == 200
    row = await running.sidecar.store.groups.get(fp)
    assert row["status"] == "resolved" and row["resolution_notes"] == "added the column\ufffd"
    assert gauge.labels(status="resolved")._value.get() == 1


async def test_errors_list_reads_sparklines_and_summaries_in_one_query_each(start_sidecar):
    # No N+1: whatever the page size, one query for the rows' sparklines, one for their summaries.
    from .seed import numbered_events

    running = await start_sidecar()
    await running.record(numbered_events(60, running.clock.time()))
    db = running.sidecar.store.db
    seen: list[str] = []
    fetchall = db.fetchall

    async def counting(sql, *args, **kwargs):  # noqa: ANN001, ANN202
        seen.append(sql)
        return await fetchall(sql, *args, **kwargs)

    db.fetchall = counting
    try:
        async with aiohttp.ClientSession(running.url) as http:
            for per in (10, 50):
                seen.clear()
                async with http.get("/errors", params={"per": str(per)}) as resp:
                    assert resp.status == 200
                    assert (await resp.text()).count('class="group-row') == per
                assert sum("FROM error_hourly WHERE error_hash IN" in q for q in seen) == 1
                assert not any("FROM error_occurrences" in q for q in seen)  # the hourly table, not minutes
                assert sum("investigation_result FROM error_investigations WHERE error_hash IN" in q for q in seen) == 1
    finally:
        db.fetchall = fetchall


async def test_category_filter_and_application_frames(start_sidecar):
    # Categories come from the diagnoses (rules here); the detail page marks application frames.
    import asyncio

    running = await with_gateway_errors(start_sidecar)
    groups = running.sidecar.store.groups
    for _ in range(250):
        rows, total = await groups.list(limit=50)
        if all(r["category"] for r in rows):
            break
        await asyncio.sleep(0.02)
    rows, _ = await groups.list(q="BoundedSemaphore")
    fp, category = rows[0]["error_hash"], rows[0]["category"]
    expected, _ = await groups.list(category=category, limit=50)
    async with aiohttp.ClientSession(running.url) as http:
        async with http.get("/errors", params={"category": category}) as resp:
            body = await resp.text()
        assert body.count('class="group-row') == len(expected) < total
        assert f'data-fingerprint="{fp}"' in body
        async with http.get(f"/errors/{fp}") as resp:
            detail = await resp.text()
    # /app/src/... is application code, asyncio's locks.py is not.
    assert '<span class="tl frame app">  File &#34;/app/src/daemon/ws/semaphore_manager.py&#34;' in detail
    assert '<span class="tl frame">  File &#34;/usr/local/lib/python3.11/asyncio/locks.py&#34;' in detail


async def test_overview_lists_sources_with_their_tail_lag(start_sidecar, tmp_path):
    import asyncio

    log = tmp_path / "ws_daemon.log"
    log.write_text("")
    running = await start_sidecar(sources=[{"name": "ws_daemon", "paths": [str(log)], "format": "text"}],
                                  ingest={"checkpoint_dir": str(tmp_path / "checkpoints")})
    lag = running.sidecar.telemetry.registry.get_sample_value
    for _ in range(250):  # the tailer has looked at the file once
        if lag("sidecar_files_tailed", {"source": "ws_daemon"}) == 1:
            break
        await asyncio.sleep(0.02)
    async with aiohttp.ClientSession(running.url) as http, http.get("/") as resp:
        body = " ".join((await resp.text()).split())
    assert '<td title="' + str(log) + '">ws_daemon</td> <td>text</td>' in body
    # tail lag, unread bytes, ingest lag (no error read yet: none), files
    assert '<td class="num lag-ok">0 ms</td> <td class="num">0 B</td> <td class="num">—</td> <td class="num">1</td>' in body
