"""Layout at a 390 px phone width and tracebacks (issue 21), in Chromium: no page scrolls
sideways, and a long traceback line is wrapped or scrollable inside its box, never cut off."""

from __future__ import annotations

import pytest

from .conftest import with_gateway_errors
from .seed import ROLLOUT, parse, rollout_config
from .test_browser import fingerprint_of, login

pytestmark = pytest.mark.asyncio(loop_scope="session")

LONG_TAIL = "tail-end-marker"
LONG_TRACE = (
    "2026-11-23 06:00:00 ERROR src.storage.supabase_client: upload failed\n"
    "Traceback (most recent call last):\n"
    '  File "/app/src/storage/supabase_client.py", line 233, in record_upload\n'
    "    result = self.client.table('file_uploads').insert(row).execute()\n"
    "postgrest.exceptions.APIError: {'code': 'PGRST204', 'message': \"Could not find the 'upload_method' column "
    + "of 'file_uploads' in the schema cache " + "x" * 300 + f" {LONG_TAIL}\"}}\n"
)


async def test_every_page_fits_390px_without_horizontal_scroll(start_sidecar, page, browser):
    running = await with_gateway_errors(start_sidecar, rollouts=[rollout_config()])
    await running.record(parse(LONG_TRACE, offset=50_000, file_key="long"))
    fp = await fingerprint_of(running, "keepalive ping timeout")
    row = await running.sidecar.store.db.fetchone(
        "SELECT error_hash FROM error_samples WHERE raw LIKE ? ORDER BY id DESC LIMIT 1", (f"%{LONG_TAIL}%",))
    assert row is not None, "the long traceback was not recorded"
    long_fp = row["error_hash"]
    w = await page(running.url)
    await w.page.set_viewport_size({"width": 390, "height": 844})
    await login(w)
    paths = ["/", "/errors", "/errors?sort=severity", f"/errors/{fp}", f"/errors/{long_fp}", "/rollouts",
             f"/rollouts/{ROLLOUT}", "/alerts", "/alerts/silences", "/login"]
    wide = {}
    for path in paths:
        await w.goto(path)
        width = await w.page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
    assert wide == {}, f"pages wider than 390 px: {wide}"

    # The traceback's last line: all of its text is reachable (wrapped, or scrollable in its box).
    await w.goto(f"/errors/{long_fp}")
    last = w.page.locator(f"text={LONG_TAIL}").first
    assert await last.count() == 1
    box = await w.page.evaluate(
        """(marker) => {
            const el = [...document.querySelectorAll('main *')].filter(e => e.children.length === 0
                && e.textContent.includes(marker))[0];
            let p = el; let scrollable = false;
            while (p && p !== document.body) {
              const s = getComputedStyle(p);
              if (['auto', 'scroll'].includes(s.overflowX) && p.scrollWidth > p.clientWidth) scrollable = true;
              p = p.parentElement;
            }
            const r = el.getBoundingClientRect();
            return {right: r.right, width: window.innerWidth, scrollable,
                    wraps: ['pre-wrap', 'break-spaces', 'pre-line', 'normal'].includes(getComputedStyle(el).whiteSpace)};
        }""",
        LONG_TAIL,
    )
    assert box["right"] <= box["width"] or box["scrollable"], box
    assert w.problems() == []
