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
    """C3: the object IS in the database (a schema change naming it before the error, with or without a reload then
    success after); PostgREST answers from its stale cache -> storage."""
    _, obj, table, body, ddl = _schema_miss(rng)
    before = [_migration(rng, ddl)]
    after = _reload_then_ok(rng, table) if rng.random() < 0.5 else neutral(rng, 2)
    return "\n".join([*before, *neutral(rng), _postgrest(rng, 400, body), *after]), "storage"


def c3_twin_never_added(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C3 twin: no schema change names the object (another object's migration, or none), or the one that does
    failed; after it a reload with the request still failing, or even succeeding (the object made by hand, outside
    the migrations) -> the schema the code was shipped with lacks it: code."""
    _, obj, table, body, ddl = _schema_miss(rng)
    other = f"ALTER TABLE {rng.choice(_TABLES)} ADD COLUMN {rng.choice(('note', 'flags', 'owner_hint'))} text"
    before = [rng.choice((_migration(rng, ddl, failed=True), _migration(rng, other)))] if rng.random() < 0.7 else []
    after = neutral(rng, 2)
    if rng.random() < 0.3:
        after = _reload_then_ok(rng, table)
    elif rng.random() < 0.5:
        after = [*_reload_then_ok(rng, table)[:1], _stamped(15, rng.randrange(0, 59), "INFO", "httpx",
                                                             f"HTTP Request: POST https://qzkv.supabase.co/rest/v1/"
                                                             f"{table} \"HTTP/2 400 Bad Request\"")]
    return "\n".join([*before, *neutral(rng), _postgrest(rng, 400, body), *after]), "code"




def _redis_symptom(rng: random.Random, held: int | None = None) -> tuple[str, str]:
    """A key our code wrote, found gone through the real redis-py asyncio client against a loopback RESP server:
    a lock whose release/extend script finds another token (LockNotOwnedError), or a GET answering null that our
    code then refuses. Returns (excerpt, the key); `held` adds the time the key was used to the record."""
    import asyncio

    import redis.asyncio as aredis

    from tests.diagnose.logged import logged
    from tests.diagnose.test_redis_families import resp_server

    key = f"{rng.choice(('upload', 'session', 'job'))}:{rng.randrange(16**6):06x}"
    kind = rng.choice(("release", "extend", "get"))

    async def go() -> str:
        answer = (lambda c: b":0\r\n" if c == "EVALSHA" else b"+OK\r\n") if kind != "get" else (lambda c: b"_\r\n")
        async with resp_server(answer) as port:
            client = aredis.Redis(host="127.0.0.1", port=port)
            try:
                if kind == "get":
                    if await client.get(f"{key}:state") is None:
                        raise KeyError(f"session state for {key} not found in cache")
                lock = client.lock(f"lock:{key}", timeout=rng.choice((60, 120, 300)))
                await lock.acquire()
                await (lock.release() if kind == "release" else lock.extend(60))
            except Exception:  # noqa: BLE001 - the real client's error, logged as the gateway logs it
                who = rng.choice(("src.file_management.dedup", "src.daemon.session_lock", "utils.infrastructure.cache"))
                said = rng.choice((f"[req:{rng.randrange(16**4):04x}] {kind} of {key} failed",
                                   f"cache {kind} failed for {key}", f"lost {key}"))
                return logged(who, said + (f" after {held}s" if held is not None else ""))
            finally:
                await client.aclose()
        raise AssertionError("no error")
    return asyncio.run(go()), key


def _cache_info(rng: random.Random, evicting: bool) -> list[str]:
    """The cache's own figures, in one of three shapes; `evicting` False gives zero/flat evictions or noeviction."""
    who = rng.choice(("src.monitoring.cache_metrics", "src.metrics.redis_exporter", "utils.infrastructure.cache"))
    top = rng.choice((268435456, 536870912, 1073741824))
    n = rng.randrange(1000, 90000)
    shape = rng.choice(("delta", "two", "info"))
    if shape == "delta":
        d = rng.randrange(500, 9000) if evicting else 0
        return [_stamped(10, 30, "INFO", who, f"redis INFO used_memory={top - rng.randrange(10, 900)} maxmemory={top} "
                         f"maxmemory_policy=allkeys-lru evicted_keys={n} (+{d} in 60s)")]
    if shape == "two":
        later = n + rng.randrange(300, 5000) if evicting else n
        return [_stamped(10, 0, "INFO", who, f"cache stats evicted_keys={n} used_memory={top - 50}"),
                _stamped(11, 0, "INFO", who, f"cache stats evicted_keys={later} used_memory={top - 80}")]
    policy = rng.choice(("allkeys-lru", "volatile-lfu", "allkeys-random")) if evicting else "noeviction"
    return [_stamped(10, 30, "INFO", who, f"INFO memory: used_memory:{top - 5} maxmemory:{top} "
                     f"maxmemory_policy:{policy} evicted_keys:{n if evicting else 0}")]


def c4_cache_evicting(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C4: a key or lock our code wrote is gone and the cache's figures show evictions at its memory limit
    (before or after the error) -> storage."""
    (err, _), info = _redis_symptom(rng, rng.choice((None, 20, 45))), _cache_info(rng, True)
    before, after = (info, []) if rng.random() < 0.4 else ([], info)
    return "\n".join([*neutral(rng), *before, err, *after, *neutral(rng, 1)]), "storage"


def c4_twin_no_evictions(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """C4 twin: the same symptom with evictions zero, flat or a noeviction policy: the cache kept every key, so our
    own TTL or code lost it - never storage; the record that wrote the key with a TTL shorter than the use -> code (a lost lock keeps the doctrine's concurrency: its TTL ran out during
    the work, library_causes.py; a missing key our code refuses is the catch-all's honest unknown at <= 0.4: nothing
    in the log says why the key is gone)."""
    if rng.random() < 0.5:  # the record that wrote the key gave it a TTL shorter than its use: our TTL, code
        ttl = rng.choice((5, 10, 15))
        err, key = _redis_symptom(rng, ttl + rng.randrange(5, 60))
        wrote = _stamped(9, rng.randrange(0, 59), "DEBUG", rng.choice(("src.cache.sessions", "src.daemon.job_runner")),
                         rng.choice((f"acquired lock:{key} ex={ttl}s", f"set {key}:state ex={ttl}",
                                     f"lock lock:{key} taken (timeout={ttl}s)")))
        return "\n".join([*neutral(rng), wrote, *_cache_info(rng, False), err, *neutral(rng, 1)]), "code"
    err, _ = _redis_symptom(rng)
    expected = "concurrency" if "LockNotOwnedError" in err else "unknown"
    return "\n".join([*neutral(rng), *_cache_info(rng, False), err, *neutral(rng, 1)]), expected


def _raised(rng: random.Random, call: object, family: str) -> str:
    from tests.diagnose.classes8_base import _record
    from tests.diagnose.classes8_vary import worded
    return _record(call, logger_of(rng, family), worded(rng, family, rng.choice(("report.xlsx", "session", "audit"))))


def _unused_uid(rng: random.Random) -> int:
    import pwd
    while True:
        uid = rng.randrange(10000, 65000)
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


def f1_runtime_identity(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """F1: the container's user has no account entry (the real pwd.getpwuid of the uid a start-up record says the
    process runs as), no usable temp directory (tempfile's own search over directories that do not exist) or no home
    (pathlib's expanduser) -> config."""
    import pathlib
    import pwd
    import tempfile
    from unittest import mock

    kind = rng.choice(("uid", "temp", "home"))
    start = logger_of(rng, "startup")
    if kind == "uid":
        uid = _unused_uid(rng)
        record = _stamped(0, 1, "INFO", start, rng.choice((f"running as uid={uid} gid={uid} HOME=/nonexistent",
                                                           f"container user: {uid}:{uid} (compose user: setting)",
                                                           f"starting with uid={uid}")))
        err = _raised(rng, lambda: pwd.getpwuid(uid), "tool")
    elif kind == "temp":
        record = _stamped(0, 1, "INFO", start, rng.choice(("compose: read_only: true, cap_drop: ALL",
                                                           "writable mounts: /app/logs (bind)", "TMPDIR unset")))
        dirs = [f"/nonexistent-{rng.randrange(99)}/{d}" for d in ("tmp", "var/tmp", "app")]

        def spool() -> object:
            with mock.patch.object(tempfile, "_candidate_tempdir_list", lambda: list(dirs)):
                return tempfile._get_default_tempdir()  # type: ignore[attr-defined]
        err = _raised(rng, spool, "tool")
    else:
        record = _stamped(0, 1, "INFO", start, "HOME unset for the service account")
        err = _raised(rng, lambda: pathlib.Path(f"~svc{rng.randrange(999)}/.cache").expanduser(), "tool")
    return "\n".join([*neutral(rng, 1), record, *neutral(rng), err]), "config"


def f1_twin_getlogin(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """F1 twins: our code calls os.getlogin() (the real call: no controlling terminal here either) -> code; the same
    getpwuid KeyError for an archive member's owner with no record saying it is our uid -> the user's data, unknown."""
    import os
    import pwd

    if rng.random() < 0.6:
        err = _raised(rng, lambda: os.getlogin(), rng.choice(("tool", "daemon")))  # the call site names it
        return "\n".join([*neutral(rng), err]), "code"
    uid = _unused_uid(rng)
    call = _stamped(0, 2, "INFO", "ws_daemon", f"[req:{rng.randrange(16**6):06x}] tool call archive_inspect "
                    f"args={{'file': '{rng.choice(('backup.tar', 'site.tgz', 'export.tar.gz'))}'}}")
    return "\n".join([*neutral(rng), call, _raised(rng, lambda: pwd.getpwuid(uid), "tool")]), "unknown"


def _strict_reply(rng: random.Random, raw: dict[str, object]) -> str:
    """Our strict reply model (extra fields forbidden, a closed finish reason) validating `raw` with the real pydantic,
    logged by a provider module of ours."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict

    class Choice(BaseModel):
        model_config = ConfigDict(extra="forbid")
        index: int
        finish_reason: Literal["stop", "length", "tool_calls"]
        content: str

    model = rng.choice(("kimi-k2-0905-preview", "moonshot-v1-32k", "kimi-latest"))
    return _raised(rng, lambda: Choice.model_validate(raw), "kimi").replace(
        "\n", f" (model {model})\n", 1)


def g10_strict_reply(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """G10: the provider adds a documented-extensible field or value (reasoning_content, a new finish reason); our
    strict model refuses every reply carrying it -> code."""
    raw: dict[str, object] = {"index": 0, "finish_reason": "stop", "content": "ok"}
    if rng.random() < 0.5:
        raw[rng.choice(("reasoning_content", "logprobs_v2", "refusal", "annotations"))] = rng.choice(("...", [], None))
    else:
        raw["finish_reason"] = rng.choice(("content_filter", "insufficient_system_resource", "sensitive"))
    return "\n".join([*neutral(rng), _strict_reply(rng, raw)]), "code"


def g10_twin_null(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """G10 twins: the provider sends null where its documented type is a value (a completion's finish_reason, the
    choice's index) -> provider; null where the API documents the field as nullable (a tool-call reply's content)
    is our model's fault -> code."""
    raw: dict[str, object] = {"index": 0, "finish_reason": "stop", "content": "ok"}
    field = rng.choice(("finish_reason", "index", "content"))
    raw[field] = None
    return "\n".join([*neutral(rng), _strict_reply(rng, raw)]), "code" if field == "content" else "provider"


def _daemon_gone(rng: random.Random) -> str:
    """The shim's real websockets client failing against a daemon that closes the connection unanswered."""
    from tests.diagnose.classes8_base import _ws_open

    def closes(c: object) -> None:
        c.close()  # type: ignore[attr-defined]
    return _ws_open(rng, closes, "exai-daemon")


def _memory_series(rng: random.Random, heap: bool) -> list[str]:
    """Three metric records before the kill: the container's memory rising; the RSS flat (memory outside the heap)
    or rising with a cache's entry count (`heap`)."""
    who = rng.choice(("src.monitoring.metrics", "src.daemon.health_monitor"))
    limit = rng.choice((1024, 2048))
    start = rng.randrange(limit // 4, limit // 2)
    rss0, entries = rng.randrange(180, 300), rng.randrange(500, 2000)
    where = rng.choice(("/app/scratch", "/dev/shm", "/tmp"))
    out = []
    for i in range(3):
        box = start + i * (limit - start) // 3
        rss = box if heap else rss0 + rng.randrange(-5, 6)
        out.append(_stamped(20 + i, 5, "INFO", who, f"[METRICS] process_rss_mb={rss} container_memory_mb={box}/{limit} "
                            f"cache_entries={entries * (1 + 3 * i) if heap else entries + i}"))
        if not heap:
            out.append(_stamped(20 + i, 6, "DEBUG", rng.choice(("src.file_management.extract", "tools.kimi_upload")),
                                f"wrote {where}/part-{rng.randrange(16**6):06x}.bin ({rng.randrange(50, 200)} MB)"))
    return out


def _oom_kill(rng: random.Random) -> str:
    return rng.choice((_stamped(23, 1, "INFO", "dockerd", "container exai-mcp-daemon died: exitCode=137 "
                                "OOMKilled=true (memory limit)"),
                       f"{STAMP[:-4]}23:01 kernel: Memory cgroup out of memory: Killed process "
                       f"{rng.randrange(100, 9999)} (python3) total-vm:2097152kB"))


def d2_memory_outside_heap(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """D2: the container OOM-killed while the process RSS stays flat and its memory-backed mount fills -> capacity."""
    return "\n".join([*_memory_series(rng, False), *neutral(rng, 1), _oom_kill(rng), _daemon_gone(rng)]), "capacity"


def d2_twin_heap_grows(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """D2 twin: the RSS rises with the container's memory and a cache's entry count: our unbounded structure -> code."""
    return "\n".join([*_memory_series(rng, True), *neutral(rng, 1), _oom_kill(rng), _daemon_gone(rng)]), "code"


def _refused_write(rng: random.Random, obj: str, rid: str) -> str:
    """httpx's own raise_for_status on the storage API's 412 for our conditional write of `obj`."""
    import httpx

    url = f"https://qzkv.supabase.co/{rng.choice(('storage/v1/object/conversations', 'rest/v1/metadata'))}/{obj}"

    def put() -> object:
        response = httpx.Response(412, request=httpx.Request("PUT", url, headers={"If-Match": 'W/"x"'}))
        return response.raise_for_status()
    from tests.diagnose.classes8_base import _record
    return _record(put, rng.choice(("src.storage.conversations", "src.file_management.metadata")),
                   rng.choice((f"[req:{rid}] update of {obj} rejected", f"[req:{rid}] conditional write of {obj} failed")))


def e3_lost_update(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """E3: another request (another id) wrote the object between our read and our conditional write -> concurrency."""
    obj, ours, theirs = f"{rng.randrange(16**12):012x}", f"{rng.randrange(16**6):06x}", f"{rng.randrange(16**8):08x}"
    who = rng.choice(("src.storage.conversations", "src.file_management.metadata"))
    read = _stamped(3, 1, "DEBUG", who, f"[req:{ours}] read {obj} etag=W/\"{rng.randrange(16**8):08x}\"")
    wrote = _stamped(3, 2, "INFO", who, f"[req:{theirs}] {rng.choice(('wrote', 'updated', 'saved'))} {obj} new "
                     f"etag=W/\"{rng.randrange(16**8):08x}\"")
    return "\n".join([read, *neutral(rng, 2), wrote, _refused_write(rng, obj, ours)]), "concurrency"


def e3_twin_constant_tag(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """E3 twin: no other writer; our code sends the same entity tag every time and is refused every time -> code."""
    obj, tag = f"{rng.randrange(16**12):012x}", rng.choice(('W/"1"', '"0"', 'W/"v1"'))
    who = rng.choice(("src.storage.conversations", "src.file_management.metadata"))
    tries = [_stamped(2, i, "WARNING", who, f"[req:{rng.randrange(16**6):06x}] write {obj} If-Match: {tag} -> 412")
             for i in range(rng.randrange(2, 4))]
    rid = f"{rng.randrange(16**6):06x}"
    read = _stamped(3, 1, "DEBUG", who, f"[req:{rid}] read {obj} etag={tag}")
    return "\n".join([*tries, *neutral(rng, 1), read, _refused_write(rng, obj, rid)]), "code"


CLASSES11: dict[str, tuple[Gen, ...]] = {
    "C3": (c3_schema_cache_stale, c3_twin_never_added),
    "C4": (c4_cache_evicting, c4_twin_no_evictions),
    "F1": (f1_runtime_identity, f1_twin_getlogin),
    "G10": (g10_strict_reply, g10_twin_null),
    "D2": (d2_memory_outside_heap, d2_twin_heap_grows),
    "E3": (e3_lost_update, e3_twin_constant_tag),
}
