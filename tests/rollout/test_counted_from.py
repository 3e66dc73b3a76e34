"""Where a stage's samples are counted from, in the API and on the rollout page (round 18 re-read).

With `settle` (rules/rollouts.yaml: 120 s) a stage's samples are counted after its first `settle` s
(rollout/stagetotals.py "The settling span after a boundary"). A user checking "Samples N of M" counts the
stage's records from `stage_started_at` and finds `settle` s of them more: the summary says `counted_from`
(added field; DESIGN's API keeps every field it had), the page says "counted since HH:MM:SS", the promotion
reason says so too. The user's check: the async records stamped from `counted_from` on ARE the samples.
Twin: settle 0 - `counted_from` is `stage_started_at` and the page adds nothing.
Real MetricsHub on a real metrics.jsonl, real SQLite store, the real web app over HTTP, injected clock.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from sidecar.app import Sidecar
from sidecar.config import Config, ServerConfig
from sidecar.stages import Stages
from sidecar.web.server import build_web_app
from tests.rollout.test_gateway_records import STREAM, Gateway, hub_for, rollout


def _at(iso: str) -> float:
    """An ISO time as epoch seconds (the wrapper's stamps are naive UTC)."""
    t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()


@pytest.mark.parametrize("settle", [120.0, 0.0])
async def test_the_samples_say_where_they_are_counted_from(make, sqlite_store, clock, tmp_path: Path,
                                                           settle: float) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock, fallback=True)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    cfg = rollout(interval=10, max_lateness=120, settle=settle)
    cfg = cfg.model_copy(update={"stages": [s.model_copy(update={"hold": 1e6, "min_samples": 1000})
                                            for s in cfg.stages]})
    config = Config(server=ServerConfig(api_token="t0ken", read_access="open"), rollouts_file=None, rollouts=[cfg])
    sidecar = Sidecar(config, clock=clock)
    sidecar._store = sqlite_store
    c = make([cfg], sqlite_store, hub, sidecar.bus, clock, sidecar.telemetry, replica="r1")
    sidecar.stages = Stages(rollouts=c)
    await c.act(cfg.name, "start")
    t0 = clock.time()
    while clock.time() - t0 < 400:
        clock.advance(1.0)
        gw.upload(ok=True)
        await hub.jsonl[STREAM].poll()
        if int(clock.time() - t0) % 10 == 0:
            await c.tick()
    server = TestServer(build_web_app(sidecar), host="127.0.0.1")
    await server.start_server()
    try:
        base = str(server.make_url("")).rstrip("/")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/api/rollouts/{cfg.name}") as r:
                body: dict[str, Any] = await r.json()
            async with http.get(f"{base}/rollouts/{cfg.name}") as r:
                page = await r.text()
    finally:
        await server.close()
        sidecar._store = None  # the fixture closes it
    assert _at(body["counted_from"]) == pytest.approx(_at(body["stage_started_at"]) + settle)
    assert body["settle"] == settle
    # The user's count: async records stamped after counted_from (a window is (start, end], as every window
    # the sidecar measures), the last evaluation's provisional tail included.
    recs = [json.loads(x) for x in gw.path.read_text().splitlines()]
    mine = [r for r in recs if r["execution_type"] == "async" and _at(r["timestamp"]) > _at(body["counted_from"])]
    assert body["samples"] == len(mine)
    if settle:
        since = datetime.fromtimestamp(_at(body["counted_from"]), UTC).strftime("%H:%M:%S")
        assert "counted since" in page and since in page.replace("&#39;", "'"), page[:3000]
        assert "first 2 min are settling" in page.replace("&#39;", "'")
    else:
        assert "counted since" not in page


@pytest.mark.parametrize("settle", [120.0, 0.0])
async def test_the_promotion_reason_says_the_samples_skip_the_span(make, sqlite_store, clock, tmp_path: Path,
                                                                   settle: float) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock, fallback=True)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    cfg = rollout(interval=10, max_lateness=120, settle=settle)
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    t0 = clock.time()
    while clock.time() - t0 < 400:
        clock.advance(1.0)
        gw.upload(ok=True)
        await hub.jsonl[STREAM].poll()
        if int(clock.time() - t0) % 10 == 0:
            await c.tick()
    events = await sqlite_store.rollouts.events(cfg.name)
    promote = next(e for e in events if e["action"] == "promote")
    [held] = [r["reason"] for r in promote["reasons"] if r.get("reason", "").startswith("held ")]
    assert ("counted after the stage's first 120 s" in held) == bool(settle), held
