"""Generators of evals/CLASSES11.md classes (round 12) and their near-miss twins, each drawing from its seed what the
class varies: the object and its names, the library call that raises (the real postgrest client against a loopback
PostgREST answer), the logger and wording, neutral records, and WHERE the deciding record sits (before the error,
after it, both). A generator returns (excerpt, expected category)."""

from __future__ import annotations

import json
import random

from tests.diagnose.classes8_base import STAMP, Ctx, Gen, _postgrest
from tests.diagnose.classes8_vary import logger_of, neutral

_COLUMNS = ("fallback_used", "tokens_cached", "retry_of", "region_hint", "latency_bucket", "cost_micros")
_TABLES = ("upload_metrics", "usage_events", "tool_calls", "conversations", "provider_files")
_FUNCS = ("claim_next_job", "rollup_usage", "touch_session", "expire_uploads")


def _stamped(minute: int, second: int, level: str, logger: str, text: str) -> str:
    return f"{STAMP[:-4]}{minute:02d}:{second:02d} {level} {logger}: {text}"


def _schema_miss(rng: random.Random) -> tuple[str, str, str, bytes, str]:
    """(kind, object, table, PostgREST's body, the DDL adding it) - one of PostgREST's group-2 misses."""
    kind = rng.choice(("column", "table", "function"))
    table, col, fn = rng.choice(_TABLES), rng.choice(_COLUMNS), rng.choice(_FUNCS)
    if kind == "column":
        body = {"message": f"Could not find the '{col}' column of '{table}' in the schema cache", "code": "PGRST204"}
        ddl = rng.choice((f"ALTER TABLE {table} ADD COLUMN {col} bigint", f"ALTER TABLE public.{table} ADD COLUMN "
                          f"IF NOT EXISTS {col} text"))
        return kind, col, table, json.dumps({**body, "hint": None, "details": None}).encode(), ddl
    if kind == "table":
        name = f"{table}_{rng.choice(('archive', 'v2', 'daily'))}"
        body = {"message": f"Could not find the table 'public.{name}' in the schema cache", "code": "PGRST205",
                "hint": f"Perhaps you meant the table 'public.{table}'", "details": None}
        return kind, name, name, json.dumps(body).encode(), f"CREATE TABLE public.{name} (id bigint primary key)"
    body = {"message": f"Could not find the function public.{fn}(p_limit) in the schema cache", "code": "PGRST202",
            "hint": None, "details": "Searched for the function public." + fn + " with parameter p_limit"}
    return kind, fn, fn, json.dumps(body).encode(), f"CREATE OR REPLACE FUNCTION public.{fn}(p_limit int) RETURNS void"


def _migration(rng: random.Random, ddl: str, failed: bool = False) -> str:
    who = logger_of(rng, "migrate")
    file = f"2026120{rng.randrange(1, 7)}_{rng.randrange(100, 999)}.sql"
    text = (rng.choice((f"migration {file} failed: permission denied for schema public ({ddl})",
                        f"rolled back {file}: {ddl} - lock timeout")) if failed else
            rng.choice((f"applied {file}: {ddl}", f"migration {file} done ({ddl})", f"ran {ddl}; ok")))
    return _stamped(0, rng.randrange(1, 9), "WARNING" if failed else "INFO", who, text)


def _reload_then_ok(rng: random.Random, table: str) -> list[str]:
    how = rng.choice(("ran NOTIFY pgrst, 'reload schema' in the SQL editor", "select pg_notify('pgrst', 'reload schema')",
                      "restarted supabase-rest container", "sent SIGUSR1 to postgrest"))
    status = rng.choice(('"HTTP/2 201 Created"', '"HTTP/1.1 200 OK"'))
    return [_stamped(14, rng.randrange(10, 40), "INFO", rng.choice(("ops", "scripts.ops", "src.ops.admin")), how),
            _stamped(14, rng.randrange(41, 59), "INFO", "httpx",
                     f"HTTP Request: POST https://qzkv.supabase.co/rest/v1/{table} {status}")]


def c3_schema_cache_stale(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C3: the object IS in the database (a schema change naming it before, or a reload then success after, or
    both); PostgREST answers from its stale cache -> storage."""
    _, obj, table, body, ddl = _schema_miss(rng)
    where = rng.choice(("before", "after", "both"))
    before = [_migration(rng, ddl)] if where != "after" else []
    after = _reload_then_ok(rng, table) if where != "before" else neutral(rng, 2)
    return "\n".join([*before, *neutral(rng), _postgrest(rng, 400, body), *after]), "storage"


def c3_twin_never_added(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C3 twin: no schema change names the object, or the one that does failed, or a reload after which the same
    request still fails -> the schema lacks it: code."""
    _, obj, table, body, ddl = _schema_miss(rng)
    before = [_migration(rng, ddl, failed=True)] if rng.random() < 0.5 else []
    after = neutral(rng, 2)
    if rng.random() < 0.5:
        after = [*_reload_then_ok(rng, table)[:1], _stamped(15, rng.randrange(0, 59), "INFO", "httpx",
                                                             f"HTTP Request: POST https://qzkv.supabase.co/rest/v1/"
                                                             f"{table} \"HTTP/2 400 Bad Request\"")]
    return "\n".join([*before, *neutral(rng), _postgrest(rng, 400, body), *after]), "code"


CLASSES11: dict[str, tuple[Gen, ...]] = {
    "C3": (c3_schema_cache_stale, c3_twin_never_added),
}
