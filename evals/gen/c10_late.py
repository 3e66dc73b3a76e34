"""CLASSES10 E1 (a rotating refresh token raced by two holders), E3 (the event loop blocked on a future only it
can complete), F3 (the process's text-encoding environment), from the real libraries (evals/CLASSES10.md)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from random import Random
from typing import Any

import httpx
from supabase_auth import AsyncGoTrueClient

from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame, _compile_src, build_chain, paths, run_chain, trim
from evals.gen.registry import klass
from evals.gen.render import Record

# --- E1 -------------------------------------------------------------------------------------------------------
# Source: supabase_auth/_async/gotrue_client.py (`refresh_session` -> `_refresh_access_token` -> `_request`,
# `handle_exception`), supabase_auth/errors.py; GoTrue's error codes (refresh_token_already_used,
# session_expired: https://supabase.com/docs/guides/auth/debugging/error-codes). Concurrency when two holders
# refresh the same session in the window; twin: one holder, the session outlived the project's time-box -> config.
_E1 = {False: ("refresh_token_already_used", "Invalid Refresh Token: Already Used"),
       True: ("session_expired", "Session Expired")}


def auth_error(proj: str, code: str, msg: str, rng: Random, path: str) -> BaseException:
    """The real AuthApiError of `refresh_session` answered by GoTrue's error body."""
    body = {"code": 400, "error_code": code, "msg": msg}
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda req: httpx.Response(400, json=body)))
    client = AsyncGoTrueClient(url=f"https://{proj}.supabase.co/auth/v1", headers={"apikey": "anon"},
                               http_client=http, auto_refresh_token=False, persist_session=False)
    return run_chain([Frame(path, "ensure_session", "session = await self._refresh()", is_async=True),
                      Frame(path, "_refresh", "return await auth.refresh_session(stored.refresh_token)",
                            {"auth": client, "stored": type("S", (), {"refresh_token": "v1.k3e0"})()},
                            is_async=True)], rng)


@klass("10", "c10-E1")
def e1(rng: Random, twin: bool) -> dict[str, Any]:
    """A refresh token rejected: reused after another holder rotated it (concurrency) vs a time-boxed session (config)."""
    proj = project_ref(rng)
    code, msg = _E1[twin]
    path = rng.choice(("/app/src/storage/supabase_client.py", "/app/src/auth/session.py"))
    exc = auth_error(proj, code, msg, rng, path)
    session, (a, b) = req_id(rng), rng.choice((("gw-a", "gw-b"), ("exai-mcp-daemon-1", "exai-mcp-daemon-2")))
    hours, carrier = rng.choice((8, 12, 24)), rng.choice(("exception", "message"))
    records = noise(rng, rng.randint(2, 5), 0, 50, proj)
    logger = path.removeprefix("/app/").removesuffix(".py").replace("/", ".")
    if twin:
        records.append(Record(1.0, "INFO", logger, f"[{a}] session {session} restored (created {hours + 1}h ago); "
                                                   f"project sessions time-box {hours}h"))
        records.append(Record(40.0, "INFO", logger, f"[{a}] refreshing session {session}"))
    else:
        records.append(Record(39.6, "INFO", logger, f"[{b}] refreshing session {session}"))
        records.append(Record(39.9, "INFO", "httpx", f'[{b}] HTTP Request: POST https://{proj}.supabase.co/auth/v1/'
                                                     'token?grant_type=refresh_token "HTTP/2 200 OK"'))
        records.append(Record(40.0, "INFO", logger, f"[{a}] refreshing session {session}"))
    records += carry(rng, exc, 40.3, logger, f"[{a}] session refresh failed", carrier)
    axes = {"holders": f"{a}/{b}", "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-E1", kind="near-miss", records=records, category="config", severity="medium",
                         description="One holder; the session outlived the project's session time-box: config.",
                         must_mention=[], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="c10-E1", kind="known", records=records, category="concurrency", severity="medium",
                     description="Two replicas refreshed the same session in the same second; the second reused the "
                                 "rotated token: concurrency.", must_mention=[], must_not=[], axes=axes,
                     deciding="error")


# --- E3 -------------------------------------------------------------------------------------------------------
# Source: Lib/asyncio/tasks.py `run_coroutine_threadsafe`, Lib/concurrent/futures/_base.py `Future.result`
# (called ON the loop thread it never completes: a deadlock), Lib/asyncio/base_events.py (debug mode: "Executing
# %s took %.3f seconds"), research §1.3 (the health writer's CRITICAL stall record). Concurrency; twin: a slow sync
# call that finishes (the slow-callback warning, progress resumes) -> code.
def _deadlock(rng: Random, path: str) -> BaseException:
    async def main() -> BaseException:
        loop = asyncio.get_running_loop()
        fn = _compile_src(path, rng.randint(40, 400), [
            "def read_config_sync(key):",
            "    fut = asyncio.run_coroutine_threadsafe(store.get(key), loop)",
            "    return fut.result(timeout=SYNC_BRIDGE_TIMEOUT)",
        ], {"asyncio": asyncio, "loop": loop, "store": type("St", (), {"get": staticmethod(asyncio.sleep)})(),
            "SYNC_BRIDGE_TIMEOUT": 0.05}, "read_config_sync")
        top = _compile_src(path, rng.randint(420, 700), [
            "async def handle_tool_call(request):",
            "    limits = read_config_sync('limits')",
        ], {"read_config_sync": fn}, "handle_tool_call")
        try:
            await top(None)
        except BaseException as exc:  # noqa: BLE001
            await asyncio.sleep(0)  # let the scheduled coroutine become a task, then end it
            others = asyncio.all_tasks() - {asyncio.current_task()}
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            return trim(exc)
        raise AssertionError("no deadlock")

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


@klass("10", "c10-E3")
def e3(rng: Random, twin: bool) -> dict[str, Any]:
    """The health writer stalls: the loop waits on a future only it can complete (concurrency) vs a slow sync call."""
    path = rng.choice(("/app/src/daemon/ws_server.py", "/app/src/daemon/tool_runner.py", "/app/tools/config_bridge.py"))
    exc = _deadlock(rng, path)
    logger = path.removeprefix("/app/").removesuffix(".py").replace("/", ".")
    stall = rng.randint(31, 45)
    took = stall + rng.uniform(1.0, 6.0)
    inflight, carrier = rng.randint(2, 8), rng.choice(("exception", "message"))
    task_name = f"Task-{rng.randint(10, 900)}"
    records = noise(rng, rng.randint(2, 4), 0, 20, project_ref(rng))
    records.append(Record(20.0, "INFO", "src.daemon.ws.health_monitor",
                          f"health: sessions=3 global_inflight={inflight} tool_count=41"))
    if twin:
        records.append(Record(21.0 + took, "WARNING", "asyncio",
                              f"Executing <Task pending name='{task_name}' coro=<handle_tool_call() running at "
                              f"{path}:77> cb=[_chain_future.<locals>._call_set_state() at "
                              f"/usr/local/lib/python3.11/asyncio/futures.py:387]> took {took:.3f} seconds"))
        records.append(Record(22.0 + took, "INFO", "src.daemon.ws.health_monitor",
                              f"health: sessions=3 global_inflight={inflight - 1} tool_count=41 (writer recovered)"))
    else:
        records += carry(rng, exc, 21.0 + 0.05, logger, "sync config bridge failed", carrier, level="WARNING")
    records.append(Record(20.0 + stall, "CRITICAL", "src.daemon.ws.health_monitor",
                          f"Health writer failed for {stall}s - daemon may be stuck..."))
    axes = {"where": path.rsplit("/", 1)[-1], "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-E3", kind="near-miss", records=records, category="code", severity="high",
                         description="A slow synchronous call blocked the loop; it finished and progress resumed: "
                                     "code (a blocking call, not a deadlock).", must_mention=[], must_not=["deadlock"],
                         axes=axes, deciding="error")
    return make_case(rng, cls="c10-E3", kind="known", records=records, category="concurrency", severity="critical",
                     description="The loop thread waits on run_coroutine_threadsafe(...).result(): a future only the "
                                 "loop can complete; no progress: concurrency (deadlock).", must_mention=[],
                     must_not=[], axes=axes, deciding="error")


# --- F3 -------------------------------------------------------------------------------------------------------
# Source: Lib/logging/__init__.py (`StreamHandler.emit` -> `handleError`: "--- Logging error ---" on stderr),
# PEP 538/540 (a C/POSIX locale makes stdio ASCII unless UTF-8 mode). Config (the environment); twin: our code
# encodes with an explicit ASCII codec while the environment is UTF-8 -> code.
def _logging_error(text: str, logger_name: str, rng: Random) -> str:
    """The real stderr block CPython prints when a handler on an ASCII stream meets `text` logged from a gateway
    frame (its "Call stack:" cut to start at the gateway's frames, paths as in the image)."""
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log = logging.getLogger(f"evals.gen.f3.{logger_name}")
    log.propagate, log.handlers = False, [handler]
    log.setLevel(logging.INFO)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        saved, logging.raiseExceptions = logging.raiseExceptions, True
        try:
            path = "/app/" + logger_name.replace(".", "/") + ".py"
            build_chain([Frame(path, "on_reply", "self._log_reply(reply)"),
                         Frame(path, "_log_reply", "logger.info(reply)", {"logger": log, "reply": text})], rng)()
        finally:
            logging.raiseExceptions = saved
    lines = err.getvalue().replace(f"evals.gen.f3.{logger_name}", logger_name).splitlines()
    stack = lines.index("Call stack:")
    first = next(i for i in range(stack, len(lines)) if lines[i].startswith('  File "/app/'))
    return paths("\n".join(lines[:stack + 1] + lines[first:]))


@klass("10", "c10-F3")
def f3(rng: Random, twin: bool) -> dict[str, Any]:
    """Non-ASCII text meets an ASCII stream: the process's locale (config) vs our explicit codec (code)."""
    text = rng.choice(("résumé upload ✅ done", "用户 上传 文件 完成", "Zürich → Melbourne route ok",
                       "ответ получен за 1.2s"))
    logger = rng.choice(("tools.chat", "src.providers.kimi_chat", "src.file_management.manager"))
    env_line = rng.choice(("LANG=C", "LC_ALL=POSIX", "LANG unset"))
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    if twin:
        path = "/app/" + logger.replace(".", "/") + ".py"
        exc = run_chain([Frame(path, "save_reply", "blob = self._encode(reply)"),
                         Frame(path, "_encode", "return reply.encode('ascii')", {"reply": text})], rng)
        records.append(Record(0.3, "INFO", "src.daemon.ws_server",
                              "python 3.11.7, LANG=C.UTF-8, sys.stdout.encoding=utf-8, PYTHONUTF8=1"))
        records += carry(rng, exc, 30.0, logger, "cannot store reply", "exception")
    else:
        records.append(Record(0.3, "INFO", "src.daemon.ws_server",
                              f"python 3.11.7, {env_line}, sys.stdout.encoding=ascii, PYTHONIOENCODING unset"))
        records.append(Record(30.0, "", "", _logging_error(text, logger, rng).rstrip("\n"), raw=True))
    axes = {"text": text[:6], "logger": logger}
    if twin:
        return make_case(rng, cls="c10-F3", kind="near-miss", records=records, category="code", severity="medium",
                         description="Our code encodes a reply with an explicit ASCII codec in a UTF-8 environment: "
                                     "code.", must_mention=[], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="c10-F3", kind="known", records=records, category="config", severity="medium",
                     description="Every non-ASCII record fails in the logging handler: the container's locale makes "
                                 "stdout ASCII: config.", must_mention=[], must_not=[], axes=axes, deciding="error")

