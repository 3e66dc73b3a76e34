"""CLASSES8 generators, our side: D capacity, E concurrency, F config, G code, H the user's files (see classes8_gen.py)."""

from __future__ import annotations

import asyncio
import configparser
import gzip
import json
import logging
import queue
import random
import socket
from logging.handlers import QueueHandler

import psycopg

from tests.diagnose.classes8_base import (
    Ctx,
    _pg_raise,
    _postgrest,
    _record,
    _ws_closed_with,
    _ws_open,
    line,
)


# ---- D. capacity ---------------------------------------------------------------------------------------------------
def d1_lock_table(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_raise(ctx, "53200", "out of shared memory", hint="You might need to increase max_locks_per_transaction."
                     ), "capacity"


# D2's class itself (EADDRNOTAVAIL from connect() once the ephemeral ports are used up) cannot be caused on a shared
# test host without exhausting its port range; only its twin (the errno on bind: a listen address not of this host)
# is raised here


def d2_twin_bind(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    async def go() -> None:
        loop = asyncio.get_running_loop()
        await loop.create_server(asyncio.Protocol, "192.0.2.1", rng.choice([8079, 8082]))
    before = [line("src.core.env_config", "settings loaded: HEALTH_HOST=192.0.2.1")]
    return "\n".join([*before, _record(lambda: asyncio.run(go()), "src.daemon.health", "health server failed")]), "config"


def _pg_fatal(code: str, message: str) -> str:
    from tests.diagnose.test_connect_settings import _connect_failure, _fatal
    return _connect_failure(_fatal(code, message), "sslmode=disable", "src.storage.pg_direct")


def d3_pooler_limit(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_fatal("XX000", rng.choice(["Max client connections reached",
                                          "(EMAXCONNSESSION) max clients reached in session mode - max clients are "
                                          "limited to pool_size"])), "capacity"


def d3_twin_pooler_mode(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_raise(ctx, "26000", 'prepared statement "_pg3_0" does not exist'), "config"


def d4_overload_close(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _ws_closed_with(1013, rng.choice(["too many sessions", "try again later"]), "scripts.run_ws_shim"), "capacity"


def d4_twin_crash_close(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _ws_closed_with(1002, "protocol error", "scripts.run_ws_shim"), "network"


def d5_bounded_queue(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    handler = QueueHandler(queue.Queue(maxsize=rng.choice([1, 2])))
    rec = logging.makeLogRecord({"msg": "x"})

    def run() -> None:
        for _ in range(5):
            handler.enqueue(rec)
    return _record(run, "src.logging_infrastructure.queue_logging", "log record dropped"), "capacity"


def d5_twin_consumer_died(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line("asyncio", "Task exception was never retrieved", "ERROR"),
              "future: <Task finished name='log-consumer' coro=<consume_logs() done> exception=KeyError('level')>"]
    text, _ = d5_bounded_queue(rng, ctx)
    return "\n".join([*before, text]), "code"


# ---- E. concurrency ------------------------------------------------------------------------------------------------
def e1_object_in_use(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    n = rng.randrange(1, 9)
    return _pg_raise(ctx, "55006", 'database "exai_staging" is being accessed by other users',
                     f"There are {n} other sessions using the database.", logger="src.ops.migrate",
                     text="maintenance step failed"), "concurrency"


def e1_twin_permission(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    return _pg_raise(ctx, "42501", 'must be owner of database exai_staging', logger="src.ops.migrate",
                     text="maintenance step failed"), "config"


def e2_catalog_race(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line("src.ops.migrate", f"instance gateway-{rng.randrange(2, 4)} starting: running startup migrations")]
    return "\n".join([*before, _pg_raise(ctx, "XX000", "tuple concurrently updated", logger="src.ops.migrate",
                                         text="startup migration failed")]), "concurrency"


def e3_condition_misuse(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    async def go() -> None:
        cond = asyncio.Condition()
        cond.notify() if rng.random() < 0.5 else await cond.wait()
    before = [line("src.daemon.ws_server", f"session {rng.randrange(1000)} registered; {rng.randrange(3, 9)} "
                   "concurrent tool calls in flight")]
    return "\n".join([*before, _record(lambda: asyncio.run(go()), "src.daemon.ws_server", "broadcast failed")]), \
        "concurrency"


def e3_twin_single_task(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    async def go() -> None:
        asyncio.Condition().notify()
    before = [line("src.daemon.startup", "daemon starting (single worker)")]
    return "\n".join([*before, _record(lambda: asyncio.run(go()), "src.daemon.startup", "startup failed")]), "code"


def e4_set_mutated_by_other(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    conns = {f"c{i}" for i in range(5)}

    def broadcast() -> None:
        for c in conns:
            conns.discard(c) if c == "c9" else conns.add(c + "x")
    before = [line("src.daemon.ws_server", "broadcast to 5 sessions started"),
              line("src.daemon.ws_server", f"session c{rng.randrange(5)} disconnected (1001 going away)")]
    return "\n".join([*before, _record(broadcast, "src.daemon.ws_server", "broadcast failed")]), "concurrency"


def e4_twin_loop_removes(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    conns = {f"c{i}" for i in range(5)}

    def broadcast() -> None:
        for c in conns:
            conns.discard(c)
    return _record(broadcast, "src.daemon.ws_server", "broadcast failed"), "code"


# ---- F. config -----------------------------------------------------------------------------------------------------
def f1_dsn_rejected(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    opt = rng.choice(["sslmode=requir", "target_session_attrs=primary-ish", "connect_timout=5"])
    before = [line("src.core.env_config", f"settings loaded: DATABASE_URL=postgresql://gw:***@db:5432/exai?{opt}")]
    return "\n".join([*before, _record(lambda: psycopg.connect(f"host=127.0.0.1 dbname=exai {opt}"),
                                       "src.storage.pg_direct", "database connect failed")]), "config"


def f2_optional_extra(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", "import psycopg"], env={"PSYCOPG_IMPL": "c", "PATH": "/usr/bin"},
                         capture_output=True, text=True, check=False)
    tb = out.stderr.strip().splitlines()
    return "\n".join([line("src.storage.pg_direct", "import of the database driver failed", "ERROR"), *tb]), "config"


def f3_other_protocol_port(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.sendall(rng.choice([b"-ERR unknown command 'GET'\r\n", b"\x00\x00\x00\x08\x04\xd2\x16/"]))
    return _ws_open(answer, "scripts.run_ws_shim", "ws://exai-daemon:6379/ws"), "config"


def f4_channel_binding(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    dsn = ctx.dsn + " channel_binding=require"
    return _record(lambda: psycopg.connect(dsn), "src.storage.pg_direct", "database connect failed"), "config"


def f5_feature_disabled(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    before = [line("src.ops.deploy", "project settings changed: db-aggregates-enabled=false (deploy 2026.12.06-1)")]
    body = b'{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}'
    return "\n".join([*before, _postgrest(400, body)]), "config"


# ---- G. code -------------------------------------------------------------------------------------------------------
def g1_missing_await(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    async def execute() -> dict[str, object]:
        return {"data": []}

    def run() -> object:
        coro = execute()
        try:
            return coro.data  # type: ignore[attr-defined]
        finally:
            coro.close()
    return _record(run, "src.storage.supabase_client", "select failed"), "code"


def g2_used_after_with(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def run() -> None:
        with psycopg.connect(ctx.dsn) as conn:
            pass
        conn.execute("select 1")
    return _record(run, "src.storage.pg_direct", "query failed"), "code"


def g3_cannot_adapt(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    value = rng.choice([{"model": "kimi"}, [{"a": 1}], object()])

    def run() -> None:
        with psycopg.connect(ctx.dsn) as conn:
            conn.execute("select %s", [value])
    return _record(run, "src.storage.pg_direct", "insert failed"), "code"


def g4_grouping_rule(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    sql = rng.choice(["select relname, count(*) from pg_class", "select 1 from pg_class where count(*) > 1",
                      "select 'x'::point::int"])

    def run() -> None:
        with psycopg.connect(ctx.dsn) as conn:
            conn.execute(sql.encode())
    return _record(run, "src.storage.reports", "daily report query failed"), "code"


def g5_callback_contract(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    def handler() -> None:
        return None

    async def go() -> None:
        asyncio.ensure_future(handler())  # type: ignore[func-returns-value]
    return _record(lambda: asyncio.run(go()), "src.daemon.ws_server", "handler scheduling failed"), "code"


# ---- H. unknown (the user's own files) -----------------------------------------------------------------------------
def h1_user_archive(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    path = ctx.tmp / f"user-{rng.randrange(999)}.gz"
    path.write_bytes(gzip.compress(b"data " * 500)[:-12])
    shown = f"/mnt/project/uploads/{path.name}"

    def run() -> None:
        with gzip.open(path) as f:
            f.read()
    return _record(run, "tools.smart_file_query", f"reading {shown} failed").replace(str(path), shown), "unknown"


def h1_twin_our_staging(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    path = ctx.tmp / f"stage-{rng.randrange(999)}.gz"
    path.write_bytes(gzip.compress(b"data " * 500)[:-12])
    shown = f"/app/cache/staging/{path.name}"
    before = [line("src.cache.staging", f"writing {shown} failed: [Errno 28] No space left on device", "ERROR")]

    def run() -> None:
        with gzip.open(path) as f:
            f.read()
    return "\n".join([*before, _record(run, "src.cache.staging", f"reading {shown} failed").replace(str(path), shown)]), \
        "capacity"


def h2_user_nul(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = rng.choice([f"/mnt/project/src/mod{rng.randrange(99)}.py", f"/mnt/project/data/tree{rng.randrange(99)}.json"])

    def run() -> object:
        if shown.endswith(".py"):
            return compile("x = 1\n\x00y = 2\n", shown, "exec")  # source with a NUL byte
        return json.loads("[" * 200_000 + "]" * 200_000)  # nesting deeper than the decoder's recursion limit
    return _record(run, "tools.smart_file_query", f"parsing {shown} failed"), "unknown"


def h3_user_config(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = f"/mnt/project/{rng.choice(['setup.cfg', 'tox.ini', '.flake8'])}"

    def run() -> None:
        configparser.ConfigParser().read_string("[tool]\na = 1\n[tool]\nb = 2\n", source=shown)
    return _record(run, "tools.smart_file_query", f"reading {shown} failed"), "unknown"


def h3_twin_our_config(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    shown = "/app/config/gateway.ini"
    before = [line("src.core.env_config", f"loading gateway config from {shown} (GATEWAY_CONFIG_FILE)")]

    def run() -> None:
        configparser.ConfigParser().read_string("[routing]\na = 1\n[routing]\nb = 2\n", source=shown)
    return "\n".join([*before, _record(run, "src.core.env_config", "config load failed")]), "config"


def h1_twin_other_file_failed(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The user's truncated archive after a failed write of ANOTHER file of ours: the write does not explain it."""
    text, _ = h1_user_archive(rng, ctx)
    before = [line("src.cache.staging", "writing /app/cache/staging/other.gz failed: [Errno 28] No space left on device",
                   "ERROR")]
    return "\n".join([*before, text]), "unknown"


def h3_twin_config_names_another_file(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The user's malformed file after a startup record loading our own config file: ours is not the one refused."""
    text, _ = h3_user_config(rng, ctx)
    before = [line("src.core.env_config", "loading gateway config from /app/config/gateway.ini (GATEWAY_CONFIG_FILE)")]
    return "\n".join([*before, text]), "unknown"
