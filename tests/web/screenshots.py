"""Make docs/overview.png and docs/error-detail.png from a real Sidecar seeded with gateway errors.

    .venv/bin/python -m tests.web.screenshots [--out docs]

Three hours of the gateway's known failures are parsed by the ingest parser and recorded through
the GroupRecorder (minute by minute, on a manual clock); the diagnosis stage diagnoses them with
its rules as it would live; the async-upload rollout is started and evaluated once. Then
headless Chromium screenshots the overview and the detail page of the semaphore-leak group.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sidecar.app import Sidecar
from sidecar.clock import ManualClock, utc
from sidecar.config import Config

from ..conftest import find_free_port
from .conftest import CHROMIUM, CHROMIUM_ARGS, Running, ensure_rollouts
from .seed import GATEWAY_LOG, ROLLOUT, FakeTraffic, _stamp, parse, rollout_config

NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC).timestamp()
TOKEN = "screenshot-token"
# How often each record of GATEWAY_LOG (in its order) shows up per minute, roughly.
WEIGHTS = (0.9, 0.35, 0.15, 0.25, 0.5, 0.1, 0.03, 0.08, 0.05)


def records() -> list[str]:
    """GATEWAY_LOG split into its records (each starts with the timestamp placeholder)."""
    parts = GATEWAY_LOG.split("{t} ")[1:]
    return ["{t} " + p for p in parts]


async def seed(sidecar: Sidecar, clock: ManualClock) -> None:
    recorder = sidecar.stages.groups
    rng = random.Random(7)
    recs = records()
    offset = 0
    for minute in range(178):
        burst = 3.0 if 95 <= minute <= 110 else 1.0  # an incident in the middle of the window
        text = ""
        for rec, weight in zip(recs, WEIGHTS, strict=True):
            for _ in range(int(rng.random() < weight * burst) + int(rng.random() < weight * burst / 3)):
                text += rec.format(t=_stamp(clock.time()))
        if text:
            events = parse(text, offset=offset, file_key="screens")
            offset += len(text.encode()) + 1
            await recorder.record(events)
        clock.advance(60)
    for _ in range(300):  # let the diagnosis stage catch up
        rows, _ = await sidecar.store.groups.list(limit=50)
        if all(r.get("diagnosis_source") for r in rows):
            break
        await asyncio.sleep(0.05)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="docs")
    args = parser.parse_args()
    out = Path(args.out)
    os.makedirs(out, exist_ok=True)
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(start=NOW - 180 * 60 + 7)
        config = Config.model_validate({
            "server": {"read_access": "open", "host": "127.0.0.1", "port": find_free_port(), "api_token": TOKEN},
            "store": {"path": f"{tmp}/sidecar.db"},
            "sources": [{"name": "ws_daemon", "paths": [f"{tmp}/logs/ws_daemon.log"], "format": "text"},
                        {"name": "docker", "paths": [f"{tmp}/containers/*/*-json.log"], "format": "docker"}],
            "ingest": {"checkpoint_dir": f"{tmp}/checkpoints"},
            "diagnosis": {"kimi_enabled": False},
            "rollouts_file": None,
            "rollouts": [rollout_config(hook_command=["true"])],
            "alerts": {"rules_file": None},
        })
        for path in (os.path.join(tmp, "logs", "ws_daemon.log"), os.path.join(tmp, "containers", "3f2a", "3f2a-json.log")):
            os.makedirs(os.path.dirname(path))
            open(path, "w").close()  # noqa: ASYNC230 - setup before anything runs
        sidecar = Sidecar(config, clock=clock)
        await sidecar.start()
        try:
            await seed(sidecar, clock)
            groups = sidecar.store.groups
            rows, _ = await groups.list(q="upload returned no file")
            await groups.set_status(rows[0]["error_hash"], "resolve", utc(clock.time()), "fixed in 2.4.1")
            rows, _ = await groups.list(q="web_search")
            await groups.set_status(rows[0]["error_hash"], "mute", utc(clock.time()))
            traffic = FakeTraffic(requests=1840, errors=6, p95_canary=1350.0, p95_base=1210.0)
            controller = await ensure_rollouts(Running(sidecar, clock), traffic.measure)
            await controller.act(ROLLOUT, "start", actor="deploy-pipeline")
            # Evaluations every 10 s for two minutes, traffic growing and errors moving, so the
            # rollout page's charts have a run of points to draw.
            for step in range(1, 13):
                clock.advance(10)
                traffic.requests, traffic.errors = 1840 * step // 12, (6 * step) // 12 + (step % 3 == 0)
                await controller.evaluate(ROLLOUT, force=True)
            traffic.requests, traffic.errors = 1840, 6
            await sidecar.stages.groups.record(parse(records()[0].format(t=_stamp(clock.time())),
                                                           offset=10**9, file_key="screens"))
            semaphore, _ = await groups.list(q="BoundedSemaphore")
            fp = semaphore[0]["error_hash"]

            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                page = await (await browser.new_context(viewport={"width": 1360, "height": 900},
                                                        device_scale_factor=1)).new_page()
                await page.goto(f"{sidecar.url}/login")
                await page.fill("#token", TOKEN)
                await page.click("form[action='/login'] button[type=submit]")
                await page.goto(f"{sidecar.url}/")
                await page.screenshot(path=str(out / "overview.png"), full_page=True)
                await page.goto(f"{sidecar.url}/errors/{fp}")
                await page.screenshot(path=str(out / "error-detail.png"), full_page=True)
                await page.goto(f"{sidecar.url}/errors?sort=severity")
                await page.keyboard.press("j")  # the keyboard selection, as an on-call would see it
                await page.screenshot(path=str(out / "errors.png"), full_page=True)
                await page.goto(f"{sidecar.url}/rollouts/{ROLLOUT}")
                await page.screenshot(path=str(out / "rollout.png"), full_page=True)
                await page.goto(f"{sidecar.url}/rollouts/{ROLLOUT}/promote")
                await page.screenshot(path=str(out / "promote-confirm.png"), full_page=True)
                await page.goto(f"{sidecar.url}/alerts/silences?matcher=severity%3Dcritical")
                await page.screenshot(path=str(out / "silences.png"), full_page=True)
                await page.set_viewport_size({"width": 390, "height": 844})
                await page.goto(f"{sidecar.url}/errors?sort=severity")
                await page.screenshot(path=str(out / "errors-phone.png"), full_page=False)
                await browser.close()
        finally:
            await sidecar.stop()
    names = ("overview", "error-detail", "errors", "rollout", "promote-confirm", "silences", "errors-phone")
    print("wrote " + ", ".join(f"{out}/{n}.png" for n in names))


if __name__ == "__main__":
    asyncio.run(main())
