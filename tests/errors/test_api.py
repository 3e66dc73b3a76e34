"""The groups API over real HTTP (the sidecar's aiohttp app on a 127.0.0.1 port, a real client)."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from sidecar.app import Sidecar
from sidecar.bus import GROUP_STATUS
from sidecar.config import Config
from sidecar.errors.groups import GroupRecorder
from sidecar.stages import Stages
from sidecar.web.server import build_web_app

from .conftest import make_event

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def _start(store, clock, token: str | None = TOKEN) -> tuple[TestClient, Sidecar, GroupRecorder]:
    config = Config.model_validate({"server": {"api_token": token, "read_access": "open"}} if token else {"server": {"read_access": "open"}})
    sidecar = Sidecar(config, clock=clock)
    sidecar._store = store  # the sidecar's store, opened by the fixture instead of Sidecar.start()
    recorder = GroupRecorder(store, sidecar.bus, clock, sidecar.telemetry, config.grouping)
    sidecar.stages = Stages(groups=recorder)
    client = TestClient(TestServer(build_web_app(sidecar), host="127.0.0.1"))
    await client.start_server()
    return client, sidecar, recorder


async def _seed(recorder: GroupRecorder, clock) -> dict[str, str]:
    await recorder.record([make_event(f"Connection closed for 10.0.0.{i}:5{i}: no close frame", offset=i,
                                      logger="src.monitoring.resilient_websocket") for i in range(4)])
    clock.advance(60)
    await recorder.record([make_event("{'message': 'x', 'code': 'PGRST204'}", offset=100, logger="src.storage")])
    await recorder.record([make_event("Health writer failed for 31s", offset=200, level="CRITICAL",
                                      logger="ws_daemon")])
    rows, _ = await recorder.store.groups.list()
    return {r["logger"]: r["error_hash"] for r in rows}


async def test_list_filter_sort_and_page(sqlite_store, clock):
    client, _, recorder = await _start(sqlite_store, clock)
    try:
        fps = await _seed(recorder, clock)
        resp = await client.get("/api/groups")
        body = await resp.json()
        assert resp.status == 200 and body["total"] == 3 and body["page"] == 1
        assert body["items"][0]["fingerprint"] in (fps["src.storage"], fps["ws_daemon"])
        assert body["items"][-1]["last_occurrence_at"].startswith("2025-11-23T")
        resp = await client.get("/api/groups", params={"sort": "count", "limit": "1", "page": "1"})
        body = await resp.json()
        assert [i["occurrence_count"] for i in body["items"]] == [4] and body["total"] == 3
        [item] = body["items"]
        assert "<*>" in item["template"] and "<*>" not in item["title"]  # real message, template beside it
        resp = await client.get("/api/groups", params={"sort": "count", "limit": "1", "page": "3"})
        assert [i["logger"] for i in (await resp.json())["items"]] in (["ws_daemon"], ["src.storage"])
        resp = await client.get("/api/groups", params={"level": "critical"})
        assert [i["logger"] for i in (await resp.json())["items"]] == ["ws_daemon"]
        resp = await client.get("/api/groups", params={"logger": "src.storage"})
        assert (await resp.json())["total"] == 1
        resp = await client.get("/api/groups", params={"q": "no close FRAME"})
        assert [i["fingerprint"] for i in (await resp.json())["items"]] == [fps["src.monitoring.resilient_websocket"]]
        resp = await client.get("/api/groups", params={"status": "resolved"})
        assert (await resp.json())["total"] == 0
        for bad in ({"status": "gone"}, {"sort": "size"}, {"limit": "0"}, {"page": "x"}, {"limit": "100000"}):
            resp = await client.get("/api/groups", params=bad)
            assert resp.status == 400 and "error" in await resp.json(), bad
    finally:
        await client.close()


async def test_group_detail_has_samples_counts_loggers_and_diagnosis(sqlite_store, clock):
    client, _, recorder = await _start(sqlite_store, clock)
    try:
        fps = await _seed(recorder, clock)
        fp = fps["src.monitoring.resilient_websocket"]
        resp = await client.get(f"/api/groups/{fp}", params={"minutes": "5"})
        body = await resp.json()
        assert resp.status == 200 and body["fingerprint"] == fp and body["occurrence_count"] == 4
        # The title is a real (latest, redacted) message; the template is beside it.
        assert body["title"].startswith("Connection closed for 10.0.0.") and "<*>" not in body["title"]
        assert body["template"] == "Connection closed for <*>: no close frame"
        assert len(body["samples"]) == 4 and body["samples"][0]["raw"].startswith("Connection closed for 10.0.0.3")
        assert body["counts"]["series"] == [0, 0, 0, 4, 0] and body["counts"]["minutes"] == 5
        assert body["loggers"] == [{"logger": "src.monitoring.resilient_websocket", "count": 4}]
        assert body["diagnosis"] is None and body["status"] == "open"
        await sqlite_store.db.execute(
            "UPDATE error_investigations SET investigation_result = ?, model_used = 'rules', category = 'network' "
            "WHERE error_hash = ?", ({"summary": "peer went away"}, fp))
        body = await (await client.get(f"/api/groups/{fp}")).json()
        assert body["diagnosis"]["result"] == {"summary": "peer went away"} and body["diagnosis"]["category"] == "network"
        resp = await client.get("/api/groups/" + "0" * 32)
        assert resp.status == 404 and "no group" in (await resp.json())["error"]
    finally:
        await client.close()


async def test_status_changes_need_the_token_and_publish(sqlite_store, clock):
    client, sidecar, recorder = await _start(sqlite_store, clock)
    sub = sidecar.bus.subscribe({GROUP_STATUS})
    try:
        fps = await _seed(recorder, clock)
        fp = fps["src.storage"]
        assert (await client.post(f"/api/groups/{fp}/resolve")).status == 401
        assert (await client.post(f"/api/groups/{fp}/resolve", headers={"Authorization": "Bearer nope"})).status == 401
        resp = await client.post(f"/api/groups/{fp}/resolve", headers=AUTH, json={"notes": "added upload_method column"})
        body = await resp.json()
        assert resp.status == 200 and body["status"] == "resolved" and body["resolved"] is True
        assert body["resolution_notes"] == "added upload_method column" and body["resolved_at"].endswith("+00:00")
        event = sub.queue.get_nowait()
        assert event.data["fingerprint"] == fp and event.data["status"] == "resolved"
        assert sidecar.telemetry.groups.labels(status="resolved")._value.get() == 1
        resp = await client.post(f"/api/groups/{fp}/mute", headers=AUTH)
        assert (await resp.json())["status"] == "muted"
        resp = await client.post(f"/api/groups/{fp}/reopen", headers=AUTH)
        assert (await resp.json())["status"] == "open"
        assert (await client.post("/api/groups/" + "f" * 32 + "/resolve", headers=AUTH)).status == 404
        resp = await client.post(f"/api/groups/{fp}/resolve", headers=AUTH, data=b"not json")
        assert resp.status == 400
        resp = await client.post(f"/api/groups/{fp}/resolve", headers=AUTH, json={"notes": 5})
        assert resp.status == 400
        resp = await client.post(f"/api/groups/{fp}/mute", headers=AUTH, json={"notes": "nul \x00 here"})
        assert resp.status == 200 and (await resp.json())["resolution_notes"] == "nul \ufffd here"
        resp = await client.get("/api/groups", params={"q": "\x00"})
        assert resp.status == 200
        # Resolved, then it happens again: regressed, visible through the API.
        await client.post(f"/api/groups/{fp}/resolve", headers=AUTH)
        await recorder.record([make_event("{'message': 'y', 'code': 'PGRST204'}", offset=999, logger="src.storage")])
        body = await (await client.get(f"/api/groups/{fp}")).json()
        assert body["status"] == "regressed" and body["regression_count"] == 1
    finally:
        await client.close()


async def test_without_a_configured_token_status_changes_are_refused(sqlite_store, clock):
    client, _, recorder = await _start(sqlite_store, clock, token=None)
    try:
        fps = await _seed(recorder, clock)
        resp = await client.post(f"/api/groups/{fps['ws_daemon']}/mute", headers={"Authorization": "Bearer x"})
        assert resp.status == 403
    finally:
        await client.close()
