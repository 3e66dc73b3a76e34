"""`/api/openapi.json` documents every /api route the application serves (and nothing else), and
the answers a running sidecar really gives, successes and refusals, validate against the schemas
it publishes (jsonschema, Draft 2020-12, as OpenAPI 3.1 specifies)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from jsonschema import Draft202012Validator

from sidecar.app import Sidecar
from sidecar.clock import ManualClock
from sidecar.config import Config
from sidecar.web.api.openapi import document
from sidecar.web.server import build_web_app
from tests.web.seed import gateway_events

TOKEN = "openapi-test-token"
START = 1_795_435_200.0


def config(tmp_path: Path, port: int) -> Config:
    return Config.model_validate({
        "server": {"read_access": "token", "host": "127.0.0.1", "port": port, "api_token": TOKEN},
        "store": {"path": str(tmp_path / "sidecar.db")},
        "diagnosis": {"kimi_enabled": False},
        "rollouts_file": None,
        "rollouts": [{"name": "upload", "flag": "ASYNC_UPLOAD_ROLLOUT",
                      "stages": [{"percent": 1, "hold": 60}, {"percent": 100}]}],
        "alerts": {"rules_file": None},
        "collect": {"sentry": {"projects": [{"id": 7, "keys": ["publickey"]}]}},
        "ingest": {"checkpoint_dir": str(tmp_path / "checkpoints")},
    })


def served_routes(app_config: Config) -> set[tuple[str, str]]:
    app = build_web_app(Sidecar(app_config))
    out = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        if path and path.startswith("/api/") and route.method != "HEAD":
            out.add((route.method, path))
    return out


def documented_routes() -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, ops in document()["paths"].items() for method in ops}


def test_every_api_route_is_documented_and_nothing_else(tmp_path: Path) -> None:
    served = served_routes(config(tmp_path, 1))
    assert len(served) >= 18
    assert served == documented_routes()


def test_the_document_is_well_formed() -> None:
    doc = document()
    assert doc["openapi"].startswith("3.1")
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    refs = {r for r in json.dumps(doc).split('"$ref": "')[1:]}
    for ref in refs:
        name = ref.split('"')[0].rsplit("/", 1)[-1]
        assert name in doc["components"]["schemas"], name
    for path, ops in doc["paths"].items():
        for op in ops.values():
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == {seg[1:-1] for seg in path.split("/") if seg.startswith("{")}


@dataclass
class Client:
    http: aiohttp.ClientSession
    doc: dict[str, Any]
    checked: set[tuple[str, str, int]]

    async def call(self, method: str, path: str, template: str | None = None, **kw: Any) -> tuple[int, Any]:
        """Call, then validate the body against what the document says for (route, status)."""
        async with self.http.request(method, path, **kw) as r:
            status, body = r.status, (await r.json() if r.content_type == "application/json" else None)
        route = template or path.split("?")[0]
        op = self.doc["paths"][route][method.lower()]
        assert str(status) in op["responses"], (method, path, status, body)
        content = op["responses"][str(status)].get("content")
        if content is not None:
            schema = {**content["application/json"]["schema"], "components": self.doc["components"]}
            errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
            assert not errors, (method, path, status, [f"{list(e.path)}: {e.message}" for e in errors[:5]])
        self.checked.add((method, route, status))
        return status, body


@pytest.fixture
async def client(tmp_path: Path, free_port: int) -> AsyncIterator[Client]:
    clock = ManualClock(start=START)
    sidecar = Sidecar(config(tmp_path, free_port), clock=clock)
    await sidecar.start()
    try:
        assert sidecar.stages.groups is not None
        await sidecar.stages.groups.record(gateway_events(clock.time()))
        async with aiohttp.ClientSession(f"http://127.0.0.1:{free_port}",
                                         headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            async with http.get("/api/openapi.json") as r:
                assert r.status == 200
                served = await r.json()
            assert served == json.loads(json.dumps(document()))
            yield Client(http, served, set())
    finally:
        await sidecar.stop()


async def test_real_answers_validate_against_the_published_schemas(client: Client) -> None:
    c = client
    await c.call("GET", "/api/status")
    status, groups = await c.call("GET", "/api/groups?sort=severity&limit=3")
    assert status == 200 and groups["items"]
    fp = groups["items"][0]["fingerprint"]
    one = "/api/groups/{fingerprint}"
    assert (await c.call("GET", f"/api/groups/{fp}?minutes=120", one))[0] == 200
    assert (await c.call("GET", "/api/groups/unknown", one))[0] == 404
    assert (await c.call("GET", "/api/groups?limit=x"))[0] == 400
    assert (await c.call("POST", f"/api/groups/{fp}/mute", "/api/groups/{fingerprint}/mute",
                         json={"notes": "noisy"}))[0] == 200
    assert (await c.call("POST", f"/api/groups/{fp}/reopen", "/api/groups/{fingerprint}/reopen"))[0] == 200
    assert (await c.call("POST", f"/api/groups/{fp}/resolve", "/api/groups/{fingerprint}/resolve",
                         json={"notes": 5}))[0] == 400
    assert (await c.call("POST", f"/api/groups/{fp}/diagnose", "/api/groups/{fingerprint}/diagnose"))[0] in (200, 202)
    assert (await c.call("POST", f"/api/groups/{fp}/diagnose?wait=false",
                         "/api/groups/{fingerprint}/diagnose"))[0] == 202
    assert (await c.call("GET", f"/api/groups/{fp}/diagnoses", "/api/groups/{fingerprint}/diagnoses"))[0] == 200
    assert (await c.call("GET", "/api/diagnosis/status"))[0] == 200
    assert (await c.call("GET", "/api/rollouts"))[0] == 200
    detail = "/api/rollouts/{name}"
    assert (await c.call("GET", "/api/rollouts/upload", detail))[0] == 200
    assert (await c.call("GET", "/api/rollouts/nope", detail))[0] == 404
    act = "/api/rollouts/{name}/{action}"
    assert (await c.call("POST", "/api/rollouts/upload/start", act, json={"reason": "ship it"}))[0] == 200
    assert (await c.call("POST", "/api/rollouts/upload/resume", act))[0] == 409
    assert (await c.call("POST", "/api/rollouts/upload/rollback", act, json=[1]))[0] == 400
    status, created = await c.call("POST", "/api/alerts/silences",
                                   json={"matchers": ["logger=noisy"], "duration": "2h", "comment": "deploy"})
    assert status == 201
    assert (await c.call("POST", "/api/alerts/silences", json={"matchers": []}))[0] == 400
    status, listed = await c.call("GET", "/api/alerts/silences?expired=1")
    assert status == 200 and listed["items"][0]["active"] is True
    gone = "/api/alerts/silences/{silence_id}"
    assert (await c.call("DELETE", f"/api/alerts/silences/{created['silence']['id']}", gone))[0] == 200
    assert (await c.call("DELETE", "/api/alerts/silences/none", gone))[0] == 404
    assert (await c.call("GET", "/api/alerts/deliveries?status=failed&payload=1"))[0] == 200
    assert (await c.call("GET", "/api/alerts/deliveries?status=lost"))[0] == 400
    async with aiohttp.ClientSession(str(c.http._base_url)) as anonymous:
        nobody = Client(anonymous, c.doc, c.checked)
        assert (await nobody.call("GET", "/api/groups"))[0] == 401
        assert (await nobody.call("GET", "/api/stream"))[0] == 401
        assert (await nobody.call("POST", f"/api/groups/{fp}/resolve", "/api/groups/{fingerprint}/resolve"))[0] == 401
    event = {"event_id": "a" * 32, "level": "error", "platform": "python",
             "exception": {"values": [{"type": "KeyError", "value": "'file_id'"}]}}
    sentry_store = "/api/{project_id}/store/"
    status, body = await c.call("POST", "/api/7/store/?sentry_key=publickey", sentry_store, json=event)
    assert status == 200 and body == {"id": "a" * 32}
    envelope = (json.dumps({"event_id": "b" * 32}) + "\n" + json.dumps({"type": "event"}) + "\n"
                + json.dumps({**event, "event_id": "b" * 32}) + "\n").encode()
    status, body = await c.call("POST", "/api/7/envelope/?sentry_key=publickey", "/api/{project_id}/envelope/",
                                data=envelope)
    assert status == 200 and body == {"id": "b" * 32}
    documented_json = {(method.upper(), path) for path, ops in c.doc["paths"].items() for method, op in ops.items()
                       if any("content" in r for r in op["responses"].values())}
    exercised = {(method, route) for method, route, _ in c.checked}
    assert documented_json - exercised <= {("GET", "/api/openapi.json")}, documented_json - exercised
