"""Generators for a first subset of evals/CLASSES10.md (round 10's third class spec, by a writer who never read the
code): G1 (a process-global registry refusing a second registration), G6 (a fire-and-forget task's failure reported
only by asyncio), H4 (a strict parser refusing a user's value; twin: the same parser refusing a setting). Each error
is raised for real by the library the spec cites; logger, wording, values and carrier are drawn from the seed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import ipaddress
import linecache
import logging
import os
import random
import uuid
from collections.abc import Callable
from datetime import datetime

from tests.diagnose.classes8_base import Ctx, Gen, _captured, _record
from tests.diagnose.classes8_vary import neutral
from tests.diagnose.classes9_second import at


def _excerpt(rng: random.Random, before: list[str], error: str) -> str:
    out: list[str] = []
    for rec in before:
        out.extend(neutral(rng, 1) if rng.random() < 0.5 else [])
        out.append(rec)
    return "\n".join([*out, error])


# ---- G1: a process-global registry refusing a second registration --------------------------------------------------
def _register_twice(rng: random.Random) -> Callable[[], object]:
    shape = rng.choice(["prometheus", "argparse", "aiohttp"])
    name = rng.choice(["circuit_breaker_state", "provider_requests_total", "ws_sessions", "tool_latency_seconds"])
    if shape == "prometheus":
        import prometheus_client as pc
        kind = rng.choice([pc.Counter, pc.Gauge, pc.Histogram, pc.Summary])
        registry = pc.CollectorRegistry()

        def prom() -> object:
            kind(name, "doc", registry=registry)
            return kind(name, "doc", registry=registry)
        return prom
    if shape == "argparse":
        def args() -> object:
            p = argparse.ArgumentParser()
            p.add_argument(f"--{name.replace('_', '-')}")
            return p.add_argument(f"--{name.replace('_', '-')}")
        return args

    def route() -> object:
        from aiohttp import web

        async def handler(request: web.Request) -> web.Response:
            return web.Response()
        app = web.Application()
        app.router.add_get(f"/{name}", handler)
        return app.router.add_get(f"/{name}", handler)
    return route


def g1_second_registration(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    logger = rng.choice(["src.monitoring.metrics", "src.daemon.startup", "src.utils.circuit_breaker", "src.server"])
    error = _record(_register_twice(rng), logger, rng.choice(["metrics setup failed", "startup failed",
                                                              "import of the breaker module failed"]))
    return _excerpt(rng, [], error), "code"


# ---- G6: a fire-and-forget task's failure reported only by asyncio -------------------------------------------------
def _lost_task(rng: random.Random, raise_it: Callable[[], None], pending: bool) -> str:
    """asyncio's own ERROR record: 'Task exception was never retrieved' (futures.py __del__) for a task whose exception
    nobody read, or 'Task was destroyed but it is pending!' (tasks.py __del__) for one dropped while waiting."""
    wait = rng.choice(["event", "sleep", "queue"])

    async def work() -> None:
        if pending:
            if wait == "event":
                await asyncio.Event().wait()
            elif wait == "sleep":
                await asyncio.sleep(3600)
            else:
                await asyncio.Queue().get()
        raise_it()

    async def go() -> None:
        asyncio.get_running_loop().create_task(work(), name=rng.choice(["flush-usage", "broadcast", "sync-cache"]))
        await asyncio.sleep(0)

    with _captured("asyncio") as records:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(go())
        finally:
            if pending:
                loop.close()  # the pending task is dropped with the loop
            else:
                loop.run_until_complete(asyncio.sleep(0))
                loop.close()
            gc.collect()
    assert records, "asyncio logged nothing"
    return records[-1]


def _missing_attr() -> None:
    state: object = {"sessions": {}}
    state.sessions.clear()  # type: ignore[attr-defined]


def _missing_key() -> None:
    row: dict[str, int] = {"input_tokens": 3}
    row["output_tokens"] += 1


def g6_task_exception_never_retrieved(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _excerpt(rng, [], _lost_task(rng, rng.choice([_missing_attr, _missing_key]), pending=False)), "code"


def g6_task_destroyed_pending(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The task dropped while pending (no reference kept): code whatever it ran."""
    return _excerpt(rng, [], _lost_task(rng, _missing_key, pending=True)), "code"


# ---- H4: a strict parser refusing a user's value vs a setting's ----------------------------------------------------
def _app_function(path: str, body: str, names: dict[str, object]) -> Callable[[], object]:
    """A function of the gateway's own file `path` whose one statement is `body`, its source registered with linecache
    so the traceback prints the statement, as a real frame of /app/src/... does."""
    src = f"def run():\n    return {body}\n"
    ns: dict[str, object] = dict(names)
    exec(compile(src, path, "exec"), ns)  # noqa: S102 - a fixed two-line function written here
    linecache.cache[path] = (len(src), None, src.splitlines(True), path)
    return ns["run"]  # type: ignore[return-value]


def _strict(rng: random.Random) -> tuple[str, str]:
    """(the value, the parser call on `{v}`): ipaddress strict networks, UUIDs, ISO dates (Lib/ipaddress.py,
    Lib/uuid.py, datetime.fromisoformat)."""
    shape = rng.choice(["network", "uuid", "date"])
    if shape == "network":
        return (f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}/{rng.choice([16, 24])}",
                "ipaddress.ip_network({v})")
    if shape == "uuid":
        return f"{rng.randrange(16**8):08x}-{rng.randrange(16**4):04x}-zz", "uuid.UUID({v})"
    return f"2026-{rng.randrange(13, 19):02d}-{rng.randrange(1, 28):02d}", "datetime.fromisoformat({v})"


_MODULES: dict[str, object] = {"ipaddress": ipaddress, "uuid": uuid, "datetime": datetime, "os": os}


def h4_user_value_strict_parser(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    value, call = _strict(rng)
    tool = rng.choice(["tools.network_check", "tools.smart_file_query", "src.tools.report_filter"])
    key = rng.choice(["value", "cidr", "since", "id"])
    run = _app_function(f"/app/{tool.replace('.', '/')}.py", call.format(v=f"arguments[{key!r}]"),
                        {**_MODULES, "arguments": {key: value}})
    req = f"{rng.randrange(16**8):08x}"
    error = _record(run, tool, rng.choice([f"[req:{req}] tool call failed", f"[req:{req}] invalid argument"]))
    called = at(error, 0.2, "src.daemon.ws_server", f"[req:{req}] tools/call {tool.split('.')[-1]} "
                                                    f"(arguments: {{\"{key}\": \"{value}\"}}) from 172.18.0.{rng.randrange(2, 9)}")
    return _excerpt(rng, [called], error), "unknown"


def h4_twin_setting_strict_parser(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same parser and value, read from a setting by the startup code (the variable printed at startup) -> config."""
    value, call = _strict(rng)
    name = rng.choice(["EGRESS_ALLOWLIST", "DEFAULT_TENANT_ID", "USAGE_RESET_DATE"])
    logger = rng.choice(["src.daemon.startup", "src.core.env_config"])
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", call.format(v=f"os.environ[{name!r}]"), _MODULES)
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        error = _record(run, logger, rng.choice([f"invalid {name}", "configuration error", "startup failed"]))
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old
    printed = at(error, 0.5, "src.core.env_config", f"environment: {name}={value}")
    return _excerpt(rng, [printed], error), "config"


logging.getLogger("asyncio").setLevel(logging.INFO)
CLASSES10: dict[str, tuple[Gen, ...]] = {
    "G1": (g1_second_registration,),
    "G6": (g6_task_exception_never_retrieved, g6_task_destroyed_pending),
    "H4": (h4_user_value_strict_parser, h4_twin_setting_strict_parser),
}


# ---- G2: lifecycle state-machine misuse of a stdlib object --------------------------------------------------------
def _lifecycle(rng: random.Random) -> Callable[[], object]:
    import concurrent.futures
    import threading
    shape = rng.choice(["thread_twice", "executor_after_shutdown", "loop_closed", "generator_reentered"])
    if shape == "thread_twice":
        def twice() -> object:
            t = threading.Thread(target=lambda: None)
            t.start()
            t.join()
            t.start()
            return t
        return twice
    if shape == "executor_after_shutdown":
        def after() -> object:
            pool = concurrent.futures.ThreadPoolExecutor(max_workers=rng.choice([1, 2, 4]))
            pool.shutdown()
            return pool.submit(sum, [1])
        return after
    if shape == "loop_closed":
        def closed() -> object:
            loop = asyncio.new_event_loop()
            loop.close()
            return loop.run_until_complete(asyncio.sleep(0))
        return closed

    def reentered() -> object:
        def gen() -> object:
            yield next(g)
        g = gen()
        return next(g)
    return reentered


def g2_lifecycle_misuse(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    logger = rng.choice(["src.monitoring.metrics_flusher", "src.daemon.session_hub", "src.utils.token_counter"])
    return _excerpt(rng, [], _record(_lifecycle(rng), logger, rng.choice(["restart of the worker failed",
                                                                         "background step failed",
                                                                         "could not schedule the job"]))), "code"


# ---- G4: our serialisation of a value the format cannot hold -------------------------------------------------------
def _unserialisable(rng: random.Random) -> Callable[[], object]:
    import json
    shape = rng.choice(["nan", "circular", "bytes", "set", "datetime"])

    def run() -> object:
        if shape == "nan":
            return json.dumps({"p95_latency": float("nan")}, allow_nan=False)
        if shape == "circular":
            snapshot: dict[str, object] = {"providers": []}
            snapshot["self"] = snapshot
            return json.dumps(snapshot)
        value: object = {"bytes": b"\x00\x01", "set": {"kimi", "glm"}, "datetime": datetime(2026, 12, 6)}[shape]
        return json.dumps({"usage": value})
    return run


def g4_our_serialisation(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    logger = rng.choice(["src.monitoring.usage_rollup", "src.daemon.health_writer", "src.cache.semantic_cache"])
    return _excerpt(rng, [], _record(_unserialisable(rng), logger, rng.choice(["snapshot write failed",
                                                                                "metrics export failed",
                                                                                "cache entry not stored"]))), "code"


def _reply_with_non_finite(rng: random.Random) -> tuple[str, str]:
    """(the provider's raw reply text carrying a bare NaN/Infinity, the field's name): JSON has no such numbers, but
    Python's json.loads accepts them (parse_constant), so the float reaches our strict encoder."""
    field = rng.choice(["logprob", "score", "confidence", "temperature_used"])
    value = rng.choice(["NaN", "Infinity", "-Infinity"])
    reply = rng.choice([
        f'{{"choices":[{{"index":0,"logprobs":{{"content":[{{"token":"a","{field}":{value}}}]}},"finish_reason":"stop"}}]}}',
        f'{{"id":"chatcmpl-{rng.randrange(10**6)}","choices":[{{"message":{{"content":"ok"}},"{field}":{value}}}]}}',
        f'{{"data":[{{"embedding":[0.1,0.2],"{field}":{value}}}],"model":"m"}}'])
    return reply, field


def g4_twin_provider_non_finite(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The non-finite float came from the provider's reply (a raw reply record shows it) and our cache/export copied it
    into a strict json.dumps -> provider (CLASSES10 G4's twin: the reply breaks its schema, CLASSES9 P1)."""
    import json
    reply, _ = _reply_with_non_finite(rng)
    parsed = json.loads(reply)  # the real parse: NaN/Infinity accepted by default
    logger = rng.choice(["src.cache.semantic_cache", "src.storage.turn_store", "src.monitoring.reply_audit"])
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", "json.dumps(entry, allow_nan=False)",
                        {"json": json, "entry": {"reply": parsed, "model": "kimi-k2"}})
    error = _record(run, logger, rng.choice(["L2 write error", "cache entry not stored", "turn not persisted"]))
    provider = rng.choice(["src.providers.kimi_chat", "src.providers.glm_chat", "openai._base_client"])
    shown = at(error, 0.2, provider, rng.choice([f"raw reply: {reply}", f"response body {reply[:160]}",
                                                 f"completion received ({len(reply)} bytes) {reply}"]), "DEBUG")
    return _excerpt(rng, [shown], error), "provider"


def g4_twin_our_nan_figure(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """A near-miss: our own figure is NaN (printed as Python prints it) and a reply record before carries no
    non-finite value -> our code stays."""
    import json
    logger = rng.choice(["src.monitoring.usage_rollup", "src.cache.semantic_cache"])
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", "json.dumps({'ratio': ok / total}, allow_nan=False)",
                        {"json": json, "ok": float("inf"), "total": float("inf")})
    error = _record(run, logger, rng.choice(["snapshot write failed", "metrics export failed"]))
    reply = at(error, 0.5, rng.choice(["src.providers.kimi_chat", "src.providers.glm_chat"]),
               f'raw reply: {{"choices":[{{"message":{{"content":"ok"}},"logprob":-0.{rng.randrange(10, 99)}}}]}}',
               "DEBUG")
    figure = at(error, 0.2, logger, f"window ratio={float('nan')} (0 of 0 requests)")
    return _excerpt(rng, [reply, figure], error), "code"


# ---- F4: a library's named constant spelt from the environment ----------------------------------------------------
def _named_constant(rng: random.Random, value: str) -> Callable[[], object]:
    import hashlib
    import signal
    import ssl
    shape = rng.choice(["level", "signal", "tls", "hash"])

    def run() -> object:
        if shape == "level":
            return logging.getLogger("x").setLevel(value.lower() if rng.random() < 0.5 else value + "X")
        if shape == "signal":
            return signal.Signals[value]
        if shape == "tls":
            return ssl.TLSVersion[value]
        return hashlib.new(value)
    return run


def f4_env_constant_rejected(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    name = rng.choice(["LOG_LEVEL", "SHUTDOWN_SIGNAL", "TLS_MIN_VERSION", "CACHE_HASH"])
    value = rng.choice(["warn", "SIGTERMX", "TLSv1_4", "sha3-1024"])
    logger = rng.choice(["src.daemon.startup", "src.core.env_config"])
    error = _record(_named_constant(rng, value), logger, rng.choice([f"applying {name} failed", "startup failed"]))
    printed = at(error, 0.3, "src.core.env_config", f"environment: {name}={value}")
    return _excerpt(rng, [printed], error), "config"


def f4_twin_literal_in_our_frame(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """CLASSES10 F4's twin: the refused name is a literal on our own frame's line (a codec, hash or level name), while
    a settings record of the same component is printed before (its label word shared with the failing record) ->
    code, not the setting."""
    import codecs
    import hashlib
    call, label = rng.choice([("codecs.lookup('utf8mb4')", "export"), ("'x'.encode('latin-9')", "export"),
                              ("hashlib.new('sha3-1024')", "cache"), ("codecs.lookup('ucs-2le')", "report")])
    logger = f"src.{label}.{rng.choice(['writer', 'worker', 'job'])}"
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", call, {"codecs": codecs, "hashlib": hashlib})
    error = _record(run, logger, rng.choice([f"{label} failed for item {rng.randrange(999)}", f"{label} step failed"]))
    name = f"{label.upper()}_{rng.choice(['DIR', 'FORMAT', 'TTL'])}"
    printed = at(error, 600, "src.core.env_config", f"{label}: {name}={rng.choice(['/app/out', 'markdown', '300'])} (env)")
    return _excerpt(rng, [printed], error), "code"


def g2_twin_flag_skipped_the_start(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """A feature flag (printed before, its label the component's word) skipped a thread's start; our stop joins it
    anyway: threading.py's own state check ("cannot join thread before it is started") -> code, not the flag."""
    import threading
    component = rng.choice(["metrics", "alerts", "usage"])
    worker = threading.Thread(target=lambda: None, name=f"{component}-updater")
    run = _app_function(f"/app/src/{component}/updater.py", "worker.join(timeout=5)", {"worker": worker})
    error = _record(run, rng.choice(["ws_daemon", f"src.{component}.updater"]),
                    rng.choice([f"shutdown step failed: {component} updater", f"stopping {component} failed"]))
    flag = f"{component.upper()}_UPDATER_ENABLED"
    printed = at(error, 3600, "src.core.env_config", rng.choice([f"{component}: {flag}=false", f"{flag}=0 (env)"]))
    return _excerpt(rng, [printed], error), "code"


CLASSES10_MORE: dict[str, tuple[Gen, ...]] = {
    "G2": (g2_lifecycle_misuse, g2_twin_flag_skipped_the_start), "G4": (g4_our_serialisation, g4_twin_provider_non_finite, g4_twin_our_nan_figure), "F4": (f4_env_constant_rejected, f4_twin_literal_in_our_frame),
}


# ---- F2: the tz database missing from a slim image vs a key nobody has ----------------------------------------------
ZONES = ("Australia/Melbourne", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Africa/Nairobi")
TYPOS = ("Australia/Melborne", "Europe/Berln", "America/NewYork", "Asia/Tokio", "Mars/Olympus_Mons")


def _zone_lookup(key: str, slim: bool) -> Callable[[], object]:
    """zoneinfo's lookup of `key`; `slim`: as in an image with no system zoneinfo and no tzdata package (TZPATH emptied,
    the tzdata package not found by the import system, as where it is not installed), so even a valid key fails
    (zoneinfo/_common.py load_tzdata)."""
    import importlib.abc
    import sys
    import zoneinfo

    class _NoTzdata(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            if name == "tzdata" or name.startswith("tzdata."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    def run() -> object:
        if not slim:
            return zoneinfo.ZoneInfo.no_cache(key)
        saved = {k: v for k, v in sys.modules.items() if k == "tzdata" or k.startswith("tzdata.")}
        for k in saved:
            del sys.modules[k]
        finder = _NoTzdata()
        sys.meta_path.insert(0, finder)
        tzpath = zoneinfo.TZPATH  # restored as it was (a bare reset_tzpath() would drop a configured one)
        zoneinfo.reset_tzpath(to=[])
        try:
            return zoneinfo.ZoneInfo.no_cache(key)
        finally:
            zoneinfo.reset_tzpath(to=tzpath)
            sys.meta_path.remove(finder)
            sys.modules.update(saved)
    return run


def f2_tz_database_missing(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    key = rng.choice(ZONES)
    logger = rng.choice(["src.utils.timezone_utils", "src.daemon.startup", "src.monitoring.usage_rollup"])
    error = _record(_zone_lookup(key, slim=True), logger, rng.choice(["daemon import failed", "startup failed",
                                                                       "daily rollup could not start"]))
    printed = [at(error, 0.2, "src.core.env_config", f"TZ={key} (docker-compose.yml)")] if rng.random() < 0.6 else []
    return _excerpt(rng, printed, error), "config"


def f2_twin_user_key_typo(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """A key the database does not have, from a user's tool call, on a full image -> unknown (the user's value)."""
    key = rng.choice(TYPOS)
    tool = rng.choice(["tools.schedule_report", "src.tools.time_convert"])
    req = f"{rng.randrange(16**8):08x}"
    error = _record(_zone_lookup(key, slim=False), tool, f"[req:{req}] tool call failed")
    called = at(error, 0.1, "src.daemon.ws_server", f"[req:{req}] tools/call {tool.split('.')[-1]} "
                                                    f"(arguments: {{\"timezone\": \"{key}\"}})")
    return _excerpt(rng, [called], error), "unknown"


CLASSES10_MORE["F2"] = (f2_tz_database_missing, f2_twin_user_key_typo)


# ---- F6: filesystem semantics of a mount (EBUSY on a mount point) ---------------------------------------------------
def f6_mount_point_busy(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """rmdir(2) of a mount point answers EBUSY (the kernel's own refusal; a bind-mounted file replaced by rename meets
    the same errno). The path is `/`: Linux's do_rmdir answers EBUSY for the root (LAST_ROOT) before any permission
    check, for any user, and can never remove it - a real EBUSY in every environment, with nothing at risk (the
    earlier form tried /proc, /sys, /dev as root and skipped where none was mounted)."""
    path = "/"
    logger = rng.choice(["src.core.env_writer", "src.cache.janitor", "src.monitoring.telemetry_rotate"])
    error = _record(lambda: os.rmdir(path), logger, rng.choice(["cleanup of the staging directory failed",
                                                                 "persisting override failed", "rotation failed"]))
    mounted = [at(error, 60, "src.core.env_config", f"volumes: {path} mounted from the host (docker-compose.yml)")] \
        if rng.random() < 0.5 else []
    return _excerpt(rng, mounted, error), "config"


CLASSES10_MORE["F6"] = (f6_mount_point_busy,)


# ---- H2: a user's target misbehaving at the protocol level vs our configured endpoint ------------------------------
def _redirect_loop(rng: random.Random) -> tuple[str, Callable[[], object]]:
    """A loopback site that redirects between two paths forever, fetched by httpx or aiohttp (their max_redirects)."""
    import socket as _s

    from tests.diagnose.loopback import loopback_server

    def answer(c: _s.socket) -> None:
        c.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        path = data.split(b" ", 2)[1]
        nxt = b"/b" if path.endswith(b"/a") else b"/a"
        c.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + nxt + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    lib = rng.choice(["httpx", "aiohttp"])
    server = loopback_server(answer)
    port = server.__enter__()
    url = f"http://127.0.0.1:{port}/{rng.choice(['docs', 'loop', 'page'])}/a"

    def run() -> object:
        try:
            if lib == "httpx":
                import httpx
                return httpx.get(url, follow_redirects=True, timeout=5)
            import aiohttp

            async def go() -> None:
                async with aiohttp.ClientSession() as s, s.get(url, max_redirects=rng.choice([5, 10])) as r:
                    await r.read()
            return asyncio.run(go())
        finally:
            server.__exit__(None, None, None)
    return url, run


def h2_user_site_redirect_loop(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    url, run = _redirect_loop(rng)
    tool = rng.choice(["tools.web_fetch", "src.tools.smart_file_download", "tools.url_preview"])
    req = f"{rng.randrange(16**8):08x}"
    error = _record(run, tool, rng.choice([f"[req:{req}] fetch failed", f"[req:{req}] {tool.split('.')[-1]} failed"]))
    called = at(error, 0.3, "src.daemon.ws_server", f"[req:{req}] tools/call {tool.split('.')[-1]} (url={url})")
    return _excerpt(rng, [called], error), "unknown"


def h2_twin_our_endpoint_redirects(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same loop from the endpoint a setting names (printed at startup), fetched by our own client -> config."""
    url, run = _redirect_loop(rng)
    name = rng.choice(["ALERTS_WEBHOOK_URL", "KIMI_BASE_URL", "SUPABASE_URL"])
    logger = rng.choice(["src.monitoring.alerts", "src.providers.kimi_chat", "src.storage.supabase_http"])
    error = _record(run, logger, rng.choice(["request failed", "health probe failed"]))
    printed = at(error, 30, "src.core.env_config", f"environment: {name}={url}")
    return _excerpt(rng, [printed], error), "config"


CLASSES10_MORE["H2"] = (h2_user_site_redirect_loop, h2_twin_our_endpoint_redirects)


# ---- A4: a success status whose body is markup, not the API's JSON -------------------------------------------------
PAGES = (b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>We'll be back soon.</body></html>",
         b"<html><body><h1>Access blocked by policy</h1></body></html>",
         b"<!doctype html><html lang=en><title>Docs</title><main>API reference</main></html>")


def _markup_200(rng: random.Random, logger: str, message: str) -> tuple[list[str], str]:
    """A 200 text/html answer: decoded as JSON by httpx (Response.json -> JSONDecodeError) or aiohttp (json() ->
    ContentTypeError, client_reqrep.py's content-type check), or handed back AS TEXT by the openai SDK
    (openai/_response.py `_parse`: a non-json Content-Type without strict validation returns response.text, after a
    DEBUG "Could not read JSON from response data" record) so our frame fails reading a reply field on a str. Returns
    the SDK's own records (shown when the log keeps DEBUG) and the error record."""
    from tests.diagnose.classes8_base import _http_answer
    from tests.diagnose.logged import KeepRecords
    from tests.diagnose.loopback import loopback_server
    lib = rng.choice(["httpx", "aiohttp", "openai", "openai"])
    sdk = KeepRecords()
    with loopback_server(_http_answer(200, rng.choice(PAGES), "text/html; charset=utf-8")) as port:
        url = f"http://127.0.0.1:{port}/v1/chat/completions"

        def run() -> object:
            if lib == "httpx":
                import httpx
                return httpx.post(url, json={"model": "m"}, timeout=5).json()
            if lib == "openai":
                import openai
                client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="sk-test", max_retries=0)
                sdk_log = logging.getLogger("openai._response")
                old = sdk_log.level
                sdk_log.addHandler(sdk)
                sdk_log.setLevel(logging.DEBUG)
                try:
                    resp = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
                finally:
                    sdk_log.removeHandler(sdk)
                    sdk_log.setLevel(old)
                read = rng.choice(["choices", "usage", "model_dump", "id"])
                return getattr(resp, read)  # our frame reading the reply model: the str has no such attribute
            import aiohttp

            async def go() -> object:
                async with aiohttp.ClientSession() as s, s.post(url, json={"model": "m"}) as r:
                    return await r.json()
            return asyncio.run(go())
        error = _record(run, logger, message)
    shown = [r for r in sdk.records if "Could not read JSON" in r] if rng.random() < 0.5 else []
    return shown, error


API_HOSTS = (("src.providers.kimi_chat", "api.moonshot.ai/v1/chat/completions", "platform.moonshot.ai/docs/api/chat"),
             ("src.providers.glm_chat", "api.z.ai/api/paas/v4/chat/completions", "docs.z.ai/api-reference/chat"))


def a4_provider_maintenance_page(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The documented API host answered 200 with markup; an earlier call to it decoded fine -> provider."""
    logger, api, _ = rng.choice(API_HOSTS)
    sdk, error = _markup_200(rng, logger, rng.choice(["chat completion failed", "reply could not be parsed"]))
    ok = at(error, rng.randrange(20, 300), "httpx", f'HTTP Request: POST https://{api} "HTTP/1.1 200 OK"')
    now = at(error, 0.1, "httpx", f'HTTP Request: POST https://{api} "HTTP/1.1 200 OK"')
    return _excerpt(rng, [ok, now, *sdk], error), "provider"


def a4_twin_base_url_web_host(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same 200 markup, but the request went to the provider's web/docs host a setting names -> config."""
    logger, _, web = rng.choice(API_HOSTS)
    name = "KIMI_BASE_URL" if "kimi" in logger else "GLM_BASE_URL"
    sdk, error = _markup_200(rng, logger, rng.choice(["chat completion failed", "reply could not be parsed"]))
    printed = at(error, 60, "src.core.env_config", f"environment: {name}=https://{web.split('/')[0]}")
    now = at(error, 0.1, "httpx", f'HTTP Request: POST https://{web} "HTTP/1.1 200 OK"')
    return _excerpt(rng, [printed, now, *sdk], error), "config"


EGRESS = (("netops.egress", "policy {v} applied: uncategorised destinations -> block page"),
          ("src.net.firewall", "outbound firewall rules reloaded (rev {v}); default action for new hosts: deny+page"),
          ("infra.proxy", "forward proxy policy updated to {v}: hosts outside the allow-list get the login page"),
          ("src.core.startup", "web filter profile {v} active for egress traffic"))


def a4_twin_egress_filter_page(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same 200 markup from the documented API host's URL, after a record of OUR egress filter / firewall / proxy
    changing its policy: its block page answered in the API's place -> config (CLASSES10 K, A4)."""
    logger, api, _ = rng.choice(API_HOSTS)
    sdk, error = _markup_200(rng, logger, rng.choice(["chat completion failed", "reply could not be parsed"]))
    who, text = rng.choice(EGRESS)
    policy = at(error, rng.randrange(60, 900), who, text.format(v=f"r{rng.randrange(100, 999)}"), "WARNING")
    now = at(error, 0.1, "httpx", f'HTTP Request: POST https://{api} "HTTP/1.1 200 OK"')
    return _excerpt(rng, [policy, now, *sdk], error), "config"


CLASSES10_MORE["A4"] = (a4_provider_maintenance_page, a4_twin_base_url_web_host, a4_twin_egress_filter_page)
