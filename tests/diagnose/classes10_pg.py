"""Generators for CLASSES10 classes raised by the real test PostgreSQL: H1 (a user's text evaluated as an expression
by the database: a regular expression, a LIKE pattern with its escape, a full-text query) and G3 (a statement the
driver's implicit transaction forbids), each with its section-K twin. The server's own ErrorResponse (SQLSTATE,
message) reaches us through psycopg (sync/async/pool drawn by _pg_client), called from a /app frame.
Sources: PostgreSQL errcodes appendix (2201B invalid_regular_expression, 22025 invalid_escape_sequence, 42601
syntax_error for tsquery, 25001 active_sql_transaction, 55P03 lock_not_available), psycopg/connection.py (a
non-autocommit connection opens a transaction before the first statement).
"""

from __future__ import annotations

import random
import threading

import psycopg

from tests.diagnose.classes8_base import Ctx, Gen, _pg_client, _record
from tests.diagnose.classes9_second import at
from tests.diagnose.classes10_gen import _app_function, _excerpt

# (the filter as SQL with one parameter, user texts the server refuses in it)
FILTERS = (
    ("SELECT %s::text ~ %s", ("(unclosed", "[z-a]", "a{3,1}", "*lead", "[[:nope:]]", "x{2,1}")),
    ("SELECT %s::text LIKE %s ESCAPE '\\'", ("50\\", "report\\", "a_b\\")),
    ("SELECT to_tsquery('simple', %s)", ("cats & | dogs", "(budget", "& alone", "a !& b")),
)


def _expression_failure(rng: random.Random, ctx: Ctx, text: str, sql: str, logger: str, message: str) -> str:
    """`sql` with `text` as its expression, run by a drawn psycopg client from an app frame of `logger`'s file."""
    # LIKE reaches the trailing escape only when the subject matches up to it (like_match.c), so the subject is the
    # pattern's own prefix and one more character
    subject = text.rstrip("\\") + "x" if "LIKE" in sql else "row content"
    params: list[object] = [subject, text] if sql.count("%s") == 2 else [text]
    client = _pg_client(rng, ctx.dsn, sql, params)
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", "run_filter()", {"run_filter": client})
    return _record(run, logger, message)


def h1_user_expression(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    sql, texts = rng.choice(FILTERS)
    text = rng.choice(texts)
    tool = rng.choice(["tools.search_history", "src.tools.conversation_search", "tools.smart_file_query"])
    req = f"{rng.randrange(16**8):08x}"
    error = _expression_failure(rng, ctx, text, sql, tool, rng.choice([f"[req:{req}] search failed",
                                                                       f"[req:{req}] tool call failed"]))
    shown = text.replace("\\", "\\\\")
    called = at(error, 0.3, "src.daemon.ws_server", f"[req:{req}] tools/call {tool.split('.')[-1]} "
                                                    f"(arguments: {{\"{rng.choice(['pattern', 'query', 'q'])}\": "
                                                    f"\"{shown}\"}})")
    return _excerpt(rng, [called], error), "unknown"


def _tsquery_logged_by_the_tool(rng: random.Random, ctx: Ctx, same_request: bool) -> str:
    """The full-text refusal (tsquery.c quotes the text: syntax error in tsquery: "TEXT") after the tool's own record
    quoting the search text it received - of the same request, or (the twin) of another request."""
    sql, texts = FILTERS[2]
    text = rng.choice(texts)
    tool = rng.choice(["tools.history_search", "src.tools.conversation_search", "tools.notes_lookup"])
    req, other = (f"{rng.randrange(16**8):08x}" for _ in range(2))
    error = _expression_failure(rng, ctx, text, sql, tool, rng.choice([f"[req:{req}] search failed",
                                                                       f"[req:{req}] lookup error"]))
    said = rng.choice([f'search text "{text}" (conversation {rng.randrange(999)})', f"query={text!r}",
                       f"user asked for: {text}"])
    logged = at(error, 0.2, tool, f"[req:{req if same_request else other}] {said}")
    return _excerpt(rng, [logged], error)


def h1_user_text_logged_by_the_tool(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The request's search text logged by the tool itself (no tools/call record), then refused -> unknown."""
    return _tsquery_logged_by_the_tool(rng, ctx, same_request=True), "unknown"


def h1_twin_other_request_quoted_it(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same text logged for ANOTHER request: nothing ties it to this failure -> the class layer's code stays."""
    return _tsquery_logged_by_the_tool(rng, ctx, same_request=False), "code"


def h1_twin_setting_expression(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same refusal for an expression a setting holds (printed at startup) -> config."""
    sql, texts = rng.choice(FILTERS)
    text = rng.choice(texts)
    name = rng.choice(["REDACT_PATTERN", "EXCLUDE_TOPICS_QUERY", "ARCHIVE_FILTER"])
    logger = rng.choice(["src.storage.conversation_store", "src.monitoring.usage_rollup", "src.storage.pg_direct"])
    error = _expression_failure(rng, ctx, text, sql, logger, rng.choice(["nightly cleanup failed", "query failed"]))
    printed = at(error, rng.choice([30, 300]), "src.core.env_config", f"environment: {name}={text}")
    return _excerpt(rng, [printed], error), "config"


# ---- G3: statements the implicit transaction forbids vs a lock timeout on the same DDL -----------------------------
FORBIDDEN = ("CREATE INDEX CONCURRENTLY IF NOT EXISTS {t}_created_idx ON {t} (created_at)",
             "DROP INDEX CONCURRENTLY IF EXISTS {t}_created_idx", "VACUUM {t}", "REINDEX TABLE CONCURRENTLY {t}",
             "CREATE DATABASE {t}_shadow")
TABLES = ("usage_events", "tool_calls", "conversation_messages")


def _setup(dsn: str, table: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (id serial primary key, created_at timestamptz)")


def _in_transaction(rng: random.Random, dsn: str, stmt: str) -> object:
    """psycopg's default: the first statement opens a transaction block (connection.py, autocommit False); an explicit
    `conn.transaction()` block does the same."""
    if rng.random() < 0.5:
        with psycopg.connect(dsn) as conn:
            conn.execute(stmt)
            return conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn, conn.transaction():
        return conn.execute(stmt)


def g3_statement_in_transaction(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    table = rng.choice(TABLES)
    _setup(ctx.dsn, table)
    stmt = rng.choice(FORBIDDEN).format(t=table)
    logger = rng.choice(["src.ops.migrate", "scripts.apply_migrations", "src.storage.maintenance"])
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", "apply(dsn, stmt)",
                        {"apply": lambda d, s: _in_transaction(rng, d, s), "dsn": ctx.dsn, "stmt": stmt})
    error = _record(run, logger, rng.choice([f"migration {rng.randrange(10, 99):03d}_{table} failed",
                                             "maintenance step failed", "startup migration failed"]))
    return _excerpt(rng, [], error), "code"


def g3_twin_lock_timeout(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same DDL, autocommit (allowed), waiting behind another session's lock until lock_timeout -> concurrency."""
    table = rng.choice(TABLES)
    _setup(ctx.dsn, table)
    stmt = rng.choice(["CREATE INDEX IF NOT EXISTS {t}_created_idx ON {t} (created_at)",
                       "ALTER TABLE {t} ADD COLUMN IF NOT EXISTS note text",
                       "ALTER TABLE {t} ALTER COLUMN created_at SET DEFAULT now()"]
                      ).format(t=table)
    holding, release = threading.Event(), threading.Event()

    def holder() -> None:
        with psycopg.connect(ctx.dsn) as conn:
            conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            holding.set()
            release.wait(10)
            conn.rollback()
    t = threading.Thread(target=holder)
    t.start()
    holding.wait(10)
    ms = rng.choice([50, 100, 200])

    def ddl() -> object:
        with psycopg.connect(ctx.dsn, autocommit=True) as conn:
            conn.execute(f"SET lock_timeout = '{ms}ms'")
            return conn.execute(stmt)
    logger = rng.choice(["src.ops.migrate", "scripts.apply_migrations", "src.storage.maintenance"])
    try:
        error = _record(ddl, logger, rng.choice([f"migration {rng.randrange(10, 99):03d}_{table} failed",
                                                 "maintenance step failed"]))
    finally:
        release.set()
        t.join()
    return _excerpt(rng, [], error), "concurrency"


CLASSES10_PG: dict[str, tuple[Gen, ...]] = {
    "H1": (h1_user_expression, h1_twin_setting_expression, h1_user_text_logged_by_the_tool,
           h1_twin_other_request_quoted_it),
    "G3": (g3_statement_in_transaction, g3_twin_lock_timeout),
}


# ---- G5: our server-side function's control flow raising on data it should handle ----------------------------------
FUNCTIONS = (
    # bodies of a plpgsql function of one text argument that meet data they do not handle, whatever the argument
    "DECLARE r int; BEGIN SELECT 1 INTO STRICT r FROM pg_class WHERE relname = 'no_such_' || arg; RETURN r; END",
    "DECLARE r int; BEGIN SELECT 1 INTO STRICT r FROM pg_class WHERE relname LIKE 'pg_%' || arg; RETURN r; END",
    "BEGIN ASSERT length(arg) > 1000, 'quota row missing for ' || arg; RETURN 1; END",
    "DECLARE n int; BEGIN SELECT count(*) INTO n FROM pg_class WHERE relname = 'no_such_' || arg; RETURN 100 / n; END",
)


def _function_failure(rng: random.Random, ctx: Ctx, arg: str, logger: str, message: str) -> str:
    body = rng.choice(FUNCTIONS)
    name = rng.choice(["usage_rollup_step", "claim_next_job", "record_tool_quota"])
    with psycopg.connect(ctx.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE OR REPLACE FUNCTION {name}(arg text) RETURNS int LANGUAGE plpgsql AS $f${body}$f$")
    client = _pg_client(rng, ctx.dsn, f"SELECT {name}(%s)", [arg])
    run = _app_function(f"/app/{logger.replace('.', '/')}.py", "call_function()", {"call_function": client})
    return _record(run, logger, message)


def g5_function_control_flow(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our function meets data it should handle: a strict single-row select finding none (or several), an assertion,
    a division by an empty count -> code (PL/pgSQL INTO STRICT / ASSERT docs; errcodes P0002, P0003, P0004, 22012)."""
    arg = rng.choice(["", "tenant_" + str(rng.randrange(1000)), "job"])
    logger = rng.choice(["src.storage.pg_direct", "src.storage.usage_ledger", "src.monitoring.usage_rollup"])
    error = _function_failure(rng, ctx, arg, logger, rng.choice(["rollup failed", "database call failed",
                                                                 "could not claim the next job"]))
    return _excerpt(rng, [], error), "code"


CLASSES10_PG["G5"] = (g5_function_control_flow,)


def g5_twin_user_value(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Our function refuses a value the USER gave a tool (its check quotes the value; the same request's tools/call
    carries it) -> unknown (PL/pgSQL RAISE ... USING ERRCODE / ASSERT with the argument in the message)."""
    value = rng.choice(["acme corp!", "../../etc", "tenant #" + str(rng.randrange(100)), "DROP;--"])
    body = rng.choice([
        "BEGIN ASSERT arg ~ '^[a-z_0-9]+$', 'invalid tenant name: ' || arg; RETURN 1; END",
        "BEGIN RAISE EXCEPTION 'unknown plan %', arg USING ERRCODE = '22023'; END",
        "BEGIN RAISE EXCEPTION 'no workspace named %', arg USING ERRCODE = 'P0002'; END"])
    name = rng.choice(["resolve_tenant", "plan_limits", "workspace_id"])
    with psycopg.connect(ctx.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE OR REPLACE FUNCTION {name}(arg text) RETURNS int LANGUAGE plpgsql AS $f${body}$f$")
    tool = rng.choice(["tools.workspace_stats", "src.tools.usage_report", "tools.smart_file_query"])
    req = f"{rng.randrange(16**8):08x}"
    run = _app_function(f"/app/{tool.replace('.', '/')}.py", "call_function()",
                        {"call_function": _pg_client(rng, ctx.dsn, f"SELECT {name}(%s)", [value])})
    error = _record(run, tool, rng.choice([f"[req:{req}] tool call failed", f"[req:{req}] lookup failed"]))
    called = at(error, 0.2, "src.daemon.ws_server", f"[req:{req}] tools/call {tool.split('.')[-1]} "
                                                    f"(arguments: {{\"{rng.choice(['tenant', 'name', 'plan'])}\": "
                                                    f"\"{value}\"}})")
    return _excerpt(rng, [called], error), "unknown"


CLASSES10_PG["G5"] = (g5_function_control_flow, g5_twin_user_value)
