"""The alerts JSON API: deliveries and silences for the dashboard; silences need the API token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from sidecar.alerts import Alerts
from sidecar.app import Sidecar
from sidecar.config import Config
from sidecar.stages import Stages
from sidecar.web.api import alerts as api_alerts
from sidecar.web.errors import errors
from sidecar.web.server import SIDECAR_KEY
from tests.alerts.conftest import FakeChat, alerts_config
from tests.alerts.helpers import Harness, until_async
from tests.conftest import find_free_port

TOKEN = "test-token-123"


class Api:
    def __init__(self, base: str, http: aiohttp.ClientSession, alerts: Alerts, harness: Harness) -> None:
        self.base, self.http, self.alerts, self.harness = base, http, alerts, harness

    async def call(self, method: str, path: str, token: str | None = TOKEN, **kw: object) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.request(method, self.base + path, headers=headers, **kw) as resp:
            return resp.status, await resp.json()


@pytest.fixture
async def api(harness: Harness, chat: FakeChat) -> AsyncIterator[Api]:
    config = alerts_config(chat, routes=[{"name": "h", "receivers": ["hook"], "group_wait": 0,
                                          "group_by": ["logger"]}])
    alerts = await harness.start(config)
    sidecar = Sidecar(Config.model_validate({"server": {"api_token": TOKEN, "read_access": "open"}, "alerts": config.model_dump()}),
                      clock=harness.clock, telemetry=harness.telemetry)
    sidecar._store = harness.store
    sidecar.stages = Stages(alerts=alerts)
    app = web.Application(middlewares=[errors])  # the API's one error path (web/errors.py)
    app[SIDECAR_KEY] = sidecar
    app.add_routes(api_alerts.routes(sidecar))
    runner = web.AppRunner(app)
    await runner.setup()
    port = find_free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    async with aiohttp.ClientSession() as http:
        try:
            yield Api(f"http://127.0.0.1:{port}", http, alerts, harness)
        finally:
            sidecar._store = None  # the harness closes the store
            await runner.cleanup()


async def test_silence_lifecycle_through_the_api(api: Api, chat: FakeChat) -> None:
    status, body = await api.call("POST", "/api/alerts/silences", json={
        "matchers": ["logger=noisy", {"name": "severity", "value": "error|critical", "isRegex": True}],
        "duration": "2h", "comment": "deploy window", "created_by": "oncall"})
    assert status == 201, body
    silence = body["silence"]
    assert silence["comment"] == "deploy window" and silence["created_by"] == "oncall"
    assert silence["matchers"] == [{"name": "logger", "value": "noisy", "op": "="},
                                   {"name": "severity", "value": "error|critical", "op": "=~"}]

    status, body = await api.call("GET", "/api/alerts/silences", token=None)
    assert status == 200 and [s["id"] for s in body["items"]] == [silence["id"]]
    assert body["items"][0]["active"] is True

    h = api.harness
    await h.publish(api.alerts, "group.new", fingerprint="n", title="noisy", level="ERROR", logger="noisy")
    await h.publish(api.alerts, "group.new", fingerprint="q", title="quiet", level="ERROR", logger="quiet")
    await chat.wait_for("/hook", 1)
    assert chat.at("/hook")[0].json["alerts"][0]["labels"]["logger"] == "quiet"

    status, _ = await api.call("DELETE", f"/api/alerts/silences/{silence['id']}")
    assert status == 200
    status, _ = await api.call("DELETE", f"/api/alerts/silences/{silence['id']}")
    assert status == 404
    status, body = await api.call("GET", "/api/alerts/silences", token=None)
    assert body["items"] == []
    status, body = await api.call("GET", "/api/alerts/silences?expired=1", token=None)
    assert len(body["items"]) == 1 and body["items"][0]["active"] is False
    await h.advance(60)
    await chat.wait_for("/hook", 2)
    assert chat.at("/hook")[1].json["alerts"][0]["labels"]["logger"] == "noisy"


async def test_silence_changes_need_the_token(api: Api) -> None:
    payload = {"matchers": ["logger=x"], "duration": 60}
    status, body = await api.call("POST", "/api/alerts/silences", token=None, json=payload)
    assert status == 401
    status, body = await api.call("POST", "/api/alerts/silences", token="wrong", json=payload)
    assert status == 401
    status, body = await api.call("DELETE", "/api/alerts/silences/whatever", token=None)
    assert status == 401
    status, body = await api.call("GET", "/api/alerts/silences", token=None)
    assert body["items"] == []


@pytest.mark.parametrize("payload, message", [
    ({"duration": 60}, "matchers"),
    ({"matchers": ["nope"], "duration": 60}, "cannot parse matcher"),
    ({"matchers": ["x=~("], "duration": 60}, "not a valid regular expression"),
    ({"matchers": ["x=1"]}, "duration"),
    ({"matchers": ["x=1"], "duration": "soon"}, "duration must be"),
    ({"matchers": ["x=1"], "ends_at": "2001-01-01T00:00:00Z"}, "future"),
    ({"matchers": ["x=1"], "duration": "1000d"}, "at most 90 days"),
])
async def test_bad_silences_are_rejected_with_a_reason(api: Api, payload: dict, message: str) -> None:
    status, body = await api.call("POST", "/api/alerts/silences", json=payload)
    assert status == 400 and message in body["error"], body


async def test_deliveries_list_shows_failures(api: Api, chat: FakeChat) -> None:
    chat.answer("/hook", 400)
    await api.harness.publish(api.alerts, "group.new", fingerprint="f", title="boom", level="ERROR", logger="a")

    async def failed() -> dict | None:
        status, body = await api.call("GET", "/api/alerts/deliveries?status=failed", token=None)
        return body if body["items"] else None

    body = await until_async(failed, what="the failed delivery in the API")
    (row,) = body["items"]
    assert row["receiver"] == "hook" and row["http_status"] == 400 and row["status"] == "failed"
    assert row["last_error"].startswith("HTTP 400") and "payload" not in row
    assert row["summary"].startswith("[FIRING:1] New error: boom")
    assert body["counts"] == {"failed": 1}
    status, body = await api.call("GET", "/api/alerts/deliveries?payload=1&limit=5", token=None)
    assert status == 200 and body["items"][0]["payload"]["version"] == "4"
    status, body = await api.call("GET", "/api/alerts/deliveries?status=bogus", token=None)
    assert status == 400
