"""CLASSES8 generators, our side: D capacity, E concurrency, F config, G code, H the user's files (see classes8_gen.py)."""

from __future__ import annotations

import asyncio
import bz2
import configparser
import gzip
import json
import logging
import lzma
import queue
import random
import socket
import tomllib
from collections.abc import Callable
from logging.handlers import QueueHandler
from xml.etree import ElementTree

import httpx
import psycopg

from tests.diagnose.classes8_base import (
    Ctx,
    _pg_client,
    _pg_raise,
    _postgrest,
    _record,
    _ws_closed_with,
    _ws_open,
    line,
)
from tests.diagnose.classes8_vary import logger_of, spread, worded


# ---- D. capacity ---------------------------------------------------------------------------------------------------
def d1_lock_table(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # lock.c: "out of shared memory" with the max_locks_per_transaction hint, or (PG >= 9.x, predicate locks)
    # max_pred_locks_per_transaction; the same 53200 class
    setting = rng.choice(["max_locks_per_transaction", "max_pred_locks_per_transaction"])
    return _pg_raise(ctx, rng, "53200", "out of shared memory", hint=f"You might need to increase {setting}."
                     ), "capacity"


# D2's class itself (EADDRNOTAVAIL from connect() once the ephemeral ports are used up) cannot be caused on a shared
# test host without exhausting its port range; only its twin (the errno on bind: a listen address not of this host)
# is raised here


def d2_twin_bind(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    host = rng.choice(["192.0.2.1", "198.51.100.7", "203.0.113.9"])  # RFC 5737 documentation nets: never local

    async def go() -> None:
        loop = asyncio.get_running_loop()
        await loop.create_server(asyncio.Protocol, host, rng.choice([8079, 8082]))
    name = rng.choice(["HEALTH_HOST", "WS_BIND_HOST", "METRICS_LISTEN_ADDR"])
    before = [line("src.core.env_config", f"settings loaded: {name}={host}")]
    return spread(rng, before, _record(lambda: asyncio.run(go()), logger_of(rng, "startup"),
                                       worded(rng, "startup", "the health server"))), "config"


def _pg_fatal(rng: random.Random, code: str, message: str) -> str:
    from tests.diagnose.test_connect_settings import _connect_failure, _fatal
    return _connect_failure(_fatal(code, message), rng.choice(["sslmode=disable", "sslmode=prefer"]),
                            logger_of(rng, "pg"))


def d3_pooler_limit(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_fatal(rng, "XX000", rng.choice(["Max client connections reached",
                                          "(EMAXCONNSESSION) max clients reached in session mode - max clients are "
                                          "limited to pool_size"])), "capacity"


def d3_twin_pooler_mode(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # PgBouncer/Supavisor in transaction mode: server-side prepared statements do not survive (psycopg names them
    # _pg3_N; the "already exists" side is 42P05)
    code, msg = rng.choice([("26000", f'prepared statement "_pg3_{rng.randrange(9)}" does not exist'),
                            ("42P05", f'prepared statement "_pg3_{rng.randrange(9)}" already exists')])
    before = [line("src.core.env_config", "settings loaded: DATABASE_URL=postgresql://gw:***@pooler.supabase.com:6543/"
                   "postgres (transaction pooler)")] if rng.random() < 0.5 else []
    return spread(rng, before, _pg_raise(ctx, rng, code, msg)), "config"


def d4_overload_close(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # CloseCode.TRY_AGAIN_LATER (websockets/frames.py); 1012 SERVICE_RESTART says a restart, not a limit (network)
    return _ws_closed_with(rng, 1013, rng.choice(["too many sessions", "try again later", "max connections reached",
                                                   ""])), "capacity"


def d4_twin_crash_close(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    code, reason = rng.choice([(1002, "protocol error"), (1002, "invalid frame"), (1002, ""), (1012, "restarting")])
    return _ws_closed_with(rng, code, reason), "network"


def d5_bounded_queue(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # QueueHandler.enqueue uses put_nowait: queue.Full on a bounded queue.Queue (logging/handlers.py); the same bound
    # through a SimpleQueue never fills, so the bounded kinds are queue.Queue and its LIFO/priority siblings
    kind = rng.choice([queue.Queue, queue.LifoQueue])
    handler = QueueHandler(kind(maxsize=rng.choice([1, 2, 100])))
    rec = logging.makeLogRecord({"msg": "x"})

    def run() -> None:
        for _ in range(200):
            handler.enqueue(rec)
    return _record(run, logger_of(rng, "logging"), worded(rng, "logging", "QueueHandler")), "capacity"


def d5_twin_consumer_died(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    task, exc = rng.choice([("log-consumer", "KeyError('level')"), ("log-writer", "TypeError('not a str')"),
                            ("drain-logs", "AttributeError(\"'NoneType' object has no attribute 'write'\")")])
    before = [line("asyncio", "Task exception was never retrieved", "ERROR") + "\n"
              f"future: <Task finished name='{task}' coro=<consume_logs() done> exception={exc}>"]
    text, _ = d5_bounded_queue(rng, ctx)
    return spread(rng, before, text), "code"


# ---- E. concurrency ------------------------------------------------------------------------------------------------
def e1_object_in_use(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # dbcommands.c: DROP/RENAME DATABASE with other sessions attached -> 55006 with the count in DETAIL
    n, db = rng.randrange(1, 9), rng.choice(["exai_staging", "exai_preview", "gateway_tmp"])
    return _pg_raise(ctx, rng, "55006", f'database "{db}" is being accessed by other users',
                     f"There {'is' if n == 1 else 'are'} {n} other session{'' if n == 1 else 's'} using the database.",
                     family="migrate"), "concurrency"


def e1_twin_permission(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    db = rng.choice(["exai_staging", "exai_preview", "gateway_tmp"])
    msg = rng.choice([f"must be owner of database {db}", "permission denied to create database",
                      f"permission denied for database {db}"])
    return _pg_raise(ctx, rng, "42501", msg, family="migrate"), "config"


def e2_catalog_race(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line(logger_of(rng, "migrate"), rng.choice([
        f"instance gateway-{rng.randrange(2, 4)} starting: running startup migrations",
        f"replica {rng.randrange(2, 4)} of 3 applying migration 0042_grants"]))]
    msg = rng.choice(["tuple concurrently updated", "tuple concurrently deleted"])
    return spread(rng, before, _pg_raise(ctx, rng, "XX000", msg, family="migrate")), "concurrency"


def e3_condition_misuse(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # asyncio/locks.py: Condition.wait/notify without the lock -> RuntimeError('cannot wait/notify on un-acquired
    # lock'); Lock.release unlocked -> 'Lock is not acquired.'
    misuse = rng.choice(["notify", "wait", "notify_all"])

    async def go() -> None:
        cond = asyncio.Condition()
        await cond.wait() if misuse == "wait" else getattr(cond, misuse)()
    who = logger_of(rng, "daemon")
    before = [line(who, rng.choice([f"session {rng.randrange(1000)} registered; {rng.randrange(3, 9)} concurrent tool "
                                    "calls in flight", f"{rng.randrange(3, 9)} tasks waiting on the session condition"]))]
    return spread(rng, before, _record(lambda: asyncio.run(go()), who, worded(rng, "daemon", "notify"))), "concurrency"


def e3_twin_single_task(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    misuse = rng.choice(["notify", "notify_all", "wait"])

    async def go() -> None:
        cond = asyncio.Condition()
        await asyncio.wait_for(cond.wait(), 1) if misuse == "wait" else getattr(cond, misuse)()
    who = logger_of(rng, "startup")
    before = [line(who, rng.choice(["daemon starting (single worker)", "starting daemon pid=4242",
                                    "daemon starting: waiting for provider probes before accepting sessions"]))]
    return spread(rng, before, _record(lambda: asyncio.run(go()), who, worded(rng, "startup", "the session hub"))), \
        "code"


def e4_set_mutated_by_other(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    n = rng.randrange(3, 9)
    kind = rng.choice(["set", "dict"])  # setobject.c / dictobject.c: 'changed size during iteration'
    conns: set[str] | dict[str, int] = {f"c{i}" for i in range(n)} if kind == "set" else {f"c{i}": i for i in range(n)}

    def broadcast() -> None:
        for c in conns:  # another task's handler ran while we iterated: the collection changed under us
            if isinstance(conns, set):
                conns.add(c + "x")
            else:
                conns[c + "x"] = 0
    who = logger_of(rng, "daemon")
    before = [line(who, f"broadcast to {n} sessions started"),
              line(who, rng.choice([f"session c{rng.randrange(n)} disconnected (1001 going away)",
                                    f"session s{rng.randrange(99)} registered", f"Connection unregistered: c{n - 1} "
                                    f"from 172.18.0.{rng.randrange(2, 9)} (remaining: {n - 1})",
                                    f"removed client c{rng.randrange(n)} (socket closed)"]))]
    return spread(rng, before, _record(broadcast, who, worded(rng, "daemon", "broadcast"))), "concurrency"


def e4_twin_loop_removes(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    n = rng.randrange(3, 9)
    conns = {f"c{i}" for i in range(n)}

    def broadcast() -> None:
        for c in conns:
            conns.discard(c)
    return _record(broadcast, logger_of(rng, "daemon"), worded(rng, "daemon", "broadcast")), "code"


# ---- F. config -----------------------------------------------------------------------------------------------------
def f1_dsn_rejected(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # psycopg/conninfo.py + libpq conninfo_parse: an unknown keyword or an invalid enum value fails before any I/O
    opt = rng.choice(["sslmode=requir", "target_session_attrs=primary-ish", "connect_timout=5",
                      "load_balance_hosts=roundrobin", "gssencmode=yes"])
    before = [line("src.core.env_config", f"settings loaded: DATABASE_URL=postgresql://gw:***@db:5432/exai?{opt}")]
    how = rng.choice(["sync", "async"])

    def run() -> object:
        if how == "sync":
            return psycopg.connect(f"host=127.0.0.1 dbname=exai {opt}")
        return asyncio.run(psycopg.AsyncConnection.connect(f"host=127.0.0.1 dbname=exai {opt}"))
    return spread(rng, before, _record(run, logger_of(rng, "pg"), worded(rng, "pg", "the database"))), "config"


def f2_optional_extra(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", "import psycopg"], env={"PSYCOPG_IMPL": "c", "PATH": "/usr/bin"},
                         capture_output=True, text=True, check=False)
    tb = out.stderr.strip().splitlines()
    who = logger_of(rng, rng.choice(["pg", "startup"]))
    return "\n".join([line(who, rng.choice(["import of the database driver failed", "could not load psycopg",
                                             "startup aborted: database driver unavailable"]), "ERROR"), *tb]), "config"


def f3_other_protocol_port(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.sendall(rng.choice([b"-ERR unknown command 'GET'\r\n", b"\x00\x00\x00\x08\x04\xd2\x16/"]))
    port = rng.choice([6379, 5432, 6543])
    return _ws_open(rng, answer, f"ws://exai-daemon:{port}/ws"), "config"


def f4_channel_binding(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # libpq fe-auth.c: channel_binding=require against a server that offers no SCRAM-PLUS (no SSL here): the message
    # names channel binding, not the credential
    dsn = ctx.dsn + rng.choice([" channel_binding=require", " channel_binding=require sslmode=disable",
                                " require_auth=scram-sha-256 channel_binding=require"])
    how = rng.choice(["sync", "async"])

    def run() -> object:
        if how == "sync":
            return psycopg.connect(dsn)
        return asyncio.run(psycopg.AsyncConnection.connect(dsn))
    return _record(run, logger_of(rng, "pg"), worded(rng, "pg", "the database")), "config"


def f5_feature_disabled(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line(rng.choice(["src.ops.deploy", "src.core.env_config"]), rng.choice([
        "project settings changed: db-aggregates-enabled=false (deploy 2026.12.06-1)",
        "PGRST_DB_AGGREGATES_ENABLED=false applied (config reload)"]))]
    body = b'{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}'
    return spread(rng, before, _postgrest(rng, 400, body)), "config"


# ---- G. code -------------------------------------------------------------------------------------------------------
def g1_missing_await(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    use = rng.choice(["attr", "subscript", "iter"])  # what our code does with the coroutine object

    async def execute() -> dict[str, object]:
        return {"data": []}

    def run() -> object:
        coro = execute()
        try:
            if use == "attr":
                return coro.data  # type: ignore[attr-defined]
            if use == "subscript":
                return coro["data"]  # type: ignore[index]
            return list(coro)  # type: ignore[call-overload]
        finally:
            coro.close()
    return _record(run, logger_of(rng, rng.choice(["rest", "pg"])), worded(rng, "rest", "conversations")), "code"


def g2_used_after_with(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # psycopg/_connection_base.py, cursor.py _check_connection_ok / closed checks; httpx/_client.py closed-client check
    what = rng.choice(["connection", "cursor", "httpx"])

    def run() -> None:
        if what == "httpx":
            with httpx.Client() as client:
                pass
            client.get("http://127.0.0.1:9/rest/v1/")
            return
        with psycopg.connect(ctx.dsn) as conn:
            cur = conn.cursor()
        (conn if what == "connection" else cur).execute("select 1")
    return _record(run, logger_of(rng, "pg" if what != "httpx" else "rest"), worded(rng, "pg", "usage_events")), "code"


def g3_cannot_adapt(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    value = rng.choice([{"model": "kimi"}, [{"a": 1}], object(), {1, 2}, complex(1, 2)])
    return _record(_pg_client(rng, ctx.dsn, "select %s", [value]), logger_of(rng, "pg"),
                   worded(rng, "pg", "tool_calls")), "code"


def g4_grouping_rule(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    sql = rng.choice(["select relname, count(*) from pg_class", "select 1 from pg_class where count(*) > 1",
                      "select 'x'::point::int", "select relname from pg_class group by relkind",
                      "select sum(count(*)) from pg_class"])
    return _record(_pg_client(rng, ctx.dsn, sql.encode()), logger_of(rng, "pg"),
                   rng.choice(["daily report query failed", worded(rng, "pg", "usage_events")])), "code"


def g5_callback_contract(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    # asyncio/tasks.py ensure_future/gather: "An asyncio.Future, a coroutine or an awaitable is required";
    # create_task -> base_events.create_task -> Task(): "a coroutine was expected, got None"
    # (call_soon / run_in_executor check their callback only in debug mode: base_events.py _check_callback)
    shape = rng.choice(["ensure_future", "create_task", "gather"])

    def handler() -> None:
        return None

    async def go() -> None:
        if shape == "ensure_future":
            asyncio.ensure_future(handler())  # type: ignore[func-returns-value]
        elif shape == "create_task":
            asyncio.create_task(handler())  # type: ignore[func-returns-value]
        else:
            await asyncio.gather(handler())  # type: ignore[func-returns-value]
    return _record(lambda: asyncio.run(go()), logger_of(rng, "daemon"), worded(rng, "daemon", "the tool handler")), \
        "code"


# ---- H. unknown (the user's own files) -----------------------------------------------------------------------------
# _compression.py DecompressReader: every stdlib stream codec raises the same EOFError on a cut stream
CODECS = {".gz": (gzip.compress, gzip.open), ".bz2": (bz2.compress, bz2.open), ".xz": (lzma.compress, lzma.open)}


def _truncated(rng: random.Random, ctx: Ctx, stem: str, shown_dir: str, family: str) -> tuple[str, str]:
    ext = rng.choice(sorted(CODECS))
    pack, open_ = CODECS[ext]
    path = ctx.tmp / f"{stem}-{rng.randrange(9999)}{ext}"
    path.write_bytes(pack(b"data " * rng.randrange(200, 900))[:-rng.randrange(8, 20)])
    shown = f"{shown_dir}/{path.name}"

    def run() -> None:
        with open_(path) as f:
            f.read()
    return _record(run, logger_of(rng, family) if family else "src.cache.staging", worded(rng, "tool", shown)
                   ).replace(str(path), shown), shown


def h1_user_archive(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _truncated(rng, ctx, "user", rng.choice(["/mnt/project/uploads", "/mnt/project/data"]), "tool")[0], "unknown"


def h1_twin_our_staging(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    rec, shown = _truncated(rng, ctx, "stage", "/app/cache/staging", "")
    before = [line("src.cache.staging", f"writing {shown} failed: [Errno 28] No space left on device", "ERROR")]
    return spread(rng, before, rec), "capacity"


def h2_user_nul(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = rng.choice([f"/mnt/project/src/mod{rng.randrange(99)}.py", f"/mnt/project/data/tree{rng.randrange(99)}.json",
                        f"/mnt/project/data/feed{rng.randrange(99)}.xml"])

    def run() -> object:
        if shown.endswith(".py"):
            return compile("x = 1\n\x00y = 2\n", shown, "exec")  # source with a NUL byte
        if shown.endswith(".xml"):  # expat: a NUL is not a valid XML character ('not well-formed (invalid token)')
            return ElementTree.fromstring("<feed><item>a\x00b</item></feed>")
        return json.loads("[" * 200_000 + "]" * 200_000)  # nesting deeper than the decoder's recursion limit
    return _record(run, logger_of(rng, "tool"), worded(rng, "tool", shown)), "unknown"


def _bad_config(rng: random.Random, shown: str, section: str) -> Callable[[], object]:
    """A config-style file with duplicated/malformed entries, read by configparser or tomllib (by its suffix)."""
    if shown.endswith(".toml"):
        text = f"[{section}]\na = 1\na = 2\n" if rng.random() < 0.5 else f"[{section}]\na = \n"
        return lambda: tomllib.loads(text)
    text = rng.choice([f"[{section}]\na = 1\n[{section}]\nb = 2\n", f"[{section}]\na = 1\na = 2\n", "a = 1\n"])
    return lambda: configparser.ConfigParser().read_string(text, source=shown)


def h3_user_config(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = f"/mnt/project/{rng.choice(['setup.cfg', 'tox.ini', '.flake8', 'pyproject.toml'])}"
    return _record(_bad_config(rng, shown, "tool"), logger_of(rng, "tool"), worded(rng, "tool", shown)), "unknown"


def h3_twin_our_config(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = rng.choice(["/app/config/gateway.ini", "/app/config/routing.toml", "/etc/exai/gateway.ini"])
    who = rng.choice(["src.core.env_config", "src.core.config_loader"])
    before = [line(who, rng.choice([f"loading gateway config from {shown} (GATEWAY_CONFIG_FILE)",
                                    f"GATEWAY_CONFIG_FILE={shown}"]))]
    return spread(rng, before, _record(_bad_config(rng, shown, "routing"), who,
                                       rng.choice(["config load failed", f"could not read {shown}"]))), "config"


def h1_twin_other_file_failed(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The user's truncated archive after a failed write of ANOTHER file of ours: the write does not explain it."""
    text, _ = h1_user_archive(rng, ctx)
    before = [line("src.cache.staging", f"writing /app/cache/staging/other-{rng.randrange(99)}.gz failed: [Errno 28] "
                   "No space left on device", "ERROR")]
    return spread(rng, before, text), "unknown"


def h3_twin_config_names_another_file(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The user's malformed file after a startup record loading our own config file: ours is not the one refused."""
    text, _ = h3_user_config(rng, ctx)
    before = [line("src.core.env_config", "loading gateway config from /app/config/gateway.ini (GATEWAY_CONFIG_FILE)")]
    return spread(rng, before, text), "unknown"
