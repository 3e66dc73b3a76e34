"""Silences page and mute with a duration (issue 21), in Chromium against a real Sidecar whose
alerting stage holds the silences: create with matchers and an end, list, expire; a bad matcher
or a past end is refused with the reason and loses what was typed."""

from __future__ import annotations

import pytest

from .conftest import with_gateway_errors
from .test_browser import fingerprint_of, login

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_create_list_and_expire_a_silence(start_sidecar, page):
    running = await start_sidecar()
    alerts = running.sidecar.stages.alerts
    assert alerts is not None, "the alerts stage is part of the build"
    w = await page(running.url)
    await login(w)
    await w.goto("/alerts/silences")
    assert await w.page.locator("nav a.active").inner_text() == "Silences"

    # A bad matcher: refused with the reason, the text kept in the form.
    await w.page.fill("#matchers", "severity=critical\nlogger=~([")
    await w.page.click("#new-silence button[type=submit]")
    await w.page.wait_for_load_state()
    assert await w.page.locator("#new-silence .error").count() == 1
    assert "logger=~([" in await w.page.locator("#matchers").input_value()
    assert await running.sidecar.store.alerts.silences(_now(running)) == []
    assert w.console_errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    w.console_errors.clear()  # that 400 was the point

    await w.page.fill("#matchers", "severity=critical\nlogger=~src\\.providers\\..*")
    await w.page.select_option("#duration", "4h")
    await w.page.fill("#comment", "Kimi quota topped up")
    await w.page.click("#new-silence button[type=submit]")
    await w.page.wait_for_load_state()
    assert w.page.url.endswith("/alerts/silences?done=silenced")
    row = w.page.locator("tr.silence.active")
    assert await row.count() == 1
    text = await row.inner_text()
    assert "severity=critical" in text and "Kimi quota topped up" in text and "in 4 h" in text
    # The alerting stage applies it: a critical provider alert is silenced, a warning is not.
    assert alerts.is_silenced({"severity": "critical", "logger": "src.providers.kimi"})
    assert not alerts.is_silenced({"severity": "warning", "logger": "src.providers.kimi"})

    await row.locator("button:has-text('Expire')").click()
    await w.page.wait_for_load_state()
    assert await w.page.locator("tr.silence.active").count() == 0
    assert await w.page.locator("tr.silence.expired").count() == 1
    assert not alerts.is_silenced({"severity": "critical", "logger": "src.providers.kimi"})
    assert w.problems() == []


async def test_mute_for_a_while_silences_the_group_and_keeps_it_open(start_sidecar, page):
    running = await with_gateway_errors(start_sidecar)
    fp = await fingerprint_of(running, "keepalive ping timeout")
    w = await page(running.url)
    await login(w)
    await w.goto(f"/errors/{fp}")
    await w.page.select_option("select[name=for]", "8h")
    await w.page.click("form[action$='/mute'] button")
    await w.page.wait_for_load_state()
    assert w.page.url.endswith("?done=muted_for")
    assert "in 8 h" in await w.page.locator(".muted-until").inner_text()
    assert (await running.sidecar.store.groups.get(fp))["status"] == "open"  # still listed, still counted
    alerts = running.sidecar.stages.alerts
    assert alerts.is_silenced({"fingerprint": fp, "severity": "critical"})
    running.clock.advance(8 * 3600 + 1)
    await alerts.reload_silences()
    assert not alerts.is_silenced({"fingerprint": fp, "severity": "critical"})  # over: alerts resume
    assert w.problems() == []


def _now(running):
    from sidecar.clock import utc

    return utc(running.clock.time())
