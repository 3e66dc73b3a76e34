"""CLASSES10 C1, D2, G3, H1, A4: the database and HTTP-body classes (evals/CLASSES10.md).

PostgREST errors are raised by the real postgrest-py client over an `httpx.MockTransport` that answers with the
body PostgREST sends (https://docs.postgrest.org/en/stable/references/errors.html: `code, details, hint, message`;
the message text is Postgres' own, from its errcodes appendix and source); the `httpx` request line is the one
httpx itself logs for that call. psycopg_pool's TooManyRequests is raised by a real pool whose waiters queue up.
psycopg's server errors are the real classes of `psycopg.errors.lookup(sqlstate)` raised in our frame (no server
here: psycopg re-raises them `with_traceback(None)`, so only our frame and its call line precede them anyway).
"""

from __future__ import annotations

import asyncio
import logging
from random import Random
from typing import Any

import httpx
import postgrest
import psycopg
import psycopg_pool

from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame, library_reraise, run_chain
from evals.gen.registry import klass
from evals.gen.render import Record


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def postgrest_error(rng: Random, proj: str, frames: list[Frame], query: str, status: int,
                    body: dict[str, Any]) -> tuple[BaseException, str]:
    """Run `query` (an expression over `client`) through real postgrest-py answered by `body`; return the
    exception and the request line httpx logged."""
    base = f"https://{proj}.supabase.co/rest/v1"
    http = httpx.Client(transport=httpx.MockTransport(lambda req: httpx.Response(status, json=body)), base_url=base)
    client = postgrest.SyncPostgrestClient(base, http_client=http)
    cap = _Capture()
    log = logging.getLogger("httpx")
    old = log.level
    log.setLevel(logging.INFO)
    log.addHandler(cap)
    try:
        last = frames[-1]
        frames = frames[:-1] + [Frame(last.path, last.func, query, {**last.env, "client": client})]
        exc = run_chain(frames, rng)
    finally:
        log.removeHandler(cap)
        log.setLevel(old)
    return exc, cap.lines[-1].replace("HTTP/1.1", "HTTP/2")


# --- H1 -------------------------------------------------------------------------------------------------------
# Source: PostgreSQL errcodes appendix (2201B invalid regular expression, 42601 tsquery syntax, 22025 invalid
# escape, 22007 datetime format), postgrest `filter`/`text_search`. The user's text -> unknown; twin: the pattern
# is our constant -> code.
_H1 = (
    ("imatch", "invalid regular expression: parentheses () not balanced", "2201B", ("(error", "foo[bar", "a{2,1}")),
    ("fts", 'syntax error in tsquery: "{v}"', "42601", ("disk & | full", "!& err", "timeout &")),
    ("like", "invalid escape string", "22025", ("50\\%", "a\\_b\\", "c:\\temp\\")),
)


@klass("10", "c10-H1")
def h1(rng: Random, twin: bool) -> dict[str, Any]:
    """A text evaluated by the database as an expression is rejected: the user's (unknown) vs our constant (code)."""
    op, msg, code, values = rng.choice(_H1)
    value = rng.choice(values)
    proj, rid = project_ref(rng), req_id(rng)
    table = rng.choice(("messages", "conversation_files", "tool_events"))
    column = rng.choice(("body", "content", "summary"))
    tool = rng.choice(("search_history", "find_messages", "recall"))
    expr = f"client.table({table!r}).select('*').filter({column!r}, {op!r}, " + \
        (f"{value!r}).execute()" if twin else "args['query']).execute()")
    frames = [Frame(f"/app/tools/{tool}.py", "run", "rows = self._db.search(args)"),
              Frame("/app/src/storage/supabase_client.py", "search", "", {"args": {"query": value}})]
    exc, line = postgrest_error(rng, proj, frames, expr, 400,
                                {"code": code, "details": None, "hint": None, "message": msg.format(v=value)})
    records = noise(rng, rng.randint(2, 5), 0, 40, proj)
    user = f"[req:{rid}] tool call {tool} args={{'query': {value!r}}}" if not twin else \
        f"[req:{rid}] tool call {tool} args={{'query': 'disk full'}}"
    records += [Record(29.5, "INFO", "ws_daemon", user), Record(29.9, "INFO", "httpx", line)]
    carrier = rng.choice(("exception", "message", "block"))
    records += carry(rng, exc, 30.0, "src.storage.supabase_client", f"[req:{rid}] search failed", carrier)
    axes = {"operator": op, "carrier": carrier, "table": table}
    if twin:
        return make_case(rng, cls="c10-H1", kind="near-miss", records=records, category="code", severity="medium",
                         description="The database rejects a pattern our code wrote as a constant (the user's query "
                                     "is plain words): code.", must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-H1", kind="unknown", records=records, category="unknown", severity="low",
                     description="The database rejects the user's own text used as a pattern/query: unknown.",
                     must_mention=[], must_not=[], axes=axes)


# --- C1 -------------------------------------------------------------------------------------------------------
# Source: PostgreSQL errcodes appendix (25006 read_only_sql_transaction, 57P03 cannot_connect_now), postgres.c /
# postmaster.c messages; psycopg.errors. Storage when the server is in a maintenance/failover state (its own log
# line or a platform record says so); twin: the URL setting names the read replica -> config.
_C1_STATES = (
    ("25006", "cannot execute {stmt} in a read-only transaction"),
)  # a connect-time refusal (57P03) raises psycopg.OperationalError at connect: not generated yet


@klass("10", "c10-C1")
def c1(rng: Random, twin: bool) -> dict[str, Any]:
    """The database refuses work in a server state: failover/recovery (storage) vs a URL naming the replica (config)."""
    code, msg = rng.choice(_C1_STATES)
    stmt = rng.choice(("INSERT", "UPDATE", "DELETE"))
    ip = f"172.18.0.{rng.randint(3, 30)}"
    host = rng.choice(("db-replica", "supabase-db-ro", "pg-standby-1"))
    primary = rng.choice(("supabase-db", "db", "pg-primary"))
    exc_cls = psycopg.errors.lookup(code)
    table = rng.choice(("tool_events", "provider_file_uploads", "error_investigations"))
    path = rng.choice(("/app/src/storage/audit.py", "/app/src/storage/tool_events.py"))
    exc = run_chain([Frame(path, "record", "await self._write(event)", is_async=True),
                     Frame(path, "_write", f"await cur.execute(INSERT_{table.upper()}, params)",
                           {"cur": _cursor(exc_cls(msg.format(stmt=stmt, ip=ip))),
                            "params": ()}, is_async=True)], rng)
    proj = project_ref(rng)
    records = noise(rng, rng.randint(2, 5), 0, 90, proj)
    carrier = rng.choice(("exception", "message"))
    if twin:
        records.append(Record(0.4, "INFO", "src.core.env_config",
                              f"DATABASE_URL=postgresql://gateway:***@{host}:5432/postgres (pool min=2 max=10)"))
    else:
        records.append(Record(0.4, "INFO", "src.core.env_config",
                              f"DATABASE_URL=postgresql://gateway:***@{primary}:5432/postgres (pool min=2 max=10)"))
        # postmaster.c / xlogrecovery.c: a primary restarted as a standby after a failover
        records += [Record(44.0, "", "", "{pg_ts} [1] LOG:  entering standby mode", service=primary),
                    Record(45.0, "", "", "{pg_ts} [1] LOG:  database system is ready to accept read-only connections",
                           service=primary)]
    logger = path.removeprefix("/app/").removesuffix(".py").replace("/", ".")
    records += carry(rng, exc, 60.0, logger, f"failed to write {table.rstrip('s')} event", carrier)
    axes = {"sqlstate": code, "carrier": carrier, "table": table}
    if twin:
        return make_case(rng, cls="c10-C1", kind="near-miss", records=records, category="config", severity="high",
                         description="Writes refused because the database URL setting names a read replica/standby: "
                                     "config.", must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-C1", kind="known", records=records, category="storage", severity="high",
                     description="Writes refused while the database server is in a failover/recovery state: storage.",
                     must_mention=[], must_not=[], axes=axes)


def _cursor(exc: BaseException) -> Any:
    """A cursor whose `execute` is psycopg's own re-raise line (cursor_async.py) for the server's error."""
    import psycopg.cursor_async as ca

    return type("AsyncCursor", (), {"execute": staticmethod(
        library_reraise(ca, "execute", "raise ex.with_traceback(None)", exc))})()


# --- D2 -------------------------------------------------------------------------------------------------------
# Source: psycopg_pool/pool_async.py `_get_ready_connection` (`max_waiting` -> TooManyRequests). Capacity when the
# load rose (requests gauge up with in-use at max); twin: in-use stuck at max while requests are flat (a leak) -> code.
@klass("10", "c10-D2")
def d2(rng: Random, twin: bool) -> dict[str, Any]:
    """A bounded pool queue refuses a waiter: a load spike (capacity) vs connections never returned (code)."""
    name = rng.choice(("audit", "events", "gateway", "uploads"))
    waiting = rng.randint(2, 16)
    size = rng.choice((5, 10, 20))
    path = rng.choice(("/app/src/storage/audit.py", "/app/src/storage/pg.py", "/app/src/storage/tool_events.py"))
    exc = _pool_refusal(rng, name, waiting, path)
    logger = path.removeprefix("/app/").removesuffix(".py").replace("/", ".")
    records = noise(rng, rng.randint(2, 4), 0, 300, project_ref(rng))
    base_rpm = rng.randint(40, 120)
    for i in range(4):
        rpm = base_rpm if twin else base_rpm * (1 + 2 * i)
        low, idle_n = rng.randint(1, 3), rng.randint(3, 9)
        in_use = size if (twin and i > 0) or (not twin and i >= 2) else low
        idle = "idle sessions: 0" if not twin else f"idle sessions: {idle_n if i else 0}"
        records.append(Record(60.0 * i, "INFO", "src.monitoring.metrics",
                              f"[METRICS] requests/min={rpm} pool {name}: in_use={in_use}/{size} waiting="
                              f"{waiting if i == 3 else 0} {idle}"))
    carrier = rng.choice(("exception", "message"))
    records += carry(rng, exc, 200.0, logger, f"{name} write failed", carrier)
    axes = {"pool": name, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-D2", kind="near-miss", records=records, category="code", severity="high",
                         description="The pool's queue is full because connections stay checked out at a flat, low "
                                     "request rate (a leak): code.", must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-D2", kind="known", records=records, category="capacity", severity="high",
                     description="The pool's bounded queue refuses waiters during a request spike: capacity.",
                     must_mention=[], must_not=[], axes=axes)


def _pool_refusal(rng: Random, name: str, waiting: int, path: str) -> BaseException:
    logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)  # its reconnect warnings are not the case

    async def main() -> BaseException:
        pool = psycopg_pool.AsyncConnectionPool("host=127.0.0.1 port=9 connect_timeout=1", min_size=0, max_size=1,
                                                max_waiting=waiting, name=name, open=False, timeout=5)
        await pool.open(wait=False)
        tasks = [asyncio.create_task(pool.getconn()) for _ in range(waiting)]
        for _ in range(2000):  # until every waiter is queued (psycopg_pool's own stats), whatever the load
            if pool.get_stats().get("requests_waiting", 0) >= waiting:
                break
            await asyncio.sleep(0.001)
        from evals.gen.frames import build_chain, trim
        top = build_chain([Frame(path, "write", "async with self._pool.connection() as conn:",
                                 {"self": type("S", (), {"_pool": pool})()}, is_async=True)], rng)
        try:
            await top()
        except psycopg_pool.TooManyRequests as exc:
            caught: BaseException = trim(exc)
        else:  # pragma: no cover
            raise AssertionError("pool did not refuse")
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await pool.close(timeout=0.05)
        return caught

    return asyncio.run(main())


# --- A4 -------------------------------------------------------------------------------------------------------
# Source: httpx/_models.py `Response.json` (json.loads of the body whatever its content type). Provider when the
# documented API host answered a 2xx page (maintenance) between good replies; twin: the base URL setting names the
# provider's web/docs host (every call gets its HTML) -> config.
@klass("10", "c10-A4")
def a4(rng: Random, twin: bool) -> dict[str, Any]:
    """A 2xx answered with HTML where the API's JSON belongs: provider edge (provider) vs wrong host setting (config)."""
    api, web = rng.choice((("https://api.moonshot.ai/v1", "https://platform.moonshot.ai/v1"),
                           ("https://api.z.ai/api/paas/v4", "https://z.ai/api/paas/v4"),
                           ("https://api.moonshot.cn/v1", "https://www.moonshot.cn/v1")))
    page = rng.choice(("<!DOCTYPE html><html><head><title>Scheduled maintenance</title></head>",
                       "<html><body><h1>We'll be right back</h1></body></html>",
                       "\n\n<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"))
    base = web if twin else api
    prov = "kimi" if "moonshot" in api else "glm"
    path = rng.choice((f"/app/src/providers/{prov}_files.py", f"/app/src/providers/{prov}_models.py",
                       f"/app/src/providers/{prov}_usage.py"))
    endpoint = rng.choice(("/models", "/files", "/users/me/balance"))
    resp = httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, text=page,
                          request=httpx.Request("GET", base + endpoint))
    exc = run_chain([Frame(path, "refresh", "data = await self._get(endpoint)", is_async=True),
                     Frame(path, "_get", "return resp.json()", {"resp": resp}, is_async=True)], rng)
    logger = path.removeprefix("/app/").removesuffix(".py").replace("/", ".")
    records = noise(rng, rng.randint(2, 4), 0, 100, project_ref(rng))
    setting = "KIMI_API_URL" if "moonshot" in api else "GLM_BASE_URL"
    records.append(Record(0.3, "INFO", "src.core.env_config", f"{setting}={base}"))
    good = [Record(10.0 + 15 * i, "INFO", "httpx", f'HTTP Request: GET {api}{endpoint} "HTTP/1.1 200 OK"')
            for i in range(3)]
    if not twin:
        records += good
    records.append(Record(79.8, "INFO", "httpx", f'HTTP Request: GET {base}{endpoint} "HTTP/1.1 200 OK"'))
    carrier = rng.choice(("exception", "message"))
    records += carry(rng, exc, 80.0, logger, f"cannot parse {endpoint} reply", carrier)
    axes = {"endpoint": endpoint, "carrier": carrier, "host": api.split("/")[2]}
    if twin:
        return make_case(rng, cls="c10-A4", kind="near-miss", records=records, category="config", severity="high",
                         description="The base URL setting names the provider's web host, which answers HTML to "
                                     "every call: config.", must_mention=[setting], must_not=[], axes=axes)
    return make_case(rng, cls="c10-A4", kind="known", records=records, category="provider", severity="medium",
                     description="The documented API host answered one 2xx with an HTML page between good JSON "
                                 "replies: provider.", must_mention=[], must_not=[], axes=axes)
