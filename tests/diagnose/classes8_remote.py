"""CLASSES8 generators, remote sides: A provider, B network, C storage (see classes8_gen.py)."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import ssl
import struct
from collections.abc import Callable
from typing import Any

import httpx
import openai

from tests.diagnose.classes8_base import (
    KIMI,
    Ctx,
    _http_answer,
    _kimi_call,
    _never_answers,
    _pg_raise,
    _postgrest,
    _record,
    _ws_open,
    line,
)
from tests.diagnose.classes8_vary import logger_of, spread, worded
from tests.diagnose.loopback import loopback_server


# ---- A. provider ---------------------------------------------------------------------------------------------------
def a1_edge_html(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status = rng.choice([502, 503, 504, 520])
    body = rng.choice([b"<html><head><title>%d Bad Gateway</title></head><body>cloudflare</body></html>" % status,
                       b"upstream connect error or disconnect/reset before headers"])
    before = [line(logger_of(rng, "kimi"), rng.choice(["Kimi provider ready: base_url=https://api.moonshot.ai/v1 "
                                                       "(KIMI_BASE_URL)", "provider kimi: endpoint https://api.moonshot.ai/v1"])),
              line("httpx", 'HTTP Request: POST https://api.moonshot.ai/v1/chat/completions "HTTP/1.1 200 OK"')]
    return _kimi_call(rng, _http_answer(status, body, "text/html"), rng.choice([1, 2]), before), "provider"


def a1_twin_non_api_host(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    host = rng.choice(["https://platform.moonshot.ai/v1", "https://www.moonshot.cn/v1", "https://kimi.moonshot.cn/v1"])
    before = [line(logger_of(rng, "kimi"), rng.choice([f"Kimi provider ready: base_url={host} (KIMI_BASE_URL)",
                                                       f"KIMI_BASE_URL: {host}"]))]
    body = rng.choice([b"<html><body>404 page not found</body></html>", b"Not Found"])
    return _kimi_call(rng, _http_answer(rng.choice([404, 405]), body, "text/html"), 0, before), "config"


def a2_retried_status(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status = rng.choice([408, 409])
    body = b'{"error": {"message": "request %s", "type": "%s"}}' % (
        (b"timed out at the gateway", b"request_timeout") if status == 408 else (b"locked, try again", b"conflict"))
    return _kimi_call(rng, _http_answer(status, body), rng.choice([1, 2]), []), "provider"


def a2_twin_duplicate_request_id(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    rid = f"req-{rng.randrange(16**8):08x}"
    who = logger_of(rng, "kimi")
    key = rng.choice(["idempotency_key", "request_id", "X-Request-Id"])
    before = [line(who, f"POST /v1/chat/completions {key}={rid} (attempt 1)"),
              line(who, f"POST /v1/chat/completions {key}={rid} (tool call {rng.randrange(2, 6)})")]
    body = b'{"error": {"message": "duplicate %s", "type": "conflict"}}' % rng.choice(
        [b"idempotency key", b"request id"])
    return _kimi_call(rng, _http_answer(409, body), 0, before), "code"


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


def _stream(rng: random.Random, answer: Callable[[socket.socket], None], consume: Callable[[Any], object]) -> str:
    with loopback_server(answer) as port:
        client = openai.OpenAI(api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)

        def run() -> object:
            stream = client.chat.completions.create(model=KIMI, messages=[{"role": "user", "content": "x"}], stream=True)
            return consume(stream)
        return _record(run, logger_of(rng, "kimi"), worded(rng, "kimi", KIMI))


def a3_stream_broken(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    bad = rng.choice([b'data: {"id": "c1", "choices": [\n\n',
                      b'data: {"error": {"message": "stream interrupted by upstream", "type": "server_error"}}\n\n'])
    return _stream(rng, _sse([CHUNK] * rng.randrange(1, 4) + [bad]), lambda s: [c for c in s]), "provider"


def a3_twin_our_parse(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    import ast

    parse = rng.choice([json.loads, ast.literal_eval])  # our code parses the assembled content as tool arguments

    def consume(stream: Any) -> object:
        text = "".join(c.choices[0].delta.content or "" for c in stream)
        return parse(text + rng.choice(["", "{", "]"]))
    return _stream(rng, _sse([CHUNK] * rng.randrange(1, 4) + [b"data: [DONE]\n\n"]), consume), "code"


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
    return _record(run, logger_of(rng, "kimi"), worded(rng, "kimi", KIMI) + rng.choice(["", ": Connection error."])
                   ), "provider"


# ---- B. network ----------------------------------------------------------------------------------------------------
def b1_body_cut(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    import aiohttp

    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % rng.randrange(5000, 90000) + b"x" * 100)

    async def go(port: int) -> None:
        async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{port}/files/report.pdf") as r:
            await (r.read() if rng.random() < 0.5 else r.text())
    with loopback_server(answer) as port:
        return _record(lambda: asyncio.run(go(port)), logger_of(rng, "download"),
                       worded(rng, "download", f"https://files.example.org/r{rng.randrange(99)}.pdf")), "network"


def b1_twin_our_cap(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    cap, name = rng.choice([1048576, 5242880, 20000000]), rng.choice(["MAX_DOWNLOAD_BYTES", "DOWNLOAD_SIZE_LIMIT"])

    def read_capped() -> None:
        body = b"x" * (cap + rng.randrange(1, 5000))
        if len(body) > cap:
            raise rng.choice([ValueError, RuntimeError])(f"response body exceeds {name} ({cap} bytes)")
    before = [line("src.core.env_config", f"settings loaded: {name}={cap}")]
    return spread(rng, before, _record(read_capped, logger_of(rng, "download"), worded(rng, "download", "report.pdf"))
                  ), "config"


def b2_reset(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with RST

    with loopback_server(answer) as port:
        url = f"http://127.0.0.1:{port}/rest/v1/uploads?select=id"
        method = rng.choice(["get", "post"])
        rec = _record(lambda: httpx.request(method.upper(), url, timeout=5), logger_of(rng, "rest"),
                      rng.choice(["supabase select failed", "[HEALTH] supabase probe failed", worded(rng, "rest")]))
    return rec.replace(f"http://127.0.0.1:{port}", "https://qzkv.supabase.co"), "network"


def b3_handshake_timeout(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _ws_open(rng, _never_answers, f"ws://exai-daemon:{rng.choice([8079, 8765])}/ws"), "network"


def b3_twin_blocked_loop(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line("asyncio", f"Executing <Task pending name='Task-{rng.randrange(9, 99)}' coro=<handle_tool_call() "
                   f"running at /app/src/daemon/ws_server.py:{rng.randrange(100, 900)}>> took {rng.randrange(8, 30)}.2"
                   " seconds", "WARNING")]
    return spread(rng, before, _ws_open(rng, _never_answers, "ws://exai-daemon:8079/ws")), "code"


def b3_twin_short_callback(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """A slow-callback warning well under a second before the timeout: it does not explain a handshake timeout."""
    before = [line("asyncio", f"Executing <Handle _SelectorSocketTransport._read_ready()> took 0.{rng.randrange(11, 60)}"
                   " seconds", "WARNING")]
    return spread(rng, before, _ws_open(rng, _never_answers, "ws://exai-daemon:8079/ws")), "network"


def b3_twin_other_service_port(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    port = rng.choice([5432, 6379])
    before = [line("src.core.env_config", f"shim: EXAI_WS_URL=ws://exai-daemon:{port}/ws (REDIS_PORT=6379, PG_PORT=5432)")]
    return spread(rng, before, _ws_open(rng, _never_answers, f"ws://exai-daemon:{port}/ws")), "config"


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
                                        timeout=5), logger_of(rng, "rest"), worded(rng, "rest", "big.bin"))
    return rec, "network"


def b4_twin_plain_port(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    with loopback_server(answer) as port:
        rec = _record(lambda: httpx.get(f"https://127.0.0.1:{port}/{rng.choice(['rest/v1/', 'storage/v1/'])}", timeout=5),
                      logger_of(rng, "rest"), worded(rng, "rest", "the health probe"))
    return rec, "config"


# ---- C. storage (real PostgreSQL: the server's own ErrorResponse with its SQLSTATE) --------------------------------
CRASH_DETAIL = ("The postmaster has commanded this server process to roll back the current transaction and exit, "
                "because another server process exited abnormally and possibly corrupted shared memory.")


def c1_crash_of_another(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # postgres.c quickdie(): the same ERRCODE_CRASH_SHUTDOWN for every backend; the HINT is sent only by some versions
    hint = rng.choice(["In a moment you should be able to reconnect to the database and repeat your command.", ""])
    return _pg_raise(ctx, rng, "57P02", "terminating connection because of crash of another server process",
                     CRASH_DETAIL, hint), "storage"


def c1_twin_idle_session(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    secs = rng.choice([30, 60, 300])
    before = [line("src.core.env_config", rng.choice([
        f"db: idle_session_timeout={secs}s (DB_IDLE_SESSION_TIMEOUT), pool max_idle=600",
        f"settings loaded: DB_IDLE_SESSION_TIMEOUT={secs}s POOL_MAX_IDLE=600"]))]
    return spread(rng, before, _pg_raise(ctx, rng, "57P05", "terminating connection due to idle-session timeout")), \
        "config"


def c2_postgrest_statement_timeout(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # PostgREST relays the SQLSTATE; the HTTP status it maps 57014 to is 500 (docs: errors, "57014 ... 500")
    return _postgrest(rng, 500, b'{"code":"57014","details":null,"hint":null,"message":"canceling statement due to '
                                b'statement timeout"}'), "storage"


def c2_twin_our_canceller(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our canceller enforcing a setting; where the setting shows varies: on the canceller's own line, on a startup line
    the canceller's logger shares a word with, or on a startup line whose value the canceller quotes."""
    secs = rng.choice([2, 5, 10])
    pid = rng.randrange(1000, 9999)
    shape = rng.choice(["own-line", "logger-word", "value"])
    if shape == "own-line":
        name = rng.choice(["DB_REQUEST_TIMEOUT_SECS", "QUERY_WATCHDOG_SECS"])
        before = [line("src.core.env_config", f"settings loaded: {name}={secs}"),
                  line(rng.choice(["src.storage.watchdog", "src.storage.query_guard"]),
                       rng.choice([f"cancelling backend pid={pid} after {name}={secs}",
                                   f"pg_cancel_backend({pid}): query exceeded {name}={secs}"]), "WARNING")]
    elif shape == "logger-word":
        word = rng.choice(["watchdog", "guard", "reaper"])
        before = [line("src.core.env_config", f"database: PG_{word.upper()}_MAX_QUERY_SECS={secs} (env)"),
                  line(f"src.storage.pg_{word}", f"cancelling backend {pid}: statement ran too long", "WARNING")]
    else:
        before = [line("src.core.env_config", f"settings loaded: STATEMENT_BUDGET_SECS={secs}"),
                  line("src.storage.budget", f"pg_cancel_backend({pid}): running {secs}.01 s > {secs} s", "WARNING")]
    return spread(rng, before, _postgrest(rng, 500, b'{"code":"57014","details":null,"hint":null,"message":"canceling '
                                                    b'statement due to user request"}')), "config"


def c3_corruption(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    code, msg = rng.choice([("XX001", f"invalid page in block {rng.randrange(9999)} of relation base/16384/24576"),
                            ("58P01", 'could not open file "base/16384/24576": No such file or directory'),
                            ("XX002", 'index "conversations_pkey" contains unexpected zero page at block 12'),
                            ("58030", 'could not read block 7 in file "base/16384/24576": read only 0 of 8192 bytes')])
    return _pg_raise(ctx, rng, code, msg), "storage"


def c3_twin_undefined(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    from tests.diagnose.classes8_base import _pg_client

    sql = rng.choice(["select id from conversation_archive_v2", "select missing_col from pg_class",
                      "select archived_at(1)"])
    return _record(_pg_client(rng, ctx.dsn, sql), logger_of(rng, "pg"), worded(rng, "pg", "conversation_archive_v2")), \
        "code"


def _storage(rng: random.Random, status: int, code: str, message: str) -> str:
    import storage3

    body = json.dumps({"statusCode": str(status), "error": code, "message": message}).encode()
    with loopback_server(_http_answer(status, body)) as port:
        client = storage3.SyncStorageClient(f"http://127.0.0.1:{port}/storage/v1", {"apikey": "k"})
        bucket, path = rng.choice(["uploads", "attachments"]), f"u{rng.randrange(99)}/report.pdf"
        rec = _record(lambda: client.from_(bucket).download(path), logger_of(rng, "rest"), worded(rng, "rest", path))
    return rec.replace(f"http://127.0.0.1:{port}", "https://qzkv.supabase.co")


def c4_storage_service(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status, code, msg = rng.choice([(503, "SlowDown", "Please reduce your request rate"),
                                    (504, "DatabaseTimeout", "timeout acquiring a connection"),
                                    (500, "InternalError", "Internal Server Error"),
                                    (503, "DatabaseError", "Database is temporarily unavailable")])
    return _storage(rng, status, code, msg), "storage"


def c4_twin_our_request(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status, code, msg = rng.choice([(400, "InvalidKey", "Invalid key: u1/report?.pdf"),
                                    (400, "InvalidMimeType", "mime type application/x-foo is not supported")])
    return _storage(rng, status, code, msg), "code" if code == "InvalidKey" else "config"
