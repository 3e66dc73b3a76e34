"""Dashboard test fixtures: one headless Chromium per session, a real Sidecar per test.

Playwright's async objects belong to the event loop that made them, so the browser and every
test in this package run in the session loop (`loop_scope="session"`). Debian's chromium is
used directly (never `playwright install`); CI installs it with apt.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from sidecar.app import Sidecar
from sidecar.clock import ManualClock
from sidecar.config import Config

from ..conftest import find_free_port
from .seed import gateway_events

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "web-test-token-0123456789"
START = 1_795_435_200.0  # 2026-11-23 06:00:00 UTC


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: the dashboard tests drive Debian's chromium "
            "(apt-get install -y --no-install-recommends chromium)",
            pytrace=False,
        )
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Watched:
    """A page plus everything it reported: console errors, uncaught errors, dialogs."""

    page: Any
    base: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    async def goto(self, path: str) -> Any:
        return await self.page.goto(self.base + path)

    def problems(self) -> list[str]:
        return self.console_errors + self.page_errors + [f"dialog: {d}" for d in self.dialogs]


async def watch(browser: Any, base: str) -> tuple[Any, Watched]:
    context = await browser.new_context(viewport={"width": 1360, "height": 900})
    page = await context.new_page()
    watched = Watched(page, base)
    page.on("console", lambda m: watched.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: watched.page_errors.append(str(exc)))

    async def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, watched


@dataclass
class Running:
    sidecar: Sidecar
    clock: ManualClock

    @property
    def url(self) -> str:
        assert self.sidecar.url is not None
        return self.sidecar.url

    async def record(self, events: list[Any]) -> None:
        """Through the real errors stage sink (what ingest calls)."""
        await self.sidecar.stages.groups.record(events)


StartSidecar = Callable[..., Awaitable[Running]]


async def with_gateway_errors(start_sidecar: StartSidecar, **kwargs: Any) -> Running:
    """A started sidecar holding one group per known gateway failure (seed.gateway_events)."""
    running = await start_sidecar(**kwargs)
    await running.record(gateway_events(running.clock.time()))
    return running


@pytest_asyncio.fixture(loop_scope="session")
async def start_sidecar(tmp_path: Path) -> AsyncIterator[StartSidecar]:
    started: list[Sidecar] = []

    async def start(token: str | None = TOKEN, **overrides: Any) -> Running:
        clock = ManualClock(start=START)
        raw: dict[str, Any] = {
            "server": {"read_access": "open", "host": "127.0.0.1", "port": find_free_port(), "api_token": token},
            "store": {"path": str(tmp_path / f"sidecar{len(started)}.db")},
            "diagnosis": {"kimi_enabled": False},
            "rollouts_file": None,
            "alerts": {"rules_file": None},
        }
        raw.update(overrides)
        sidecar = Sidecar(Config.model_validate(raw), clock=clock)
        await sidecar.start()
        started.append(sidecar)
        return Running(sidecar, clock)

    try:
        yield start
    finally:
        for sidecar in started:
            await sidecar.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Any) -> AsyncIterator[Callable[[str], Awaitable[Watched]]]:
    """`await page(base_url)` opens a fresh browser context (own cookies) watching for problems."""
    contexts: list[Any] = []

    async def open_page(base: str) -> Watched:
        context, watched = await watch(browser, base)
        contexts.append(context)
        return watched

    try:
        yield open_page
    finally:
        for context in contexts:
            await context.close()


async def ensure_rollouts(running: Running, measure: Any) -> Any:
    """The rollouts controller of this sidecar, measuring through `measure`. app.py builds it when
    the rollouts stage is wired; until then the test adds it the way app.py will."""
    from sidecar.rollout.controller import as_measure

    controller = running.sidecar.stages.rollouts
    assert controller is not None, "app.py builds the rollouts stage"
    controller.measure = as_measure(measure)
    controller.check = None  # the test's measure, not the metrics stage, answers: its limits do not apply
    return controller
