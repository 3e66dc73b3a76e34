"""CLASSES11 F6, G4, G5, G8: logging, processes and our server's library limits (evals/CLASSES11.md F, G).

Real raise sites: logging's own "--- Logging error ---" block (Lib/logging/__init__.py `Handler.handleError`)
for a format field a record lacks (`PercentStyle._format`) or for a stream the kernel refuses (ENOSPC from
/dev/full); multiprocessing's checks (`BaseProcess.start`: daemonic processes; `reduction.ForkingPickler`) and a
real ProcessPoolExecutor whose worker dies (BrokenProcessPool); aiohttp's `BaseRequest.read` refusing a body over
`client_max_size` on a real loopback server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import logging
import multiprocessing
import multiprocessing.reduction
import os
from random import Random
from typing import Any

import aiohttp
from aiohttp import web

from evals.gen.c11_common import logger_of, pick_carrier, raise_through, service_line
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame, build_chain, paths
from evals.gen.registry import klass
from evals.gen.render import Record


def logging_error_block(rng: Random, logger_name: str, fmt: str, stream: Any, message: str) -> str:
    """The stderr block CPython's logging prints when `fmt` on `stream` fails for a record logged from a gateway
    frame (its "Call stack:" cut to the gateway's frames, paths as in the image)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(fmt))
    log = logging.getLogger(f"evals.gen.c11.{logger_name}")
    log.propagate, log.handlers = False, [handler]
    log.setLevel(logging.DEBUG)
    err = io.StringIO()
    path = "/app/" + logger_name.replace(".", "/") + ".py"
    with contextlib.redirect_stderr(err):
        saved, logging.raiseExceptions = logging.raiseExceptions, True
        try:
            build_chain([Frame(path, "handle", "self._report(event)"),
                         Frame(path, "_report", "logger.info(event)", {"logger": log, "event": message})], rng)()
        finally:
            logging.raiseExceptions = saved
            log.handlers = []
    lines = err.getvalue().replace(f"evals.gen.c11.{logger_name}", logger_name).splitlines()
    stack = lines.index("Call stack:")
    first = next(i for i in range(stack, len(lines)) if lines[i].startswith('  File "/app/'))
    return paths("\n".join(lines[:stack + 1] + lines[first:]))


# --- G4 -------------------------------------------------------------------------------------------------------
# Source: Lib/logging/__init__.py (`PercentStyle._format`: "Formatting field not found in record", `%`-conversion
# errors), research §1.2 (the correlation-id format applied only to some handlers).
_G4_FORMATS = (
    ("field", "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"),
    ("field", "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s]: %(message)s"),
    ("field", "%(asctime)s | %(tool_name)s | %(levelname)s | %(message)s"),
    ("conversion", "%(asctime)s %(levelname)s %(name)s: %(message)d"),
)


@klass("11", "c11-G4")
def g4(rng: Random, twin: bool) -> dict[str, Any]:
    """A log format naming what these records lack: built in our logging setup (code) vs from a log-format
    setting (config)."""
    alt = Random(rng.getrandbits(64))
    kind, fmt = rng.choice(_G4_FORMATS)
    logger = rng.choice(("src.providers.kimi_chat", "src.file_management.manager", "tools.chat",
                         "src.monitoring.metrics"))
    block = logging_error_block(rng, logger, fmt, io.StringIO(), f"[req:{req_id(rng)}] reply stored")
    err_t = rng.uniform(20, 120)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 30, project_ref(rng))
    if twin:
        records.append(Record(0.3, "INFO", "src.core.env_config", f"LOG_FORMAT={fmt!r} (from .env.docker)"))
    else:
        records.append(Record(0.3, "INFO", "src.bootstrap.logging_setup",
                              f"logging configured: {alt.choice(('file', 'stderr', 'json'))} handler with the built-in "
                              "request format; RequestIdFilter on the ws_daemon handler only"))
    records.append(Record(err_t, "", "", block, raw=True))
    axes = {"kind": kind, "logger": logger}
    if twin:
        return make_case(rng, cls="c11-G4", kind="near-miss", records=records, category="config", severity="low",
                         description="The failing format comes from the LOG_FORMAT setting: config.",
                         must_mention=["LOG_FORMAT"], must_not=[], axes=axes)
    return make_case(rng, cls="c11-G4", kind="known", records=records, category="code", severity="low",
                     description="Our logging setup formats records with a field only one handler's filter adds "
                                 "(or a conversion the message cannot take): code.", must_mention=[],
                     must_not=["LOG_FORMAT"], axes=axes)


# --- F6 -------------------------------------------------------------------------------------------------------
# Source: openai/_utils/_logs.py (OPENAI_LOG=debug logs request options), httpx/_client.py, research §6 row 10
# (request options with file bodies logged), logging's handleError on a full volume (ENOSPC from the kernel).
@klass("11", "c11-F6")
def f6(rng: Random, twin: bool) -> dict[str, Any]:
    """The log volume fills after a debug flag made the SDK log whole bodies (config) vs real traffic growth at
    an unchanged level (capacity)."""
    alt = Random(rng.getrandbits(64))
    flag = rng.choice(("OPENAI_LOG=debug", "LOG_LEVEL=DEBUG", "HTTPX_LOG_LEVEL=trace"))
    logger = rng.choice(("src.providers.kimi_files", "tools.smart_file_query", "src.daemon.ws_server"))
    full = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 - the kernel answers ENOSPC on every flush
    try:
        block = logging_error_block(rng, logger, "%(asctime)s %(levelname)s %(name)s: %(message)s", full,
                                    f"[req:{req_id(rng)}] upload done")
    finally:
        with contextlib.suppress(OSError):  # closing flushes the unwritten record again
            full.close()
    err_t = rng.uniform(300, 600)
    change = rng.uniform(20, 100)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 20, project_ref(rng))
    base_rpm = rng.randint(30, 90)
    for i in range(4):
        t = change + (err_t - change) * (i + 1) / 5
        rpm = base_rpm * (1 + 3 * i) if twin else base_rpm + alt.randint(-5, 5)
        kb = rpm * 2 if twin else rpm * 180  # the same requests, each now logging its whole body
        records.append(Record(t, "INFO", "src.monitoring.metrics",
                              f"[METRICS] requests/min={rpm} log_kb/min={kb} log_volume_used={60 + i * 10}%"))
    if twin:
        records.append(Record(change, "INFO", "src.core.env_config", "log level unchanged: LOG_LEVEL=INFO"))
    else:
        records.append(Record(change, "INFO", "src.core.env_config", f"settings reloaded: {flag}"))
        records.append(Record(change + alt.uniform(1, 10), "DEBUG", "openai._base_client",
                              "Request options: {'method': 'post', 'url': '/files', 'files': [('file', ('report.pdf', "
                              f"b'%PDF-1.7\\n{'A' * 120}...' ({alt.randint(2, 30)} MB)))]}}"))
    records.append(service_line(err_t - 1, "docker", "volume exai_logs: 100% used (no space left on device)"))
    records.append(Record(err_t, "", "", block, raw=True))
    axes = {"flag": flag.split("=")[0], "logger": logger}
    if twin:
        return make_case(rng, cls="c11-F6", kind="near-miss", records=records, category="capacity", severity="high",
                         description="The log volume filled with real traffic growth at an unchanged INFO level: "
                                     "capacity.", must_mention=[], must_not=[flag.split("=")[0]], axes=axes)
    return make_case(rng, cls="c11-F6", kind="known", records=records, category="config", severity="high",
                     description=f"{flag} made the SDK log whole request bodies: the log rate jumped at that moment "
                                 "and filled the log volume: config.", must_mention=[flag.split("=")[0]],
                     must_not=[], axes=axes)


# --- G5 -------------------------------------------------------------------------------------------------------
# Source: Lib/multiprocessing/process.py (`start`: "daemonic processes are not allowed to have children"),
# Lib/multiprocessing/reduction.py (ForkingPickler), Lib/concurrent/futures/process.py (BrokenProcessPool).
def _daemonic(rng: Random, path: str) -> BaseException:
    me = multiprocessing.current_process()
    saved = me._config.get("daemon")  # type: ignore[attr-defined]
    me._config["daemon"] = True  # type: ignore[attr-defined]  # we run inside a daemonic worker
    try:
        exc, _ = raise_through([Frame(path, "index", "self._spawn(batch)"),
                                Frame(path, "_spawn", "worker.start()",
                                      {"worker": multiprocessing.Process(target=print)})], rng, ("none", "from"))
    finally:
        me._config["daemon"] = saved  # type: ignore[attr-defined]
    return exc


def _unpicklable(rng: Random, path: str) -> BaseException:
    exc, _ = raise_through([Frame(path, "index", "self._spawn(batch)"),
                            Frame(path, "_spawn", "payload = ForkingPickler.dumps(task)",
                                  {"ForkingPickler": multiprocessing.reduction.ForkingPickler,
                                   "task": lambda batch: batch})], rng, ("none", "from"))
    return exc


def _broken_pool(rng: Random, path: str) -> BaseException:
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        future = pool.submit(os._exit, 137)
        concurrent.futures.wait([future])  # done before result(): the same raise line whatever the timing
        exc, _ = raise_through([Frame(path, "index", "self._spawn(batch)"),
                                Frame(path, "_spawn", "return future.result()", {"future": future})], rng,
                               ("none", "from"))
    return exc


@klass("11", "c11-G5")
def g5(rng: Random, twin: bool) -> dict[str, Any]:
    """multiprocessing's own checks refuse our process model (code) vs a worker killed by the kernel for memory
    (capacity)."""
    alt = Random(rng.getrandbits(64))
    kind = rng.choice(("daemonic", "pickle"))
    path = rng.choice(("/app/src/indexer/pool.py", "/app/tools/batch_analyze.py", "/app/src/file_management/extract.py"))
    exc = _daemonic(rng, path) if kind == "daemonic" else _unpicklable(rng, path)
    if twin:
        exc = _broken_pool(alt, path)
    err_t = rng.uniform(20, 200)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    if twin:
        records.append(service_line(err_t - alt.uniform(0.1, 2), "kernel",
                                    f"[{alt.uniform(1e5, 9e5):.6f}] Out of memory: Killed process {alt.randint(200, 9000)} "
                                    f"(python) total-vm:{alt.randint(2, 9)}000000kB, anon-rss:{alt.randint(1, 3)}900000kB"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] indexing batch failed", carrier)
    axes = {"kind": kind, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c11-G5", kind="near-miss", records=records, category="capacity", severity="high",
                         description="A pool worker was killed by the kernel for memory (its OOM line): capacity.",
                         must_mention=["memory"], must_not=["daemonic"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-G5", kind="known", records=records, category="code", severity="medium",
                     description="multiprocessing's own check refuses our process model (children of a daemonic "
                                 "worker / an unpicklable target): code.", must_mention=[], must_not=["memory"],
                     axes=axes)


# --- G8 -------------------------------------------------------------------------------------------------------
# Source: aiohttp/web_request.py (`client_max_size`, default 1 MiB; `read` raises HTTPRequestEntityTooLarge),
# aiohttp/web_app.py (Application(client_max_size=...)).
def _too_large(rng: Random, path: str, size: int) -> BaseException:
    caught: list[BaseException] = []

    async def main() -> None:
        async def handler(request: web.Request) -> web.Response:
            try:
                await build_chain([Frame(path, "ingest", "body = await self._read(request)", is_async=True),
                                   Frame(path, "_read", "return await request.json()", {"request": request},
                                         is_async=True)], rng)()
            except web.HTTPException as exc:
                caught.append(exc)
                raise
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post("/internal/tool-result", handler)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        async def send() -> None:
            async with aiohttp.ClientSession() as session:
                async with session.post(f"http://127.0.0.1:{port}/internal/tool-result", data=b"{" + b" " * size):
                    pass

        client = asyncio.ensure_future(send())
        try:
            for _ in range(5000):  # until our handler has refused the body (the client may still be writing it)
                if caught or client.done():
                    break
                await asyncio.sleep(0.001)
        finally:
            client.cancel()
            await asyncio.gather(client, return_exceptions=True)
            await runner.cleanup()

    asyncio.run(main())
    from evals.gen.frames import trim
    return trim(caught[0])


@klass("11", "c11-G8")
def g8(rng: Random, twin: bool) -> dict[str, Any]:
    """Our server's library default body limit refuses our own legitimate clients (code) vs an outside client's
    oversized input (unknown)."""
    alt = Random(rng.getrandbits(64))
    size = rng.randint(1_100_000, 4_000_000)
    path = rng.choice(("/app/src/monitoring/ingest.py", "/app/src/daemon/http_api.py"))
    exc = _too_large(rng, path, size)
    err_t = rng.uniform(20, 200)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    client = f"203.0.{alt.randint(1, 250)}.{alt.randint(2, 250)}" if twin else f"172.18.0.{alt.randint(2, 20)}"
    agent = "curl/8.5.0 (upload from an outside client)" if twin else "exai-shim/2.3 (our tool-result relay)"
    records.append(Record(err_t - 0.05, "INFO", "aiohttp.access",
                          f'{client} "POST /internal/tool-result HTTP/1.1" 413 - "{agent}" ({size} bytes)'))
    for _ in range(rng.randint(1, 3)):
        records.append(Record(rng.uniform(1, err_t - 1), "INFO", "aiohttp.access",
                              f'172.18.0.4 "POST /internal/tool-result HTTP/1.1" 200 "exai-shim/2.3" '
                              f"({rng.randint(2_000, 900_000)} bytes)"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), "tool result rejected", carrier)
    axes = {"carrier": carrier, "path": path.rsplit("/", 1)[-1]}
    if twin:
        return make_case(rng, cls="c11-G8", kind="near-miss", records=records, category="unknown", severity="low",
                         description="An outside client sent an oversized body: the limit is doing its job: unknown.",
                         must_mention=[], must_not=["client_max_size"], axes=axes)
    return make_case(rng, cls="c11-G8", kind="known", records=records, category="code", severity="medium",
                     description="Our own relay's legitimate tool results exceed aiohttp's default client_max_size, "
                                 "which our server never raised: code.", must_mention=["client_max_size"],
                     must_not=[], axes=axes)
