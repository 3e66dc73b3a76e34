"""Round 9's near-miss twins for the CLASSES8 classes whose strict xfails were fixed (C2, E3, F5:
sidecar/diagnose/context_causes.py): the same error with the earlier record missing or naming something else, which
must NOT move the answer the way the record of ours does."""

from __future__ import annotations

import contextlib
import io
import logging
import queue
import random
import re
from collections.abc import Callable
from logging.handlers import QueueHandler

from tests.diagnose.classes8_base import Ctx, _pg_client, _postgrest, _record, line
from tests.diagnose.classes8_local import e3_twin_single_task
from tests.diagnose.classes8_vary import logger_of, spread, worded

USER_CANCEL = b'{"code":"57014","details":null,"hint":null,"message":"canceling statement due to user request"}'
TIMEOUT = b'{"code":"57014","details":null,"hint":null,"message":"canceling statement due to statement timeout"}'
AGGREGATES = b'{"code":"PGRST123","details":null,"hint":null,"message":"Use of aggregate functions is not allowed"}'


def c2_twin_canceller_without_setting(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our code cancels its own query and names no limit: the cancel is our code's act (code), not a setting."""
    before = [line(rng.choice(["src.storage.watchdog", "src.daemon.ws_server"]), rng.choice([
        f"client went away: cancelling query of session s{rng.randrange(99)}",
        f"pg_cancel_backend({rng.randrange(1000, 9999)}) for an abandoned request"]), "WARNING")]
    return spread(rng, before, _postgrest(rng, 500, USER_CANCEL)), "code"


def c2_twin_timeout_after_canceller_config(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The server's OWN statement timeout after our watchdog's settings line: Postgres says timeout, not a request -
    the watchdog did not cancel this one (storage, as C2)."""
    before = [line("src.core.env_config", f"settings loaded: DB_REQUEST_TIMEOUT_SECS={rng.choice([30, 60])}")]
    return spread(rng, before, _postgrest(rng, 500, TIMEOUT)), "storage"


def f5_twin_first_use(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """PGRST123 with no settings record: our query uses a feature the project never enabled (code)."""
    before = [line(logger_of(rng, "rest"), rng.choice(["usage report: first run of the per-model totals query",
                                                      "deploy 2026.12.06-2: new dashboard totals"]))]
    return spread(rng, before, _postgrest(rng, 400, AGGREGATES)), "code"


def f5_twin_other_setting(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """PGRST123 after a change of ANOTHER PostgREST option: that change does not switch aggregates off (code)."""
    before = [line("src.ops.deploy", rng.choice(["project settings changed: db-max-rows=1000 (deploy 2026.12.06-1)",
                                                 "PGRST_DB_MAX_ROWS=500 applied (config reload)"]))]
    return spread(rng, before, _postgrest(rng, 400, AGGREGATES)), "code"


def e3_twin_startup_with_sessions(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The lock misuse during start-up while sessions already run: other tasks took part (concurrency, as E3)."""
    text, _ = e3_twin_single_task(rng, ctx)
    head, _, rest = text.partition("\n")
    extra = line("src.daemon.ws_server", f"{rng.randrange(2, 9)} sessions connected during warm-up")
    return "\n".join([head, extra, rest]), "concurrency"


def _later(rng: random.Random, excerpt: str, said: str) -> str:
    """A later traceback-less ERROR record of another request, after a neutral record, saying `said`."""
    who = logger_of(rng, "pg")
    between = line(who, rng.choice(["falling back to an upload without dedupe", "request continues without cache"]),
                   "WARNING")  # a record between: not the wrapper shape of wrapped_cause (the record right after)
    return spread(rng, [excerpt, between], f"2026-12-06 07:00:5{rng.randrange(10)} ERROR {who}: [req:{rng.randrange(16**8):08x}] "
                  f"{rng.choice(['lookup failed', 'dedupe check failed', 'query failed again'])}: {said}")


def c3_repeated_without_traceback(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C3's corruption logged with its traceback, then again later with the server's message only (preceding.py
    repeated_cause): the later record is the same failure."""
    from tests.diagnose.classes8_remote import c3_corruption

    text, _ = c3_corruption(rng, ctx)
    said = re.findall(r"^psycopg\.errors\.\w+: (.+)$", text, re.M)[-1]  # the server's message, not its CONTEXT
    return _later(rng, text, said), "storage"


def c3_twin_later_other_failure(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same corruption traceback, then a later record of another failure that does not quote it: not the same."""
    from tests.diagnose.classes8_remote import c3_corruption

    text, _ = c3_corruption(rng, ctx)
    return _later(rng, text, rng.choice([f"upload id u-{rng.randrange(999)} has no registry row",
                                         "registry returned 0 rows for the checksum"])), "unknown"


def _logging_error_block(rng: random.Random, handler_of: Callable[[], logging.Handler], msg: str,
                         args: tuple[object, ...]) -> str:
    """A record of a real logger written through `handler_of()`'s handler, whose failure logging.Handler.handleError
    prints to stderr ('--- Logging error ---', the traceback, 'Call stack:', 'Message:', 'Arguments:'), placed after
    the record's line as a file holding stdout and stderr shows it."""
    name = rng.choice(["asyncio", "src.daemon.ws_server", "httpx"])
    handler = handler_of()  # the record goes to this handler only (no logger tree: pytest's own capture stays out)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        for _ in range(rng.randrange(1, 3)):
            handler.handle(logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, None))
    try:
        shown = msg % args if args else msg
    except (TypeError, ValueError):
        shown = msg  # the formatter failed too: the line shows what the stdout handler could write
    head = line(name, shown, "WARNING")
    return "\n".join([head, err.getvalue().strip()])


def d5_logging_error_full(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """D5's QueueHandler bound as the logging module reports it: queue.Full inside a '--- Logging error ---' block under
    whatever record could not be queued (held-out 8's 8040 shape); the record's words are not the failure."""
    def handler() -> logging.Handler:
        q: queue.Queue[logging.LogRecord] = queue.Queue(maxsize=1)
        q.put_nowait(logging.makeLogRecord({}))
        return QueueHandler(q)
    msg = rng.choice(["socket.send() raised exception.", "Connection lost while writing", "session %s timed out"])
    block = _logging_error_block(rng, handler, msg, ("s1",) if "%s" in msg else ())
    after = line("src.utils.async_logging", f"log queue {rng.choice([1000, 10000])} full; "
                 f"{rng.randrange(100, 40000)} records dropped in 60 s")
    return "\n".join([block, after] if rng.random() < 0.5 else [block]), "capacity"


def d5_twin_logging_format_mismatch(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same block under the same kind of record, raised by a log call whose arguments do not fit its format (code)."""
    msg = rng.choice(["socket.send() raised exception. %s %s", "Connection lost while writing %d"])
    return _logging_error_block(rng, lambda: logging.StreamHandler(io.StringIO()), msg, ("x",)), "code"


_GUCS = (("statement_timeout_ms", "15000"), ("idle_timeout", "60s"), ("statement_timeout", "fifteen seconds"),
         ("work_mem", "lots"), ("lock_timeout_secs", "5"))


def f1_server_refuses_startup_option(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """F1's server side: the DSN's startup options set a parameter the real PostgreSQL refuses at connect (guc.c
    FATAL: unrecognized parameter / invalid value), the options printed at startup as a setting (held-out 8's 8051)."""
    import asyncio

    import psycopg

    name, value = rng.choice(_GUCS)
    options = f"-c {name}={value.replace(' ', chr(92) + ' ')}"
    env = rng.choice(["DB_OPTIONS", "PGOPTIONS", "DATABASE_OPTIONS"])
    before = [line("src.core.env_config", f"database: {env}='-c {name}={value}' (env)")]

    def run() -> object:
        if rng.random() < 0.5:
            return psycopg.connect(ctx.dsn, options=options)
        return asyncio.run(psycopg.AsyncConnection.connect(ctx.dsn, options=options))
    return spread(rng, before, _record(run, logger_of(rng, "pg"), worded(rng, "pg", "the database"))), "config"


def f1_twin_set_in_our_sql(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same parameter refused as an ERROR of a running session: a SET in our own SQL (code), no startup option."""
    name, value = rng.choice(_GUCS)
    sql = f"SET {name} = '{value}'"
    return _record(_pg_client(rng, ctx.dsn, sql), logger_of(rng, "pg"), worded(rng, "pg", "session settings")), "code"
