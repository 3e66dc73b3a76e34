"""The alerts page in the browser, and the pure presentation helpers behind every page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sidecar.clock import utc
from sidecar.web.pages import views as v

from .seed import XSS_MESSAGE


@pytest.mark.asyncio(loop_scope="session")
async def test_alerts_page_shows_deliveries_failures_and_silences(start_sidecar, page):
    running = await start_sidecar()
    # The rows below are written as a past delivery left them; the running alerts stage's worker
    # would otherwise pick the pending ones up (no such receivers: failed) and race the test.
    await running.sidecar.stages.alerts.stop()
    alerts = running.sidecar.store.alerts
    now = utc(running.clock.time())
    sent = await alerts.enqueue(receiver="oncall-slack", channel="slack", route="critical", group_key="kind=group.new",
                                payload={"text": "x"}, summary="New error group: keepalive ping timeout",
                                alert_count=1, now=now)
    await alerts.mark_sent(sent, attempts=1, http_status=200, now=now)
    failed = await alerts.enqueue(receiver="teams-sre", channel="teams", route=None, group_key="kind=rollback",
                                  payload={"text": "y"}, summary=XSS_MESSAGE, alert_count=2, now=now)
    await alerts.mark_failed(failed, attempts=5, error="HTTP 400: Bad payload", http_status=400, retryable=False,
                             now=now)
    await alerts.add_silence(silence_id="s1", matchers=[{"name": "logger", "value": "src.providers.glm", "op": "="}],
                             starts_at=now, ends_at=now + timedelta(hours=2), created_by="sre@example",
                             comment="GLM maintenance", now=now)
    w = await page(running.url)
    resp = await w.goto("/alerts")
    assert resp.status == 200
    main = await w.page.locator("main").inner_text()
    assert "New error group: keepalive ping timeout" in main
    assert "HTTP 400: Bad payload" in main and XSS_MESSAGE in main
    assert "logger=src.providers.glm" in main and "GLM maintenance" in main and "active" in main
    stats = [" ".join(t.split()) for t in await w.page.locator(".stat").all_inner_texts()]
    assert "1 sent" in stats and "1 failed" in stats
    await w.goto("/")
    assert "1 failed" in " ".join((await w.page.locator("#panel-alerts").inner_text()).split())
    assert w.problems() == []


def test_bucket_counts_and_sparkline():
    # 30 minutes ending at minute 130 inclusive are minutes 101..130: 100 and 131 fall outside.
    rows = [(100, 2), (101, 3), (110, 1), (111, 4), (130, 1), (131, 7)]
    assert v.bucket_counts(rows, end_minute=130, minutes=30, buckets=3) == [4, 4, 1]
    s = v.sparkline([0, 5, 10])
    assert (s.total, s.peak, s.buckets) == (15, 10, 3)
    pts = [tuple(map(int, p.split(","))) for p in s.points.split()]
    assert [x for x, _ in pts] == [0, 600, 1200]
    assert pts[2][1] < pts[1][1] < pts[0][1]  # higher counts draw higher (smaller y)
    flat = v.sparkline([0, 0, 0])
    assert {y for _, y in (map(int, p.split(",")) for p in flat.points.split())} == {flat.height - 15}
    assert v.sparkline([]).points == ""


def test_times_counts_and_urls():
    assert v.ago(1000.0 - 42, 1000.0) == "42 s ago"
    assert v.ago(1000.0 - 3 * 3600, 1000.0) == "3 h ago"
    assert v.ago(None, 1000.0) == "never"
    assert v.fmt_time("2026-11-23T13:00:00+00:00") == "2026-11-23 13:00:00 UTC"
    assert v.fmt_count(12_345) == "12k" and v.fmt_count(999) == "999"
    assert v.fmt_percent(10.0) == "10%" and v.fmt_percent(0.5) == "0.5%"
    assert v.fmt_bytes(1536) == "1.5 KiB" and v.fmt_bytes(0) == "0 B"
    assert v.query_url("/errors", {"q": "a b", "status": ""}, page=1) == "/errors?q=a+b"
    assert v.query_url("/errors", {"q": "x"}, page=3) == "/errors?q=x&page=3"
    assert v.clamp_int("abc", 1, 1, 10) == 1 and v.clamp_int("99", 1, 1, 10) == 10


def test_pager():
    p = v.Pager(page=3, per_page=50, total=121)
    assert (p.pages, p.offset, p.first_item, p.last_item, p.has_prev, p.has_next) == (3, 100, 101, 121, True, False)
    assert v.Pager(1, 50, 0).pages == 1 and v.Pager(1, 50, 0).first_item == 0


def test_safe_next_allows_only_local_paths():
    assert v.safe_next("/errors?status=open") == "/errors?status=open"
    for bad in ("//evil.example/x", "https://evil.example", "javascript:alert(1)", "/\\evil", None, ""):
        assert v.safe_next(bad) == "/"


def test_traceback_lines_mark_application_frames():
    raw = (
        "2026-11-23 12:00:00 ERROR src.x: failed\n"
        "Traceback (most recent call last):\n"
        '  File "/app/src/daemon/ws_server.py", line 412, in handle\n'
        "    await ws.send(data)\n"
        '  File "/usr/local/lib/python3.11/site-packages/websockets/protocol.py", line 635, in send\n'
        "    await self.ensure_open()\n"
        "websockets.exceptions.ConnectionClosedError: sent 1011 (internal error) keepalive ping timeout\n"
    )
    lines = v.traceback_lines(raw, lambda path: "/src/" in path and "site-packages" not in path)
    kinds = [(t.kind, t.in_app) for t in lines]
    assert kinds == [("header", False), ("text", False), ("frame", True), ("code", True), ("frame", False),
                     ("code", False), ("exception", False)]
