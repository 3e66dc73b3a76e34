"""Generators for a first subset of evals/CLASSES9.md (round 9's second class spec, by a writer who never read the
rules): K1, G3, R2, U1, U2, U3, U4, each with its near-miss twin. Errors are raised for real by the library the
spec cites (threading, logging.handlers, asyncio futures, os/errno, int/csv limits, json/csv parsers, yaml/xml/
configparser, zipfile/base64); logger, wording, values and where the evidence sits are drawn from the seed
(classes8_vary.py). A generator returns (excerpt, expected category).

K3 (two rotators) is not generated: logging.handlers.RotatingFileHandler checks that each file exists before it
renames it, so the loser's error needs a race between the check and the rename that a test cannot cause for real.
"""

from __future__ import annotations

import asyncio
import base64
import configparser
import csv
import errno
import io
import json
import os
import random
import threading
import zipfile
from typing import Any
from xml.etree import ElementTree

import yaml

from tests.diagnose.classes8_base import Ctx, Gen, _record, line
from tests.diagnose.classes8_vary import logger_of, spread, worded

WORKERS = ("metrics-flusher", "usage-updater", "health-writer", "cache-janitor")


# ---- K. concurrency ------------------------------------------------------------------------------------------------
def _release_unheld(rng: random.Random) -> None:
    """threading.py / _threadmodule.c: releasing a Lock nobody holds, an RLock from a non-owner, or waiting on a
    Condition without its lock (RuntimeError each)."""
    shape = rng.choice(["lock", "rlock", "condition"])
    if shape == "lock":
        lock = threading.Lock()
        lock.acquire(timeout=0.01) if False else None  # the timed acquire's False result is ignored
        lock.release()
    elif shape == "rlock":
        rlock = threading.RLock()
        rlock.release()
    else:
        threading.Condition().wait(timeout=0.01)


def k1_thread_lock_contention(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    other, me = rng.sample(WORKERS, 2)
    who = f"src.monitoring.{me.replace('-', '_')}"
    before = [line(f"src.monitoring.{other.replace('-', '_')}", rng.choice([
        f"thread {other} holds the stats lock (flush of {rng.randrange(200, 9000)} samples)",
        f"{other}: lock busy, acquire timed out after 0.{rng.randrange(1, 9)} s"]), "DEBUG")]
    return spread(rng, before, _record(lambda: _release_unheld(rng), who, f"{me} cycle failed")), "concurrency"


def k1_twin_single_thread_startup(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    who = logger_of(rng, "startup")
    before = [line(who, rng.choice(["starting metrics subsystem (no worker threads yet)", "daemon starting pid=77"]))]
    return spread(rng, before, _record(lambda: _release_unheld(rng), who, worded(rng, "startup", "metrics"))), "code"


# ---- G. code -------------------------------------------------------------------------------------------------------
def g3_future_wrong_state(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """asyncio/futures.py result() before done (InvalidStateError), concurrent.futures' result(timeout=0)."""
    return _future(rng, rng.choice(["result", "concurrent"])), "code"


def g3_cancelled_outcome(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """asyncio/futures.py exception()/result() of a cancelled future: CancelledError raised by the reader's call."""
    return _future(rng, "exception_cancelled"), "code"


def _future(rng: random.Random, shape: str) -> str:

    async def go() -> object:
        fut = asyncio.get_running_loop().create_future()
        if shape == "exception_cancelled":
            fut.cancel()
            return fut.exception()
        return fut.result()

    def run() -> object:
        if shape == "concurrent":
            import concurrent.futures
            return concurrent.futures.Future().result(timeout=0)
        return asyncio.run(go())
    return _record(run, logger_of(rng, "daemon"), worded(rng, "daemon", "the tool result"))


# ---- R. capacity ---------------------------------------------------------------------------------------------------
def r2_other_fs_resource(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # (EFBIG, the per-process file size limit the spec also names, is read as config.file_size by the class layer:
    # a disagreement with the spec left open - evals/RESULTS.md round 9 - so it is not drawn here)
    code = rng.choice([errno.ENOSPC, errno.EDQUOT])
    path = f"/app/cache/semantic/{rng.randrange(16**6):06x}.json"

    def run() -> None:
        raise OSError(code, os.strerror(code), path)
    health = rng.choice([f"disk /app/cache: bytes free {rng.randrange(20, 60)}%, inodes free 0 of 1310720",
                         f"volume /app/cache: 41 GB free, project quota {rng.randrange(5, 20)} GB reached",
                         f"cache files: {rng.randrange(900_000, 2_000_000)} entries, inode use 100%"])
    return spread(rng, [line("src.monitoring.health", health)],
                  _record(run, rng.choice(["src.cache.semantic_cache", "src.cache.store"]), f"cache write {path} failed")
                  ), "capacity"


# ---- U. unknown (the user's data) ----------------------------------------------------------------------------------
def _limit_hit(rng: random.Random, shown: str) -> None:
    if shown.endswith(".json"):
        json.loads("1" * 5000)  # int max str digits (4300 by default: sys.int_info.default_max_str_digits)
    else:
        old = csv.field_size_limit()
        csv.field_size_limit(1000)
        try:
            list(csv.reader(io.StringIO('a,"' + "x" * 2000 + '"\n')))
        finally:
            csv.field_size_limit(old)


def u1_user_input_limit(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = f"/mnt/project/data/{rng.choice(['ids.json', 'export.csv', 'big.json', 'rows.csv'])}"
    return _record(lambda: _limit_hit(rng, shown), logger_of(rng, "tool"), worded(rng, "tool", shown)), "unknown"


def u1_twin_our_cache(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = f"/app/cache/{rng.choice(['usage.json', 'snapshot.csv'])}"
    return _record(lambda: _limit_hit(rng, shown), rng.choice(["src.cache.store", "src.monitoring.usage_snapshot"]),
                   rng.choice([f"loading {shown} failed", f"cache {shown} unreadable", f"snapshot restore from {shown} failed"])), "code"


def u2_user_encoding(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = f"/mnt/project/{rng.choice(['package.json', 'data/export.csv', 'config/settings.json'])}"

    def run() -> object:
        if shown.endswith(".json"):
            return json.loads(rng.choice(["\ufeff{\"a\": 1}", "\x00{\x00\"\x00a\x00\"\x00"]))
        return list(csv.reader(["a,b\rc,d\n"]))  # _csv.c: a bare CR inside an unquoted field of one line
    return _record(run, logger_of(rng, "tool"), worded(rng, "tool", shown)), "unknown"


def _unresolved(rng: random.Random, shown: str) -> object:
    if shown.endswith((".yaml", ".yml")):
        return yaml.safe_load("a: *missing\n")
    if shown.endswith(".xml"):
        return ElementTree.fromstring("<root><ns:item/></root>")
    parser = configparser.ConfigParser()
    parser.read_string("[paths]\nout = %(base)s/out\n", source=shown)
    return parser.get("paths", "out")


def u3_user_unresolved_reference(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = f"/mnt/project/{rng.choice(['docker-compose.yml', 'pom.xml', 'setup.cfg', 'ci/pipeline.yaml'])}"
    return _record(lambda: _unresolved(rng, shown), logger_of(rng, "tool"), worded(rng, "tool", shown)), "unknown"


def u3_twin_our_config(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = rng.choice(["/app/config/providers.yaml", "/app/config/gateway.ini", "/etc/exai/routing.yml",
                        "/app/config/models.xml", "/app/config/limits.cfg"])
    who = rng.choice(["src.core.env_config", "src.core.config_loader", "src.providers.registry"])
    name = rng.choice(["GATEWAY_CONFIG_FILE", "PROVIDERS_FILE", "ROUTING_CONFIG"])
    before = [line(who, rng.choice([f"loading gateway config from {shown} ({name})", f"{name}={shown}"]))]
    return spread(rng, before, _record(lambda: _unresolved(rng, shown), who,
                                       rng.choice(["config load failed", "could not load the configuration",
                                                   f"startup aborted: {name} unreadable"]))), "config"


def _corrupt(rng: random.Random, ctx: Ctx, name: str) -> None:
    if name.endswith(".zip"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            z.writestr("a.txt", b"hello world " * 50)
        data = bytearray(buf.getvalue())
        data[60] ^= 0xFF  # one byte of the member's data: the CRC check fails on read
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
            z.read("a.txt")
    else:
        base64.b64decode(b"QUJD" + b"=" * rng.randrange(1, 3) + b"x", validate=True)


def u4_user_blob_integrity(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = f"/mnt/project/{rng.choice(['release.zip', 'assets.zip', 'key.b64'])}"
    return _record(lambda: _corrupt(rng, ctx, shown), logger_of(rng, "tool"), worded(rng, "tool", shown)), "unknown"


def u4_twin_our_download_cut(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = f"/app/cache/downloads/{rng.choice(['release.zip', 'bundle.zip'])}"
    before = [line("src.tools.smart_file_download", f"download of https://files.example.org/{shown.rsplit('/', 1)[1]} "
                   f"ended early: got {rng.randrange(1000, 9000)} of {rng.randrange(10000, 90000)} bytes "
                   "(connection reset by peer)", "WARNING")]
    return spread(rng, before, _record(lambda: _corrupt(rng, ctx, shown), "src.tools.smart_file_download",
                                       f"opening {shown} failed")), "network"




# ---- S. storage: Supabase Edge Functions (S2) ----------------------------------------------------------------------
def _invoke(rng: random.Random, status: int, body: bytes, relay: bool) -> str:
    """One invoke() of the real supabase_functions client against a loopback answer, logged by a drawn module."""
    import supabase_functions

    from tests.diagnose.classes8_base import _http_answer
    from tests.diagnose.loopback import loopback_server

    answer = _http_answer(status, body)

    def relayed(c: Any) -> None:  # the relay's header on the answer (functions_client.py checks x-relay-error)
        c.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        c.sendall(b"HTTP/1.1 %d X\r\nx-relay-error: true\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                  % (status, len(body)) + body)
    name = rng.choice(["summarize-upload", "embed-chunks", "notify-user"])
    with loopback_server(relayed if relay else answer) as port:
        client = supabase_functions.SyncFunctionsClient(f"http://127.0.0.1:{port}/functions/v1", {"apikey": "k"})
        rec = _record(lambda: client.invoke(name, {"body": {"id": rng.randrange(999)}}),
                      rng.choice(["src.storage.edge_functions", "src.tools.summarize", "src.daemon.jobs"]),
                      rng.choice([f"edge function {name} failed", f"invoke {name} failed", "background job failed"]))
    return rec.replace(f"http://127.0.0.1:{port}", "https://qzkv.supabase.co")


def s2_relay_failure(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _invoke(rng, rng.choice([500, 502, 503]), rng.choice([b"Function failed to start (please check logs)",
                                                                 b"worker boot error", b"Internal Server Error"]),
                   True), "storage"


def s2_twin_our_function(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    status = rng.choice([500, 400, 422])
    body = json.dumps({"error": rng.choice(["TypeError: Cannot read properties of undefined (reading 'chunks')",
                                            "missing field user_id", "invalid payload"])}).encode()
    return _invoke(rng, status, body, False), "code"


def s2_twin_not_deployed(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _invoke(rng, 404, rng.choice([b'{"error": "Function not found"}', b"Not Found"]), False), "config"




# ---- G2: sync/async flavour of a library object --------------------------------------------------------------------
def g2_flavour_confusion(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """An async object used the sync way or the reverse (Objects/abstract.c / genobject.c protocol errors), across
    httpx (AsyncClient in a plain `with`), psycopg (AsyncConnection in a plain `with`), openai (AsyncOpenAI's
    coroutine iterated with a plain for) and asyncio (a sync result awaited)."""
    import httpx
    import openai
    import psycopg

    shape = rng.choice(["httpx", "psycopg", "openai", "await"])

    def run() -> object:
        if shape == "httpx":
            with httpx.AsyncClient():  # type: ignore[attr-defined]
                return None
        if shape == "psycopg":
            with psycopg.AsyncConnection:  # type: ignore[attr-defined]
                return None
        if shape == "openai":
            client = openai.AsyncOpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
            coro = client.chat.completions.create(model="kimi-k2-turbo-preview", messages=[], stream=True)
            try:
                return [c for c in coro]  # type: ignore[attr-defined]
            finally:
                coro.close()

        async def go() -> object:
            return await json.loads("{}")  # type: ignore[misc]
        return asyncio.run(go())
    return _record(run, logger_of(rng, rng.choice(["kimi", "rest", "daemon"])), worded(rng, "daemon", "the stream")), \
        "code"




# ---- N1: a kept-alive connection the server already closed ---------------------------------------------------------
def _disconnected(rng: random.Random) -> str:
    """aiohttp's ServerDisconnectedError / http.client's RemoteDisconnected under requests / httpx's
    RemoteProtocolError: a peer that closes the connection without any status line (the first request on a reused
    connection the server's idle timeout already closed)."""
    import socket as _s

    from tests.diagnose.loopback import loopback_server

    def answer(c: _s.socket) -> None:
        c.recv(65536)  # read the request, then close without a status line

    lib = rng.choice(["aiohttp", "requests", "httpx"])
    with loopback_server(answer) as port:
        url = f"http://127.0.0.1:{port}/v1/health"

        def run() -> object:
            if lib == "requests":
                import requests
                return requests.get(url, timeout=5)
            if lib == "httpx":
                import httpx
                return httpx.get(url, timeout=5)
            import aiohttp

            async def go() -> None:
                async with aiohttp.ClientSession() as s, s.get(url) as r:
                    await r.read()
            return asyncio.run(go())
        return _record(run, rng.choice(["src.monitoring.daemon_probe", "src.tools.web_fetch", "src.daemon.outbound_http"]),
                       rng.choice(["probe request failed", "GET /v1/health failed", "outbound call failed"]))


def n1_keepalive_closed(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    idle = rng.randrange(70, 900)
    before = [line("src.daemon.outbound_http", f"connection pool: reusing kept-alive connection (idle {idle} s)")]
    after = line("src.daemon.outbound_http", rng.choice(["retry 1/3 on a new connection succeeded (200)",
                                                         "retried on a fresh connection: 200 OK"]))
    return "\n".join([spread(rng, before, _disconnected(rng)), after]), "network"


def n1_twin_every_attempt(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Every attempt dropped the same way, only for bodies above a size: a proxy's body limit (config)."""
    size, n = rng.choice([12, 25, 60]), rng.choice([3, 4, 5])
    after = line(rng.choice(["src.daemon.outbound_http", "src.tools.upload_tracker"]),
                 f"{n} of {n} attempts disconnected; every upload above {size} MB fails the same way through the egress "
                 f"proxy (client_max_body_size=10m), smaller ones succeed")
    return "\n".join([_disconnected(rng), after]), "config"


CLASSES9: dict[str, tuple[Gen, ...]] = {
    "K1": (k1_thread_lock_contention, k1_twin_single_thread_startup),
    "G2": (g2_flavour_confusion,), "G3": (g3_future_wrong_state, g3_cancelled_outcome), "R2": (r2_other_fs_resource,),
    "U1": (u1_user_input_limit, u1_twin_our_cache), "U2": (u2_user_encoding,),
    "N1": (n1_keepalive_closed, n1_twin_every_attempt),
    "S2": (s2_relay_failure, s2_twin_our_function, s2_twin_not_deployed),
    "U3": (u3_user_unresolved_reference, u3_twin_our_config), "U4": (u4_user_blob_integrity, u4_twin_our_download_cut),
}
__all__ = ["CLASSES9"]
