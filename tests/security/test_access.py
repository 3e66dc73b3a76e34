"""Who may read, token guessing, the login redirect and path values: a real sidecar over a socket."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sidecar.app import Sidecar
from sidecar.config import Config
from sidecar.web.guard import MAX_FAILURES, FailureLimiter, safe_next

from ..conftest import find_free_port

TOKEN = "read-token-0123456789"
Start = Callable[..., Awaitable[tuple[Sidecar, str]]]


@pytest_asyncio.fixture
async def start(tmp_path) -> AsyncIterator[Start]:
    started: list[Sidecar] = []

    async def run(server: dict[str, Any] | None = None, store: dict[str, Any] | None = None) -> tuple[Sidecar, str]:
        port = find_free_port()
        sidecar = Sidecar(Config.model_validate({
            "server": {"host": "127.0.0.1", "port": port, "api_token": TOKEN, **(server or {})},
            "store": store or {"path": str(tmp_path / f"s{len(started)}.db")},
            "diagnosis": {"kimi_enabled": False}, "rollouts_file": None, "alerts": {"rules_file": None},
        }))
        await sidecar.start()
        started.append(sidecar)
        return sidecar, f"http://127.0.0.1:{port}"

    yield run
    for s in started:
        await s.stop()


READS = ["/api/groups", "/api/status", "/api/rollouts", "/api/diagnosis/status", "/api/alerts/deliveries"]
PAGES = ["/", "/errors", "/alerts", "/rollouts"]


async def test_reading_needs_the_token_by_default(start):
    _, base = await start()
    async with aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        for path in ("/healthz", "/readyz", "/metrics", "/login"):
            async with http.get(path) as r:
                assert r.status in (200, 503), path  # open (readyz may be unready, never 401)
        for path in READS:
            async with http.get(path) as r:
                assert r.status == 401, path
            async with http.get(path, headers={"Authorization": f"Bearer {TOKEN}"}) as r:
                assert r.status == 200, path
        for path in PAGES:
            async with http.get(path, allow_redirects=False) as r:
                assert r.status == 303 and r.headers["Location"].startswith("/login?next="), path
        async with http.post("/login", data={"token": TOKEN, "next": "/errors"}, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"].split("?")[0] == "/errors"
        for path in PAGES:  # the login cookie is now in the session
            async with http.get(path, allow_redirects=False) as r:
                assert r.status == 200, path


async def test_read_access_open_serves_reads_without_a_token(start):
    _, base = await start({"read_access": "open"})
    async with aiohttp.ClientSession(base) as http:
        for path in READS + PAGES:
            async with http.get(path, allow_redirects=False) as r:
                assert r.status == 200, path


async def test_token_guessing_is_rate_limited_logged_and_counted(start, caplog):
    sidecar, base = await start()
    async with aiohttp.ClientSession(base) as http:
        statuses = []
        for i in range(MAX_FAILURES + 5):
            async with http.get("/api/groups", headers={"Authorization": f"Bearer guess-{i}"}) as r:
                statuses.append(r.status)
        assert statuses[:MAX_FAILURES] == [401] * MAX_FAILURES and set(statuses[MAX_FAILURES:]) == {429}
        async with http.get("/api/groups", headers={"Authorization": f"Bearer {TOKEN}"}) as r:
            assert r.status == 429  # the client is locked out for the window, even with the right token
        async with http.post("/login", data={"token": TOKEN}, allow_redirects=False) as r:
            assert r.status == 429
        async with http.get("/metrics") as r:
            text = await r.text()
    assert f'sidecar_auth_failures_total{{method="bearer"}} {float(MAX_FAILURES)}' in text
    assert sum("authentication failed" in rec.getMessage() for rec in caplog.records) >= MAX_FAILURES


async def test_login_form_guessing_is_rate_limited(start):
    _, base = await start()
    async with aiohttp.ClientSession(base) as http:
        statuses = []
        for i in range(MAX_FAILURES + 2):
            async with http.post("/login", data={"token": f"guess{i}"}, allow_redirects=False) as r:
                statuses.append(r.status)
    assert statuses == [401] * MAX_FAILURES + [429, 429]


def test_limiter_window_slides_and_memory_is_bounded():
    now = [0.0]
    lim = FailureLimiter(clock=lambda: now[0], max_failures=3, window=60, max_clients=100)
    for _ in range(3):
        lim.fail("a")
    assert lim.blocked("a") and not lim.blocked("b")
    now[0] = 61
    assert not lim.blocked("a")
    for i in range(1000):
        lim.fail(f"10.0.{i // 256}.{i % 256}")
    assert len(lim._failures) == 100


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/\t/evil.example", "/%0A/evil.example", "/\n/evil.example", "//evil.example",
    "/\\evil.example", "/%5Cevil.example", "https://evil.example/", "javascript:alert(1)", "/%2F/evil.example",
    " /errors", "", "errors",
])
def test_next_only_same_site_paths(target):
    assert safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/errors", "/errors/abc?status=open&page=2", "/rollouts/async-upload"])
def test_next_keeps_same_site_paths(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0A/evil.example", "//evil.example", "/\\evil.example"])
async def test_login_never_redirects_off_site(start, target):
    _, base = await start()
    async with aiohttp.ClientSession(base) as http:
        async with http.post("/login", data={"token": TOKEN, "next": target}, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"].split("?")[0] == "/"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_nul_and_long_path_values_are_404_on_both_backends(start, backend, request, tmp_path):
    store = None
    if backend == "postgres":
        store = {"backend": "postgres", "dsn": request.getfixturevalue("pg_migrated_dsn")}
    _, base = await start({"read_access": "open"}, store)
    bad = ["%00", "abc%00def", "a" * 5000, "%1b%5b31m", "x%7f"]
    paths = [p for v in bad for p in (f"/api/groups/{v}", f"/api/groups/{v}/diagnoses", f"/errors/{v}",
                                      f"/api/rollouts/{v}", f"/rollouts/{v}")]
    async with aiohttp.ClientSession(base) as http:
        for path in paths:
            async with http.get(path, allow_redirects=False) as r:
                assert r.status == 404, (path[:60], r.status)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for v in bad:
            async with http.post(f"/api/groups/{v}/resolve", headers=auth, json={}) as r:
                assert r.status == 404, (v[:40], r.status)
        async with http.get("/api/groups/0123456789abcdef0123456789abcdef") as r:
            assert r.status == 404  # well-formed and unknown: still 404, from the handler
