"""Generators for the situation classes of evals/CLASSES8.md (round 8's class spec, written by a writer who never read
the rules): each class and its near-miss twin as a log excerpt with the expected category.

Where the spec's library raises the error, it is raised for real here (the openai SDK and httpx against loopback
servers, psycopg against the test PostgreSQL - a server-side SQLSTATE with its own message raised by a DO block where
the situation cannot be caused on a test cluster -, websockets, ssl, asyncio, the standard library's parsers); the
values and wording are this file's own, varied by seed. A generator returns (excerpt, expected category).
"""

from __future__ import annotations

import asyncio
import configparser
import gzip
import json
import logging
import queue
import random
import socket
import ssl
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from logging.handlers import QueueHandler
from pathlib import Path
from typing import Any

import httpx
import openai
import psycopg
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from tests.diagnose.logged import KeepRecords, logged
from tests.diagnose.loopback import loopback_server

STAMP = "2026-12-06 07:00:0"
Gen = Callable[[random.Random, "Ctx"], tuple[str, str]]


class Ctx:
    """What a generator may use: the test PostgreSQL's DSN and a temporary directory."""

    def __init__(self, dsn: str, tmp: Path) -> None:
        self.dsn, self.tmp = dsn, tmp


def line(logger: str, text: str, level: str = "INFO", second: int = 1) -> str:
    return f"{STAMP}{second} {level} {logger}: {text}"


def _record(raise_it: Callable[[], object], logger: str, message: str) -> str:
    try:
        raise_it()
    except BaseException:  # noqa: BLE001 - every class the spec names, logged as the gateway logs it
        return logged(logger, message)
    raise AssertionError(f"{raise_it} did not raise")


@contextmanager
def _captured(*names: str) -> Iterator[list[str]]:
    """The records the libraries log themselves (openai's retry lines, httpx's request lines) while inside."""
    keep = KeepRecords()
    loggers = [logging.getLogger(n) for n in names]
    old = [(lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(keep)
        lg.setLevel(logging.INFO)
        lg.propagate = False
    try:
        yield keep.records
    finally:
        for lg, (lv, prop) in zip(loggers, old, strict=True):
            lg.removeHandler(keep)
            lg.setLevel(lv)
            lg.propagate = prop


def _http_answer(status: int, body: bytes, ctype: str = "application/json") -> Callable[[socket.socket], None]:
    def answer(c: socket.socket) -> None:
        c.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next((int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")), 0)
        while len(rest) < length:
            rest += c.recv(65536)
        c.sendall(b"HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                  % (status, ctype.encode(), len(body)) + body)
    return answer


KIMI = "kimi-k2-0905-preview"


def _kimi_call(answer: Callable[[socket.socket], None], retries: int, before: list[str], message: str,
               timeout: float = 5.0) -> str:
    with loopback_server(answer) as port, _captured("openai._base_client", "httpx") as lib:
        client = openai.OpenAI(api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", max_retries=retries,
                               timeout=timeout)
        rec = _record(lambda: client.chat.completions.create(model=KIMI, messages=[{"role": "user", "content": "x"}]),
                      "src.providers.kimi_chat", message)
    # the library's own lines show the provider's documented host, as the gateway's would
    lib = [r.replace(f"http://127.0.0.1:{port}", "https://api.moonshot.ai") for r in lib]
    return "\n".join([*before, *lib, rec])


# ---- A. provider ---------------------------------------------------------------------------------------------------
def a1_edge_html(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status = rng.choice([502, 503, 504, 520])
    body = rng.choice([b"<html><head><title>%d Bad Gateway</title></head><body>cloudflare</body></html>" % status,
                       b"upstream connect error or disconnect/reset before headers"])
    before = [line("src.providers.kimi", "Kimi provider ready: base_url=https://api.moonshot.ai/v1 (KIMI_BASE_URL)"),
              line("httpx", 'HTTP Request: POST https://api.moonshot.ai/v1/chat/completions "HTTP/1.1 200 OK"')]
    return _kimi_call(_http_answer(status, body, "text/html"), 1, before, f"Kimi chat failed (model: {KIMI})"), "provider"


def a1_twin_non_api_host(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    host = rng.choice(["https://platform.moonshot.ai/v1", "https://www.moonshot.cn/v1", "https://kimi.moonshot.cn/v1"])
    before = [line("src.providers.kimi", f"Kimi provider ready: base_url={host} (KIMI_BASE_URL)")]
    body = b"<html><body>404 page not found</body></html>"
    return _kimi_call(_http_answer(rng.choice([404, 405]), body, "text/html"), 0, before,
                      f"Kimi chat failed (model: {KIMI})"), "config"


def a2_retried_status(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status = rng.choice([408, 409])
    body = b'{"error": {"message": "request %s", "type": "%s"}}' % (
        (b"timed out at the gateway", b"request_timeout") if status == 408 else (b"locked, try again", b"conflict"))
    return _kimi_call(_http_answer(status, body), 1, [], f"Kimi chat failed (model: {KIMI})"), "provider"


def a2_twin_duplicate_request_id(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    rid = f"req-{rng.randrange(16**8):08x}"
    before = [line("src.providers.kimi_chat", f"POST /v1/chat/completions idempotency_key={rid} (attempt 1)"),
              line("src.providers.kimi_chat", f"POST /v1/chat/completions idempotency_key={rid} (tool call 2)")]
    body = b'{"error": {"message": "duplicate idempotency key", "type": "conflict"}}'
    return _kimi_call(_http_answer(409, body), 0, before, f"Kimi chat failed (model: {KIMI})"), "code"


def _sse(events: list[bytes]) -> Callable[[socket.socket], None]:
    def answer(c: socket.socket) -> None:
        c.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + b"".join(events))
    return answer


CHUNK = (b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"kimi","choices":[{"index":0,'
         b'"delta":{"content":"he"},"finish_reason":null}]}\n\n')


def _stream(answer: Callable[[socket.socket], None], consume: Callable[[Any], object]) -> str:
    with loopback_server(answer) as port:
        client = openai.OpenAI(api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)

        def run() -> object:
            stream = client.chat.completions.create(model=KIMI, messages=[{"role": "user", "content": "x"}], stream=True)
            return consume(stream)
        return _record(run, "src.providers.kimi_chat", f"Kimi stream failed (model: {KIMI})")


def a3_stream_broken(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    bad = rng.choice([b'data: {"id": "c1", "choices": [\n\n',
                      b'data: {"error": {"message": "stream interrupted by upstream", "type": "server_error"}}\n\n'])
    return _stream(_sse([CHUNK, bad]), lambda s: [c for c in s]), "provider"


def a3_twin_our_parse(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    import json

    def consume(stream: Any) -> object:
        text = "".join(c.choices[0].delta.content or "" for c in stream)
        return json.loads(text)  # our code parses the assembled content as tool arguments
    return _stream(_sse([CHUNK, b"data: [DONE]\n\n"]), consume), "code"


def a4_goaway(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    import h2.errors
    import h2.events
    import httpcore

    code = rng.choice([h2.errors.ErrorCodes.ENHANCE_YOUR_CALM, h2.errors.ErrorCodes.REFUSED_STREAM])

    def run() -> None:
        event = h2.events.ConnectionTerminated()
        event.error_code, event.last_stream_id = code, rng.randrange(1, 99, 2)
        try:
            raise httpcore.RemoteProtocolError(event)  # httpcore/_async/http2.py on a ConnectionTerminated event
        except httpcore.RemoteProtocolError as exc:
            raise openai.APIConnectionError(request=httpx.Request("POST", "https://api.moonshot.ai/v1/chat/completions")) from exc
    return _record(run, "src.providers.kimi_chat", f"Kimi chat failed (model: {KIMI}): Connection error."), "provider"


# ---- B. network ----------------------------------------------------------------------------------------------------
def b1_body_cut(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    import aiohttp

    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % rng.randrange(5000, 90000) + b"x" * 100)

    async def go(port: int) -> None:
        async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{port}/files/report.pdf") as r:
            await r.read()
    with loopback_server(answer) as port:
        return _record(lambda: asyncio.run(go(port)), "src.tools.smart_file_download",
                       f"download of https://files.example.org/r{rng.randrange(99)}.pdf failed"), "network"


def b1_twin_our_cap(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    cap = rng.choice([1048576, 5242880])

    def read_capped() -> None:
        body = b"x" * (cap + 10)
        if len(body) > cap:
            raise ValueError(f"response body exceeds MAX_DOWNLOAD_BYTES ({cap} bytes)")
    before = [line("src.core.env_config", f"settings loaded: MAX_DOWNLOAD_BYTES={cap}")]
    return "\n".join([*before, _record(read_capped, "src.tools.smart_file_download", "download failed")]), "config"


def b2_reset(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with RST

    with loopback_server(answer) as port:
        url = f"http://127.0.0.1:{port}/rest/v1/uploads?select=id"
        rec = _record(lambda: httpx.get(url, timeout=5), "src.storage.supabase_client",
                      rng.choice(["supabase select failed", "[HEALTH] supabase probe failed"]))
    return rec.replace(f"http://127.0.0.1:{port}", "https://qzkv.supabase.co"), "network"


def _never_answers(c: socket.socket) -> None:
    c.settimeout(3)
    try:
        while c.recv(65536):
            pass
    except OSError:
        pass


def _ws_open(answer: Callable[[socket.socket], None], logger: str, label: str) -> str:
    async def go(port: int) -> None:
        async with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=0.3):
            pass
    with loopback_server(answer) as port:
        return _record(lambda: asyncio.run(go(port)), logger, f"connect to {label} failed")


def b3_handshake_timeout(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _ws_open(_never_answers, "src.monitoring.resilient_websocket", "ws://exai-daemon:8079/ws"), "network"


def b3_twin_blocked_loop(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line("asyncio", f"Executing <Task pending name='Task-{rng.randrange(9, 99)}' coro=<handle_tool_call() "
                   f"running at /app/src/daemon/ws_server.py:{rng.randrange(100, 900)}>> took {rng.randrange(8, 30)}.2"
                   " seconds", "WARNING")]
    return "\n".join([*before, _ws_open(_never_answers, "src.monitoring.resilient_websocket",
                                        "ws://exai-daemon:8079/ws")]), "code"


def b3_twin_other_service_port(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    port = rng.choice([5432, 6379])
    before = [line("src.core.env_config", f"shim: EXAI_WS_URL=ws://exai-daemon:{port}/ws (REDIS_PORT=6379, PG_PORT=5432)")]
    return "\n".join([*before, _ws_open(_never_answers, "scripts.run_ws_shim", f"ws://exai-daemon:{port}/ws")]), "config"


def b4_tls_eof(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    from tests.diagnose.test_tls_and_remotes import _cert, _write

    cert, key = _cert("localhost", None)
    chain = _write(ctx.tmp, f"b4-{rng.random()}", cert, key)
    ca = _write(ctx.tmp, f"b4ca-{rng.random()}", cert)
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(chain)

    def answer(c: socket.socket) -> None:
        tls = sctx.wrap_socket(c, server_side=True)
        tls.recv(65536)
        size = rng.randrange(100_000, 900_000)
        tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size + b"x" * 5000)
        tls.close()  # the TCP connection ends without TLS close_notify, mid-body

    with loopback_server(answer) as port:
        vctx = ssl.create_default_context(cafile=str(ca))
        rec = _record(lambda: httpx.get(f"https://localhost:{port}/storage/v1/object/uploads/big.bin", verify=vctx,
                                        timeout=5), "src.storage.supabase_client", "storage download failed")
    return rec, "network"


def b4_twin_plain_port(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    with loopback_server(answer) as port:
        rec = _record(lambda: httpx.get(f"https://127.0.0.1:{port}/rest/v1/", timeout=5), "src.storage.supabase_client",
                      "supabase probe failed")
    return rec, "config"


# ---- C. storage (real PostgreSQL: the server's own ErrorResponse with its SQLSTATE) --------------------------------
def _pg_raise(ctx: Ctx, code: str, message: str, detail: str = "", hint: str = "",
              logger: str = "src.storage.pg_direct", text: str = "query failed") -> str:
    using = ", ".join(f"{k} = %s" for k, v in (("ERRCODE", code), ("MESSAGE", message), ("DETAIL", detail),
                                                ("HINT", hint)) if v)
    args = [v for v in (code, message, detail, hint) if v]
    sql = "DO $$ BEGIN RAISE EXCEPTION USING " + using % tuple(f"'{a}'" for a in args) + "; END $$"

    def run() -> None:
        with psycopg.connect(ctx.dsn, autocommit=True) as conn:
            conn.execute(sql.encode())
    return _record(run, logger, text)


def c1_crash_of_another(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_raise(ctx, "57P02", "terminating connection because of crash of another server process",
                     "The postmaster has commanded this server process to roll back the current transaction and exit, "
                     "because another server process exited abnormally and possibly corrupted shared memory.",
                     "In a moment you should be able to reconnect to the database and repeat your command."), "storage"


def c1_twin_idle_session(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line("src.core.env_config", "db: idle_session_timeout=60s (DB_IDLE_SESSION_TIMEOUT), pool max_idle=600")]
    return "\n".join([*before, _pg_raise(ctx, "57P05", "terminating connection due to idle-session timeout")]), "config"


def _postgrest(status: int, body: bytes, logger: str = "src.storage.supabase_client") -> str:
    import postgrest

    with loopback_server(_http_answer(status, body)) as port:
        client = postgrest.SyncPostgrestClient(f"http://127.0.0.1:{port}/rest/v1")
        rec = _record(lambda: client.from_("conversations").select("*").eq("user_id", "u1").execute(), logger,
                      "supabase query failed")
    return rec.replace(f"http://127.0.0.1:{port}", "https://qzkv.supabase.co")


def c2_postgrest_statement_timeout(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _postgrest(500, b'{"code":"57014","details":null,"hint":null,"message":"canceling statement due to '
                           b'statement timeout"}'), "storage"


def c2_twin_our_canceller(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    secs = rng.choice([2, 5])
    before = [line("src.core.env_config", f"settings loaded: DB_REQUEST_TIMEOUT_SECS={secs}"),
              line("src.storage.watchdog", f"cancelling backend pid={rng.randrange(1000, 9999)} after "
                   f"DB_REQUEST_TIMEOUT_SECS={secs}", "WARNING")]
    return "\n".join([*before, _postgrest(500, b'{"code":"57014","details":null,"hint":null,"message":"canceling '
                                               b'statement due to user request"}')]), "config"


def c3_corruption(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    code, msg = rng.choice([("XX001", "invalid page in block 4711 of relation base/16384/24576"),
                            ("58P01", 'could not open file "base/16384/24576": No such file or directory'),
                            ("XX002", 'index "conversations_pkey" contains unexpected zero page at block 12')])
    return _pg_raise(ctx, code, msg), "storage"


def c3_twin_undefined(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def run() -> None:
        with psycopg.connect(ctx.dsn) as conn:
            conn.execute("select id from conversation_archive_v2")
    return _record(run, "src.storage.pg_direct", "query failed"), "code"


def _storage(status: int, code: str, message: str) -> str:
    import storage3

    body = json.dumps({"statusCode": str(status), "error": code, "message": message}).encode()
    with loopback_server(_http_answer(status, body)) as port:
        client = storage3.SyncStorageClient(f"http://127.0.0.1:{port}/storage/v1", {"apikey": "k"})
        rec = _record(lambda: client.from_("uploads").download("u1/report.pdf"), "src.storage.supabase_client",
                      "storage download failed")
    return rec.replace(f"http://127.0.0.1:{port}", "https://qzkv.supabase.co")


def c4_storage_service(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status, code, msg = rng.choice([(503, "SlowDown", "Please reduce your request rate"),
                                    (504, "DatabaseTimeout", "timeout acquiring a connection"),
                                    (500, "InternalError", "Internal Server Error")])
    return _storage(status, code, msg), "storage"


def c4_twin_our_request(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status, code, msg = rng.choice([(400, "InvalidKey", "Invalid key: u1/report?.pdf"),
                                    (400, "InvalidMimeType", "mime type application/x-foo is not supported")])
    return _storage(status, code, msg), rng.choice(["code"]) if code == "InvalidKey" else "config"


# ---- D. capacity ---------------------------------------------------------------------------------------------------
def d1_lock_table(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_raise(ctx, "53200", "out of shared memory", hint="You might need to increase max_locks_per_transaction."
                     ), "capacity"


# D2's class itself (EADDRNOTAVAIL from connect() once the ephemeral ports are used up) cannot be caused on a shared
# test host without exhausting its port range; only its twin (the errno on bind: a listen address not of this host)
# is raised here


def d2_twin_bind(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    async def go() -> None:
        loop = asyncio.get_running_loop()
        await loop.create_server(asyncio.Protocol, "192.0.2.1", rng.choice([8079, 8082]))
    before = [line("src.core.env_config", "settings loaded: HEALTH_HOST=192.0.2.1")]
    return "\n".join([*before, _record(lambda: asyncio.run(go()), "src.daemon.health", "health server failed")]), "config"


def _pg_fatal(code: str, message: str) -> str:
    from tests.diagnose.test_connect_settings import _connect_failure, _fatal
    return _connect_failure(_fatal(code, message), "sslmode=disable", "src.storage.pg_direct")


def d3_pooler_limit(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_fatal("XX000", rng.choice(["Max client connections reached",
                                          "(EMAXCONNSESSION) max clients reached in session mode - max clients are "
                                          "limited to pool_size"])), "capacity"


def d3_twin_pooler_mode(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_raise(ctx, "26000", 'prepared statement "_pg3_0" does not exist'), "config"


def _ws_closed_with(code: int, reason: str, logger: str) -> str:
    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.close(code, reason)

    async def run() -> None:
        async with serve(handler, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}") as ws:
                await ws.send("hello")
                await ws.recv()
    return _record(lambda: asyncio.run(run()), logger, "session ended")


def d4_overload_close(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _ws_closed_with(1013, rng.choice(["too many sessions", "try again later"]), "scripts.run_ws_shim"), "capacity"


def d4_twin_crash_close(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _ws_closed_with(1002, "protocol error", "scripts.run_ws_shim"), "network"


def d5_bounded_queue(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    handler = QueueHandler(queue.Queue(maxsize=rng.choice([1, 2])))
    rec = logging.makeLogRecord({"msg": "x"})

    def run() -> None:
        for _ in range(5):
            handler.enqueue(rec)
    return _record(run, "src.logging_infrastructure.queue_logging", "log record dropped"), "capacity"


def d5_twin_consumer_died(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line("asyncio", "Task exception was never retrieved", "ERROR"),
              "future: <Task finished name='log-consumer' coro=<consume_logs() done> exception=KeyError('level')>"]
    text, _ = d5_bounded_queue(rng, ctx)
    return "\n".join([*before, text]), "code"


# ---- E. concurrency ------------------------------------------------------------------------------------------------
def e1_object_in_use(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    n = rng.randrange(1, 9)
    return _pg_raise(ctx, "55006", 'database "exai_staging" is being accessed by other users',
                     f"There are {n} other sessions using the database.", logger="src.ops.migrate",
                     text="maintenance step failed"), "concurrency"


def e1_twin_permission(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_raise(ctx, "42501", 'must be owner of database exai_staging', logger="src.ops.migrate",
                     text="maintenance step failed"), "config"


def e2_catalog_race(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line("src.ops.migrate", f"instance gateway-{rng.randrange(2, 4)} starting: running startup migrations")]
    return "\n".join([*before, _pg_raise(ctx, "XX000", "tuple concurrently updated", logger="src.ops.migrate",
                                         text="startup migration failed")]), "concurrency"


def e3_condition_misuse(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    async def go() -> None:
        cond = asyncio.Condition()
        cond.notify() if rng.random() < 0.5 else await cond.wait()
    before = [line("src.daemon.ws_server", f"session {rng.randrange(1000)} registered; {rng.randrange(3, 9)} "
                   "concurrent tool calls in flight")]
    return "\n".join([*before, _record(lambda: asyncio.run(go()), "src.daemon.ws_server", "broadcast failed")]), \
        "concurrency"


def e3_twin_single_task(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    async def go() -> None:
        asyncio.Condition().notify()
    before = [line("src.daemon.startup", "daemon starting (single worker)")]
    return "\n".join([*before, _record(lambda: asyncio.run(go()), "src.daemon.startup", "startup failed")]), "code"


def e4_set_mutated_by_other(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    conns = {f"c{i}" for i in range(5)}

    def broadcast() -> None:
        for c in conns:
            conns.discard(c) if c == "c9" else conns.add(c + "x")
    before = [line("src.daemon.ws_server", "broadcast to 5 sessions started"),
              line("src.daemon.ws_server", f"session c{rng.randrange(5)} disconnected (1001 going away)")]
    return "\n".join([*before, _record(broadcast, "src.daemon.ws_server", "broadcast failed")]), "concurrency"


def e4_twin_loop_removes(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    conns = {f"c{i}" for i in range(5)}

    def broadcast() -> None:
        for c in conns:
            conns.discard(c)
    return _record(broadcast, "src.daemon.ws_server", "broadcast failed"), "code"


# ---- F. config -----------------------------------------------------------------------------------------------------
def f1_dsn_rejected(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    opt = rng.choice(["sslmode=requir", "target_session_attrs=primary-ish", "connect_timout=5"])
    before = [line("src.core.env_config", f"settings loaded: DATABASE_URL=postgresql://gw:***@db:5432/exai?{opt}")]
    return "\n".join([*before, _record(lambda: psycopg.connect(f"host=127.0.0.1 dbname=exai {opt}"),
                                       "src.storage.pg_direct", "database connect failed")]), "config"


def f2_optional_extra(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", "import psycopg"], env={"PSYCOPG_IMPL": "c", "PATH": "/usr/bin"},
                         capture_output=True, text=True, check=False)
    tb = out.stderr.strip().splitlines()
    return "\n".join([line("src.storage.pg_direct", "import of the database driver failed", "ERROR"), *tb]), "config"


def f3_other_protocol_port(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.sendall(rng.choice([b"-ERR unknown command 'GET'\r\n", b"\x00\x00\x00\x08\x04\xd2\x16/"]))
    return _ws_open(answer, "scripts.run_ws_shim", "ws://exai-daemon:6379/ws"), "config"


def f4_channel_binding(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    dsn = ctx.dsn + " channel_binding=require"
    return _record(lambda: psycopg.connect(dsn), "src.storage.pg_direct", "database connect failed"), "config"


def f5_feature_disabled(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line("src.ops.deploy", "project settings changed: db-aggregates-enabled=false (deploy 2026.12.06-1)")]
    body = b'{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}'
    return "\n".join([*before, _postgrest(400, body)]), "config"


# ---- G. code -------------------------------------------------------------------------------------------------------
def g1_missing_await(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    async def execute() -> dict[str, object]:
        return {"data": []}

    def run() -> object:
        coro = execute()
        try:
            return coro.data  # type: ignore[attr-defined]
        finally:
            coro.close()
    return _record(run, "src.storage.supabase_client", "select failed"), "code"


def g2_used_after_with(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def run() -> None:
        with psycopg.connect(ctx.dsn) as conn:
            pass
        conn.execute("select 1")
    return _record(run, "src.storage.pg_direct", "query failed"), "code"


def g3_cannot_adapt(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    value = rng.choice([{"model": "kimi"}, [{"a": 1}], object()])

    def run() -> None:
        with psycopg.connect(ctx.dsn) as conn:
            conn.execute("select %s", [value])
    return _record(run, "src.storage.pg_direct", "insert failed"), "code"


def g4_grouping_rule(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    sql = rng.choice(["select relname, count(*) from pg_class", "select 1 from pg_class where count(*) > 1",
                      "select 'x'::point::int"])

    def run() -> None:
        with psycopg.connect(ctx.dsn) as conn:
            conn.execute(sql.encode())
    return _record(run, "src.storage.reports", "daily report query failed"), "code"


def g5_callback_contract(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def handler() -> None:
        return None

    async def go() -> None:
        asyncio.ensure_future(handler())  # type: ignore[func-returns-value]
    return _record(lambda: asyncio.run(go()), "src.daemon.ws_server", "handler scheduling failed"), "code"


# ---- H. unknown (the user's own files) -----------------------------------------------------------------------------
def h1_user_archive(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    path = ctx.tmp / f"user-{rng.randrange(999)}.gz"
    path.write_bytes(gzip.compress(b"data " * 500)[:-12])
    shown = f"/mnt/project/uploads/{path.name}"

    def run() -> None:
        with gzip.open(path) as f:
            f.read()
    return _record(run, "tools.smart_file_query", f"reading {shown} failed").replace(str(path), shown), "unknown"


def h1_twin_our_staging(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    path = ctx.tmp / f"stage-{rng.randrange(999)}.gz"
    path.write_bytes(gzip.compress(b"data " * 500)[:-12])
    shown = f"/app/cache/staging/{path.name}"
    before = [line("src.cache.staging", f"writing {shown} failed: [Errno 28] No space left on device", "ERROR")]

    def run() -> None:
        with gzip.open(path) as f:
            f.read()
    return "\n".join([*before, _record(run, "src.cache.staging", f"reading {shown} failed").replace(str(path), shown)]), \
        "capacity"


def h2_user_nul(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    import json
    shown = rng.choice([f"/mnt/project/src/mod{rng.randrange(99)}.py", f"/mnt/project/data/tree{rng.randrange(99)}.json"])

    def run() -> object:
        if shown.endswith(".py"):
            return compile("x = 1\n\x00y = 2\n", shown, "exec")  # source with a NUL byte
        return json.loads("[" * 200_000 + "]" * 200_000)  # nesting deeper than the decoder's recursion limit
    return _record(run, "tools.smart_file_query", f"parsing {shown} failed"), "unknown"


def h3_user_config(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = f"/mnt/project/{rng.choice(['setup.cfg', 'tox.ini', '.flake8'])}"

    def run() -> None:
        configparser.ConfigParser().read_string("[tool]\na = 1\n[tool]\nb = 2\n", source=shown)
    return _record(run, "tools.smart_file_query", f"reading {shown} failed"), "unknown"


def h3_twin_our_config(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = "/app/config/gateway.ini"
    before = [line("src.core.env_config", f"loading gateway config from {shown} (GATEWAY_CONFIG_FILE)")]

    def run() -> None:
        configparser.ConfigParser().read_string("[routing]\na = 1\n[routing]\nb = 2\n", source=shown)
    return "\n".join([*before, _record(run, "src.core.env_config", "config load failed")]), "config"


# class id -> generators (a class, then its twins); ids follow evals/CLASSES8.md
CLASSES: dict[str, tuple[Gen, ...]] = {
    "A1": (a1_edge_html, a1_twin_non_api_host), "A2": (a2_retried_status, a2_twin_duplicate_request_id),
    "A3": (a3_stream_broken, a3_twin_our_parse), "A4": (a4_goaway,),
    "B1": (b1_body_cut, b1_twin_our_cap), "B2": (b2_reset,),
    "B3": (b3_handshake_timeout, b3_twin_blocked_loop, b3_twin_other_service_port),
    "B4": (b4_tls_eof, b4_twin_plain_port),
    "C1": (c1_crash_of_another, c1_twin_idle_session), "C2": (c2_postgrest_statement_timeout, c2_twin_our_canceller),
    "C3": (c3_corruption, c3_twin_undefined), "C4": (c4_storage_service, c4_twin_our_request),
    "D1": (d1_lock_table,), "D2": (d2_twin_bind,), "D3": (d3_pooler_limit, d3_twin_pooler_mode),
    "D4": (d4_overload_close, d4_twin_crash_close), "D5": (d5_bounded_queue, d5_twin_consumer_died),
    "E1": (e1_object_in_use, e1_twin_permission), "E2": (e2_catalog_race,),
    "E3": (e3_condition_misuse, e3_twin_single_task), "E4": (e4_set_mutated_by_other, e4_twin_loop_removes),
    "F1": (f1_dsn_rejected,), "F2": (f2_optional_extra,), "F3": (f3_other_protocol_port,), "F4": (f4_channel_binding,),
    "F5": (f5_feature_disabled,),
    "G1": (g1_missing_await,), "G2": (g2_used_after_with,), "G3": (g3_cannot_adapt,), "G4": (g4_grouping_rule,),
    "G5": (g5_callback_contract,),
    "H1": (h1_user_archive, h1_twin_our_staging), "H2": (h2_user_nul,), "H3": (h3_user_config, h3_twin_our_config),
}
