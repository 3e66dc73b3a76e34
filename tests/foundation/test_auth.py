"""Every state-changing route of the assembled app refuses a request that lacks the API token.

The routes are enumerated from the running app rather than listed by hand, so a route added
later without `require_token` fails this test.
"""

from __future__ import annotations

import re

import aiohttp
import pytest

from sidecar.app import Sidecar
from sidecar.config import Config

# The login form itself cannot require the token it is there to receive; logout only clears
# the caller's own cookie.
NOT_GUARDED = {("POST", "/login"), ("POST", "/logout")}
SAMPLE_VALUES = {"fingerprint": "0123456789abcdef", "name": "async-upload", "action": "resolve",
                 "silence_id": "s1", "project_id": "1"}


def make_config(tmp_path, port: int, token: str | None) -> Config:
    return Config.model_validate({
        "server": {"host": "127.0.0.1", "port": port, **({"api_token": token} if token else {})},
        "store": {"path": str(tmp_path / "sidecar.db")},
        "ingest": {"checkpoint_dir": str(tmp_path / "checkpoints")},
        "rollouts_file": None,
        "rollouts": [{"name": "async-upload", "flag": "ASYNC_UPLOAD_ROLLOUT", "stages": [{"percent": 1}]}],
        # SDK endpoints take their own keys (DSN keys, OTLP keys), never nothing.
        "collect": {"sentry": {"projects": [{"id": 1, "keys": ["dsn-public-key"]}]}, "otlp": {"enabled": True}},
    })


def state_changing_routes(sidecar: Sidecar) -> list[tuple[str, str]]:
    from sidecar.web.server import build_web_app

    app = build_web_app(sidecar)
    out = []
    for route in app.router.routes():
        if route.method in ("GET", "HEAD", "OPTIONS"):
            continue
        path = route.resource.canonical
        if (route.method, path) in NOT_GUARDED:
            continue
        values = {**SAMPLE_VALUES, "action": "pause" if "rollouts" in path else "resolve"}
        concrete = re.sub(r"\{(\w+)\}", lambda m, v=values: v.get(m.group(1), "x"), path)
        out.append((route.method, concrete))
    return out


@pytest.mark.parametrize("token", ["s3cret-token", None])
async def test_every_state_changing_route_needs_the_token(tmp_path, free_port, token):
    sidecar = Sidecar(make_config(tmp_path, free_port, token))
    await sidecar.start()
    try:
        routes = state_changing_routes(sidecar)
        assert len(routes) >= 8, routes  # groups, diagnose, rollouts, silences, page actions
        refused = {}
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}") as http:
            for method, path in routes:
                for headers in ({}, {"Authorization": "Bearer wrong-token"}):
                    async with http.request(method, path, headers=headers, json={}, allow_redirects=False) as r:
                        refused[(method, path, bool(headers))] = r.status
        expected = {401, 403, 429} if token else {403}  # 429: the per-client limit on wrong tokens
        sdk_paths = ("/api/1/envelope/", "/api/1/store/")  # their own DSN keys: 401 without one
        leaks = {k: v for k, v in refused.items() if v not in (expected | {401} if k[1] in sdk_paths else expected)}
        assert not leaks, f"routes that did not refuse an unauthenticated request: {leaks}"
    finally:
        await sidecar.stop()


async def test_cookie_without_csrf_is_refused(tmp_path, free_port):
    """A browser session (cookie) alone cannot act: a cross-site form cannot read the CSRF token."""
    sidecar = Sidecar(make_config(tmp_path, free_port, "s3cret-token"))
    await sidecar.start()
    try:
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}",
                                         cookies={"sidecar_token": "s3cret-token"}) as http:
            async with http.post("/api/groups/0123456789abcdef/resolve", allow_redirects=False) as r:
                assert r.status == 403
                assert "CSRF" in await r.text()
    finally:
        await sidecar.stop()
