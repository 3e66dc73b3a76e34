"""Shared helpers of the CLASSES8 generators (classes8_gen.py): how a real error is raised, logged and placed after
context records, and the loopback peers (an HTTP answer, a PostgreSQL raising a SQLSTATE, a WebSocket closing)."""

from __future__ import annotations

import asyncio
import logging
import random
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import openai
import psycopg
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection

from tests.diagnose.classes8_vary import STAMP, logger_of, worded
from tests.diagnose.logged import KeepRecords, logged
from tests.diagnose.loopback import loopback_server, ws_exchange

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
# Moonshot's documented chat models (platform.moonshot.ai model list): any of them names the provider the same way
KIMI_MODELS = ("kimi-k2-0905-preview", "kimi-k2-turbo-preview", "moonshot-v1-32k", "kimi-latest")


def _kimi_call(rng: random.Random, answer: Callable[[socket.socket], None], retries: int, before: list[str],
               timeout: float = 5.0) -> str:
    """One chat call of the real openai SDK (sync or async client, drawn from the seed) against `answer`, logged by a
    provider module of ours with a drawn wording; the SDK's own retry/request records are kept before it."""
    model = rng.choice(KIMI_MODELS)
    msg = [{"role": "user", "content": "x"}]
    with loopback_server(answer) as port, _captured("openai._base_client", "httpx") as lib:
        url = f"http://127.0.0.1:{port}/v1"
        if rng.random() < 0.5:
            client = openai.OpenAI(api_key="sk-test", base_url=url, max_retries=retries, timeout=timeout)

            def call() -> object:
                return client.chat.completions.create(model=model, messages=msg)  # type: ignore[arg-type]
        else:
            aclient = openai.AsyncOpenAI(api_key="sk-test", base_url=url, max_retries=retries, timeout=timeout)

            def call() -> object:
                return asyncio.run(aclient.chat.completions.create(model=model, messages=msg))  # type: ignore[arg-type]
        rec = _record(call, logger_of(rng, "kimi"), worded(rng, "kimi", model))
    # the library's own lines show the provider's documented host, as the gateway's would
    lib = [r.replace(f"http://127.0.0.1:{port}", "https://api.moonshot.ai") for r in lib]
    return "\n".join([*before, *lib, rec])


def _never_answers(c: socket.socket) -> None:
    c.settimeout(3)
    try:
        while c.recv(65536):
            pass
    except OSError:
        pass


def _ws_open(rng: random.Random, answer: Callable[[socket.socket], None], label: str, family: str = "ws") -> str:
    async def go(port: int) -> None:
        async with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=rng.choice([0.2, 0.3])):
            pass
    with loopback_server(answer) as port:
        return _record(lambda: asyncio.run(go(port)), logger_of(rng, family), worded(rng, family, label))


TABLES = ("conversations", "messages", "provider_file_uploads", "usage_events", "tool_calls")


def _pg_client(rng: random.Random, dsn: str, sql: bytes | str, params: list[object] | None = None) -> Callable[[], None]:
    """Run `sql` through a client of psycopg drawn from the seed: a sync connection, an async one, or a pooled one
    (psycopg_pool) - the three ways the gateway reaches PostgreSQL directly; the server's error is the same."""
    how = rng.choice(("sync", "async", "pool"))

    def sync() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql, params)  # type: ignore[arg-type]

    def asyn() -> None:
        async def go() -> None:
            async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                await conn.execute(sql, params)  # type: ignore[arg-type]
        asyncio.run(go())

    def pool() -> None:
        from psycopg_pool import ConnectionPool
        with ConnectionPool(dsn, min_size=1, max_size=1, kwargs={"autocommit": True}) as p, p.connection() as conn:
            conn.execute(sql, params)  # type: ignore[arg-type]
    return {"sync": sync, "async": asyn, "pool": pool}[how]


def _pg_raise(ctx: Ctx, rng: random.Random, code: str, message: str, detail: str = "", hint: str = "",
              family: str = "pg") -> str:
    """The server's own ErrorResponse with SQLSTATE `code` (a DO block RAISE), through a drawn psycopg client,
    logged by a drawn module of `family` with a drawn wording."""
    using = ", ".join(f"{k} = %s" for k, v in (("ERRCODE", code), ("MESSAGE", message), ("DETAIL", detail),
                                                ("HINT", hint)) if v)
    args = [v for v in (code, message, detail, hint) if v]
    sql = "DO $$ BEGIN RAISE EXCEPTION USING " + using % tuple(f"'{a}'" for a in args) + "; END $$"
    return _record(_pg_client(rng, ctx.dsn, sql.encode()), logger_of(rng, family),
                   worded(rng, family, rng.choice(TABLES)))


def _postgrest(rng: random.Random, status: int, body: bytes) -> str:
    """A PostgREST answer `status`/`body` through the real postgrest client (sync or async, drawn), a drawn table and
    filter, logged by a drawn storage module."""
    import postgrest

    table, col = rng.choice(TABLES), rng.choice(["user_id", "id", "session_id"])
    with loopback_server(_http_answer(status, body)) as port:
        url = f"http://127.0.0.1:{port}/rest/v1"
        if rng.random() < 0.5:
            client = postgrest.SyncPostgrestClient(url)

            def run() -> object:
                return client.from_(table).select("*").eq(col, "u1").execute()
        else:
            aclient = postgrest.AsyncPostgrestClient(url)

            def run() -> object:
                return asyncio.run(aclient.from_(table).select("*").eq(col, "u1").execute())
        rec = _record(run, logger_of(rng, "rest"), worded(rng, "rest", table))
    return rec.replace(f"http://127.0.0.1:{port}", "https://qzkv.supabase.co")


def _ws_closed_with(rng: random.Random, code: int, reason: str, family: str = "ws") -> str:
    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.close(code, reason)

    return _record(lambda: ws_exchange(handler), logger_of(rng, family), worded(rng, family, "exai-daemon"))
