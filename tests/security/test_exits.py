"""The secret corpus planted in logged errors, checked at every exit of a running sidecar.

With `store.keep_raw: true` the store holds every secret and only the exits' own redaction stands
between it and the outside; with `false` the stored samples are redacted too. Exits: the request
bodies the local OpenAI-compatible server received (Kimi), the chat/webhook receivers (local server,
real aiohttp client), a real Alertmanager's /api/v2/alerts (labels and annotations as it stored them),
the API JSON, the dashboard pages as HTML over HTTP and as rendered by headless Chromium (the text a
reader sees and the DOM after scripts ran). A table of leaks per exit is printed (pytest -s) and the
test asserts 0. Rollout hooks are checked in test_exit_hooks.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections import Counter

import aiohttp
import pytest

from sidecar.app import Sidecar
from sidecar.clock import ManualClock
from sidecar.config import Config

from ..alerts.conftest import AlertmanagerProc, FakeChat, alertmanager, alerts_config, chat  # noqa: F401 - fixture
from ..conftest import find_free_port
from ..diagnose.conftest import FakeLLM, fake_llm, good  # noqa: F401 - fixture
from ..errors.conftest import make_event
from ..web.conftest import CHROMIUM, CHROMIUM_ARGS
from .carrier_gen import offline_cases
from .corpus import case_writer_corpus, generated, shapes
from .secret_gen import cases

TOKEN = "exit-test-token-0123456789"


def plantings() -> list[tuple[str, str, str]]:
    own = [(f"gen:{k}:{shape}", text, s) for k, t, s in generated() for shape, text in shapes(t).items()]
    by_class = [(f"class:{k}", t, s) for k, t, s in cases(1819, per_class=40)]
    by_carrier = [(f"carrier:{k}", t, s) for seed in (1861, 1862) for k, t, s in offline_cases(seed)]
    return own + by_class + by_carrier + [(f"dev:{k}", t, s) for k, t, s in case_writer_corpus("corpus_dev.yaml")]


def _events(items: list[tuple[str, str, str]]) -> list:
    out = []
    for i, (_, text, _) in enumerate(items):
        first, _, rest = text.partition("\n")
        ev = make_event(f"req{i} {first}", offset=i * 1000)
        out.append(dataclasses.replace(ev, raw=text, context=(rest,) if rest else ()))
    return out


def leaks(items: list[tuple[str, str, str]], haystack: str) -> list[str]:
    return [kind for kind, _, secret in items if secret in haystack
            or json.dumps(secret)[1:-1] in haystack]


async def until(cond, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def rendered(base: str, paths: list[str]) -> tuple[str, str]:
    """(visible text, DOM) of every page as headless Chromium renders it, logged in with the token."""
    from playwright.async_api import async_playwright

    texts, doms = [], []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(extra_http_headers={"Authorization": f"Bearer {TOKEN}"})
            page = await context.new_page()
            for path in paths:
                resp = await page.goto(base + path, wait_until="load")
                assert resp is not None and resp.status == 200, path
                texts.append(await page.inner_text("body"))
                doms.append(await page.content())
        finally:
            await browser.close()
    return "\n".join(texts), "\n".join(doms)


@pytest.mark.parametrize("keep_raw", [True, False])
async def test_no_secret_leaves_by_any_exit(tmp_path, fake_llm: FakeLLM, chat: FakeChat,  # noqa: F811
                                            alertmanager: AlertmanagerProc, keep_raw):  # noqa: F811
    items = plantings()
    assert len({k.split(":")[1] for k in (i[0] for i in items)}) >= 60
    fake_llm.default = good()
    alerts = alerts_config(chat, routes=[{"name": "all", "receivers": ["slack", "discord", "teams", "hook", "am"],
                                          "group_wait": 0, "group_interval": 1, "repeat_interval": 3600}])
    alerts = alerts.model_copy(update={"receivers": [*alerts.receivers, type(alerts.receivers[0]).model_validate(
        {"name": "am", "kind": "alertmanager", "url": alertmanager.url, "timeout": 2})]})
    port = find_free_port()
    # near the real time: Alertmanager compares startsAt/endsAt with its own clock
    clock = ManualClock(start=time.time())
    sidecar = Sidecar(Config.model_validate({
        "server": {"host": "127.0.0.1", "port": port, "api_token": TOKEN},
        "store": {"path": str(tmp_path / "s.db"), "keep_raw": keep_raw},
        "diagnosis": {"base_url": fake_llm.base_url, "api_key": "sk-test-key-not-a-secret-000000"},
        "rollouts_file": None, "alerts": alerts.model_dump(),
    }), clock=clock)
    await sidecar.start()
    try:
        await sidecar.stages.groups.record(_events(items))
        base = f"http://127.0.0.1:{port}"
        exits: dict[str, str] = {}
        async with aiohttp.ClientSession(base, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            async with http.get("/api/groups?limit=200") as r:
                listing = await r.json()
                exits["api: /api/groups"] = json.dumps(listing)
            fps = [g["fingerprint"] for g in listing["items"]]
            detail = []
            for fp in fps:
                async with http.get(f"/api/groups/{fp}") as r:
                    detail.append(await r.text())
            exits["api: /api/groups/{fp}"] = "\n".join(detail)
            pages = []
            paths = ["/", "/errors", "/errors?q=config", "/alerts", *[f"/errors/{fp}" for fp in fps]]
            for path in paths:
                async with http.get(path) as r:
                    assert r.status == 200, path
                    pages.append(await r.text())
            exits["pages (HTML)"] = "\n".join(pages)
        for _ in range(20):  # let alerts and diagnoses go out (real I/O, no time windows)
            clock.advance(10)
            await asyncio.sleep(0.2)
            if fake_llm.raw_bodies and chat.received:
                break
        exits["kimi request bodies"] = "\n".join(fake_llm.raw_bodies)
        for path in ("/slack", "/discord", "/teams", "/hook"):
            exits[f"chat {path}"] = "\n".join(r.body.decode() for r in chat.at(path))
        for _ in range(50):  # Alertmanager stores what it was posted; wait until it holds our alerts
            am = await asyncio.to_thread(alertmanager.alerts)
            if am:
                break
            clock.advance(5)
            await asyncio.sleep(0.2)
        exits["alertmanager /api/v2/alerts"] = json.dumps(am)
        exits["pages (Chromium text)"], exits["pages (Chromium DOM)"] = await rendered(base, paths)
    finally:
        await sidecar.stop()
    table = {name: (len(text), leaks(items, text)) for name, text in exits.items()}
    print(f"\nkeep_raw={keep_raw}, {len(items)} plantings, {len(fps)} groups")
    for name, (size, leaked) in table.items():
        print(f"  {name:28s} {size:>9d} chars  leaked {len(leaked)}  {Counter(leaked).most_common(3)}")
    assert fake_llm.raw_bodies, "no request reached the local OpenAI-compatible server"
    assert all(table[n][0] for n in table if n.startswith(("api", "pages")))
    assert len(am) >= len(fps) // 2, f"only {len(am)} alerts reached Alertmanager for {len(fps)} groups"
    assert {n: v[1] for n, v in table.items() if v[1]} == {}
