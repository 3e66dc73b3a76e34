"""CLASSES11 C1-C4: the storage services failing or limiting at runtime (evals/CLASSES11.md section C).

Server errors are psycopg's own classes (`psycopg.errors.lookup(sqlstate)`, messages from PostgreSQL's errcodes
appendix and source: `md.c` mdextend, `xlog.c`, `mcxt.c`, `sequence.c` nextval_internal, `int.c`/`numutils.c`)
re-raised at psycopg's real `raise ex.with_traceback(None)` line; PostgREST errors come from the real postgrest-py
client over a mock transport answering PostgREST's documented body (error table, group 2: PGRST202/204/205);
Redis replies go through redis-py's own `BaseParser.parse_error`, and a vanished lock key through the real
`redis.lock.Lock.release` whose Lua script answers 0 (the key is gone), as the server answers it.
"""

from __future__ import annotations

from random import Random
from typing import Any

import redis
import redis.lock
from redis._parsers.base import BaseParser

from evals.gen.c10_storage import postgrest_error
from evals.gen.c11_common import (
    db_service,
    logger_of,
    pg_exc,
    pg_frames,
    pick_carrier,
    place,
    raise_through,
    service_line,
)
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame
from evals.gen.registry import klass
from evals.gen.render import Record

# --- C1 -------------------------------------------------------------------------------------------------------
# Source: PostgreSQL errcodes appendix class 53 (53100 disk_full, 53200 out_of_memory), md.c `mdextend`
# ("could not extend file ... : %m", HINT "Check free disk space."), xlog.c (pg_wal temp file), mcxt.c ("out of
# memory", DETAIL "Failed on request of size ..."); Redis `stop-writes-on-bgsave-error` (MISCONF reply) and its log
# lines (rdb.c: "Can't save in background: fork: %s", "Write error saving DB on disk: %s").
_C1_PG: tuple[tuple[str, str, dict[str, str], str], ...] = (
    ("53100", 'could not extend file "base/16384/{oid}": No space left on device', {"hint": "Check free disk space."},
     "disk"),
    ("53100", 'could not write to file "pg_wal/xlogtemp.{pid}": No space left on device', {}, "disk"),
    ("53200", "out of memory", {"detail": 'Failed on request of size {size} in memory context "ExecutorState".'},
     "memory"),
)
_C1_REDIS = (
    ("Can't save in background: fork: Cannot allocate memory", "memory"),
    ("Write error saving DB on disk: No space left on device", "disk"),
)
_MISCONF = ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
            "Commands that may modify the data set are disabled, because this instance is configured to report "
            "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the "
            "Redis logs for details about the RDB error.")


def _our_exhaustion(rng: Random, path: str, kind: str, wrap: str) -> BaseException:
    """The same words raised by OUR process: a real ENOSPC from the kernel (a write to /dev/full) or a real
    MemoryError of an allocation our frame asked for."""
    if kind == "disk":
        sink = open("/dev/full", "wb", buffering=0)  # noqa: SIM115 - closed below; the kernel answers ENOSPC
        try:
            exc, _ = raise_through([Frame(path, "append_event", "self._spool(payload)"),
                                    Frame(path, "_spool", "fh.write(payload)", {"fh": sink, "payload": b"x" * 64})],
                                   rng, (wrap,))
        finally:
            sink.close()
        return exc
    exc, _ = raise_through([Frame(path, "append_event", "self._spool(payload)"),
                            Frame(path, "_spool", "buf = bytearray(size)", {"size": 1 << 62})], rng, (wrap,))
    return exc


@klass("11", "c11-C1")
def c1(rng: Random, twin: bool) -> dict[str, Any]:
    """The storage SERVER reports its own host's disk/memory exhaustion (storage) vs the same words from our
    process with our gauge at its bound (capacity)."""
    alt = Random(rng.getrandbits(64))  # the draws only one of case/twin makes: the shared ones stay in step
    proj, rid = project_ref(rng), req_id(rng)
    backend = rng.choice(("postgres", "postgres", "redis"))
    path = rng.choice(("/app/src/storage/events.py", "/app/src/storage/audit.py", "/app/src/cache/session_store.py",
                       "/app/utils/observability.py"))
    table = rng.choice(("tool_events", "provider_file_uploads", "conversation_messages"))
    service = db_service(rng) if backend == "postgres" else rng.choice(("redis-1", "gateway-redis", "cache"))
    if backend == "postgres":
        code, msg, diag, kind = rng.choice(_C1_PG)
        values = {"oid": rng.randint(16390, 99999), "pid": rng.randint(40, 9999), "size": rng.choice((8192, 65536,
                                                                                                       2097152))}
        text = msg.format(**values)
        server = pg_exc(code, text, **{k: v.format(**values) for k, v in diag.items()})
        frames = pg_frames(path, "record", f"INSERT_{table.upper()}", server)
        pid = rng.randint(100, 9000)
        own = [f"{{pg_ts}} [{pid}] ERROR:  {text}"] + [f"{{pg_ts}} [{pid}] {k.upper()}:  {v.format(**values)}"
                                                      for k, v in diag.items()]
        if kind == "disk":
            own.append("{pg_ts} [61] LOG:  archive command failed with exit code 1")
    else:
        line, kind = rng.choice(_C1_REDIS)
        server = BaseParser.parse_error(_MISCONF)  # type: ignore[no-untyped-call]
        key = rng.choice(("session:", "ratelimit:", "semcache:"))
        frames = [Frame(path, "store", "await self._set(key, value)", is_async=True),
                  Frame(path, "_set", "raise reply", {"reply": server, "key": key}, is_async=True)]
        pid = rng.randint(1, 99)
        own = [f"{pid}:M {{redis_ts}} * Background saving started", f"{pid}:M {{redis_ts}} # {line}"]
    exc, wrap = raise_through(frames, rng)
    if twin:
        exc = _our_exhaustion(alt, path, kind, wrap)
    carrier = pick_carrier(rng, wrap)
    err_t = rng.uniform(40, 90)
    records = noise(rng, rng.randint(2, 6), 0, err_t + 40, proj)
    where, at = place(rng, 1.0, err_t, err_t + 30)
    if not twin:
        records += [service_line(at + 0.001 * i, service, text) for i, text in enumerate(own)]
    logger = logger_of(path)
    records += carry(rng, exc, err_t, logger, f"[req:{rid}] write to {backend} failed", carrier)
    disk = (alt.uniform(96.5, 99.9) if twin else alt.uniform(18, 62)) if kind == "disk" else alt.uniform(20, 60)
    mem = (alt.uniform(96, 99.8) if twin else alt.uniform(20, 55)) if kind == "memory" else alt.uniform(20, 55)
    records.append(Record(err_t + rng.uniform(2, 20), "INFO", "src.daemon.health_endpoint",
                          f'health components.disk={{"disk_percent": {disk:.1f}}} '
                          f'components.memory={{"memory_percent": {mem:.1f}}}'))
    axes = {"backend": backend, "kind": kind, "carrier": carrier, "wrap": wrap, "server-line": where}
    if twin:
        return make_case(rng, cls="c11-C1", kind="near-miss", records=records, category="capacity", severity="high",
                         description=f"The {kind} exhaustion is raised by OUR process (our frame, our health gauge "
                                     "at its bound), not by the storage server: capacity.",
                         must_mention=[], must_not=["database server"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-C1", kind="known", records=records, category="storage", severity="high",
                     description=f"The {backend} server reports its OWN host's {kind} exhaustion through its protocol "
                                 "(its container's log says the same); our container's gauges are normal: storage.",
                     must_mention=[], must_not=["our container"], axes=axes)


# --- C2 -------------------------------------------------------------------------------------------------------
# Source: PostgreSQL errcodes appendix (2200H sequence_generator_limit_exceeded, 22003 numeric_value_out_of_range),
# sequence.c nextval_internal ('nextval: reached maximum value of sequence "%s" (%lld)'), int.c ("integer out of
# range", "smallint out of range"), numutils.c ('value "%s" is out of range for type integer'); `CREATE SEQUENCE`
# docs (MAXVALUE of integer/smallint identity and serial columns).
_C2_LIMITS = (("integer", 2147483647), ("smallint", 32767))


def _c2_error(rng: Random, proj: str, path: str, table: str, code: str, msg: str, via: str) -> BaseException:
    if via == "postgrest":
        exc, _ = postgrest_error(rng, proj, [Frame(path, "record", "self._insert(row)"),
                                             Frame(path, "_insert", "", {"row": {"tool": "chat"}})],
                                 f"client.table({table!r}).insert(row).execute()", 400,
                                 {"code": code, "details": None, "hint": None, "message": msg})
        return exc
    exc, _ = raise_through(pg_frames(path, "record", f"INSERT_{table.upper()}", pg_exc(code, msg)), rng,
                           ("none", "from"))
    return exc


@klass("11", "c11-C2")
def c2(rng: Random, twin: bool) -> dict[str, Any]:
    """Every insert into one table fails once its identifier reached the declared maximum (storage) vs only rows
    carrying a value our code computed overflow the column (code)."""
    alt = Random(rng.getrandbits(64))
    proj = project_ref(rng)
    table = rng.choice(("tool_events", "provider_file_uploads", "audit_log", "semantic_cache_entries"))
    typ, top = rng.choice(_C2_LIMITS)
    via = rng.choice(("psycopg", "postgrest"))
    path = rng.choice(("/app/src/storage/events.py", "/app/src/storage/audit.py", "/app/utils/tool_events.py"))
    column = rng.choice(("latency_ns", "duration_us", "bytes_sent", "tokens_x_cost"))
    identity = rng.choice(("serial", "identity"))
    computed = rng.randint(top + 1, top * 40)
    if twin:
        code, msg = "22003", f'value "{computed}" is out of range for type {typ}'
    else:
        code, msg = "2200H", f'nextval: reached maximum value of sequence "{table}_id_seq" ({top})'
    exc = _c2_error(rng, proj, path, table, code, msg, via)
    logger = logger_of(path)
    records = noise(rng, rng.randint(2, 5), 0, 200, proj)
    fails = rng.randint(2, 5)
    t = rng.uniform(20, 60)
    last_id = top - alt.randint(fails + 1, fails + 40) if not twin else alt.randint(1000, top // 3)
    for i in range(rng.randint(2, 4)):  # the inserts before: ids close to the maximum (case) or far below (twin)
        small = rng.randint(3, 900) if typ == "smallint" else rng.randint(40_000, 900_000)
        records.append(Record(t, "DEBUG", logger, f"inserted {table} id={last_id + i} {column}={small}"))
        t += rng.uniform(1, 8)
    other = rng.choice([x for x in ("conversations", "messages", "provider_usage") if x != table])
    carrier = pick_carrier(rng, "none", ("exception", "exception", "message", "block"))
    for i in range(fails):
        rid = req_id(rng)
        if twin and i:  # the same table keeps accepting rows whose computed value fits
            records.append(Record(t - 0.5, "DEBUG", logger, f"inserted {table} id={last_id + 9 + i} "
                                                            f"{column}={alt.randint(100, top // 2)}"))
        records += carry(rng, exc, t, logger, f"[req:{rid}] insert into {table} failed"
                         + (f" ({column}={computed})" if twin else ""), carrier if i == 0 else "message")
        records.append(Record(t + rng.uniform(0.5, 2), "INFO", "httpx",
                              f'HTTP Request: POST https://{proj}.supabase.co/rest/v1/{other} "HTTP/2 201 Created"'))
        t += rng.uniform(3, 25)
    if not twin and identity == "identity":
        records.append(Record(0.5, "INFO", "src.storage.migrations",
                              f"schema ok: {table}.id {typ} generated always as identity"))
    axes = {"via": via, "type": typ, "carrier": carrier, "table": table, "id": identity}
    if twin:
        return make_case(rng, cls="c11-C2", kind="near-miss", records=records, category="code", severity="medium",
                         description=f"Only rows carrying our computed {column} overflow the {typ} column; other "
                                     "rows of the same table still insert: code.",
                         must_mention=[column], must_not=["sequence exhausted"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-C2", kind="known", records=records, category="storage", severity="high",
                     description=f"The {table} id sequence reached its declared {typ} maximum: every insert into that "
                                 "table fails, other tables' writes succeed: storage.",
                     must_mention=["sequence"], must_not=[], axes=axes)


# --- C3 -------------------------------------------------------------------------------------------------------
# Source: PostgREST docs "Schema Cache" (reload by `NOTIFY pgrst, 'reload schema'` or SIGUSR1) and error table
# (PGRST202 function, PGRST204 column, PGRST205 table "in the schema cache"); postgrest/exceptions.py `APIError`.
def _c3_object(rng: Random, table: str) -> tuple[str, int, dict[str, Any], str, str]:
    col = rng.choice(("summary_tokens", "provider_file_id", "archived_at", "model_family"))
    fn = rng.choice(("claim_upload_batch", "touch_conversation", "purge_expired_files"))
    new = rng.choice(("tool_call_costs", "provider_quota_snapshots", "session_leases"))
    kinds = [
        ("column", 400, {"code": "PGRST204", "details": None, "hint": None,
                         "message": f"Could not find the '{col}' column of '{table}' in the schema cache"},
         f"ALTER TABLE public.{table} ADD COLUMN {col}", f"client.table({table!r}).insert(row).execute()"),
        ("function", 404, {"code": "PGRST202", "hint": None, "message":
                           f"Could not find the function public.{fn}(p_limit, p_owner) in the schema cache",
                           "details": f"Searched for the function public.{fn} with parameters p_limit, p_owner or "
                                      "with a single unnamed json/jsonb parameter, but no matches were found in the "
                                      "schema cache."},
         f"CREATE FUNCTION public.{fn}(p_limit integer, p_owner uuid)",
         f"client.rpc({fn!r}, {{'p_limit': 50, 'p_owner': owner}}).execute()"),
        ("table", 404, {"code": "PGRST205", "details": None, "hint": None,
                        "message": f"Could not find the table 'public.{new}' in the schema cache"},
         f"CREATE TABLE public.{new}", f"client.table({new!r}).select('*').limit(1).execute()"),
    ]
    return rng.choice(kinds)


@klass("11", "c11-C3")
def c3(rng: Random, twin: bool) -> dict[str, Any]:
    """PostgREST answers from a stale schema cache after a migration that WAS applied (storage) vs the object was
    never migrated (code)."""
    proj = project_ref(rng)
    table = rng.choice(("conversations", "conversation_files", "tool_events"))
    kind, status, body, ddl, query = _c3_object(rng, table)
    path = rng.choice(("/app/src/storage/supabase_client.py", "/app/src/storage/conversations.py",
                       "/app/src/file_management/registry.py"))
    exc, line = postgrest_error(rng, proj, [Frame(path, "save", "self._call(row)"),
                                            Frame(path, "_call", "", {"row": {}, "owner": None})], query, status, body)
    logger = logger_of(path)
    err_t = rng.uniform(120, 300)
    records = noise(rng, rng.randint(2, 6), 0, err_t + 120, proj)
    stamp = f"{rng.randint(20, 180):04d}"  # a numbered migration (no date that could postdate the log)
    name = ddl.split()[-1] if kind != "function" else ddl.split()[2].split("(")[0]
    other_obj = rng.choice(("idx_tool_events_created", "conversations_owner_fk", "provider_usage_day"))
    mig_where = rng.choice(("long-before", "before"))
    mig_t = rng.uniform(1, 20) if mig_where == "long-before" else err_t - rng.uniform(20, 90)
    if twin:
        records.append(Record(mig_t, "INFO", "src.storage.migrations",
                              f"applied migration {stamp}_add_{other_obj}.sql ({other_obj})"))
    else:
        records.append(Record(mig_t, "INFO", "src.storage.migrations",
                              f"applied migration {stamp}_add_{name.split('.')[-1]}.sql: {ddl} ... ok"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    count = rng.randint(1, 4)
    t = err_t
    for i in range(count):
        records.append(Record(t - 0.2, "INFO", "httpx", line))
        records += carry(rng, exc, t, logger, f"[req:{req_id(rng)}] {kind} {name} unavailable",
                         carrier if i == 0 else "message")
        t += rng.uniform(5, 40)
    reload = rng.choice(("notify", "restart", "none"))
    if reload == "notify":
        records.append(Record(t, "INFO", "src.storage.migrations", "NOTIFY pgrst, 'reload schema' sent"))
    elif reload == "restart":
        records.append(service_line(t, "supabase-rest", "{pg_ts}: Schema cache loaded"))
    if reload != "none":
        ok = line.replace("400 Bad Request", "201 Created").replace("404 Not Found", "200 OK")
        records.append(Record(t + rng.uniform(2, 20), "INFO", "httpx", ok))
    axes = {"object": kind, "carrier": carrier, "reload": reload, "migration": mig_where}
    if twin:
        return make_case(rng, cls="c11-C3", kind="near-miss", records=records, category="code", severity="medium",
                         description=f"The {kind} our code calls was never created: no migration adds it (the only "
                                     "migration applied is another object): code.",
                         must_mention=[], must_not=["reload"], axes=axes)
    return make_case(rng, cls="c11-C3", kind="known", records=records, category="storage", severity="medium",
                     description=f"The migration adding the {kind} was applied, but PostgREST still answers from its "
                                 "stale schema cache until it is reloaded: storage.",
                     must_mention=["schema cache"], must_not=[], axes=axes)


# --- C4 -------------------------------------------------------------------------------------------------------
# Source: Redis docs "Key eviction" (maxmemory, maxmemory-policy, INFO stats evicted_keys); redis/lock.py
# `Lock.do_release` / `do_extend` (LockNotOwnedError when the Lua script finds another or no token);
# Lib/json/__init__.py `loads` (a cached value read back as None).
class _Server:
    """redis-py's client surface a Lock needs; the Lua scripts answer as the server does for a vanished key (0)."""

    def register_script(self, script: str) -> Any:
        return lambda keys=(), args=(), client=None: 0


def _c4_symptom(rng: Random, path: str, key: str, symptom: str) -> BaseException:
    import json

    if symptom in ("release", "extend"):
        lock = redis.lock.Lock(_Server(), key, timeout=300)
        lock.local.token = f"{rng.getrandbits(128):032x}".encode()
        stmt = "lock.release()" if symptom == "release" else "lock.extend(60)"
        exc, _ = raise_through([Frame(path, "run_job", "self._finish(job)"),
                                Frame(path, "_finish", stmt, {"lock": lock})], rng, ("none", "from"))
        return exc
    exc, _ = raise_through([Frame(path, "load_session", "state = self._decode(raw)"),
                            Frame(path, "_decode", "return json.loads(raw)", {"json": json, "raw": None})], rng,
                           ("none", "from"))
    return exc


@klass("11", "c11-C4")
def c4(rng: Random, twin: bool) -> dict[str, Any]:
    """Keys we wrote vanish before their TTL under the cache's memory policy (storage) vs our TTL shorter than
    the key's use with no eviction (code)."""
    alt = Random(rng.getrandbits(64))
    symptom = rng.choice(("release", "extend", "read"))
    path = rng.choice(("/app/src/cache/redis_lock.py", "/app/src/daemon/job_runner.py", "/app/src/cache/sessions.py"))
    key = rng.choice(("lock:upload-batch", "lock:conversation-sync", "lock:alert-digest")) if symptom != "read" else \
        rng.choice(("session:ws:", "conv:state:", "semcache:entry:")) + f"{rng.getrandbits(32):08x}"
    exc = _c4_symptom(rng, path, key, symptom)
    proj, rid = project_ref(rng), req_id(rng)
    ttl, hold = rng.choice((300, 600, 900)), rng.uniform(20, 90)
    short = rng.choice((5, 10, 15))
    err_t = rng.uniform(100, 200)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 60, proj)
    logger = logger_of(path)
    verb = "set" if symptom == "read" else "acquired"
    records.append(Record(err_t - hold, "DEBUG", logger,
                          f"[req:{rid}] {verb} {key} ex={short if twin else ttl}s"))
    maxmem = rng.choice((256, 512, 1024))
    policy = rng.choice(("allkeys-lru", "allkeys-lfu", "volatile-lru"))
    evicted0 = rng.randint(0, 5000)
    where = rng.choice(("before", "after", "both"))
    for k, at in enumerate((err_t - rng.uniform(5, 60), err_t + rng.uniform(5, 60))):
        if (where == "before" and k) or (where == "after" and not k):
            continue
        used = maxmem * (alt.uniform(0.999, 1.0) if not twin else alt.uniform(0.2, 0.5))
        evicted = evicted0 + (alt.randint(2000, 90000) * (k + 1) if not twin else 0)
        records.append(Record(at, "INFO", "src.monitoring.redis_stats",
                              f"[METRICS] redis used_memory={used:.1f}M maxmemory={maxmem}M "
                              f"maxmemory_policy={policy} evicted_keys={evicted if not twin else 0} "
                              f"expired_keys={rng.randint(100, 9000)}"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block", "excepthook"))
    records += carry(rng, exc, err_t, logger, f"[req:{rid}] {key} gone after {hold:.0f}s", carrier)
    axes = {"symptom": symptom, "carrier": carrier, "stats": where, "policy": policy}
    if twin:
        return make_case(rng, cls="c11-C4", kind="near-miss", records=records, category="code", severity="medium",
                         description="The key expired by its own TTL, which our set call made shorter than the key's "
                                     "use; the cache evicted nothing: code.",
                         must_mention=["TTL"], must_not=["eviction"], axes=axes)
    return make_case(rng, cls="c11-C4", kind="known", records=records, category="storage", severity="medium",
                     description="The cache at its maxmemory evicts keys under its policy: our key vanished long before "
                                 "its TTL (evicted_keys rising): storage.",
                     must_mention=["evict"], must_not=[], axes=axes)

