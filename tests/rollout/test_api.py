"""The rollout API over real HTTP: what deploy pipelines read and the token-guarded actions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from sidecar.app import Sidecar
from sidecar.config import Config, ServerConfig
from sidecar.stages import Stages
from sidecar.web.server import build_web_app

from .conftest import rollout_config

NAME = "async-upload"
TOKEN = "t0ken"


@pytest.fixture
async def api(make, sqlite_store, clock, traffic, receiver) -> AsyncIterator[tuple[str, object]]:
    cfg = rollout_config(receiver.url)
    config = Config(server=ServerConfig(api_token=TOKEN, read_access="open"), rollouts_file=None, rollouts=[cfg])
    sidecar = Sidecar(config, clock=clock)
    sidecar._store = sqlite_store
    controller = make([cfg], sqlite_store, traffic, sidecar.bus, clock, sidecar.telemetry, replica="api")
    sidecar.stages = Stages(rollouts=controller)
    server = TestServer(build_web_app(sidecar), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/"), controller
    finally:
        await server.close()
        sidecar._store = None  # the fixture closes it


AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def test_pipeline_flow_start_rollback_with_decisions(api, clock, traffic):
    base, controller = api
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/api/rollouts") as r:
            body = await r.json()
        assert r.status == 200
        [item] = body["rollouts"]
        assert item["name"] == NAME and item["state"] == "idle" and item["decision"] == "hold"

        async with http.post(f"{base}/api/rollouts/{NAME}/start") as r:
            assert r.status == 401
        async with http.post(f"{base}/api/rollouts/{NAME}/start", headers={"Authorization": "Bearer nope"}) as r:
            assert r.status == 401
        async with http.post(f"{base}/api/rollouts/{NAME}/start", headers=AUTH, json={"reason": "deploy 42"}) as r:
            started = await r.json()
        assert r.status == 200 and started["state"] == "running" and started["percent"] == 1.0
        assert started["decision"] == "hold" and started["history"][-1]["action"] == "start"

        traffic.add(50, "async")
        clock.advance(10)
        await controller.tick()
        async with http.get(f"{base}/api/rollouts/{NAME}") as r:
            detail = await r.json()
        [gate] = detail["gates"]
        assert gate["name"] == "success-rate" and gate["verdict"] == "pass" and gate["samples"] == 50
        assert gate["observed"] == 1.0 and gate["threshold"] == 0.95 and gate["counters"]["evaluations"] == 1
        [trigger] = detail["triggers"]
        assert trigger["name"] == "error-rate" and trigger["verdict"] in ("pass", "inconclusive")
        assert detail["plan"][1]["percent"] == 10.0 and detail["samples"] == 50
        assert detail["hook_calls"][0]["kind"] == "stage-change" and detail["hook_calls"][0]["status"] == "done"

        async with http.post(f"{base}/api/rollouts/{NAME}/approve", headers=AUTH) as r:
            assert r.status == 409 and "cannot approve" in (await r.json())["error"]
        async with http.post(f"{base}/api/rollouts/{NAME}/rollback", headers=AUTH,
                             json={"reason": "manual abort", "actor": "ci"}) as r:
            rolled = await r.json()
        assert r.status == 200 and rolled["decision"] == "rollback" and rolled["state"] in ("rolling_back",
                                                                                             "rolled_back")
        assert rolled["history"][-1]["actor"] == "api:ci"
        async with http.post(f"{base}/api/rollouts/{NAME}/rollback", headers=AUTH) as r:
            assert r.status == 409
        async with http.post(f"{base}/api/rollouts/{NAME}/explode", headers=AUTH) as r:
            assert r.status == 404
        async with http.get(f"{base}/api/rollouts/nope") as r:
            assert r.status == 404
        async with http.post(f"{base}/api/rollouts/{NAME}/pause", headers=AUTH, data=b"[1]",
                             ) as r:
            assert r.status == 409  # not running any more (a non-JSON body is ignored)
        async with http.post(f"{base}/api/rollouts/{NAME}/start", headers=AUTH, json=[1]) as r:
            assert r.status == 400
