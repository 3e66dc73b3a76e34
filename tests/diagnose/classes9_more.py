"""Generators for more classes of evals/CLASSES9.md (second wave of round 9): P1 (a provider reply that breaks its
documented schema in a field our parsing consumes) and N3 (an outbound proxy failing or refusing the CONNECT tunnel),
each with its near-miss twin. The errors are raised for real: the openai SDK parses a loopback reply without
validating it (openai/_models.py `construct`), then our parsing frame fails on the field; httpx/httpcore and aiohttp
raise their proxy errors from a loopback proxy's CONNECT answer. Logger, wording, field, client, model, status and
where the evidence sits are drawn from the seed. A generator returns (excerpt, expected category).

Not generated: P2 (the Zhipu/Z.ai SDK, zhipuai, is not installed in the venv: its own error classes cannot be raised
for real here).
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
from typing import Any

import openai

from tests.diagnose.classes8_base import KIMI_MODELS, Ctx, Gen, _record, line
from tests.diagnose.classes8_vary import logger_of, spread, worded
from tests.diagnose.loopback import loopback_server

# ---- P1: the provider's reply breaks its documented schema ---------------------------------------------------------
# openai/types/chat/: ChatCompletion.choices[].finish_reason is a Literal of five values, a function tool call's
# `arguments` is `str`, CompletionUsage's token counts are `int` - all documented as always present with that type.
# ChatCompletionMessage.content, .tool_calls and ChatCompletion.usage are Optional: our code must expect None.
_FINISH = {"stop": "done", "length": "truncated", "tool_calls": "tools", "content_filter": "filtered",
           "function_call": "tools"}


def _reply(field: str, value: Any, model: str) -> bytes:
    msg: dict[str, Any] = {"role": "assistant", "content": "ok"}
    choice: dict[str, Any] = {"index": 0, "message": msg, "finish_reason": "stop"}
    usage: dict[str, Any] | None = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
    if field == "arguments":
        msg["tool_calls"] = [{"id": "call_1", "type": "function", "function": {"name": "read_file", "arguments": value}}]
        choice["finish_reason"] = "tool_calls"
    elif field == "finish_reason":
        choice["finish_reason"] = value
    elif field == "prompt_tokens":
        assert usage is not None
        usage["prompt_tokens"] = value
    elif field == "content":
        msg["content"] = value
    elif field == "tool_calls":
        msg["tool_calls"] = value
        choice["finish_reason"] = "tool_calls"
    elif field == "usage":
        usage = value
    return json.dumps({"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
                       "choices": [choice], "usage": usage}).encode()


def _parse(resp: Any, field: str) -> object:
    """Our parsing frame: what the gateway does with each field after a 200."""
    msg = resp.choices[0].message
    if field == "arguments":
        return [json.loads(tc.function.arguments) for tc in msg.tool_calls]
    if field == "finish_reason":
        return _FINISH[resp.choices[0].finish_reason]
    if field in ("prompt_tokens", "usage"):
        spent = 0
        spent += resp.usage.prompt_tokens + resp.usage.completion_tokens
        return spent
    if field == "content":
        return msg.content.strip()
    return [tc.function.name for tc in msg.tool_calls]


def _answer(body: bytes) -> Any:
    from tests.diagnose.classes8_base import _http_answer
    return _http_answer(200, body)


def _reply_parsed(rng: random.Random, field: str, value: Any, before: list[str], model: str) -> str:
    """A 200 reply of the real openai client (sync or async, drawn) with `field` = `value`, parsed by our frame."""
    msgs = [{"role": "user", "content": "x"}]
    with loopback_server(_answer(_reply(field, value, model))) as port:
        url = f"http://127.0.0.1:{port}/v1"
        if rng.random() < 0.5:
            client = openai.OpenAI(api_key="sk-test", base_url=url, max_retries=0)

            def run() -> object:
                return _parse(client.chat.completions.create(model=model, messages=msgs), field)  # type: ignore[arg-type]
        else:
            aclient = openai.AsyncOpenAI(api_key="sk-test", base_url=url, max_retries=0)

            def run() -> object:
                async def go() -> object:
                    return _parse(await aclient.chat.completions.create(model=model, messages=msgs), field)  # type: ignore[arg-type]
                return asyncio.run(go())
        rec = _record(run, logger_of(rng, "kimi"), rng.choice([
            f"parsing the reply of {model} failed", f"could not read kimi/{model} response",
            f"[PROVIDER] kimi {model}: reply handling error", f"chat turn failed after 200 from {model}"]))
    return spread(rng, before, rec)


_DOCUMENTED_OTHERWISE: dict[str, tuple[Any, ...]] = {
    "arguments": ({"path": "/mnt/project/a.py"}, {"query": "select", "limit": 5}, ["a.py"]),
    "finish_reason": ("pause_turn", "max_output_tokens", "repetition", "insufficient_system_resource"),
    "prompt_tokens": ("11", "n/a", "1.2k"),
}


def p1_reply_breaks_schema(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    field = rng.choice(sorted(_DOCUMENTED_OTHERWISE))
    value = rng.choice(_DOCUMENTED_OTHERWISE[field])
    model = rng.choice(KIMI_MODELS)
    who = rng.choice(["src.providers.kimi_chat", "src.providers.openai_compatible", "src.providers.response_parser"])
    where = {"arguments": "choices[0].message.tool_calls[0].function.arguments", "finish_reason":
             "choices[0].finish_reason", "prompt_tokens": "usage.prompt_tokens"}[field]
    evidence = rng.choice([
        f"raw reply from {model}: {where} = {json.dumps(value)} (type {type(value).__name__})",
        f"reply field {where} from {model} is a {type(value).__name__}: {json.dumps(value)}",
        f"last hour: {rng.randrange(12, 90)} of {rng.randrange(100, 400)} replies of {model} failed to parse, "
        f"0 of {rng.randrange(300, 900)} of the other models",
    ])
    return _reply_parsed(rng, field, value, [line(who, evidence, "DEBUG")], model), "provider"


def p1_twin_optional_field(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The field is documented Optional (content, tool_calls, usage) and our frame assumes it present -> code."""
    field = rng.choice(["content", "tool_calls", "usage"])
    model = rng.choice(KIMI_MODELS)
    where = {"content": "choices[0].message.content", "tool_calls": "choices[0].message.tool_calls",
             "usage": "usage"}[field]
    # half the seeds dump the reply's null as P1's evidence does: documented Optional, so it must not move
    dump = [line(logger_of(rng, "kimi"), rng.choice([f"raw reply from {model}: {where} = null (type NoneType)",
                                                      f"reply field {where} from {model} is a NoneType: null"]),
                 "DEBUG")] if rng.random() < 0.5 else []
    return _reply_parsed(rng, field, None, dump, model), "code"


def p1_twin_every_model(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same parsing failure, but the count shows it on every model alike and no record shows the reply's value:
    nothing ties it to the provider's reply -> our parsing (code)."""
    field = rng.choice(["arguments", "prompt_tokens"])
    value = rng.choice(_DOCUMENTED_OTHERWISE[field])
    model = rng.choice(KIMI_MODELS)
    n = rng.randrange(12, 90)
    count = line(rng.choice(["src.providers.kimi_chat", "src.providers.response_parser"]), rng.choice([
        f"last hour: {n} of {rng.randrange(100, 400)} replies of {model} failed to parse, {n + rng.randrange(5, 60)} "
        f"of {rng.randrange(300, 900)} of the other models",
        f"parse failures since deploy: {model} {n}, other models {n * 3}"]), "DEBUG")
    return _reply_parsed(rng, field, value, [count], model), "code"


# ---- N3: an outbound proxy failing or refusing the tunnel ----------------------------------------------------------
HOSTS = ("api.moonshot.ai", "api.z.ai", "files.example.org", "hooks.slack.com")


def _proxy(status: int, reason: bytes) -> Any:
    def answer(c: socket.socket) -> None:
        c.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        c.sendall(b"HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" % (status, reason))
    return answer


def _tunnel(rng: random.Random, status: int, reason: bytes, host: str) -> str:
    """An https request through a loopback proxy answering CONNECT with `status`, by httpx (httpcore's tunnel check,
    http_proxy.py) or aiohttp (ClientHttpProxyError), drawn from the seed."""
    lib = rng.choice(["httpx", "aiohttp"])
    with loopback_server(_proxy(status, reason)) as port:
        proxy, url = f"http://127.0.0.1:{port}", f"https://{host}/v1/{rng.choice(['models', 'files', 'chat'])}"

        def run() -> object:
            if lib == "httpx":
                import httpx
                with httpx.Client(proxy=proxy, timeout=5) as c:
                    return c.get(url)
            import aiohttp

            async def go() -> None:
                async with aiohttp.ClientSession() as s, s.get(url, proxy=proxy) as r:
                    await r.read()
            return asyncio.run(go())
        rec = _record(run, logger_of(rng, "download"), worded(rng, "download", url))
    return rec.replace(f"127.0.0.1:{port}", "egress-proxy.internal:3128")


def n3_proxy_upstream_transient(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status, reason = rng.choice([(502, b"Bad Gateway"), (503, b"Service Unavailable"), (504, b"Gateway Timeout")])
    host = rng.choice(HOSTS)
    other = rng.choice([h for h in HOSTS if h != host])
    before = [line(logger_of(rng, "download"), rng.choice([
        f"GET https://{other}/v1/models via egress-proxy.internal:3128: 200 in {rng.randrange(40, 900)} ms",
        f"proxy egress-proxy.internal:3128 healthy: {rng.randrange(20, 99)} tunnels open to other hosts"]))]
    return spread(rng, before, _tunnel(rng, status, reason, host)), "network"


def n3_twin_proxy_policy(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The proxy refuses the destination by policy (403 on every CONNECT to that host) -> config."""
    host = rng.choice(HOSTS)
    n = rng.randrange(3, 40)
    before = [line(logger_of(rng, "download"), rng.choice([
        f"CONNECT {host}:443 via egress-proxy.internal:3128 refused {n} times since deploy (403), other hosts 200",
        f"egress allow-list (EGRESS_ALLOWED_HOSTS) does not list {host}; {n} of {n} tunnels refused"]), "WARNING")]
    return spread(rng, before, _tunnel(rng, 403, rng.choice([b"Forbidden", b"Filtered"]), host)), "config"


# ---- N2: writing a reply to a client that has gone away ------------------------------------------------------------
SERVERS = ("src.monitoring.health_server", "src.monitoring.metrics_http", "src.daemon.http_api", "src.server")


def _served_write(rng: random.Random, we_close: bool) -> tuple[BaseException, str]:
    """A real aiohttp web handler or asyncio-streams server writing a streamed reply after its transport closed: by
    the peer (the client resets the connection after the headers) or by our own handler (`we_close`). aiohttp's
    http_writer.py raises ClientConnectionResetError 'Cannot write to closing transport'; asyncio's
    StreamWriter.drain raises ConnectionResetError 'Connection lost' (streams.py _drain_helper)."""
    import struct

    from aiohttp import web

    stack = rng.choice(["aiohttp", "streams"])
    caught: list[BaseException] = []
    path = rng.choice(["/metrics", "/health/stream", "/v1/events", "/debug/dump"])

    async def write_until_it_fails(write: Any, close: Any) -> None:
        if we_close:
            close()
        for _ in range(400):
            try:
                await write(b"x" * 65536)
            except Exception as exc:  # noqa: BLE001 - the write path's own error, kept for the record
                caught.append(exc)
                return
            await asyncio.sleep(0.01)

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        transport = request.transport
        assert transport is not None
        await write_until_it_fails(resp.write, transport.close)
        return resp

    async def stream_handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")

        async def write(b: bytes) -> None:
            writer.write(b)
            await writer.drain()
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        await write_until_it_fails(write, writer.close)

    async def go() -> None:
        if stack == "aiohttp":
            app = web.Application()
            app.router.add_get(path, handler)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = runner.addresses[0][1]
        else:
            server = await asyncio.start_server(stream_handler, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        await r.readuntil(b"\r\n\r\n")
        if not we_close:  # the client goes away: a reset (SO_LINGER 0), as a client timing out and aborting does
            w.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            w.transport.abort()
        for _ in range(300):
            if caught:
                break
            await asyncio.sleep(0.01)
        if we_close:
            w.close()
        if stack == "aiohttp":
            await runner.cleanup()
        else:
            server.close()
    asyncio.run(go())
    assert caught, "the write never failed"
    return caught[0], path


def _logged_write(rng: random.Random, we_close: bool, before: list[str]) -> str:
    exc, path = _served_write(rng, we_close)

    def rethrow() -> None:
        raise exc
    who = rng.choice(SERVERS)
    return spread(rng, before, _record(rethrow, who, rng.choice([
        f"writing the reply to GET {path} failed", f"stream {path} aborted", "response write error",
        f"[HTTP] {path}: could not send chunk"])))


def n2_client_went_away(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    peer = f"10.0.{rng.randrange(1, 9)}.{rng.randrange(2, 250)}:{rng.randrange(30000, 60000)}"
    before = [line(rng.choice(SERVERS), rng.choice([
        f"client {peer} disconnected after {rng.randrange(5, 90)} s",
        f"peer {peer} closed the connection (read timeout {rng.choice([10, 30, 60])} s on its side)",
        f"connection from {peer} reset by the client"]), rng.choice(["INFO", "DEBUG"]))]
    return _logged_write(rng, False, before), "network"


def n2_twin_we_closed(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our handler closed the transport itself before writing (no record of the peer leaving) -> code."""
    before = [line(rng.choice(SERVERS), rng.choice([
        "shutdown requested: closing open connections", "reload: closing idle transports",
        f"handler for {rng.choice(['/metrics', '/v1/events'])} finished early, closing transport"]))]
    return _logged_write(rng, True, before if rng.random() < 0.7 else []), "code"


# ---- S1: a Supabase sub-service failing on its own dependency -----------------------------------------------------
def _sub_service(rng: random.Random, status: int, auth_body: dict[str, Any], storage_body: dict[str, Any]) -> str:
    """One call of the real supabase_auth (GoTrue: sign-in, refresh, get_user) or storage3 (upload, download, list)
    client against a loopback answer `status` with that service's body shape, logged by a drawn module."""
    import storage3
    import supabase_auth

    from tests.diagnose.classes8_base import _http_answer

    service = rng.choice(["auth", "storage"])
    body = json.dumps(auth_body if service == "auth" else storage_body).encode()
    with loopback_server(_http_answer(status, body)) as port:
        base = f"http://127.0.0.1:{port}"
        if service == "auth":
            auth = supabase_auth.SyncGoTrueClient(url=f"{base}/auth/v1", headers={"apikey": "anon"})
            method = rng.choice(["sign_in", "refresh", "get_user"])

            def run() -> object:
                if method == "sign_in":
                    return auth.sign_in_with_password({"email": f"u{rng.randrange(99)}@example.com", "password": "pw"})
                if method == "refresh":
                    return auth.refresh_session(f"r-{rng.randrange(16**8):08x}")
                return auth.get_user(f"eyJ{rng.randrange(16**8):08x}")
            who, what = rng.choice(["src.auth.session", "src.storage.supabase_client", "src.daemon.session_store"]), \
                rng.choice(["sign-in failed", "token refresh failed", "could not load the user", "[AUTH] request failed"])
        else:
            store = storage3.SyncStorageClient(f"{base}/storage/v1", {"apikey": "k"})
            bucket, path = rng.choice(["uploads", "attachments", "exports"]), f"u{rng.randrange(99)}/{rng.randrange(999)}.pdf"
            method = rng.choice(["upload", "download", "list"])

            def run() -> object:
                if method == "upload":
                    return store.from_(bucket).upload(path, b"%PDF-1.4 x")
                if method == "download":
                    return store.from_(bucket).download(path)
                return store.from_(bucket).list("u1")
            who, what = logger_of(rng, "rest"), worded(rng, "rest", path)
        rec = _record(run, who, what)
    return rec.replace(base, "https://qzkv.supabase.co")


def s1_sub_service_dependency(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """A 5xx whose message names the sub-service's OWN database/schema/upstream (GoTrue's unexpected_failure
    'Database error ...', storage-api's DatabaseError / InternalError naming its database)."""
    status = rng.choice([500, 502, 503, 504])
    said = rng.choice(["Database error querying schema", "Database error finding user", "Database error saving new user",
                       "error connecting to the database: timeout", "upstream connect error or disconnect/reset "
                       "before headers"])
    auth = {"code": status, "error_code": "unexpected_failure", "msg": said}
    storage = {"statusCode": str(status), "error": rng.choice(["DatabaseError", "InternalError"]), "message": said}
    return _sub_service(rng, status, auth, storage), "storage"


def s1_twin_credential_or_setting(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same endpoints answering a 4xx whose code names the credential or a setting -> config."""
    status, code, said = rng.choice([(401, "bad_jwt", "invalid JWT: unable to parse or verify signature"),
                                     (401, "no_authorization", "This endpoint requires a Bearer token"),
                                     (403, "not_admin", "User not allowed")])
    auth = {"code": status, "error_code": code, "msg": said}
    storage = {"statusCode": str(status), "error": rng.choice(["InvalidJWT", "Unauthorized"]),
               "message": rng.choice(["invalid signature", "Invalid Compact JWS", "jwt malformed"])}
    return _sub_service(rng, status, auth, storage), "config"


def s1_twin_expired_token(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The near miss of the credential twin: a 401 for the token's AGE (expired), not its signature - the session's
    state, read as storage by the service tables (service_codes.py), must not move to config."""
    said = rng.choice(["invalid JWT: unable to parse or verify signature, token is expired by 3m2s", "jwt expired",
                       "token has expired"])
    auth = {"code": 401, "error_code": "bad_jwt", "msg": said}
    storage = {"statusCode": "401", "error": rng.choice(["InvalidJWT", "ExpiredToken"]), "message": said}
    return _sub_service(rng, 401, auth, storage), "storage"


# ---- R1: a process killed by its memory limit, no Python traceback ------------------------------------------------
# Docker's exit-code convention (128 + signal: SIGKILL 9 -> 137), cgroup v2 memory.events (oom_kill), the kernel's
# OOM-killer record, supervisord's 'terminated by SIGKILL'. The carrier is drawn; the memory figures before it say
# whether memory followed the load (capacity) or an internal structure that never shrinks (code).
def _killed(rng: random.Random) -> str:
    pid = rng.randrange(100, 30000)
    return rng.choice([
        line("docker", f"exai-mcp-daemon-{rng.randrange(1, 4)} exited with code 137 (OOMKilled=true)", "ERROR"),
        line("kernel", f"Memory cgroup out of memory: Killed process {pid} (python) total-vm:{rng.randrange(2, 9)}"
             f"123456kB, anon-rss:{rng.randrange(900, 2000)}456kB", "ERROR"),
        line("supervisord", f"exited: exai-daemon (terminated by SIGKILL; not expected), pid {pid}", "ERROR"),
        line("src.daemon.watchdog", f"worker pid {pid} died: exit status 137, memory.events oom_kill "
             f"{rng.randrange(1, 5)}; restarting", "ERROR"),
    ])


def _gauges(rng: random.Random, load: bool) -> list[str]:
    """Health records before the kill, one carrier shape per excerpt (prose or key=value), memory rising with
    either the load or one internal structure."""
    out, mb, prose = [], rng.randrange(300, 500), rng.random() < 0.5
    name = rng.choice(["session_history", "response_cache", "pending_events", "conversation_buffer"])
    for i in range(rng.randrange(2, 5)):
        mb += rng.randrange(200, 500)
        if load:
            n, att = rng.randrange(30, 60) + 60 * i, rng.randrange(20, 90)
            out.append(line("src.monitoring.health", f"memory rss {mb} MB, {n} requests in flight, largest "
                            f"attachment {att} MB" if prose else f"rss={mb}MB in_flight={n} upload_bytes_in_memory={att * 7}MB"))
        else:
            n, size = rng.randrange(0, 4), 20000 + rng.randrange(12000, 30000) * i
            out.append(line("src.monitoring.health", f"memory rss {mb} MB, {n} requests in flight, {name} entries "
                            f"{size}, evictions 0" if prose else f"rss={mb}MB in_flight={n} {name}_size={size} "
                            f"{name}_evictions=0"))
    return out


def r1_oom_with_load(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return spread(rng, _gauges(rng, True), _killed(rng)), "capacity"


def r1_twin_unbounded_structure(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Memory grows with an internal structure that never evicts, load flat -> our code (a missing bound)."""
    return spread(rng, _gauges(rng, False), _killed(rng)), "code"


# ---- G1: a legitimate setting value reaching a broken branch of our code -------------------------------------------
_SETTINGS = (("STREAMING_MODE", ("off", "sse", "chunked")), ("CACHE_BACKEND", ("none", "memory", "redis")),
             ("TOOL_SANDBOX", ("disabled", "strict", "relaxed")))


def _branch(rng: random.Random, value: str, valid: tuple[str, ...], broken: bool) -> object:
    """Our code over the setting's value: a context-manager generator that does not yield on that branch
    (contextlib: "generator didn't yield"), a handler table missing that key, or - the twin - the value parsed by an
    Enum of the documented values (enum.py: "'x' is not a valid ...")."""
    import contextlib
    import enum

    if not broken:
        mode = enum.Enum("Mode", {v.upper(): v for v in valid})
        return mode(value)
    if rng.random() < 0.5:
        @contextlib.contextmanager
        def opened(v: str) -> Any:
            if v != valid[0]:
                yield v

        with opened(value):
            return None
    handlers = {v: v.upper() for v in valid[1:]}
    return handlers[value]


def g1_valid_value_broken_branch(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    name, valid = rng.choice(_SETTINGS)
    value = valid[0]  # a documented value, the one the code mishandles
    who = logger_of(rng, "startup")
    before = [line(who, rng.choice([f"{name}={value}", f"config: {name.lower()} = {value!r} (documented: "
                                    f"{', '.join(valid)})"]))]
    return spread(rng, before, _record(lambda: _branch(rng, value, valid, True), who,
                                       worded(rng, "startup", name.lower()))), "code"


def g1_twin_invalid_value(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    name, valid = rng.choice(_SETTINGS)
    value = rng.choice([valid[0][:-1], valid[1].upper() + "_", "of", "yes"])  # a typo / not a documented value
    who = logger_of(rng, "startup")
    before = [line(who, rng.choice([f"{name}={value}", f"config: {name.lower()} = {value!r}"]))]
    return spread(rng, before, _record(lambda: _branch(rng, value, valid, False), who,
                                       worded(rng, "startup", name.lower()))), "config"


CLASSES9_MORE: dict[str, tuple[Gen, ...]] = {
    "P1": (p1_reply_breaks_schema, p1_twin_optional_field, p1_twin_every_model),
    "N2": (n2_client_went_away, n2_twin_we_closed),
    "N3": (n3_proxy_upstream_transient, n3_twin_proxy_policy),
    "G1": (g1_valid_value_broken_branch, g1_twin_invalid_value),
    "R1": (r1_oom_with_load, r1_twin_unbounded_structure),
    "S1": (s1_sub_service_dependency, s1_twin_credential_or_setting, s1_twin_expired_token),
}
__all__ = ["CLASSES9_MORE"]
