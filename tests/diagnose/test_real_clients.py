"""Errors produced by the real client libraries over a loopback socket, logged as the gateway logs them.

The openai SDK against a local aiohttp server answering each status class with Moonshot's and Z.ai's
documented error bodies (and hanging, and a closed port); websockets 15 client and server closing with
each RFC 6455 close code. The expected category comes from the taxonomy (evals/TAXONOMY.md), not from
the engine's tables: who must act for that status/code.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
import websockets
from aiohttp import web

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.rules import load_rules
from tests.diagnose.conftest import answering
from tests.diagnose.logged import KeepRecords, logged
from tests.helpers import serving

RULES = load_rules("rules/diagnoses.yaml")


def _moonshot(status: int, etype: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"message": message, "type": etype}}


def _zai(status: int, code: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"code": code, "message": message}}


# (provider logger, the answer, the category the taxonomy gives it)
CASES = [
    ("src.providers.kimi_chat", _moonshot(400, "invalid_request_error", "Invalid request: temperature out of range"), "code"),
    ("src.providers.kimi_chat", _moonshot(400, "invalid_request_error",
                                          "Invalid request: Your request exceeded model token limit: 262144"), "code"),
    ("src.providers.kimi_chat", _moonshot(400, "content_filter", "The request was rejected because it was considered high risk"),
     "provider"),
    ("src.providers.kimi_chat", _moonshot(401, "invalid_authentication_error", "Invalid Authentication"), "config"),
    ("src.providers.kimi_chat", _moonshot(403, "permission_denied_error", "not allowed"), "config"),
    ("src.providers.kimi_chat", _moonshot(404, "resource_not_found_error", "Not found the model kimi-k9 or Permission denied"),
     "config"),
    ("src.providers.kimi_chat", _moonshot(429, "rate_limit_reached_error", "max RPM reached"), "provider"),
    ("src.providers.kimi_chat", _moonshot(429, "engine_overloaded_error", "The engine is currently overloaded"), "provider"),
    ("src.providers.kimi_chat", _moonshot(429, "exceeded_current_quota_error", "suspended due to insufficient balance"),
     "provider"),
    ("src.providers.kimi_chat", _moonshot(500, "server_error", "internal error"), "provider"),
    ("src.providers.kimi_chat", (503, {"error": {"message": "service unavailable"}}), "provider"),
    ("src.providers.glm_chat", _zai(401, "1002", "Authorization Token非法，请确认Authorization Token正确传递。"), "config"),
    ("src.providers.glm_chat", _zai(429, "1113", "Insufficient balance or no resource package. Please recharge."), "provider"),
    ("src.providers.glm_chat", _zai(429, "1302", "High concurrency usage of this API, please reduce concurrency"),
     "provider"),
    ("src.providers.glm_chat", _zai(429, "1305", "The service may be temporarily overloaded, please try again later"),
     "provider"),
    ("src.providers.glm_chat", _zai(400, "1211", "Unknown Model, please check the model code."), "config"),
    ("src.providers.glm_chat", _zai(400, "1261", "Prompt exceeds max length"), "code"),
    ("src.providers.glm_chat", _zai(400, "1301", "System detected potentially unsafe or sensitive content in input"),
     "provider"),
]


@pytest.mark.parametrize(("logger", "answer", "category"), CASES,
                         ids=[f"{c[0].rsplit('.', 1)[-1]}-{c[1][0]}-{json.dumps(c[1][1])[:40]}" for c in CASES])
async def test_openai_sdk_status_errors_from_a_local_server(provider: tuple[str, dict[str, Any]], logger: str,
                                                            answer: tuple[int, dict[str, Any]], category: str) -> None:
    url, state = provider
    state["answer"] = answer
    model = "glm-4.6" if "glm" in logger else "kimi-k2-0905-preview"
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=url, max_retries=0)
    try:
        await client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])
    except openai.APIStatusError:
        line = logged(logger, f"chat failed for model {model}")
    else:
        pytest.fail("the call did not fail")
    finally:
        await client.close()
    d = RULES.diagnose(excerpt_to_input(line))
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert d.category == category, (answer, d.rule, d.summary)
    other = "Kimi|Moonshot" if "glm" in logger else r"GLM|Z\.ai"
    assert not re.search(other, d.summary), (answer, d.summary)
    assert d.category != "unknown" and "?" not in d.summary and text


async def test_a_provider_that_hangs_is_a_provider_timeout(provider: tuple[str, dict[str, Any]]) -> None:
    url, state = provider
    state["answer"] = "hang"
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=url, max_retries=0, timeout=0.3)
    try:
        await client.chat.completions.create(model="kimi-k2-0905-preview", messages=[{"role": "user", "content": "x"}])
    except openai.APITimeoutError:
        line = logged("src.providers.kimi_chat", "Kimi chat failed")
    finally:
        await client.close()
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.category == "provider" and "Kimi" in d.summary and "Supabase" not in d.summary, d.summary


async def test_a_closed_port_is_a_network_failure_not_the_provider() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once the socket is closed
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    try:
        await client.chat.completions.create(model="kimi-k2-0905-preview", messages=[{"role": "user", "content": "x"}])
    except openai.APIConnectionError:
        line = logged("src.providers.kimi_chat", "Kimi chat failed")
    finally:
        await client.close()
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.category == "network" and "Kimi" in d.summary, (d.rule, d.summary)


# RFC 6455 7.4.1 close codes a server sends, and the category of the closing side's reason (taxonomy:
# 1001 going away is benign, 1008 policy = auth/config, 1009 too big = max_size config, 1011 received = the peer
# failed, 1013 try again later = capacity)
CLOSES = [(1000, "network"), (1001, "network"), (1008, "config"), (1009, "config"), (1011, "network"),
          (1012, "network"), (1013, "capacity")]


@pytest.mark.parametrize(("code", "category"), CLOSES, ids=[str(c) for c, _ in CLOSES])
async def test_websockets_close_codes_received_by_a_real_client(code: int, category: str) -> None:
    async def handler(ws: Any) -> None:
        await ws.close(code, "server says bye")

    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with websockets.connect(f"ws://127.0.0.1:{port}") as ws:
            try:
                await ws.recv()
            except websockets.ConnectionClosed:
                line = logged("src.monitoring.resilient_websocket", "Connection closed")
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.category == category and str(code) in " ".join([d.summary, d.root_cause]), (code, d.rule, d.summary)
    assert d.confidence < 0.6 or code in (1000, 1001)


def test_a_blocked_client_event_loop_makes_the_server_close_with_keepalive_1011() -> None:
    """The 2025-10-26 incident's shape, for real: the client's loop blocks, its pongs stop, websockets' keepalive
    on the server gives up ('sent 1011 (internal error) keepalive ping timeout')."""
    import threading
    import time

    lines: list[str] = []
    ready = threading.Event()
    done = threading.Event()
    port: list[int] = []

    async def handler(ws: Any) -> None:
        try:
            await ws.recv()
        except websockets.ConnectionClosed:
            lines.append(logged("ws_daemon", "Connection error for client"))
        finally:
            done.set()

    async def serve() -> None:
        async with websockets.serve(handler, "127.0.0.1", 0, ping_interval=0.1, ping_timeout=0.1) as server:
            port.append(next(iter(server.sockets)).getsockname()[1])
            ready.set()
            await asyncio.get_running_loop().run_in_executor(None, done.wait, 10)

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(10)

    async def client() -> None:
        async with websockets.connect(f"ws://127.0.0.1:{port[0]}", ping_interval=None) as ws:
            time.sleep(0.8)  # noqa: ASYNC251 - the blocking call under test: the loop cannot answer pings
            with pytest.raises(websockets.ConnectionClosed):
                await ws.recv()

    asyncio.run(client())
    thread.join(10)
    assert lines and "keepalive ping timeout" in lines[0]
    d = RULES.diagnose(excerpt_to_input(lines[0]))
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert d.category == "network" and "ping" in text and "event loop" in text, (d.rule, d.summary)
    assert d.category != "code" and "handler raised" not in text


def test_an_llm_client_without_a_key_is_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # the container's environment, not the code under test
    line = ""
    try:  # every openai release the project allows (pyproject: >=1.30) refuses a client without a key
        openai.AsyncOpenAI(base_url="http://127.0.0.1:9/v1")
    except openai.OpenAIError:
        line = logged("src.providers.kimi", "Kimi provider init failed")
    assert line, f"openai {openai.__version__} built a client without a key: the SDK's contract changed"
    d = RULES.diagnose(excerpt_to_input(line))
    assert (d.category, d.severity) == ("config", "critical") and "key" in d.root_cause, (d.rule, d.summary)


def test_a_directory_where_a_file_is_expected_is_configuration(tmp_path: Any) -> None:
    try:
        open(tmp_path)  # noqa: SIM115 - the failure is the point
    except IsADirectoryError:
        line = logged("src.core.env_config", "cannot read the prompt file")
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.category == "config" and "director" in d.summary, (d.rule, d.summary)


# --- the Supabase side: postgrest-py, storage3 and psycopg_pool against local servers ------------------

@pytest.fixture
async def rest() -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """A local PostgREST/Storage stand-in: answers `state["answer"]` = (status, body) or "hang" on every path."""
    state: dict[str, Any] = {"answer": (200, [])}
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answering(state))
    async with serving(app) as port:
        yield f"http://127.0.0.1:{port}", state


POSTGREST = [
    ((400, {"message": "Could not find the 'upload_method' column of 'provider_file_uploads' in the schema cache",
            "code": "PGRST204", "hint": None, "details": None}), "code", "schema"),
    ((401, {"message": "JWT expired", "code": "PGRST303", "hint": None, "details": None}), "storage", "JWT"),
    # a token whose iat is ahead of PostgREST's clock: clock skew, not an expiry or a key (round 6)
    ((401, {"message": "JWT issued at future", "code": "PGRST303", "hint": None, "details": None}), "storage", "clock"),
    # the JWT group by its message (postgrest_codes.pgrst_jwt_entry): another project's key (config), a header that
    # is no JWT (code), no token with anonymous access off (code)
    ((401, {"message": "JWSError JWSInvalidSignature", "code": "PGRST301", "hint": None, "details": None}), "config",
     "key"),
    ((401, {"message": "JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got 1)",
            "code": "PGRST301", "hint": None, "details": None}), "code", "Bearer"),
    ((401, {"message": "Anonymous access is disabled", "code": "PGRST302", "hint": None, "details": None}), "code",
     "key"),
    ((409, {"message": 'duplicate key value violates unique constraint "conversation_files_pkey"', "code": "23505",
            "hint": None, "details": "Key (id)=(1) already exists."}), "storage", "23505"),
    ((400, {"message": 'invalid input syntax for type uuid: "c-91d2"', "code": "22P02", "hint": None, "details": None}),
     "code", "uuid"),
    ((500, {"message": "canceling statement due to statement timeout", "code": "57014", "hint": None, "details": None}),
     "storage", "57014"),
    ((503, {"message": "Could not connect to the database", "code": "PGRST000", "hint": None, "details": None}),
     "storage", "database"),
    # doctrine.py: a refused project key, a grant, an unexposed schema (config); a query that does not match the
    # schema (code)
    ((401, {"message": "Invalid API key", "code": None,
            "hint": "Double check your Supabase `anon` or `service_role` API key.", "details": None}), "config", "key"),
    ((403, {"message": "permission denied for table provider_file_uploads", "code": "42501", "hint": None,
            "details": None}), "config", "42501"),
    ((406, {"message": "The schema must be one of the following: public, graphql_public", "code": "PGRST106",
            "hint": None, "details": None}), "config", "schema"),
    ((300, {"message": "Could not embed because more than one relationship was found for 'conversations' and "
            "'messages'", "code": "PGRST201", "hint": "Try changing 'messages' to one of the following: "
            "'messages!messages_conversation_id_fkey'", "details": None}), "code", "relationship"),
    ((404, {"message": "operator does not exist: uuid = text", "code": "42883",
            "hint": "No operator matches the given name and argument types. You might need to add explicit type casts.",
            "details": None}), "code", "cast"),
]


@pytest.mark.parametrize(("answer", "category", "word"), POSTGREST, ids=[str(a[0][1]["code"] or a[0][1]["message"])
                                                                        for a in POSTGREST])
async def test_postgrest_py_errors_from_a_local_server(rest: tuple[str, dict[str, Any]], answer: Any, category: str,
                                                       word: str) -> None:
    from postgrest import AsyncPostgrestClient
    from postgrest.exceptions import APIError

    url, state = rest
    state["answer"] = answer
    client = AsyncPostgrestClient(f"{url}/rest/v1", retry_enabled=False)
    try:
        await client.from_("provider_file_uploads").insert({"id": 1}).execute()
    except APIError:
        line = logged("src.storage.supabase_client", "Failed to record upload")
    else:
        pytest.fail("no APIError")
    finally:
        await client.aclose()
    d = RULES.diagnose(excerpt_to_input(line))
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert d.category == category and word in text, (answer, d.rule, d.summary)
    assert not re.search(r"Kimi|GLM|KIMI_TIMEOUT_SECS|content filter", text), (answer, d.summary)


async def test_a_slow_postgrest_call_is_a_database_timeout_not_the_provider(rest: tuple[str, dict[str, Any]]) -> None:
    import httpx
    from postgrest import AsyncPostgrestClient

    url, state = rest
    state["answer"] = "hang"
    client = AsyncPostgrestClient(f"{url}/rest/v1", timeout=0.3, retry_enabled=False)
    try:
        await client.from_("messages").select("*").execute()
    except httpx.TimeoutException:
        line = logged("src.storage.supabase_client", "Failed to load messages")
    finally:
        await client.aclose()
    d = RULES.diagnose(excerpt_to_input(line))
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert d.category == "storage" and "timed out" in text, (d.rule, d.summary)
    assert not re.search(r"Kimi|KIMI_TIMEOUT_SECS|fail over|provider call", text), d.summary


STORAGE = [((400, {"statusCode": "413", "error": "Payload too large",
                   "message": "The object exceeded the maximum allowed size"}), "storage"),
           ((400, {"statusCode": "403", "error": "Unauthorized",
                   "message": "new row violates row-level security policy"}), "config"),
           ((400, {"statusCode": "404", "error": "Bucket not found", "message": "Bucket not found"}), "config"),
           ((429, {"statusCode": "429", "error": "too many requests", "message": "rate limit"}), "storage")]


@pytest.mark.parametrize(("answer", "category"), STORAGE, ids=[a[0][1]["error"] for a in STORAGE])
async def test_storage3_errors_from_a_local_server(rest: tuple[str, dict[str, Any]], answer: Any, category: str) -> None:
    from storage3 import AsyncStorageClient
    from storage3.exceptions import StorageApiError

    url, state = rest
    state["answer"] = answer
    client = AsyncStorageClient(f"{url}/storage/v1/", {"apikey": "k", "Authorization": "Bearer k"})
    try:
        await client.from_("uploads").upload("a/b.txt", b"hello")
    except StorageApiError:
        line = logged("src.storage.supabase_storage", "upload failed")
    else:
        pytest.fail("no StorageApiError")
    finally:
        await client.session.aclose()
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.category == category and "Supabase" in " ".join([d.summary, d.root_cause]), (answer, d.rule, d.summary)
    assert not re.search(r"Kimi|GLM|context length", d.summary)


async def test_an_exhausted_psycopg_pool_is_the_database_pool(pg_dsn: str) -> None:
    from psycopg_pool import AsyncConnectionPool, PoolTimeout

    async with AsyncConnectionPool(pg_dsn, min_size=1, max_size=1, open=False) as pool:
        await pool.open(wait=True)
        async with pool.connection():
            try:
                async with pool.connection(timeout=0.2):
                    pass
            except PoolTimeout:
                line = logged("src.storage.db", "Database unavailable")
    d = RULES.diagnose(excerpt_to_input(line))
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert d.category == "capacity" and "pool" in text, (d.rule, d.summary)  # our pool's limit (doctrine.py)
    assert not re.search(r"Kimi|KIMI_TIMEOUT_SECS|fail over", text)


async def test_websockets_server_side_failures_for_real() -> None:
    """A TCP probe (no upgrade), a message over max_size and an upgrade refused with 403, each as websockets 15 says it."""
    keep = KeepRecords()
    for name in ("websockets.server", "ws_daemon"):
        logging.getLogger(name).addHandler(keep)
    lines: dict[str, str] = {}

    async def handler(ws: Any) -> None:
        try:
            await ws.recv()
        except websockets.ConnectionClosed:
            lines["too-big"] = logged("ws_daemon", "Connection error for client")

    def refuse(connection: Any, request: Any) -> Any:
        if request.path == "/private":
            return connection.respond(403, "Forbidden\n")
        return None

    try:
        async with websockets.serve(handler, "127.0.0.1", 0, max_size=1024, process_request=refuse,
                                    open_timeout=1, close_timeout=1) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            reader, writer = await asyncio.open_connection("127.0.0.1", port)  # a health probe speaking plain HTTP
            writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            await writer.drain()
            await reader.read(1024)
            writer.close()
            async with websockets.connect(f"ws://127.0.0.1:{port}") as ws:
                await ws.send("x" * 4096)
                with pytest.raises(websockets.ConnectionClosed):
                    await ws.recv()
            try:
                async with websockets.connect(f"ws://127.0.0.1:{port}/private"):
                    pass
            except websockets.InvalidStatus:
                lines["refused"] = logged("src.monitoring.resilient_websocket", "WebSocket connect failed")
            await asyncio.sleep(0)
    finally:
        for name in ("websockets.server", "ws_daemon"):
            logging.getLogger(name).removeHandler(keep)
    probes = [r for r in keep.records if "opening handshake failed" in r]
    assert probes and set(lines) == {"too-big", "refused"}, (keep.records, lines)
    expected = {"probe": (probes[0], "network"), "too-big": (lines["too-big"], "config"),
                "refused": (lines["refused"], "config")}
    for name, (line, category) in expected.items():
        d = RULES.diagnose(excerpt_to_input(line))
        assert d.category == category, (name, d.rule, d.summary)
        assert not re.search(r"Kimi|GLM|Supabase|keepalive", d.summary), (name, d.summary)


@pytest.mark.parametrize("status", [200, 204])
async def test_a_websocket_client_pointed_at_a_plain_http_port_is_the_url_not_the_token(status: int) -> None:
    """websockets.connect to a port where a plain HTTP service answers (a web UI on the daemon's port): InvalidStatus
    with a 2xx/3xx is a wrong host/port setting; the diagnosis must not blame the token or say 403."""
    async def page(request: web.Request) -> web.StreamResponse:
        if status == 204:
            return web.Response(status=204)
        return web.Response(text="<html>Redis Commander</html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    async with serving(app) as port:
        try:
            async with websockets.connect(f"ws://127.0.0.1:{port}", open_timeout=5):
                pass
        except websockets.InvalidStatus:
            line = logged("scripts.runtime.run_ws_shim", "daemon connection failed")
    context = f"2025-11-13 10:30:00 INFO scripts.runtime.run_ws_shim: connecting to EXAI daemon at ws://127.0.0.1:{port}\n"
    d = RULES.diagnose(excerpt_to_input(context + line))
    assert d.category == "config" and f"HTTP {status}" in d.summary, (d.rule, d.summary)
    assert not re.search(r"token|403|unauthori", d.summary + d.root_cause, re.I), (d.summary, d.root_cause)
