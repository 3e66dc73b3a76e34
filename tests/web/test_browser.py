"""The dashboard in a real browser (headless Chromium via Playwright) against a real Sidecar."""

from __future__ import annotations

import asyncio

import pytest

from sidecar.web.auth import ENABLE_HINT

from .conftest import TOKEN, with_gateway_errors
from .seed import XSS_MESSAGE, log_line, numbered_events

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def login(w, token: str = TOKEN) -> None:
    await w.goto("/login")
    await w.page.fill("#token", token)
    await w.page.click("form[action='/login'] button[type=submit]")
    await w.page.wait_for_load_state()


async def fingerprint_of(running, title_part: str) -> str:
    rows, _ = await running.sidecar.store.groups.list(q=title_part)
    assert rows, f"no group matching {title_part!r}"
    return rows[0]["error_hash"]


async def test_every_page_loads_without_console_errors(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    fp = await fingerprint_of(running, "keepalive ping timeout")
    w = await page(running.url)
    for path in ("/", "/errors", f"/errors/{fp}", "/rollouts", "/alerts", "/login"):
        resp = await w.goto(path)
        assert resp.status == 200, path
        assert await w.page.locator("main h1").count() >= 1, path
    await login(w)
    for path in ("/", "/errors", f"/errors/{fp}"):
        resp = await w.goto(path)
        assert resp.status == 200
    # Let the live-update script poll at least once on the last page.
    await w.page.locator("#live-dot.on").wait_for(state="attached")  # a locator, not an eval: the page's CSP forbids eval
    assert w.problems() == []


async def test_overview_panels(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    w = await page(running.url)
    await w.goto("/")
    events = w.page.locator("#panel-events")
    assert "9 events in the last hour" in " ".join((await events.inner_text()).split())
    assert await events.locator("svg.spark polyline").count() == 1
    assert (await w.page.locator("#panel-groups .stat").first.inner_text()).split() == ["9", "open"]
    # Stages absent from this build/config say so instead of failing.
    assert "not configured" in await w.page.locator("#panel-rollouts").inner_text()
    assert "not configured" in await w.page.locator("#panel-sources").inner_text()
    assert "rules only" in await w.page.locator("#panel-llm").inner_text()
    assert "ok" in await w.page.locator("#panel-store").inner_text()
    assert w.problems() == []


async def test_filter_search_sort_and_pages(start_sidecar, page):
    running = await start_sidecar()
    await running.record(numbered_events(120, running.clock.time()))
    running.clock.advance(120)
    # One group seen many times: first when sorted by count.
    await running.record(log_line(running.clock.time(), "frequent failure", offset=10_000) +
                         log_line(running.clock.time(), "frequent failure", offset=10_100) +
                         log_line(running.clock.time(), "frequent failure", offset=10_200))
    w = await page(running.url)
    await w.goto("/errors")
    assert await w.page.locator("tr.group-row").count() == 50
    assert "1–50 of 121 groups" in await w.page.locator(".count-line").inner_text()

    await w.page.click("a[rel=next]")
    await w.page.wait_for_load_state()
    assert "page=2" in w.page.url
    assert "51–100 of 121" in await w.page.locator(".count-line").inner_text()
    await w.page.click("a[rel=next]")
    assert "101–121 of 121" in await w.page.locator(".count-line").inner_text()
    assert await w.page.locator("tr.group-row").count() == 21
    assert await w.page.locator("a[rel=next]").count() == 0

    # Filter by level through the form.
    await w.goto("/errors")
    await w.page.select_option("select[name=level]", "CRITICAL")
    await w.page.click("form.filters button[type=submit]")
    await w.page.wait_for_load_state()
    levels = await w.page.locator("tr.group-row .lvl").all_inner_texts()
    # 30 CRITICAL records, and 30 WARNING records whose traceback ingest reads as an uncaught
    # traceback of its own (level CRITICAL, logger 'uncaught'): 60, 50 on the first page.
    assert levels and set(levels) == {"CRITICAL"} and len(levels) == 50
    assert "1–50 of 60 groups" in await w.page.locator(".count-line").inner_text()

    # Filter by logger, then search within it.
    await w.goto("/errors")
    await w.page.select_option("select[name=logger]", "src.providers.glm")
    await w.page.fill("input[name=q]", "failure10")
    await w.page.click("form.filters button[type=submit]")
    await w.page.wait_for_load_state()
    # The title is the real (latest) message; the template the group shares is under it.
    titles = await w.page.locator("tr.group-row td.title > a").all_inner_texts()
    assert sorted(titles) == ["handler 10 failed", "handler 102 failed", "handler 106 failed"]
    templates = await w.page.locator("tr.group-row td.title .template").all_inner_texts()
    assert sorted(templates) == ["app.errors.Failure102Error: handler <*> failed",
                                 "app.errors.Failure106Error: handler <*> failed",
                                 "app.errors.Failure10Error: handler <*> failed"]
    loggers = await w.page.locator("tr.group-row .logger").all_inner_texts()
    assert set(loggers) == {"src.providers.glm"}

    # Sort by count: the thrice-seen group comes first.
    await w.goto("/errors?sort=count")
    first = w.page.locator("tr.group-row").first
    assert "frequent failure" in await first.inner_text()
    assert (await first.locator("td.count").inner_text()).strip() == "3"

    # Status filter: nothing is resolved yet.
    await w.goto("/errors?status=resolved")
    assert await w.page.locator("tr.group-row").count() == 0
    assert "No groups match" in await w.page.locator(".count-line").inner_text()
    assert w.problems() == []


async def test_resolve_from_detail_changes_status_in_list(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    fp = await fingerprint_of(running, "BoundedSemaphore")
    w = await page(running.url)
    await login(w)
    assert "Logged in" in await w.page.locator(".flash").inner_text()

    await w.goto(f"/errors/{fp}")
    await w.page.click("form[action$='/resolve'] button")
    await w.page.wait_for_load_state()
    assert w.page.url.endswith(f"/errors/{fp}?done=resolved")  # POST-redirect-GET
    assert "Marked as resolved" in await w.page.locator(".flash").inner_text()
    assert (await w.page.locator("#group-head .badge.status-resolved").inner_text()) == "resolved"

    await w.goto("/errors")
    row = w.page.locator(f"tr[data-fingerprint='{fp}']")
    assert (await row.locator("td.status").inner_text()).strip() == "resolved"
    await w.goto("/errors?status=resolved")
    assert await w.page.locator("tr.group-row").count() == 1

    # The rules diagnosis is shown; re-diagnose runs it again (POST-redirect-GET as well).
    for _ in range(250):
        if (await running.sidecar.store.groups.get(fp))["diagnosis_source"]:
            break
        await asyncio.sleep(0.02)
    await w.goto(f"/errors/{fp}")
    diagnosis = await w.page.locator("#diagnosis").inner_text()
    assert "concurrency" in diagnosis and "ROOT CAUSE" in diagnosis.upper() and "rules" in diagnosis
    assert await w.page.locator("#diagnosis ol.steps li").count() >= 1
    await w.page.click("form[action$='/rediagnose'] button")
    await w.page.wait_for_load_state()
    assert "Diagnosed again" in await w.page.locator(".flash").inner_text()
    assert len(await running.sidecar.store.diagnoses.history(fp)) >= 2

    # Reopen and mute work the same way; the repository agrees.
    await w.goto(f"/errors/{fp}")
    await w.page.click("form[action$='/reopen'] button")
    await w.page.wait_for_load_state()
    await w.page.select_option("select[name=for]", "forever")  # the default is a duration
    await w.page.click("form[action$='/mute'] button")
    await w.page.wait_for_load_state()
    assert (await running.sidecar.store.groups.get(fp))["status"] == "muted"
    assert w.problems() == []


async def test_live_update_shows_new_group_without_reload(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    w = await page(running.url)
    await w.goto("/errors")
    await w.page.locator("#live-dot.on").wait_for(state="attached")  # a locator, not an eval: the page's CSP forbids eval
    await w.page.evaluate("window.__noReload = 'still here'")
    assert await w.page.locator("text=brand new failure").count() == 0

    running.clock.advance(30)
    await running.record(log_line(running.clock.time(), "brand new failure in the upload path", offset=50_000))
    await w.page.wait_for_selector("tr.group-row:has-text('brand new failure')", timeout=10_000)
    assert await w.page.evaluate("window.__noReload") == "still here"
    assert await w.page.locator("tr.group-row").count() == 10
    assert w.problems() == []


async def test_hostile_log_text_renders_as_text(start_sidecar, page):
    running = await start_sidecar()
    await running.record(log_line(running.clock.time(), XSS_MESSAGE))
    fp = await fingerprint_of(running, "bad tool input")
    w = await page(running.url)
    for path in ("/errors", f"/errors/{fp}", "/"):
        await w.goto(path)
        text = await w.page.locator("main").inner_text()
        # The title is the masked template (digits become <*>), the message is verbatim.
        assert "<script>alert(" in text and "onerror=alert(" in text, path
        if path != "/":
            assert "<script>alert(1)</script>" in text, path
            assert '"><img src=x onerror=alert(1)>' in text, path
        assert await w.page.locator("main img").count() == 0
        assert await w.page.locator("main script").count() == 0
    await w.page.wait_for_timeout(300)  # give an injected handler every chance to fire
    assert w.dialogs == []
    assert w.problems() == []


async def test_actions_without_the_token_are_refused(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    fp = await fingerprint_of(running, "PGRST204")
    w = await page(running.url)

    await w.goto(f"/errors/{fp}")
    assert "log in" in (await w.page.locator(".panel.actions .note").inner_text()).lower()
    assert await w.page.locator("form[action$='/resolve'] button").is_disabled()

    # A forged POST (no cookie): 401, nothing changes.
    resp = await w.page.request.post(f"{running.url}/errors/{fp}/resolve", form={"csrf": "x"}, max_redirects=0)
    assert resp.status == 401
    assert "log in first" in (await resp.text())

    # Logged in but without the CSRF token (what a cross-site form would send): 403.
    await login(w)
    resp = await w.page.request.post(f"{running.url}/errors/{fp}/resolve", form={"csrf": "wrong"}, max_redirects=0)
    assert resp.status == 403
    assert (await running.sidecar.store.groups.get(fp))["status"] == "open"

    # A wrong token at the login form is refused and sets no cookie.
    w2 = await page(running.url)
    await login(w2, token="not-the-token")
    assert "not the API token" in await w2.page.locator(".error").inner_text()
    assert await w2.page.context.cookies() == []


async def test_no_token_configured_disables_actions_and_says_how(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar, token=None)
    fp = await fingerprint_of(running, "keepalive")
    w = await page(running.url)
    await w.goto(f"/errors/{fp}")
    note = await w.page.locator(".panel.actions .note").inner_text()
    assert "no API token is configured" in note and ENABLE_HINT in note and "sidecar demo" in note
    assert await w.page.locator("form[action$='/resolve'] button").is_disabled()
    resp = await w.page.request.post(f"{running.url}/errors/{fp}/resolve", form={"csrf": ""}, max_redirects=0)
    assert resp.status == 403
    assert ENABLE_HINT in await resp.text()
    await w.goto("/login")
    assert ENABLE_HINT in await w.page.locator("main").inner_text()
    assert (await running.sidecar.store.groups.get(fp))["status"] == "open"
