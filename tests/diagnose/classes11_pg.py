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


CLASSES11_PG: dict[str, tuple[Gen, ...]] = {
    "C1": (c1_service_host_exhausted, c1_twin_our_own_errno),
}
