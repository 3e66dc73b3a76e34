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

from tests.diagnose.logged import KeepRecords, logged
from tests.diagnose.loopback import loopback_server, ws_exchange

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


def _postgrest(status: int, body: bytes, logger: str = "src.storage.supabase_client") -> str:
    import postgrest

    with loopback_server(_http_answer(status, body)) as port:
        client = postgrest.SyncPostgrestClient(f"http://127.0.0.1:{port}/rest/v1")
        rec = _record(lambda: client.from_("conversations").select("*").eq("user_id", "u1").execute(), logger,
                      "supabase query failed")
    return rec.replace(f"http://127.0.0.1:{port}", "https://qzkv.supabase.co")


def _ws_closed_with(code: int, reason: str, logger: str) -> str:
    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.close(code, reason)

    return _record(lambda: ws_exchange(handler), logger, "session ended")
