"""One error path: every error class of the sidecar derives from SidecarError; the API's refusals
(bad query values, unknown ids, the store gone, no token) answer JSON `{"error": ...}` through one
middleware, pages answer a browser in HTML; query strings are parsed by pydantic models."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import string

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sidecar
from sidecar.app import Sidecar
from sidecar.exceptions import SidecarError
from sidecar.store.base import StoreUnavailable
from sidecar.web.errors import errors
from tests.foundation.test_server import make_config


def sidecar_exception_classes() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(sidecar.__path__, "sidecar."):
        if info.name.startswith("sidecar.demo") or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == info.name:
                found.append(obj)
    return found


def test_every_error_class_of_the_sidecar_is_a_sidecar_error() -> None:
    classes = sidecar_exception_classes()
    assert len(classes) >= 20, "the walk found the stages' error classes"
    strays = sorted(f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, SidecarError))
    assert strays == []


@pytest.fixture
async def http(tmp_path, free_port):
    app = Sidecar(make_config(tmp_path, free_port, api_token="t0ken"))
    await app.start()
    try:
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}") as session:
            session.app = app  # type: ignore[attr-defined]
            yield session
    finally:
        await app.stop()


async def answer(http: aiohttp.ClientSession, method: str, path: str, **kw: object) -> tuple[int, object]:
    async with http.request(method, path, **kw) as r:
        assert r.content_type == "application/json", (path, r.content_type, await r.text())
        return r.status, await r.json()


@pytest.mark.parametrize("path, status, error", [
    ("/api/groups?limit=abc", 400, "limit must be an integer"),
    ("/api/groups?limit=0", 400, "limit must be between 1 and 200"),
    ("/api/groups?limit=201", 400, "limit must be between 1 and 200"),
    ("/api/groups?page=-1", 400, "page must be between 1 and 1000000"),
    ("/api/groups?status=open,bogus", 400, "unknown status 'bogus' (expected one of open, regressed, muted, resolved)"),
    ("/api/groups?sort=evil", 400, "unknown sort 'evil'"),
    ("/api/groups?status=bogus&limit=abc", 400, "unknown status 'bogus'"),  # the first bad one, in order
    ("/api/groups/nope", 404, "no group with fingerprint nope"),
    ("/api/groups/nope?minutes=5000", 404, "no group with fingerprint nope"),
    ("/api/groups/nope/diagnoses?limit=x", 400, "limit must be an integer"),
    ("/api/alerts/deliveries?status=lost", 400, "status must be pending, sent or failed"),
    ("/api/alerts/deliveries?limit=1.5", 400, "limit must be an integer"),
    ("/api/rollouts/none", 404, "no rollout named 'none'"),
])
async def test_refusals_are_json_with_the_reason(http, path: str, status: int, error: str) -> None:
    got_status, body = await answer(http, "GET", path, headers={"Authorization": "Bearer t0ken"})
    assert got_status == status and isinstance(body, dict) and set(body) == {"error"}
    assert body["error"].startswith(error), body


async def test_limits_that_clamp_still_clamp_and_flags_keep_their_words(http) -> None:
    auth = {"Authorization": "Bearer t0ken"}
    assert (await answer(http, "GET", "/api/alerts/deliveries?limit=100000&payload=yes", headers=auth))[0] == 200
    assert (await answer(http, "GET", "/api/alerts/silences?limit=-4&expired=maybe", headers=auth))[0] == 200
    assert (await answer(http, "GET", "/api/groups?status=&limit=", headers=auth))[0] == 200  # empty = default


async def test_token_refusals_keep_status_header_and_body(http) -> None:
    status, body = await answer(http, "GET", "/api/groups", headers={"Authorization": "Bearer wrong"})
    assert (status, body) == (401, {"error": "wrong API token"})
    async with http.post("/api/groups/x/resolve") as r:
        assert r.status == 401 and r.headers["WWW-Authenticate"] == 'Bearer realm="sidecar"'
        assert (await r.json())["error"].startswith("API token required")


async def test_the_store_gone_is_503_json_for_the_api_and_html_for_a_browser(free_port) -> None:
    async def handler(request: web.Request) -> web.Response:
        raise StoreUnavailable("sqlite: disk I/O error")

    app = web.Application(middlewares=[errors])
    app.router.add_get("/api/thing", handler)
    app.router.add_get("/page", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", free_port).start()
    try:
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}") as http:
            for accept in ("*/*", "text/html"):  # /api/ is JSON for everyone
                status, body = await answer(http, "GET", "/api/thing", headers={"Accept": accept})
                assert (status, body) == (503, {"error": "store unavailable: sqlite: disk I/O error"})
            async with http.get("/page", headers={"Accept": "text/html,*/*"}) as r:
                assert r.status == 503 and r.content_type == "text/html"
                assert "store unavailable: sqlite: disk I/O error" in await r.text()
            assert (await answer(http, "GET", "/page"))[0] == 503  # a script asking a page gets JSON
    finally:
        await runner.cleanup()


async def test_an_html_refusal_escapes_the_message(http) -> None:
    async with http.get("/ui/<script>alert(1)</script>\x01", headers={"Accept": "text/html"}) as r:
        text = await r.text()
        assert r.status == 404 and "<script>alert" not in text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["limit", "page", "minutes", "status", "sort", "q", "wait", "payload", "expired"]),
       st.text(alphabet=string.printable + "é\u202e\ufeff", max_size=40))
async def test_any_query_value_is_answered_never_a_500(http, name: str, value: str) -> None:
    for path in ("/api/groups", "/api/alerts/deliveries", "/api/alerts/silences"):
        async with http.get(path, params={name: value}, headers={"Authorization": "Bearer t0ken"}) as r:
            body = json.loads(await r.text())
            assert r.status in (200, 400), (path, name, value, r.status, body)
            assert r.status == 200 or set(body) == {"error"}
