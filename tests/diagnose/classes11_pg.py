"""Generators of evals/CLASSES11.md classes raised by a real PostgreSQL server or by psycopg against PostgreSQL's own
wire format (round 12), with their near-miss twins. A generator returns (excerpt, expected category)."""

from __future__ import annotations

import random
import socket

import psycopg

from tests.diagnose.classes8_base import STAMP, Ctx, Gen, _pg_raise, _record
from tests.diagnose.classes8_vary import logger_of, neutral, worded
from tests.diagnose.loopback import loopback_server


def _fork_failure(c: socket.socket) -> None:
    """The postmaster when fork() fails (postmaster.c report_fork_failure_to_client): it answers the startup packet
    with 'E' and the text, NUL-terminated, and closes. An SSLRequest first is refused with 'N' as the server does."""
    c.settimeout(5)
    head = c.recv(8)
    if head[4:8] == (80877103).to_bytes(4, "big"):  # SSLRequest / GSSENCRequest code
        c.sendall(b"N")
        c.recv(65536)
    elif head[4:8] == (80877104).to_bytes(4, "big"):
        c.sendall(b"N")
        c.recv(65536)
    c.sendall(b"Ecould not fork new process for connection: Cannot allocate memory\n\0")


def _server_says(rng: random.Random, text: str) -> str:
    """The database container's own log line (log_line_prefix '%m [%p] '), with or without compose's prefix."""
    prefix = rng.choice(("gateway-db-1     | ", "exai-postgres  | ", "supabase-db | ", ""))
    return f"{prefix}{STAMP[:-2]}{rng.randrange(10, 59)}.{rng.randrange(100, 999)} UTC [{rng.randrange(60, 9000)}] {text}"


def _our_figure(rng: random.Random, disk: bool, at_bound: bool) -> str:
    logger = rng.choice(("src.daemon.health_endpoint", "src.daemon.health_monitor", "src.monitoring.metrics"))
    if disk:
        used = rng.choice((96.5, 98.2, 99.1)) if at_bound else rng.choice((23.0, 41.2, 57.8, 63.4))
        text = rng.choice((f'health components.disk={{"disk_percent": {used}, "disk_free_gb": 3.1}}',
                           f"disk {round(100 - used)}% free on /app", f"disk_percent={used} disk_free_gb=12.4"))
    else:
        used = rng.choice((3.7, 3.9)) if at_bound else rng.choice((0.4, 0.61, 1.2))
        text = f"daemon rss {used} GiB / limit 4 GiB"
    return f"{STAMP}{rng.randrange(1, 9)} INFO {logger}: {text}"


def c1_service_host_exhausted(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C1: the database server reports its own host's disk or memory exhaustion through its protocol (a SQLSTATE of
    class 53/58 raised by the real server, or the postmaster's fork failure at connect), and its own log line or our
    normal figure says whose host it is -> storage."""
    kind = rng.choice(("extend", "wal", "fork"))
    if kind == "extend":
        text = f'could not extend file "base/16384/{rng.randrange(2000, 90000)}": No space left on device'
        err = _pg_raise(ctx, rng, "53100", text, hint="Check free disk space.")
    elif kind == "wal":
        text = f'could not write to file "pg_wal/xlogtemp.{rng.randrange(60, 9000)}": No space left on device'
        err = _pg_raise(ctx, rng, "58030", text)
    else:
        text = "could not fork new process for connection: Cannot allocate memory"
        with loopback_server(_fork_failure) as port:
            dsn = f"host=127.0.0.1 port={port} user=gateway dbname=gateway connect_timeout=3"
            err = _record(lambda: psycopg.connect(dsn), logger_of(rng, "pg"), worded(rng, "pg", "events"))
    deciding = rng.choice(("server", "figure", "both"))
    server = [_server_says(rng, ("ERROR:  " if kind != "fork" else "LOG:  ") + text)] if deciding != "figure" else []
    figure = [_our_figure(rng, kind != "fork", False)] if deciding != "server" else []
    before, after = (server, figure) if rng.random() < 0.5 else ([], [*server, *figure])
    return "\n".join([*neutral(rng), *before, err, *after, *neutral(rng, 1)]), "storage"


def c1_twin_our_own_errno(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C1 twin: the same words from OUR process (a write to a full device raises ENOSPC in our frame: /dev/full is
    the kernel's always-full device) with our disk figure at its bound, or the server's 53100 with no record saying
    whose host (a hosted database: the class table's capacity) -> capacity."""
    if rng.random() < 0.5:
        def write() -> None:
            with open("/dev/full", "w") as f:
                f.write("x" * rng.randrange(5000, 90000))
                f.flush()
        err = _record(write, rng.choice(("src.file_management.spool", "tools.kimi_upload", "src.cache.semantic")),
                      rng.choice(("spooling upload failed", "cache write failed", "could not persist attachment")))
        return "\n".join([*neutral(rng), _our_figure(rng, True, True), err, *neutral(rng, 1)]), "capacity"
    text = f'could not extend file "base/16384/{rng.randrange(2000, 90000)}": No space left on device'
    return "\n".join([*neutral(rng), _pg_raise(ctx, rng, "53100", text, hint="Check free disk space."),
                      *neutral(rng, 1)]), "capacity"




def _pg_setup(ctx: Ctx, sql: str) -> None:
    with psycopg.connect(ctx.dsn, autocommit=True) as conn:
        conn.execute(sql.encode())


def c2_id_space_exhausted(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C2: an identity/serial column's sequence at its declared maximum (the real server's nextval refusing), every
    insert of that table failing while other tables' writes succeed -> storage."""
    table = f"{rng.choice(('tool_events', 'provider_file_uploads', 'audit_rows'))}_{rng.randrange(10**6)}"
    kind = rng.choice(("smallint", "integer"))
    top = {"smallint": 32767, "integer": 2147483647}[kind]
    _pg_setup(ctx, f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (id {kind} GENERATED ALWAYS AS IDENTITY, v text); "
                   f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top})")
    who = logger_of(rng, "pg")
    seen = [f"{STAMP}{i} DEBUG {who}: inserted {table} id={top - 3 + i}" for i in range(rng.randrange(1, 4))]
    err = _record(lambda: psycopg.connect(ctx.dsn, autocommit=True).execute(
        f"INSERT INTO {table} (v) VALUES ('x')".encode()), who, f"insert into {table} failed")
    other = f"{STAMP}8 INFO httpx: HTTP Request: POST https://qzkv.supabase.co/rest/v1/messages \"HTTP/2 201 Created\""
    return "\n".join([*seen, *neutral(rng, 1), err, other]), "storage"


def c2_twin_computed_overflow(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C2 twin: only the rows carrying a value our code computed (a duration in ns/us written to a narrow column)
    fail - our record shows the field's value beyond the type, or the same table's inserts succeed between the
    failures -> code."""
    table = f"tool_calls_{rng.randrange(10**6)}"
    kind = rng.choice(("smallint", "integer"))
    field = rng.choice(("latency_ns", "duration_us", "elapsed_ms", "bytes_sent"))
    _pg_setup(ctx, f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (id bigint GENERATED ALWAYS AS IDENTITY, {field} {kind})")
    big = {"smallint": 32767, "integer": 2147483647}[kind] + rng.randrange(10, 10**6)
    who = logger_of(rng, "pg")
    rid = f"{rng.randrange(16**6):06x}"
    ok = f"{STAMP}2 DEBUG {who}: inserted {table} id={rng.randrange(100, 9000)} {field}={rng.randrange(1, 999)}"
    row = f"{STAMP}3 DEBUG {who}: [req:{rid}] row {{\"{field}\": {big}, \"ok\": true}}"
    err = _record(lambda: psycopg.connect(ctx.dsn, autocommit=True).execute(
        f"INSERT INTO {table} ({field}) VALUES (%s)".encode(), [big]), who, f"[req:{rid}] insert into {table} failed")
    before = rng.choice(([ok, row], [row], [ok, f"{STAMP}3 ERROR {who}: insert into {table} failed", ok]))
    return "\n".join([*before, *neutral(rng, 1), err]), "code"


CLASSES11_PG: dict[str, tuple[Gen, ...]] = {
    "C1": (c1_service_host_exhausted, c1_twin_our_own_errno),
    "C2": (c2_id_space_exhausted, c2_twin_computed_overflow),
}
