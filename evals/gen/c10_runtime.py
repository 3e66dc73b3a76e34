"""CLASSES10 E2, G2, G6, H3, F2: runtime, lifecycle and data-detection classes (evals/CLASSES10.md).

Every exception is raised by CPython's own code in-process; the records around it carry the deciding evidence.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import csv
import locale
import threading
import zoneinfo
from random import Random
from typing import Any

from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame, build_chain, run_chain, run_wrapped, trim
from evals.gen.registry import klass
from evals.gen.render import Record


def _carrier(rng: Random, wrap: str) -> str:
    """A carrier that still shows the cause: a TaskGroup's group printed by str() alone would hide it."""
    carrier = rng.choice(("exception", "exception", "message", "block"))
    return "exception" if wrap == "group" and carrier == "message" else carrier


# --- E2 -------------------------------------------------------------------------------------------------------
# Source: Lib/asyncio/mixins.py `_LoopBoundMixin._get_loop` ("... is bound to a different event loop"): the
# primitive binds to the first loop that WAITS on it. Concurrency when two loops run at once in two threads;
# twin: one thread, the loop closed and a new one started (a lifetime bug) -> code.
def _bound_primitive(kind: str) -> Any:
    makers: dict[str, Any] = {"Event": asyncio.Event, "Queue": asyncio.Queue, "Semaphore": lambda: asyncio.Semaphore(0)}
    prim: Any = makers[kind]()

    async def bind() -> None:
        waiter = getattr(prim, {"Event": "wait", "Queue": "get", "Semaphore": "acquire"}[kind])
        try:
            await asyncio.wait_for(waiter(), 0.001)
        except TimeoutError:
            pass

    asyncio.run(bind())
    return prim


_E2_USES = {"Event": "await self._ready.wait()", "Queue": "item = await self._queue.get()",
            "Semaphore": "await self._slots.acquire()"}


@klass("10", "c10-E2")
def e2(rng: Random, twin: bool) -> dict[str, Any]:
    """An asyncio primitive bound to one loop awaited under another: two threads' loops vs a recreated loop."""
    kind = rng.choice(sorted(_E2_USES))
    use = _E2_USES[kind]
    attr = use.split("self.")[1].split(".")[0]
    prim = _bound_primitive(kind)
    path = rng.choice(("/app/src/daemon/ws/health_monitor.py", "/app/src/monitoring/broadcaster.py",
                       "/app/src/daemon/middleware/semaphores.py"))
    thread = rng.choice(("health-thread", "metrics-loop", "ws-monitor", "exporter"))
    wrap = rng.choice(("none", "group"))
    frames = [Frame(path, rng.choice(("tick", "run_once", "publish")), "await self._step()", is_async=True),
              Frame(path, "_step", use, {"self": type("S", (), {attr: prim})()}, is_async=True)]
    exc = run_wrapped(frames, rng, wrap)
    logger = path.removeprefix("/app/").removesuffix(".py").replace("/", ".")
    records = noise(rng, rng.randint(2, 5), 0, 60, project_ref(rng))
    if twin:
        records += [Record(10.0, "INFO", "src.daemon.ws_server", "config reload requested: stopping event loop"),
                    Record(10.4, "INFO", "src.daemon.ws_server",
                           "event loop closed; starting a new one with asyncio.run (MainThread)")]
    else:
        records += [Record(10.0, "INFO", logger, f"starting {thread} with its own event loop (thread={thread})"),
                    Record(10.4, "INFO", "src.daemon.ws_server", "main event loop running (thread=MainThread)")]
    carrier = _carrier(rng, wrap)
    records += carry(rng, exc, 40.0, logger, f"[{thread if not twin else 'MainThread'}] {attr[1:]} wait failed",
                     carrier)
    axes = {"primitive": kind, "wrap": wrap, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-E2", kind="near-miss", records=records, category="code", severity="medium",
                         description="An asyncio primitive created under a loop that was closed and replaced in the "
                                     "same thread: a lifetime bug, code.", must_mention=[], must_not=["race"],
                         axes=axes)
    return make_case(rng, cls="c10-E2", kind="known", records=records, category="concurrency", severity="medium",
                     description="An asyncio primitive shared by two event loops running at once in two threads: "
                                 "concurrency.", must_mention=[], must_not=[], axes=axes)


# --- G2 -------------------------------------------------------------------------------------------------------
# Source: Lib/threading.py `start` ("threads can only be started once"), Lib/concurrent/futures/thread.py
# `submit` ("cannot schedule new futures after shutdown"), Lib/asyncio/base_events.py `_check_closed`.
# Twin: the same state error AFTER the service logged its shutdown: a benign late message, low severity.
def _g2_object(kind: str) -> tuple[str, dict[str, Any]]:
    if kind == "thread":
        t = threading.Thread(target=lambda: None, name="updater")
        t.start()
        t.join()
        return "self._updater.start()", {"self": type("S", (), {"_updater": t})()}
    if kind == "executor":
        ex = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="upload")
        ex.shutdown()
        return "fut = self._pool.submit(write_batch, batch)", {"self": type("S", (), {"_pool": ex})(),
                                                               "write_batch": print, "batch": []}
    loop = asyncio.new_event_loop()
    loop.close()
    return "self._loop.call_soon_threadsafe(flush)", {"self": type("S", (), {"_loop": loop})(), "flush": print}


@klass("10", "c10-G2")
def g2(rng: Random, twin: bool) -> dict[str, Any]:
    """A stdlib object's lifecycle check refuses a call: during operation (code) vs after shutdown (benign)."""
    kind = rng.choice(("thread", "executor", "loop"))
    line, env = _g2_object(kind)
    path = rng.choice(("/app/src/daemon/ws_server.py", "/app/src/file_management/manager.py",
                       "/app/src/monitoring/metrics.py", "/app/utils/observability.py"))
    func = rng.choice(("schedule_flush", "on_message", "refresh", "enqueue"))
    exc = run_chain([Frame(path, func, line, env)], rng)
    logger = path.removeprefix("/app/").removesuffix(".py").replace("/", ".")
    records = noise(rng, rng.randint(2, 5), 0, 50, project_ref(rng))
    carrier, rid = rng.choice(("exception", "message", "excepthook")), req_id(rng)
    if twin:
        records += [Record(55.0, "INFO", "ws_daemon", "Received SIGTERM, shutting down"),
                    Record(55.3, "INFO", "ws_daemon", "daemon stopped (sessions drained: 0)")]
    else:
        records += [Record(55.0, "INFO", "src.daemon.ws_server", f"[req:{rid}] tool call chat completed"),
                    Record(55.3, "INFO", "src.daemon.connection_manager", "Connection registered from 172.18.0.1")]
    records += carry(rng, exc, 56.0, logger, f"{func} failed", carrier)
    axes = {"object": kind, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-G2", kind="near-miss", records=records, category="code", severity="low",
                         description="A lifecycle state error raised after the daemon logged its shutdown: a late, "
                                     "benign message.", must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-G2", kind="known", records=records, category="code", severity="high",
                     description="A lifecycle state error (an object used after its end) during normal operation: "
                                 "code.", must_mention=[], must_not=[], axes=axes)


# --- G6 -------------------------------------------------------------------------------------------------------
# Source: Lib/asyncio/base_events.py `default_exception_handler` (logger "asyncio", "Task exception was never
# retrieved", "future: <Task finished ... exception=...>") and Lib/asyncio/futures.py `__del__`. The category is
# the named exception's: a refused connection to a service -> network; our own TypeError -> code (the twin).
@klass("10", "c10-G6")
def g6(rng: Random, twin: bool) -> dict[str, Any]:
    """The runtime's record is the only carrier of a fire-and-forget task's failure; its exception decides."""
    coro_name = rng.choice(("_publish_event", "_refresh_cache", "_notify_relay"))
    path = rng.choice(("/app/src/monitoring/broadcaster.py", "/app/src/cache/redis_cache.py",
                       "/app/src/alerts/relay.py"))
    bug, port = "payload['count'] + 1", closed_port(rng)
    if twin:
        frames = [Frame(path, coro_name, f"total = {bug}", {"payload": {"count": None}}, is_async=True)]
    else:
        # a real refused connect by asyncio (selector_events.py `sock_connect`: "Connect call failed (addr)")
        frames = [Frame(path, coro_name, "reader, writer = await asyncio.open_connection(host, port)",
                        {"asyncio": asyncio, "host": "127.0.0.1", "port": port}, is_async=True)]
    top = build_chain(frames, rng)
    tname = f"Task-{rng.randint(5, 900)}"

    async def holder() -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(top(), name=tname)
        await asyncio.wait([task])  # the task fails; nobody retrieves its exception (the class)
        return task

    task = asyncio.run(holder())
    exc = task.exception()
    assert exc is not None
    trim(exc)
    message = f"Task exception was never retrieved\nfuture: {task!r}"
    records = noise(rng, rng.randint(2, 6), 0, 80, project_ref(rng))
    records += carry(rng, exc, 70.0, "asyncio", message, "exception")
    axes = {"coro": coro_name, "path": path.rsplit("/", 1)[-1]}
    if twin:
        return make_case(rng, cls="c10-G6", kind="near-miss", records=records, category="code", severity="medium",
                         description="asyncio's never-retrieved record names our own TypeError: code.",
                         must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-G6", kind="known", records=records, category="network", severity="medium",
                     description="asyncio's never-retrieved record names a refused connection to a service: "
                                 "network.", must_mention=[], must_not=[], axes=axes)


def closed_port(rng: Random) -> int:
    """A loopback TCP port nobody listens on (checked), drawn from the ports the gateway's relays use."""
    import socket
    for port in rng.sample((6380, 8443, 3010, 9464, 8125, 4318, 5433), 7):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no closed loopback port among the relay ports")


# --- H3 -------------------------------------------------------------------------------------------------------
# Source: Lib/csv.py `Sniffer.sniff` ("Could not determine delimiter"). The user's file -> unknown; twin: our tool
# sniffs a literal prefix too short to decide, so every file fails -> code.
_H3_FILES = ("amount\n12.5\n13\n", "name|||note\nalpha beta\n", "x\n", "id;name,total\n1;a,2\n2;b\n",
             "Date Amount Notes\n2026-11-02 12,50 lunch with team\n")


@klass("10", "c10-H3")
def h3(rng: Random, twin: bool) -> dict[str, Any]:
    """The delimiter sniffer gives up: on a user's file (unknown) vs on our too-short literal sample (code)."""
    tool = rng.choice(("csv_stats", "table_preview", "data_import"))
    module = f"/app/tools/{tool}.py"
    rid = req_id(rng)
    fname = rng.choice(("export.csv", "ledger.txt", "report.tsv", "data.csv"))
    for text in rng.sample(_H3_FILES, len(_H3_FILES)):
        try:
            csv.Sniffer().sniff(text[:8] if twin else text)
        except csv.Error:
            break
    line = "dialect = csv.Sniffer().sniff(text[:8])" if twin else "dialect = csv.Sniffer().sniff(text)"
    exc = run_chain([Frame(module, "run", "rows = self._read(path)"),
                     Frame(module, "_read", line, {"csv": csv, "text": text})], rng)
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    records.append(Record(30.0, "INFO", "ws_daemon", f"[req:{rid}] tool call {tool} file={fname}"))
    others = [req_id(rng) for _ in range(3)]
    carrier = rng.choice(("exception", "message", "block"))
    if twin:
        for i, other in enumerate(others):
            records.append(Record(5.0 + 7 * i, "ERROR", f"tools.{tool}",
                                  f"[req:{other}] cannot read file: Error: Could not determine delimiter"))
    else:
        records.append(Record(12.0, "INFO", f"tools.{tool}", f"[req:{others[0]}] read 4 files, 1293 rows"))
    records += carry(rng, exc, 30.2, f"tools.{tool}", f"[req:{rid}] cannot read file", carrier)
    axes = {"tool": tool, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-H3", kind="near-miss", records=records, category="code", severity="medium",
                         description="The sniffer fails on every file because our tool passes only a literal short "
                                     "prefix: code.", must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-H3", kind="unknown", records=records, category="unknown", severity="low",
                     description="The delimiter sniffer cannot decide on one user's file (other files read fine): "
                                 "unknown.", must_mention=[], must_not=[], axes=axes)


# --- F2 -------------------------------------------------------------------------------------------------------
# Source: Lib/zoneinfo/_common.py `load_tzdata` / `_tzpath.py` (no system tz database and no `tzdata` package in a
# slim image), Lib/locale.py `setlocale` ("unsupported locale setting"). A valid key missing from the image ->
# config; twin: the key is the user's typo (it fails on a full image too) -> unknown.
@klass("10", "c10-F2")
def f2(rng: Random, twin: bool) -> dict[str, Any]:
    """Data the stdlib loads from the image missing (config) vs a user's key that exists nowhere (unknown)."""
    kind = rng.choice(("zoneinfo", "zoneinfo", "locale"))
    good = rng.choice(("Australia/Melbourne", "Europe/Berlin", "America/New_York", "Asia/Shanghai")) \
        if kind == "zoneinfo" else rng.choice(("de_DE.UTF-8", "fr_FR.UTF-8", "ja_JP.UTF-8"))
    head, _, tail = good.partition("/" if kind == "zoneinfo" else "_")
    typo = f"{head}{'/' if kind == 'zoneinfo' else '_'}{tail[:2]}{tail[3:]}"  # one letter dropped
    key = typo if twin else good
    rid = req_id(rng)
    tool = rng.choice(("schedule_report", "format_times", "calendar_tool"))
    if kind == "zoneinfo":
        saved = zoneinfo.TZPATH
        zoneinfo.reset_tzpath(to=list(saved) if twin else ["/usr/share/zoneinfo-absent"])
        try:
            exc = run_chain([Frame(f"/app/tools/{tool}.py", "run", "tz = self._zone(args)"),
                             Frame(f"/app/tools/{tool}.py", "_zone", "return ZoneInfo(args['timezone'])",
                                   {"ZoneInfo": zoneinfo.ZoneInfo, "args": {"timezone": key}})], rng)
        finally:
            zoneinfo.reset_tzpath(to=list(saved))
            zoneinfo.ZoneInfo.clear_cache()
    else:
        exc = run_chain([Frame(f"/app/tools/{tool}.py", "run", "self._apply_locale(args)"),
                         Frame(f"/app/tools/{tool}.py", "_apply_locale",
                               "locale.setlocale(locale.LC_TIME, args['locale'])",
                               {"locale": locale, "args": {"locale": key}})], rng)
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    arg = "timezone" if kind == "zoneinfo" else "locale"
    other, carrier = req_id(rng), rng.choice(("exception", "message", "block"))
    records.append(Record(29.8, "INFO", "ws_daemon", f"[req:{rid}] tool call {tool} args={{'{arg}': '{key}'}}"))
    if not twin:
        records.append(Record(0.5, "INFO", "src.daemon.ws_server",
                              "image python:3.11-slim; TZ=Australia/Melbourne; packages: no tzdata, no locales-all"))
    else:
        records.append(Record(0.5, "INFO", "src.daemon.ws_server", "image python:3.11; TZ=Australia/Melbourne"))
        records.append(Record(12.0, "INFO", "ws_daemon",
                              f"[req:{other}] tool call {tool} args={{'{arg}': '{good}'}} ok"))
    records += carry(rng, exc, 30.0, f"tools.{tool}", f"[req:{rid}] {tool} failed", carrier)
    axes = {"data": kind, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-F2", kind="near-miss", records=records, category="unknown", severity="low",
                         description="A user's misspelt key (the correct key works on this image): unknown.",
                         must_mention=[], must_not=["tzdata"], axes=axes)
    return make_case(rng, cls="c10-F2", kind="known", records=records, category="config", severity="medium",
                     description="A valid key whose data the slim image lacks (tz database / locale): config.",
                     must_mention=[], must_not=[], axes=axes)
