"""CLASSES10 A3 (a stream that stalls vs a stream cut by our total deadline) and B1 (a cancellation whose
canceller is the peer vs our timeout setting), from a REAL streamed reply.

A3: the installed openai SDK streams a chat completion from a loopback server speaking the API's SSE framing
(https://platform.openai.com/docs/api-reference/chat-streaming: `data: {chunk}` events). When the server stops
sending while the connection stays open, httpx2's per-read timeout fires and openai re-raises it as
`APITimeoutError` (openai/_streaming.py; httpx2 `Timeout.read` is per read, CLASSES10 A3 source); when chunks keep
flowing, only our `asyncio.timeout(total)` can cut the stream (Lib/asyncio/timeouts.py: `TimeoutError` from the
`CancelledError`). Either way the real traceback comes out of the real libraries.
"""

from __future__ import annotations

import asyncio
import json
from random import Random
from typing import Any

import httpx2
import openai

from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import _compile_src, trim
from evals.gen.registry import klass
from evals.gen.render import Record

_MODELS = {"kimi": ("kimi-k2-0905-preview", "KIMI_STREAM_TIMEOUT", "src.providers.kimi_chat"),
           "glm": ("glm-4.6", "GLM_STREAM_TIMEOUT", "src.providers.glm_chat")}


# Seconds between the server reading the request and our timeout firing for the call to be awaiting the reply's
# headers (the ~20-byte body is written right after the headers; a loaded machine took 0.25 s to connect).
SETTLED = 0.1


class _TooEarly(Exception):
    """Our timeout cut the call before the request was out: the case would show the connect's frames."""


CHUNKS = 30  # what the server sends before its pause


async def _serve_and_stream(stall: bool, model: str, fn: Any, silent: bool = False,
                            cancel_after: float | None = None, deadline: float | None = None,
                            read: float = 0.08, total: float = 1.0, got: list[object] | None = None) -> BaseException:
    chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": model,
             "choices": [{"index": 0, "delta": {"content": "tok"}, "finish_reason": None}]}
    data = f"data: {json.dumps(chunk)}\n\n".encode()

    handlers: list[asyncio.Task[Any]] = []
    received = asyncio.Event()
    received_at: list[float] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.append(task)
        try:
            while (await reader.readline()) not in (b"\r\n", b""):
                pass
            received_at.append(asyncio.get_running_loop().time())
            received.set()
            if silent:  # the provider takes the request and answers nothing yet
                await asyncio.sleep(pause)
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            for _ in range(CHUNKS):
                writer.write(b"%x\r\n%s\r\n" % (len(data), data))
                await writer.drain()
                await asyncio.sleep(0.001)
            # then nothing: past the per-read timeout for a stall; for a flowing stream the pause sits inside the
            # read timeout and past our total deadline, so the deadline always cuts the same await (byte-identical
            # output even on a loaded machine; the records, not this run, show the chunk rate)
            await asyncio.sleep(pause)
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            writer.close()

    # every pause outlasts the timeouts of this call, a retried longer one's too (stream_failure, cancelled_call)
    pause = max(5.0, 3 * max(read, total, deadline or 0.0))
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    # a stall must trip the per-read timeout; a flowing stream only our total deadline (never the read timeout,
    # even on a loaded machine)
    http = httpx2.AsyncClient(timeout=httpx2.Timeout(pause, read=read if stall and not silent else pause))
    client = openai.AsyncOpenAI(api_key="sk-local", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0,
                                http_client=http)
    try:
        if silent:
            task = asyncio.ensure_future(fn(client, model, [{"role": "user", "content": "hi"}], deadline))
            if cancel_after is not None:
                await received.wait()  # the request is out: the call waits for the reply's headers
                await asyncio.sleep(cancel_after)
                task.cancel()  # what the daemon does when the tool's client goes away
            await task
        else:
            await fn(client, model, [{"role": "user", "content": "hi"}], None if stall else total)
    except BaseException as exc:  # noqa: BLE001 - the product
        caught: BaseException = exc
        if silent and deadline is not None and \
                (not received_at or asyncio.get_running_loop().time() - received_at[0] < SETTLED):
            # our timeout fired while the request was still connecting or being sent (a loaded machine): another
            # await, another traceback. The caller retries with a longer deadline (see cancelled_call).
            caught = _TooEarly()
        if not silent and got is not None and len(got) < CHUNKS:
            # cut before the pause (a loaded machine: a 1 ms sleep between two chunks took longer than the read
            # timeout, or the headers came later than it): another await, another traceback; retried longer
            caught = _TooEarly()
    else:  # pragma: no cover
        raise AssertionError("stream did not fail")
    finally:
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await http.aclose()
        server.close()
        await server.wait_closed()
    return caught if isinstance(caught, _TooEarly) else trim(caught)


def stream_failure(rng: Random, stall: bool, provider: str) -> BaseException:
    """The real exception of a streamed reply that stalls (`stall`) or is cut by our total deadline."""
    model, _, logger = _MODELS[provider]
    path = "/app/" + logger.replace(".", "/") + ".py"
    fn = _compile_src(path, rng.randint(120, 600), [
        "async def stream_reply(client, model, messages, deadline):",
        "    stream = await client.chat.completions.create(model=model, messages=messages, stream=True)",
        "    async with asyncio.timeout(deadline):",
        "        async for chunk in stream:",
        "            on_chunk(chunk)",
    ], {"asyncio": asyncio, "on_chunk": id}, "stream_reply")
    # Same seed, same bytes on every machine (tests/test_eval_gen.py): the cut must fall in the server's pause,
    # after every chunk. Under load a 0.08 s read timeout (or a 1 s total deadline) could run out between two
    # chunks or before the headers (round 14's note); such a run is retried with a longer timeout. Neither
    # traceback carries the timeout's value, so a retried case reads exactly as a first-try one (checked by hand,
    # round 15: read 0.08 vs 2 s and total 1 vs 4 s give the same traceback but for the cancel scope's address).
    for read, total in ((0.08, 1.0), (0.5, 4.0), (2.0, 16.0)):
        got: list[object] = []
        fn.__globals__["on_chunk"] = got.append
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(lambda _loop, _ctx: None)  # the server's own teardown is not the case
        try:
            caught = loop.run_until_complete(_serve_and_stream(stall, model, fn, read=read, total=total, got=got))
        finally:
            loop.close()
        if not isinstance(caught, _TooEarly):
            return caught
    raise AssertionError("the stream was cut before its pause even with a 2 s read timeout / 16 s deadline")


@klass("10", "c10-A3")
def a3(rng: Random, twin: bool) -> dict[str, Any]:
    """A stream fails: no chunk for a read timeout (provider) vs chunks flowing until our total deadline (config)."""
    provider = rng.choice(sorted(_MODELS))
    model, setting, logger = _MODELS[provider]
    exc = stream_failure(rng, stall=not twin, provider=provider)
    rid, read_timeout = req_id(rng), rng.choice((30, 45, 60, 90))
    deadline = rng.choice((60, 120, 300))
    chunks = rng.randint(120, 900)
    rate = rng.randint(8, 40)
    records = noise(rng, rng.randint(2, 5), 0, 30, project_ref(rng))
    records.append(Record(0.5, "INFO", logger.rsplit("_", 1)[0],
                          f"{provider.upper()} provider using SDK, timeout=read {read_timeout}s, "
                          f"{setting}={deadline}"))
    records.append(Record(10.0, "INFO", logger, f"[req:{rid}] {provider} stream started model={model}"))
    t = 10.0
    for i in range(1, 5):
        if twin:  # chunks keep rising until the deadline
            t = 10.0 + deadline * i / 4.0
            records.append(Record(t - 0.5, "DEBUG", logger, f"[req:{rid}] stream progress chunks={rate * int(t - 10)} "
                                                           "last_chunk_age=0.1s"))
        else:  # frozen count, the age of the last chunk grows to the read timeout
            t = 10.0 + chunks / rate + read_timeout * i / 4.0
            records.append(Record(t - 0.5, "DEBUG", logger, f"[req:{rid}] stream progress chunks={chunks} "
                                                           f"last_chunk_age={read_timeout * i / 4.0:.1f}s"))
    carrier = rng.choice(("exception", "message", "block"))
    header = f"[req:{rid}] {provider} stream aborted after {t - 10.0:.1f}s (chunks=" + \
        (f"{rate * int(t - 10)})" if twin else f"{chunks})")
    records += carry(rng, exc, t, logger, header, carrier)
    axes = {"provider": provider, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-A3", kind="near-miss", records=records, category="config", severity="medium",
                         description=f"Chunks flowed until our total deadline {setting} cut a long generation: "
                                     "config.", must_mention=[setting], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="c10-A3", kind="known", records=records, category="provider", severity="high",
                     description="The provider's stream stalled (no chunk for the read timeout, connection open): "
                                 "provider.", must_mention=[], must_not=[setting], axes=axes, deciding="error")


# --- B1 -------------------------------------------------------------------------------------------------------
# Source: Lib/asyncio/tasks.py (`Task.cancel`, `wait_for` cancels the inner task and raises TimeoutError),
# research upstream-gateway.md §1.3 (toolcalls.jsonl `cancelled`), §1.4 (the TOOL CALL FAILED block). Network when
# the peer's disconnect precedes the cancel; twin: our timeout setting fires (the elapsed time equals it) -> config.
def cancelled_call(rng: Random, by_timeout: bool, provider: str) -> BaseException:
    """The real exception of a provider call cancelled by the daemon (peer gone) or by our `wait_for` timeout."""
    model, _, logger = _MODELS[provider]
    path = rng.choice(("/app/tools/chat.py", "/app/tools/kimi_upload.py", "/app/src/daemon/tool_runner.py"))
    fn = _compile_src(path, rng.randint(60, 400), [
        "async def run_tool(client, model, messages, timeout):",
        "    return await asyncio.wait_for(client.chat.completions.create(model=model, messages=messages), timeout)",
    ], {"asyncio": asyncio}, "run_tool")
    # The timeout's traceback must be the one of a call awaiting the reply's headers on every machine (the same
    # seed writes the same bytes: tests/test_eval_gen.py). Under load 0.25 s could run out while connecting (1 run
    # in 8 at load ~30), so a deadline that cut the call too early is retried longer; the traceback carries no
    # deadline value, so a retried case reads exactly as a first-try one.
    for deadline in (0.25, 1.0, 4.0, 16.0):
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(lambda _loop, _ctx: None)
        try:
            caught = loop.run_until_complete(_serve_and_stream(
                False, model, fn, silent=True, cancel_after=None if by_timeout else 0.02,
                deadline=deadline if by_timeout else None))
        finally:
            loop.close()
        if not isinstance(caught, _TooEarly):
            return caught
    raise AssertionError("the request was never out before a 16 s timeout")


@klass("10", "c10-B1")
def b1(rng: Random, twin: bool) -> dict[str, Any]:
    """An in-flight call cancelled: the tool's client disconnected first (network) vs our timeout setting (config)."""
    provider = rng.choice(sorted(_MODELS))
    exc = cancelled_call(rng, by_timeout=twin, provider=provider)
    setting = rng.choice(("KIMI_CHAT_TOOL_TIMEOUT_SECS", "WORKFLOW_TOOL_TIMEOUT_SECS", "KIMI_TIMEOUT_SECS"))
    value = rng.choice((18, 12, 30, 9))
    rid, session = req_id(rng), req_id(rng)
    port = rng.randint(40000, 60999)
    late = rng.uniform(value + 2, value + 40)
    elapsed = value if twin else late
    records = noise(rng, rng.randint(2, 5), 0, 60, project_ref(rng))
    records.append(Record(0.5, "INFO", "src.core.env_config", f"{setting}={value}"))
    records.append(Record(10.0, "INFO", "ws_daemon", f"[req:{rid}] tool call chat started (session {session})"))
    how = rng.choice(("ping", "close", "reset"))
    if not twin:
        peer = {"ping": f"Connection closed for 172.18.0.1:{port}: sent 1011 (internal error) keepalive ping "
                        "timeout; no close frame received",
                "close": f"Connection closed for 172.18.0.1:{port}: no close frame received or sent",
                "reset": f"client 172.18.0.1:{port} went away (ConnectionResetError); cancelling session "
                         f"{session}"}[how]
        records.append(Record(10.0 + elapsed - 0.3, "INFO", "src.monitoring.resilient_websocket", peer))
        records.append(Record(10.0 + elapsed - 0.2, "INFO", "src.daemon.connection_manager",
                              f"Connection unregistered: {session} from 172.18.0.1 (duration: {elapsed:.2f}s, "
                              "remaining: 0)"))
    carrier = rng.choice(("block", "exception", "block"))
    header = f"[req:{rid}] tool chat " + (f"timed out after {elapsed:.1f}s" if twin else
                                           f"cancelled after {elapsed:.1f}s")
    records += carry(rng, exc, 10.0 + elapsed, "ws_daemon", header, carrier, tool="chat", duration=elapsed)
    axes = {"provider": provider, "peer": how, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-B1", kind="near-miss", records=records, category="config", severity="medium",
                         description=f"Our wait_for timeout ({setting}) cancelled the call at exactly the setting's "
                                     "value, no peer left: config.", must_mention=[setting], must_not=[], axes=axes,
                         deciding="error")
    return make_case(rng, cls="c10-B1", kind="known", records=records, category="network", severity="low",
                     description="The tool call's client disconnected; the daemon cancelled the in-flight call: "
                                 "network.", must_mention=[], must_not=[], axes=axes, deciding="error")
