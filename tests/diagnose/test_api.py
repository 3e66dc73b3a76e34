"""POST /api/groups/{fingerprint}/diagnose and the read endpoints, through the real web app."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer

from sidecar.app import Sidecar
from sidecar.config import Config
from sidecar.diagnose.rules import load_rules
from sidecar.diagnose.service import DiagnosisService
from sidecar.stages import Stages
from sidecar.web.server import SIDECAR_KEY, build_web_app

from .conftest import seed_group

FP = "feedfacefeedfacefeedfacefeedface"


async def _client(store, clock, token: str | None = "s3cret-token"):
    config = Config.model_validate({"server": {"api_token": token, "read_access": "open"}} if token else {"server": {"read_access": "open"}})
    sidecar = Sidecar(config, clock=clock)
    sidecar._store = store
    svc = DiagnosisService(config=config.diagnosis, store=store, bus=sidecar.bus, clock=clock,
                           rules=load_rules("rules/diagnoses.yaml"), telemetry=sidecar.telemetry)
    sidecar.stages = Stages(diagnosis=svc)
    client = TestClient(TestServer(build_web_app(sidecar)))
    await client.start_server()
    return client


async def test_diagnose_on_demand_requires_the_token(sqlite_store, rclock):
    await seed_group(sqlite_store, FP, "Failed to release global semaphore: BoundedSemaphore released too many times")
    client = await _client(sqlite_store, rclock)
    try:
        resp = await client.post(f"/api/groups/{FP}/diagnose")
        assert resp.status == 401
        resp = await client.post(f"/api/groups/{FP}/diagnose", headers={"Authorization": "Bearer wrong"})
        assert resp.status == 401
        resp = await client.post(f"/api/groups/{FP}/diagnose", headers={"Authorization": "Bearer s3cret-token"})
        assert resp.status == 200
        body = await resp.json()
        assert body["diagnosis"]["category"] == "concurrency" and body["diagnosis"]["source"] == "rules"
        resp = await client.post("/api/groups/nope/diagnose", headers={"Authorization": "Bearer s3cret-token"})
        assert resp.status == 404
        resp = await client.post(f"/api/groups/{FP}/diagnose?wait=false", headers={"Authorization": "Bearer s3cret-token"})
        assert resp.status == 202 and (await resp.json())["status"] == "started"
        svc = client.server.app[SIDECAR_KEY].stages.diagnosis
        await asyncio.gather(*svc._background)
        hist = await (await client.get(f"/api/groups/{FP}/diagnoses")).json()
        assert len(hist["diagnoses"]) == 2
        resp = await client.get(f"/api/groups/{FP}/diagnoses")
        hist = await resp.json()
        assert hist["claim"]["state"] == "done" and hist["diagnoses"][0]["rule"] == "semaphore-released-too-many"
        assert len(hist["diagnoses"]) == 2
        resp = await client.get("/api/diagnosis/status")
        status = await resp.json()
        assert status["llm"] == {"enabled": False} and status["rules"]["count"] >= 40
        assert status["claims"] == {"done": 1}
    finally:
        await client.close()


async def test_without_a_configured_token_actions_are_refused(sqlite_store, rclock):
    await seed_group(sqlite_store, FP, "x")
    client = await _client(sqlite_store, rclock, token=None)
    try:
        resp = await client.post(f"/api/groups/{FP}/diagnose", headers={"Authorization": "Bearer anything"})
        assert resp.status == 403
    finally:
        await client.close()
