"""Wrappers answer for the cause they carry; the ASGI server's and the logging module's fixed messages mean what
their source says (diagnose/wrappers.py, diagnose/server_messages.py). Every error here is raised for real: an
asyncio/anyio task group, tenacity retrying a real connect to a closed loopback port, a real uvicorn server on
loopback running a broken app and receiving non-HTTP bytes, a real logging call with mismatched arguments."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import httpx
import pytest
import realtime
import tenacity
import uvicorn

from tests.diagnose.logged import KeepRecords, diagnose, logged, text_of


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _refused(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        await client.get("/v1/chat/completions")


def test_a_task_group_of_one_cause_answers_for_that_cause() -> None:
    port = _closed_port()

    async def main() -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(_refused(port))
            group.create_task(_refused(port))

    with pytest.raises(ExceptionGroup):
        try:
            asyncio.run(main())
        except ExceptionGroup:
            d = diagnose(logged("src.providers.kimi_chat", "batch failed", (f"POST http://127.0.0.1:{port}/v1",)))
            raise
    assert d.rule.startswith("class:connect"), (d.rule, d.summary)
    assert d.category == "network" and "Kimi" in d.summary and "httpx.ConnectError" in d.summary
    assert d.confidence <= 0.55


def test_an_anyio_task_group_read_timeout_against_the_database_is_the_slow_call() -> None:
    async def main() -> None:
        async with anyio.create_task_group() as group:
            async def call() -> None:
                raise httpx.ReadTimeout("timed out")
            group.start_soon(call)

    try:
        anyio.run(main)
    except BaseExceptionGroup:
        d = diagnose(logged("src.storage.supabase_client", "save failed"))
    assert d.rule == "class:timeout.read" and d.category == "storage", (d.rule, d.summary)


def test_a_group_of_different_causes_is_not_read_as_one() -> None:
    async def boom_key() -> None:
        raise KeyError("usage")

    async def boom_value() -> None:
        raise RuntimeError("widget ledger out of sync")

    async def main() -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(boom_key())
            group.create_task(boom_value())

    try:
        asyncio.run(main())
    except ExceptionGroup:
        d = diagnose(logged("src.tools.batch", "batch failed"))
    assert d.category == "unknown" and d.confidence <= 0.4, (d.rule, d.summary)


@pytest.mark.parametrize("logger", ["src.providers.glm_chat", "src.storage.supabase_client"])
def test_tenacity_retry_error_answers_for_the_last_attempt(logger: str) -> None:
    port = _closed_port()

    @tenacity.retry(stop=tenacity.stop_after_attempt(2), wait=tenacity.wait_none())
    def call() -> None:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0)

    try:
        call()
    except tenacity.RetryError as exc:
        excerpt = logged(logger, "call failed after retries")
        # the message-only form apps log: f"... {exc!r}" without the traceback
        words = f"2026-12-06 02:00:00 ERROR {logger}: call failed after retries: tenacity.RetryError: {exc}"
    for text in (excerpt, words):
        d = diagnose(text)
        assert d.rule.startswith("class:connect"), (d.rule, d.summary)
        assert "RetryError" not in d.summary.split("(")[0]
    assert diagnose(words).category in ("network", "storage")


@contextlib.asynccontextmanager
async def _served(app: Callable[..., Any], keep: KeepRecords) -> AsyncIterator[int]:
    log = logging.getLogger("uvicorn.error")
    log.addHandler(keep)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off",
                                           ws="none"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started and not task.done():  # noqa: ASYNC110 (uvicorn.Server exposes readiness as a flag only)
            await asyncio.sleep(0.01)
        yield port
    finally:
        server.should_exit = True
        await task
        log.removeHandler(keep)


async def _returns_early(scope: dict[str, Any], receive: Any, send: Any) -> None:
    return None  # never sends http.response.start


def _record(keep: KeepRecords, words: str) -> str:
    return next(r for r in keep.records if words in r)


async def test_a_real_uvicorn_server_reports_an_app_that_breaks_the_asgi_contract() -> None:
    keep = KeepRecords()
    async with _served(_returns_early, keep) as port:
        async with httpx.AsyncClient() as client:
            r = await client.get(f"http://127.0.0.1:{port}/v1/models")
        assert r.status_code == 500
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n")  # a TLS hello to a plain port
        await writer.drain()
        assert b" 400 " in await reader.read()  # the server answered 400 and closed: it has logged the line
        writer.close()
        await writer.wait_closed()
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    contract = diagnose(_record(keep, "ASGI callable returned without starting response"))
    assert contract.category == "code" and "ASGI" in contract.summary, contract.summary
    probe = diagnose(_record(keep, "Invalid HTTP request received"))
    assert probe.category == "network" and probe.severity == "low", probe.summary
    no_ws = diagnose(_record(keep, "No supported WebSocket library detected"))
    assert no_ws.category == "config" and "websockets" in text_of(no_ws), no_ws.summary
    for d in (contract, probe, no_ws):
        assert d.confidence <= 0.55


def test_uvicorn_cannot_import_the_app_named_by_its_import_string(tmp_path: Any) -> None:
    keep = KeepRecords()
    logging.getLogger("uvicorn.error").addHandler(keep)
    try:
        with pytest.raises(SystemExit):
            uvicorn.Config("no_such_module_for_the_test:app", log_config=None).load()
    finally:
        logging.getLogger("uvicorn.error").removeHandler(keep)
    d = diagnose(_record(keep, "Error loading ASGI app"))
    assert d.category == "config" and "import string" in text_of(d), d.summary


def test_a_log_call_whose_arguments_do_not_fit_its_format_is_the_calling_code(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)  # handleError prints to sys.stderr: the test reads what it printed
    handler = logging.StreamHandler(io.StringIO())  # a real handler: its emit() calls handleError on a bad record
    log = logging.getLogger("src.daemon.session")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.error("session %s closed after %d s", "s-1", "slow")
    finally:
        log.removeHandler(handler)
        log.propagate = True
    printed = stderr.getvalue()
    assert "--- Logging error ---" in printed
    excerpt = "2026-12-06 02:00:00 INFO src.daemon.session: session s-0 closed after 3 s\n" + printed.rstrip("\n")
    # stderr's lines as the continuation of the record before them (a container's captured output), and the
    # same lines under a header that took them in
    for text in (excerpt, excerpt.replace("--- Logging error ---", "2026-12-06 02:00:01 ERROR root: --- Logging error ---", 1)):
        d = diagnose(text)
        assert d.category == "code" and "format" in d.summary and "closed after %d s" in d.summary, (d.rule, d.summary)


def test_a_record_logged_to_a_closed_handler_is_the_shutdown_order(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log = logging.getLogger("src.daemon.session_reaper")
    log.addHandler(handler)
    log.propagate = False
    stream.close()  # a shutdown hook closed the handler's stream while the reaper still logs
    old = log.level
    log.setLevel(logging.INFO)
    try:
        log.info("reaped idle session %s", "9a1f0c2e")
    finally:
        log.removeHandler(handler)
        log.propagate = True
        log.setLevel(old)
    printed = stderr.getvalue()
    assert "I/O operation on closed file" in printed
    # the INFO line before takes the stderr lines in; a later INFO line (no traceback) does not take the diagnosis
    excerpt = ("2026-12-06 02:00:00 INFO src.daemon.ws_server: Closing log handlers\n" + printed.rstrip("\n")
               + "\n2026-12-06 02:00:00 INFO src.daemon.ws_server: WS daemon stopped")
    d = diagnose(excerpt)
    said = text_of(d)
    assert d.category == "code" and "closed" in said and "reaped idle session" in said, (d.rule, d.summary)
    assert not [w for w in ("disk", "No space", "network", "permission") if w in said], said


@pytest.mark.parametrize("words", [
    "Logging error while shutting down",  # the words without the module's form
    "Invalid HTTP request body: field 'model' is required",  # the gateway's own validation, not uvicorn's parser
])
def test_near_misses_of_the_server_forms_do_not_take_their_cause(words: str) -> None:
    d = diagnose(f"2026-12-06 02:00:00 ERROR src.daemon.server: {words}")
    assert d.rule not in ("class:server.uvicorn-invalid-http", "class:server.logging-format-mismatch"), d.rule


# --- FastAPI / Starlette under a real uvicorn -------------------------------------------------------------------

async def test_an_endpoint_whose_return_value_breaks_its_response_model_is_code() -> None:
    from fastapi import FastAPI
    from pydantic import BaseModel

    class Upload(BaseModel):
        id: str
        size_bytes: int

    app = FastAPI()

    @app.get("/uploads/{name}", response_model=Upload)
    async def upload(name: str) -> Any:
        return {"id": name}  # size_bytes missing

    keep = KeepRecords()
    async with _served(app, keep) as port:
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"http://127.0.0.1:{port}/uploads/a.pdf")).status_code == 500
    d = diagnose(_record(keep, "Exception in ASGI application"))
    assert d.category == "code" and "response model" in d.summary, (d.rule, d.summary)
    assert d.confidence <= 0.55


async def test_a_starlette_middleware_that_gets_no_response_is_code() -> None:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.routing import Mount

    class Timing(BaseHTTPMiddleware):
        async def dispatch(self, request: Any, call_next: Any) -> Any:
            return await call_next(request)

    app = Starlette(routes=[Mount("/", app=_returns_early)], middleware=[Middleware(Timing)])
    keep = KeepRecords()
    async with _served(app, keep) as port:
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"http://127.0.0.1:{port}/v1/models")).status_code == 500
    d = diagnose(_record(keep, "Exception in ASGI application"))
    assert d.category == "code" and "No response returned" in d.summary, (d.rule, d.summary)


async def test_application_startup_failed_answers_for_the_startup_exception_before_it() -> None:
    from starlette.applications import Starlette

    port_closed = _closed_port()

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async with httpx.AsyncClient() as client:  # the app's start-up check of its database's REST endpoint
            await client.get(f"http://127.0.0.1:{port_closed}/rest/v1/")
        yield

    keep = KeepRecords()
    log = logging.getLogger("uvicorn.error")
    log.addHandler(keep)
    try:
        server = uvicorn.Server(uvicorn.Config(Starlette(lifespan=lifespan), host="127.0.0.1", port=_closed_port(),
                                               log_config=None, lifespan="on"))
        with pytest.raises(SystemExit):  # start-up fails: uvicorn logs the traceback, "Application startup failed"
            await server.serve()
    finally:
        log.removeHandler(keep)
    assert keep.records[-1].endswith("Application startup failed. Exiting.")
    d = diagnose("\n".join(keep.records))
    assert d.rule.startswith("class:connect") and "ConnectError" in d.summary, (d.rule, d.summary)
    alone = diagnose(keep.records[-1])  # without the record before it, nothing is claimed
    assert alone.category == "unknown" and alone.confidence <= 0.4


# --- anyio: structured concurrency misused, in-process streams --------------------------------------------------

def test_a_cancel_scope_exited_in_another_task_is_code() -> None:
    async def main() -> None:
        scope = anyio.CancelScope()

        async def enter() -> None:
            scope.__enter__()

        async with anyio.create_task_group() as group:
            group.start_soon(enter)
        scope.__exit__(None, None, None)

    # anyio raises it from the task that entered (inside the group: an ExceptionGroup of one) or from the exit
    try:
        anyio.run(main)
    except (RuntimeError, BaseExceptionGroup):
        d = diagnose(logged("src.daemon.session", "session loop crashed"))
    else:
        pytest.fail("anyio accepted a cancel scope exited in another task")
    assert d.category == "code" and "cancel scope" in d.summary, (d.rule, d.summary)


def _broken_stream_excerpt(receiver_end: str) -> str:
    async def main() -> None:
        send, receive = anyio.create_memory_object_stream[int](1)
        await receive.aclose()  # the consumer task ended first
        await send.send(1) if receiver_end == "send" else await receive.receive()

    try:
        anyio.run(main)
    except (anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream):
        return logged("src.daemon.events", "event fan-out failed")
    raise AssertionError("the stream accepted the call")


def test_a_send_into_a_memory_stream_whose_receiver_is_gone_is_our_tasks_lifecycle() -> None:
    d = diagnose(_broken_stream_excerpt("send"))
    # round 6: the other end is a task of ours that ended first (writer 4's two cases): code, naming the stream
    assert d.category == "code" and "in-process stream" in d.summary, (d.rule, d.summary)
    assert "network" not in text_of(d).lower() and "connection" not in text_of(d).lower(), text_of(d)


def test_under_starlette_a_broken_stream_may_be_the_client_that_left() -> None:
    """The same real traceback with the frames Starlette's StreamingResponse adds: the other end may be a client
    that disconnected mid-response, which the record does not tell from ours - an honest, low unknown."""
    excerpt = _broken_stream_excerpt("send")
    frame = ('  File "/usr/local/lib/python3.11/site-packages/starlette/responses.py", line 246, in stream_response\n'
             "    async for chunk in self.body_iterator:\n")
    head, tail = excerpt.split("Traceback (most recent call last):\n", 1)
    d = diagnose(head + "Traceback (most recent call last):\n" + frame + tail)
    assert d.category == "unknown" and d.confidence <= 0.4 and "client" in text_of(d), (d.rule, d.summary)


async def test_a_real_peer_reset_under_anyio_stays_the_network() -> None:
    """Near-miss: the same class from a real TCP stream is the peer, not our in-process stream."""
    async def reset(request: Any) -> Any:
        request.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                                              b"\x01\x00\x00\x00\x00\x00\x00\x00")
        request.transport.close()  # RST instead of an answer
        raise asyncio.CancelledError

    from aiohttp import web

    from tests.helpers import serving

    app = web.Application()
    app.router.add_get("/{tail:.*}", reset)
    async with serving(app) as port:
        async with httpx.AsyncClient() as client:
            try:
                await client.get(f"http://127.0.0.1:{port}/v1/models")
            except httpx.TransportError:
                d = diagnose(logged("src.tools.web_fetch", f"fetch of http://example.org:{port}/v1/models failed"))
    assert d.rule != "class:inprocess.memory_stream" and d.category != "code", (d.rule, d.summary)


# --- Supabase Realtime: the real realtime-py client against a local Phoenix-speaking WebSocket server ---------------

@contextlib.asynccontextmanager
async def _phoenix(answer_join: bool) -> AsyncIterator[int]:
    """A Realtime stand-in (Phoenix vsn 1.0.0 JSON frames): answers phx_join with an authorization error, or never."""
    import json

    from websockets.asyncio.server import serve

    async def handler(ws: Any) -> None:
        async for raw in ws:
            msg = json.loads(raw)
            if msg.get("event") == "phx_join" and answer_join:
                await ws.send(json.dumps({
                    "topic": msg["topic"], "event": "phx_reply", "ref": msg["ref"], "join_ref": msg.get("join_ref"),
                    "payload": {"status": "error", "response": {
                        "reason": "Unauthorized: You do not have permissions to read from this Channel topic"}}}))

    async with serve(handler, "127.0.0.1", 0) as server:
        yield int(next(iter(server.sockets)).getsockname()[1])


@pytest.mark.parametrize(("answer_join", "category", "word"), [(True, "config", "RLS"), (False, "network", "join")],
                         ids=["join-unauthorized", "join-timeout"])
async def test_realtime_channel_joins_through_the_real_client(answer_join: bool, category: str, word: str) -> None:
    keep = KeepRecords()
    log = logging.getLogger("realtime._async.channel")
    log.addHandler(keep)
    try:
        async with _phoenix(answer_join) as port:
            client = realtime.AsyncRealtimeClient(f"ws://127.0.0.1:{port}/realtime/v1", "anon-token",
                                                  auto_reconnect=False, timeout=1)
            await client.connect()
            channel = client.channel("private-room-7")
            await channel.subscribe()  # returns once the server answered the join, or the join timed out
            await client.close()
    finally:
        log.removeHandler(keep)
    d = diagnose(_record(keep, "join push"))
    assert d.category == category and word in text_of(d), (d.rule, d.summary)
    assert d.confidence <= 0.55
