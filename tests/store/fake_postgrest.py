"""A local stand-in for Supabase's REST gateway + PostgREST, backed by the real test PostgreSQL.

It implements only what the sidecar's Supabase backend calls: `POST /rest/v1/rpc/<function>`
with JSON named arguments. Like Supabase it checks the `apikey` header and the bearer token,
maps the key to a database role (service_role, anon), and like PostgREST it runs the call in
one transaction after `SET LOCAL ROLE`, returns a scalar function's value as the JSON body, and
turns PostgreSQL errors into PostgREST's JSON error body and HTTP status. This is a
protocol-level stand-in, not PostgREST itself.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from aiohttp import web
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from sidecar.store.supabase_schema import render_supabase_migration

KEYS_KEY = web.AppKey("keys", dict)
DSN_KEY = web.AppKey("dsn", str)
CALLS_KEY = web.AppKey("calls", list)
POOL_KEY = web.AppKey("pool", AsyncConnectionPool)


def _status(code: str) -> int:
    # PostgREST's SQLSTATE -> HTTP table (the rows that matter here).
    if code.startswith("08"):
        return 503
    if code in ("23503", "23505"):
        return 409
    if code == "42501":
        return 403
    if code.startswith("42"):
        return 400 if code != "42883" else 404
    if code.startswith("53"):
        return 503
    if code.startswith(("22", "23", "P0")):
        return 400
    return 500


def _error(status: int, code: str, message: str, details: str | None = None, hint: str | None = None) -> web.Response:
    return web.json_response({"code": code, "message": message, "details": details, "hint": hint}, status=status)


async def rpc(request: web.Request) -> web.Response:
    keys: dict[str, str] = request.app[KEYS_KEY]
    apikey = request.headers.get("apikey", "")
    auth = request.headers.get("Authorization", "")
    if apikey not in keys:
        return _error(401, "401", "Invalid API key", hint="Double check your Supabase `anon` or `service_role` API key.")
    if auth != f"Bearer {apikey}":
        return _error(401, "PGRST301", "JWT does not match the apikey")
    role = keys[apikey]
    fn = request.match_info["fn"]
    try:
        args: dict[str, Any] = await request.json()
    except json.JSONDecodeError:
        return _error(400, "PGRST102", "Empty or invalid json")
    request.app[CALLS_KEY].append({"fn": fn, "role": role, "args": args})
    call = sql.SQL("SELECT public.{}({}) AS r").format(
        sql.Identifier(fn),
        sql.SQL(", ").join(sql.SQL("{} => %s").format(sql.Identifier(k)) for k in args),
    )
    values = [Jsonb(v) if isinstance(v, dict | list) else v for v in args.values()]
    try:
        async with request.app[POOL_KEY].connection() as conn:
            async with conn.transaction():
                await conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
                cur = await conn.execute(call, values)
                row = await cur.fetchone()
    except psycopg.Error as exc:
        if exc.sqlstate is None:  # no server answer: the connection itself failed
            return _error(503, "PGRST001", "Database client error. Retrying the connection.", str(exc))
        diag = exc.diag
        code = diag.sqlstate or "XX000"
        if code == "42883":
            return _error(404, "PGRST202", f"Could not find the function public.{fn} in the schema cache")
        return _error(_status(code), code, diag.message_primary or str(exc), diag.message_detail, diag.message_hint)
    return web.json_response(row[0] if row else None)


async def _pool(app: web.Application):
    # Like PostgREST: a pool of connections (checked on checkout, so a restarted server recovers).
    # A short reconnect_timeout ends psycopg_pool's backed-off background reconnection soon after an
    # outage, so the first request after a restart connects at once instead of waiting out the
    # backoff (which made the database-down test flaky), as in sidecar/store/postgres.py.
    pool = AsyncConnectionPool(app[DSN_KEY], min_size=1, max_size=4, open=False, timeout=1, reconnect_timeout=1,
                               kwargs={"autocommit": True}, check=AsyncConnectionPool.check_connection)
    await pool.open()
    app[POOL_KEY] = pool
    yield
    await pool.close()


def build_app(dsn: str, keys: dict[str, str]) -> web.Application:
    app = web.Application()
    app[KEYS_KEY] = keys
    app[DSN_KEY] = dsn
    app[CALLS_KEY] = []
    app.cleanup_ctx.append(_pool)
    app.router.add_post("/rest/v1/rpc/{fn}", rpc)
    return app


@asynccontextmanager
async def serving(dsn: str, keys: dict[str, str], port: int) -> AsyncIterator[web.Application]:
    """The stand-in for database `dsn` on 127.0.0.1:`port` (`keys`: API key -> role) while in the block."""
    app = build_app(dsn, keys)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield app
    finally:
        await runner.cleanup()


def create_project_database(cluster: Any) -> str:
    """A new database on `cluster` set up like a Supabase project with the sidecar's migration applied."""
    name = cluster.create_database()
    cluster.psql(SETUP_ROLES)
    cluster.psql(SUPABASE_DEFAULTS, name)
    cluster.psql(render_supabase_migration(), name)
    return name


SETUP_ROLES = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
  -- NOBYPASSRLS on purpose: the migration's policy, not a bypass, must be what admits the service role.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOBYPASSRLS;
  END IF;
END $$;
"""

# What a Supabase project grants before our migration runs (so the migration's REVOKEs matter).
SUPABASE_DEFAULTS = """
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO anon, authenticated, service_role;
"""
