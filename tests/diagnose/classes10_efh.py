"""Generators for CLASSES10 classes E2 (an asyncio object bound to one event loop awaited under another), F8 (a
credential or header value loaded with an invisible character) and H3 (a format sniffer giving up on a user's file),
each with its section-K twin. Every error is raised for real by the library the spec cites (Lib/asyncio/mixins.py
_get_loop, Lib/asyncio/tasks.py __step's 'attached to a different loop', h11/_headers.py + httpx/_models.py header
validation, aiohttp/_http_writer newline check, Lib/csv.py Sniffer.sniff); logger, wording, values and carrier are
drawn from the seed.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import random
import socket
import threading
from collections.abc import Callable

from tests.diagnose.classes8_base import Ctx, Gen, _record
from tests.diagnose.classes9_second import at
from tests.diagnose.classes10_gen import _app_function, _excerpt
from tests.diagnose.loopback import loopback_server


def _req(rng: random.Random) -> str:
    return f"{rng.randrange(16**8):08x}"


# ---- E2: an asyncio primitive bound to one loop, awaited under another ----------------------------------------------
def _bound_elsewhere(rng: random.Random) -> Callable[[], object]:
    """Create a primitive under one loop, then await it under a second loop: asyncio.mixins._LoopBoundMixin._get_loop
    raises 'is bound to a different event loop' (Lock, Event, Condition, Semaphore, Queue); a Future of loop A awaited
    by a task of loop B raises 'got Future ... attached to a different loop' (tasks.py __step)."""
    shape = rng.choice(["lock", "event", "semaphore", "queue", "future"])

    def run() -> object:
        holder: dict[str, object] = {}

        async def make() -> None:
            # a waiter under the first loop binds the primitive to it (mixins._get_loop runs only when a caller has
            # to wait: a free Lock/Semaphore never binds)
            loop = asyncio.get_running_loop()
            if shape == "future":
                holder["o"] = loop.create_future()
                return
            o: object = {"lock": asyncio.Lock, "event": asyncio.Event, "semaphore": lambda: asyncio.Semaphore(1),
                         "queue": asyncio.Queue}[shape]()
            if isinstance(o, asyncio.Lock | asyncio.Semaphore):
                await o.acquire()
                loop.create_task(o.acquire())
            elif isinstance(o, asyncio.Event):
                loop.create_task(o.wait())
            elif isinstance(o, asyncio.Queue):
                loop.create_task(o.get())
            await asyncio.sleep(0)
            holder["o"] = o

        async def use() -> object:
            o = holder["o"]
            if isinstance(o, asyncio.Lock | asyncio.Semaphore):
                return await o.acquire()
            if isinstance(o, asyncio.Event):
                return await o.wait()
            if isinstance(o, asyncio.Queue):
                return await o.get()
            assert isinstance(o, asyncio.Future)
            return await o

        first = asyncio.new_event_loop()
        first.run_until_complete(make())
        try:
            return asyncio.run(use())
        finally:
            pending = asyncio.all_tasks(first)
            for t in pending:
                t.cancel()
            first.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            first.close()
    return run


def e2_two_loops_two_threads(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The object was made by the main loop and awaited by a loop a worker thread runs at the same time: the startup
    records show the second thread starting its own loop while the main loop serves -> concurrency."""
    logger = rng.choice(["src.monitoring.metrics_flusher", "src.daemon.session_hub", "src.utils.rate_limiter"])
    thread = rng.choice(["metrics-flush", "usage-sync", "ws-pinger"])
    box: dict[str, str] = {}

    def in_thread() -> None:
        box["e"] = _record(  # the thread's name in the record, as a %(threadName)s formatter or the message prints it
            _bound_elsewhere(rng), logger, rng.choice(
            [f"thread={thread} flush step failed", f"[thread {thread}] background step failed",
             f"[{thread}] background step failed"]))  # the last as a "[%(threadName)s]" format prints it
    t = threading.Thread(target=in_thread, name=thread)
    t.start()
    t.join()
    error = box["e"]
    started = at(error, rng.choice([5, 40, 300]), rng.choice(["src.daemon.startup", "src.server"]),
                 rng.choice([f"started thread {thread} running its own event loop (asyncio.run) beside the main loop",
                             f"{thread}: new_event_loop() run_forever in a worker thread",
                             f"{thread.replace('-', ' ')} started in thread '{thread}' with a new event loop",
                             f'spawned thread "{thread}" (loop.run_forever)',
                             # the thread named after the loop (round 11's generated cases)
                             f"starting {thread.split('-')[0]} with its own event loop (thread={thread})"]))
    serving = at(error, 1, "src.daemon.ws_server", rng.choice(["[thread MainThread] serving on 0.0.0.0:8079",
                                                               "thread=MainThread accepted a client",
                                                               "[MainThread] serving on 0.0.0.0:8079"]))
    return _excerpt(rng, [started, serving], error), "concurrency"


def e2_twin_loop_recreated(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """One thread only: a module-level primitive created under an earlier asyncio.run, whose loop was closed, reused
    by the next asyncio.run (a lifetime bug of ours) -> code."""
    logger = rng.choice(["src.monitoring.metrics_flusher", "src.daemon.session_hub", "src.utils.rate_limiter"])
    error = _record(_bound_elsewhere(rng), logger, rng.choice(["flush step failed", "background step failed",
                                                               "rate limiter acquire failed"]))
    closed = at(error, rng.choice([2, 20]), rng.choice(["src.daemon.main", "src.cli.backfill"]),
                rng.choice(["warm-up finished: event loop closed, starting the serving loop",
                            "asyncio.run(backfill) returned; asyncio.run(serve) starting"]))
    return _excerpt(rng, [closed], error), "code"


# ---- F8: a header value with an invisible character -----------------------------------------------------------------
SECRETS = (("KIMI_API_KEY", "Authorization", "Bearer {v}"), ("SUPABASE_SERVICE_ROLE_KEY", "apikey", "{v}"),
           ("GLM_API_KEY", "Authorization", "Bearer {v}"), ("ALERTS_WEBHOOK_TOKEN", "X-Webhook-Token", "{v}"))


def _silent(c: socket.socket) -> None:
    """A loopback peer that accepts and reads what arrives (nothing: the client refuses before writing)."""
    c.settimeout(2)
    with contextlib.suppress(OSError):
        c.recv(65536)


def _send_header(rng: random.Random, name: str, value: str) -> Callable[[], object]:
    """Send a request carrying `name: value` to a listening loopback peer with httpx (h11/_headers.py validates field
    values: CR/LF -> LocalProtocolError 'Illegal header value', mapped by httpx/_transports/default.py) or aiohttp
    (_http_writer.pyx _safe_header / http_writer.py: 'Newline or carriage return character detected in HTTP status
    message or header'). Both refuse after the TCP connect, before any byte is written."""
    lib = rng.choice(["httpx", "aiohttp"])
    path = rng.choice(["/v1/models", "/rest/v1/", "/hooks/alerts", "/api/paas/v4/models"])

    def run() -> object:
        with loopback_server(_silent) as port:
            url = f"http://127.0.0.1:{port}{path}"
            if lib == "httpx":
                import httpx
                with httpx.Client(timeout=2) as c:
                    return c.get(url, headers={name: value})
            import aiohttp

            async def go() -> object:
                async with aiohttp.ClientSession() as s, s.get(url, headers={name: value}) as r:
                    return await r.read()
            return asyncio.run(go())
    return run


def f8_secret_with_newline(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    var, header, form = rng.choice(SECRETS)
    key = "sk-" + "".join(rng.choice("abcdef0123456789") for _ in range(rng.choice([24, 32])))
    tail = rng.choice(["\n", "\r\n", "\r"])
    logger = rng.choice(["src.providers.kimi_chat", "src.storage.supabase_http", "src.monitoring.alerts"])
    error = _record(_send_header(rng, header, form.format(v=key + tail)), logger,
                    rng.choice(["request failed", "health probe failed", "could not reach the API"]))
    src = rng.choice([f"{var} loaded from /run/secrets/{var.lower()}", f"{var} read from env_file .env.production",
                      f"secrets: {var} from file {var.lower()}.txt (docker secret)"])
    return _excerpt(rng, [at(error, rng.choice([3, 60]), "src.core.env_config", src)], error), "config"


def f8_twin_header_from_tool_argument(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same rejection, for a header a user put in a tool call's arguments (a custom header of a fetch) -> unknown."""
    header = rng.choice(["X-Api-Key", "Authorization", "X-Custom-Trace"])
    value = rng.choice(["abc", "Bearer t0k", "trace-1"]) + rng.choice(["\n", "\r\nX-Injected: 1"])
    tool = rng.choice(["tools.web_fetch", "src.tools.http_request", "tools.url_preview"])
    req = _req(rng)
    error = _record(_send_header(rng, header, value), tool, rng.choice([f"[req:{req}] fetch failed",
                                                                         f"[req:{req}] tool call failed"]))
    shown = value.encode("unicode_escape").decode()
    called = at(error, 0.2, "src.daemon.ws_server", f"[req:{req}] tools/call {tool.split('.')[-1]} "
                                                    f"(arguments: {{\"headers\": {{\"{header}\": \"{shown}\"}}}})")
    return _excerpt(rng, [called], error), "unknown"


# ---- H3: a format sniffer giving up on a user's file ----------------------------------------------------------------
def _user_text(rng: random.Random) -> str:
    """A file csv.Sniffer cannot decide on: one column, free text or inconsistent quoting (Lib/csv.py _guess_delimiter
    finds no delimiter consistent across rows -> csv.Error 'Could not determine delimiter')."""
    shape = rng.choice(["one_column", "prose", "ragged"])
    if shape == "one_column":
        return "\n".join(str(rng.randrange(10**6)) for _ in range(rng.randrange(5, 20)))
    if shape == "prose":
        return rng.choice(["Quarterly notes\nwe met twice\nno numbers yet\n", "TODO\nfix the thing\nthen ship\n"])
    return "a;b,c\n1,2;3;4\nx\n"


def h3_user_file_sniff(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    text = _user_text(rng)
    name = rng.choice(["export.csv", "data (3).csv", "ledger.txt", "q3.tsv"])
    tool = rng.choice(["tools.smart_file_query", "tools.csv_analyze", "src.tools.smart_file_analyze"])
    req = _req(rng)
    run = _app_function(f"/app/{tool.replace('.', '/')}.py", "csv.Sniffer().sniff(sample)",
                        {"csv": csv, "sample": text})
    error = _record(run, tool, rng.choice([f"[req:{req}] parsing {name} failed", f"[req:{req}] tool call failed"]))
    called = at(error, 0.4, "src.daemon.ws_server", f"[req:{req}] tools/call {tool.split('.')[-1]} "
                                                    f"(arguments: {{\"file\": \"{name}\"}})")
    return _excerpt(rng, [called], error), "unknown"


def h3_twin_empty_sample(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our tool hands the sniffer nothing to decide on (the handle already read to its end by an earlier step: every
    file fails the same way, two users' files in the window) -> code."""
    tool = rng.choice(["tools.smart_file_query", "tools.csv_analyze", "src.tools.smart_file_analyze"])
    size = rng.choice([1024, 2048, 4096])
    good = rng.choice(["transaction_id,amount\n1,3.50\n", "conversation_uuid;tokens\nab;3\n",
                       "provider_name\tcalls\nkimi\t3\n"])

    def handle() -> io.StringIO:
        fh = io.StringIO(good)
        fh.read()  # the row count taken first
        return fh
    run = _app_function(f"/app/{tool.replace('.', '/')}.py", f"csv.Sniffer().sniff(fh().read({size}))",
                        {"csv": csv, "fh": handle})
    reqs = [_req(rng) for _ in range(2)]
    first = _record(run, tool, f"[req:{reqs[0]}] parsing {rng.choice(['a.csv', 'orders.csv'])} failed")
    error = _record(run, tool, f"[req:{reqs[1]}] parsing {rng.choice(['b.csv', 'users.csv'])} failed")
    return _excerpt(rng, [first], error), "code"


def h3_user_file_retried(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same user's file refused twice (the tool retried it within the same request): one file, not every file ->
    still the user's (unknown)."""
    text = _user_text(rng)
    tool = rng.choice(["tools.smart_file_query", "tools.csv_analyze", "src.tools.smart_file_analyze"])
    req = _req(rng)
    run = _app_function(f"/app/{tool.replace('.', '/')}.py", "csv.Sniffer().sniff(sample)", {"csv": csv, "sample": text})
    first = _record(run, tool, f"[req:{req}] parsing {rng.choice(['notes.csv', 'q3.tsv'])} failed (attempt 1)")
    error = _record(run, tool, f"[req:{req}] parsing the file failed (attempt 2)")
    return _excerpt(rng, [first], error), "unknown"


CLASSES10_EFH: dict[str, tuple[Gen, ...]] = {
    "E2": (e2_two_loops_two_threads, e2_twin_loop_recreated),
    "F8": (f8_secret_with_newline, f8_twin_header_from_tool_argument),
    "H3": (h3_user_file_sniff, h3_twin_empty_sample, h3_user_file_retried),
}


# ---- F7: a token's profile against the verifier's settings vs an expired token --------------------------------------
def _verify(rng: random.Random, claims: dict[str, object], audience: str, issuer: str) -> Callable[[], object]:
    """PyJWT's own claim checks (jwt/api_jwt.py _validate_claims: aud, iss, nbf/iat against now + leeway, exp),
    verifying a token signed with the shared secret as the gateway verifies Supabase sessions."""
    import jwt
    secret = "s" * 64
    alg = rng.choice(["HS256", "HS384", "HS512"])
    token = jwt.encode(claims, secret, algorithm=alg)

    def run() -> object:
        return jwt.decode(token, secret, algorithms=[alg], audience=audience, issuer=issuer)
    return run


def f7_token_profile_mismatch(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Every token since the issuer's reissue carries another audience/issuer, or a not-before in the future by a
    skewed issuer clock; the verifier's expected values are printed at startup -> config."""
    import time
    now = int(time.time())
    aud, iss = rng.choice(["authenticated", "gateway"]), f"https://{rng.choice(['qzkv', 'abcd'])}.supabase.co/auth/v1"
    shape = rng.choice(["aud", "iss", "nbf"])
    claims: dict[str, object] = {"sub": f"u-{rng.randrange(10**6)}", "aud": aud, "iss": iss, "exp": now + 3600}
    if shape == "aud":
        claims["aud"] = rng.choice(["anon", "service_role", "api://exai"])
    elif shape == "iss":
        claims["iss"] = rng.choice(["https://auth.example.org", "supabase", "https://old-project.supabase.co/auth/v1"])
    else:
        claims["nbf"] = now + rng.choice([600, 3600])
    logger = rng.choice(["src.auth.jwt_verifier", "src.daemon.auth", "src.storage.supabase_auth"])
    req = f"{rng.randrange(16**8):08x}"
    error = _record(_verify(rng, claims, aud, iss), logger, rng.choice([f"[req:{req}] token rejected",
                                                                       "session verification failed"]))
    printed = at(error, rng.choice([20, 600]), "src.core.env_config",
                 rng.choice([f"environment: JWT_AUDIENCE={aud} JWT_ISSUER={iss}", f"auth: expecting aud={aud} iss={iss}"]))
    return _excerpt(rng, [printed], error), "config"


def f7_twin_token_expired(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same verifier refusing a token past its exp: a Supabase session not refreshed in time (runtime, storage)."""
    import time
    now = int(time.time())
    aud, iss = "authenticated", f"https://{rng.choice(['qzkv', 'abcd'])}.supabase.co/auth/v1"
    claims: dict[str, object] = {"sub": f"u-{rng.randrange(10**6)}", "aud": aud, "iss": iss,
                                 "exp": now - rng.choice([5, 120, 3600])}
    logger = rng.choice(["src.auth.jwt_verifier", "src.daemon.auth", "src.storage.supabase_auth"])
    req = f"{rng.randrange(16**8):08x}"
    error = _record(_verify(rng, claims, aud, iss), logger, rng.choice([f"[req:{req}] token rejected",
                                                                       "session verification failed"]))
    printed = at(error, rng.choice([20, 600]), "src.core.env_config", f"environment: JWT_AUDIENCE={aud} JWT_ISSUER={iss}")
    return _excerpt(rng, [printed], error), "storage"


def f7_our_call_omits_audience(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our decode passes no audience while the session token carries one (PyJWT's plain 'Invalid audience') -> code."""
    import time

    import jwt
    secret = "k" * 64
    alg = rng.choice(["HS256", "HS512"])
    token = jwt.encode({"sub": f"u-{rng.randrange(10**6)}", "aud": rng.choice(["authenticated", "gateway"]),
                        "exp": int(time.time()) + 600}, secret, algorithm=alg)
    logger = rng.choice(["src.auth.jwt_verifier", "src.daemon.auth", "src.storage.supabase_auth"])
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", "jwt.decode(token, secret, algorithms=[alg])",
                        {"jwt": jwt, "token": token, "secret": secret, "alg": alg})
    error = _record(run, logger, rng.choice(["token rejected", "session verification failed", "auth check failed"]))
    return _excerpt(rng, [], error), "code"


def f7_literal_in_our_call(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our decode call writes the refusing parameter as a literal (algorithms=["HS256"] after the issuer moved to
    another algorithm; issuer="https://..." after it moved host): no setting controls it -> code (CLASSES10 F7's
    "code when our verification call ..." side, read from the app frame's source line)."""
    import time

    import jwt
    secret = "k" * 64
    shape = rng.choice(["alg", "iss", "aud"])
    ours = rng.choice(["HS256", "HS384"])
    signed = {"HS256": "HS512", "HS384": "HS256"}[ours] if shape == "alg" else ours
    iss = f"https://{rng.choice(['qzkv', 'abcd'])}.supabase.co/auth/v1"
    claims = {"sub": f"u-{rng.randrange(10**6)}", "aud": "authenticated", "exp": int(time.time()) + 600,
              "iss": rng.choice(["https://auth.example.org/auth/v1", "https://id.gw.example.dev"]) if shape == "iss"
              else iss}
    if shape == "aud":
        claims["aud"] = rng.choice(["anon", "gateway-api"])
    token = jwt.encode(claims, secret, algorithm=signed)
    q = rng.choice(["'", '"'])
    call = (f"jwt.decode(token, secret, algorithms=[{q}{ours}{q}], audience={q}authenticated{q}"
            + (f", issuer={q}{iss}{q})" if rng.random() < 0.5 or shape == "iss" else ")"))
    logger = rng.choice(["src.auth.jwt_verify", "src.daemon.auth", "src.storage.supabase_auth"])
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", call, {"jwt": jwt, "token": token, "secret": secret})
    error = _record(run, logger, rng.choice(["token rejected", "rejecting token for session 4f1a", "auth failed"]),)
    before = [at(error, 300, "src.core.env_config", f"auth: SUPABASE_URL={iss.removesuffix('/auth/v1')}")]
    return _excerpt(rng, before if rng.random() < 0.5 else [], error), "code"


CLASSES10_EFH["F7"] = (f7_token_profile_mismatch, f7_our_call_omits_audience, f7_twin_token_expired,
                       f7_literal_in_our_call)


# ---- F3: the process's text-encoding environment vs our explicit codec ----------------------------------------------
TEXTS = ("café latte order", "naïve résumé", "Grüße aus Köln", "東京 summary", "emoji ✅ done", "quote ’smart’")
BEYOND_LATIN1 = ("東京 summary", "emoji ✅ done", "quote ’smart’", "Łódź office")


def _text_for(rng: random.Random, codec: str) -> str:
    return rng.choice(BEYOND_LATIN1 if codec == "latin-1" else TEXTS)


def _ascii_stream(codec: str) -> io.TextIOWrapper:
    """A text stream as Python opens stdout under a C/POSIX locale or PYTHONIOENCODING=ascii / latin-1 (PEP 538/540:
    the locale decides the stdio encoding unless UTF-8 mode is on)."""
    return io.TextIOWrapper(io.BytesIO(), encoding=codec, errors="strict")


def f3_environment_encoding(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our code writes a non-ASCII text to its stdout opened with the locale's ASCII encoding -> config (every such
    write fails; LANG/LC_ALL/PYTHONIOENCODING printed at startup)."""
    codec = rng.choice(["ascii", "ascii", "latin-1"])
    text = _text_for(rng, codec)
    logger = rng.choice(["src.daemon.console", "src.cli.report", "scripts.run_ws_shim"])
    stream = _ascii_stream(codec)
    how = rng.choice(["print(text, file=stdout, flush=True)", "stdout.write(text + chr(10)) and stdout.flush()"])
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", how, {"stdout": stream, "text": text})
    error = _record(run, logger, rng.choice(["writing the status line failed", "console output failed"]))
    env = at(error, rng.choice([5, 120]), "src.daemon.startup",
             rng.choice(["locale: LANG=C LC_ALL=C (stdout encoding ascii)", "environment: PYTHONIOENCODING=ascii",
                         "runtime: filesystem/stdio encoding ANSI_X3.4-1968, LANG unset"]))
    return _excerpt(rng, [env], error), "config"


def f3_twin_explicit_codec(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our code encodes with an explicit codec in its own frame while the environment is UTF-8 -> code."""
    logger = rng.choice(["src.storage.file_registry", "src.tools.export_csv", "src.monitoring.alerts"])
    codec = rng.choice(["ascii", "latin-1"])
    text = _text_for(rng, codec)
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", f"text.encode({codec!r})", {"text": text})
    error = _record(run, logger, rng.choice(["export failed", "payload encoding failed"]))
    env = at(error, rng.choice([5, 120]), "src.daemon.startup",
             rng.choice(["locale: LANG=C.UTF-8 (stdout encoding utf-8)", "environment: PYTHONIOENCODING=utf-8"]))
    return _excerpt(rng, [env], error), "code"


CLASSES10_EFH["F3"] = (f3_environment_encoding, f3_twin_explicit_codec)


# ---- E1: a single-use refresh token raced by two holders vs one holder's token past the session lifetime ----------
def _refresh_refused(rng: random.Random, code: str, msg: str) -> Callable[[], object]:
    """supabase_auth's own refresh (gotrue_client.py _refresh_access_token: POST /token?grant_type=refresh_token)
    against a loopback Auth answering 400 with the documented error code (errors.py ErrorCode)."""
    import json

    from tests.diagnose.classes8_base import _http_answer
    body = json.dumps({"code": 400, "error_code": code, "msg": msg}).encode()

    def run() -> object:
        from supabase_auth import SyncGoTrueClient
        with loopback_server(_http_answer(400, body)) as port:
            c = SyncGoTrueClient(url=f"http://127.0.0.1:{port}/auth/v1", auto_refresh_token=False,
                                 persist_session=False)
            return c.refresh_session(f"rt-{rng.randrange(16**6):06x}")
    return run


def e1_two_holders_refresh(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Another replica/task refreshed the same session moments before (its record names the session): the token was
    rotated under us -> concurrency."""
    session = f"{rng.randrange(16**8):08x}"
    logger = rng.choice(["src.storage.supabase_auth", "src.daemon.session_store", "src.auth.session_keeper"])
    error = _record(_refresh_refused(rng, "refresh_token_already_used", "Invalid Refresh Token: Already Used"),
                    logger, rng.choice([f"refresh of session {session} failed", f"[session {session}] token refresh failed"]))
    other = rng.choice([f"[replica gateway-{rng.randrange(2, 4)}] refreshed session {session} (new refresh token issued)",
                        f"task token-keeper-{rng.randrange(2, 9)}: session {session} refreshed, rotating refresh token"])
    return _excerpt(rng, [at(error, rng.uniform(0.05, 2), logger, other)], error), "concurrency"


def e1_twin_session_lifetime(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """One holder; the session's age is past the project's session time-box printed at startup -> config (a setting)
    - or at least not a race: never concurrency."""
    session = f"{rng.randrange(16**8):08x}"
    hours = rng.choice([8, 12, 24])
    logger = rng.choice(["src.storage.supabase_auth", "src.daemon.session_store", "src.auth.session_keeper"])
    error = _record(_refresh_refused(rng, rng.choice(["refresh_token_not_found", "session_expired"]),
                                     rng.choice(["Invalid Refresh Token: Refresh Token Not Found", "Session Expired"])),
                    logger, f"refresh of session {session} failed")
    lifetime = at(error, 3600 * hours, "src.core.env_config",
                  f"auth: SUPABASE_SESSION_TIMEBOX={hours}h (sessions end {hours} h after sign-in)")
    signed = at(error, 3600 * hours + rng.randrange(60, 900), logger, f"session {session} signed in")
    return _excerpt(rng, [lifetime, signed], error), "config"


def e1_twin_other_session_refreshed(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same refusal; the refresh logged just before is ANOTHER session's: nothing ties it -> the Auth service's
    refusal as the rules read it (storage), never concurrency."""
    session, other_session = f"{rng.randrange(16**8):08x}", f"{rng.randrange(16**8):08x}"
    logger = rng.choice(["src.storage.supabase_auth", "src.daemon.session_store", "src.auth.session_keeper"])
    error = _record(_refresh_refused(rng, "refresh_token_already_used", "Invalid Refresh Token: Already Used"),
                    logger, rng.choice([f"refresh of session {session} failed", f"[session {session}] token refresh failed"]))
    other = at(error, rng.uniform(0.05, 2), logger, f"[replica gateway-{rng.randrange(2, 4)}] refreshed session "
                                                    f"{other_session} (new refresh token issued)")
    return _excerpt(rng, [other], error), "storage"


CLASSES10_EFH["E1"] = (e1_two_holders_refresh, e1_twin_session_lifetime, e1_twin_other_session_refreshed)



# ---- F8: a PEM key whose text its loader mangled (cryptography's refusal names the byte) ----------------------------
def f8_pem_text_mangled(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """A real EC/RSA key put in a one-line env value with its newlines escaped ("\\n" text: cryptography's InvalidData
    symbol 92) or cut at its first newline (MalformedFraming), loaded by PyJWT (algorithms.py prepare_key) or by
    cryptography directly from a /app frame -> config (CLASSES10 F8)."""
    import jwt
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    rsa_key = rng.random() < 0.5
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024) if rsa_key else \
        ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()).decode()
    mangled = pem.replace("\n", "\\n") if rng.random() < 0.7 else pem.split("\n")[0] + "\n"
    name = rng.choice(["AUDITOR_SIGNING_KEY", "JWT_PRIVATE_KEY", "TLS_CLIENT_KEY_PEM", "SERVICE_ACCOUNT_KEY"])
    logger = rng.choice(["src.monitoring.auditor_link", "src.auth.token_minter", "src.daemon.mtls"])
    if rng.random() < 0.5:
        body, names = (f"jwt.encode({{'sub': 'gw'}}, key_text, algorithm='{'RS256' if rsa_key else 'ES256'}')",
                       {"jwt": jwt, "key_text": mangled})
    else:
        body, names = "ser.load_pem_private_key(key_text.encode(), password=None)", {"ser": ser, "key_text": mangled}
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", body, names)
    error = _record(run, logger, rng.choice(["cannot mint token", "signing key unusable", "client key load failed"]))
    printed = at(error, rng.choice([3, 60]), "src.core.env_config",
                 rng.choice([f"{name}=<set, {len(mangled)} chars>", f"loaded {name} from /run/secrets/{name.lower()}",
                             f"environment: LOG_LEVEL=INFO {name}=<redacted>"]))
    return _excerpt(rng, [printed] if rng.random() < 0.8 else [], error), "config"


CLASSES10_EFH["F8"] = (*CLASSES10_EFH["F8"], f8_pem_text_mangled)
