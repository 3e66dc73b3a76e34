"""CLASSES11 E1-E4: races between writers, readers and consumers (evals/CLASSES11.md section E).

Errors: psycopg's own classes for the server's lock refusals (errcodes 55P03 lock_not_available: "could not obtain
lock on row in relation", from `heapam.c` with NOWAIT), redis-py's real `Lock.acquire(blocking=False)` answering
False, `json.loads` on a torn JSONL line (Lib/json/decoder.py), httpx's real `Response.raise_for_status` on a 412
(RFC 9110 §13.1.1 If-Match), postgrest-py's real APIError for `.single()` on zero rows (PGRST116).
The deciding record is another request's or worker's (J2: the id links it, not adjacency) or comes AFTER (J1).
"""

from __future__ import annotations

import json
from random import Random
from typing import Any

import httpx

from evals.gen.c10_storage import postgrest_error
from evals.gen.c11_common import logger_of, pg_exc, pg_frames, pick_carrier, raise_through, service_line
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame
from evals.gen.registry import klass
from evals.gen.render import Record


# --- E1 -------------------------------------------------------------------------------------------------------
def claim_lost(path: str) -> type[Exception]:
    """Our worker's own error when a try-lock answers False, defined in the worker's module."""
    return type("ClaimLost", (Exception,), {"__module__": logger_of(path)})



# Source: PostgreSQL `SELECT ... FOR UPDATE NOWAIT` docs, errcodes 55P03; advisory locks (`pg_try_advisory_lock`);
# redis/lock.py `acquire(blocking=False)`.
@klass("11", "c11-E1")
def e1(rng: Random, twin: bool) -> dict[str, Any]:
    """Two consumers claim the same job: the other worker's claim of the same item within milliseconds (concurrency)
    vs one holder idle in transaction for minutes blocking every claim (code)."""
    alt = Random(rng.getrandbits(64))
    table = rng.choice(("upload_jobs", "alert_outbox", "file_cleanup_queue", "embedding_jobs"))
    job = rng.randint(1000, 99999)
    path = rng.choice(("/app/src/workers/job_runner.py", "/app/src/file_management/cleanup_worker.py",
                       "/app/src/alerts/outbox.py"))
    claim = rng.choice(("row", "row", "advisory"))
    sql = "CLAIM_NEXT_JOB" if claim == "row" else "TRY_ADVISORY_LOCK"
    if claim == "row":
        server = pg_exc("55P03", f'could not obtain lock on row in relation "{table}"')
        exc, wrap = raise_through(pg_frames(path, "run_once", sql, server), rng)
    else:
        exc, wrap = raise_through([Frame(path, "run_once", "job = self._claim(job_id)"),
                                   Frame(path, "_claim", "raise ClaimLost(f'job {job_id} already claimed')",
                                         {"ClaimLost": claim_lost(path), "job_id": job})], rng, ("none", "group"))
    logger = logger_of(path)
    err_t = rng.uniform(100, 300)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 30, project_ref(rng))
    me, other = rng.sample(("worker-1", "worker-2", "exai-mcp-daemon-1", "exai-mcp-daemon-2"), 2)
    if twin:
        pid = alt.randint(100, 9999)
        age = alt.randint(6, 40)
        records.append(Record(err_t - alt.uniform(1, 30), "WARNING", "src.monitoring.db_health",
                              f"blocking session pid={pid} state='idle in transaction' xact_age={age}m{alt.randint(0, 59)}s "
                              f"query='{sql.lower()}' holds locks on {table}"))
        records.append(Record(err_t - 900, "INFO", logger, f"{me} started (pid {alt.randint(7, 400)})"))
    else:
        start = err_t - alt.uniform(20, 200)
        records.append(Record(start, "INFO", logger, f"{other} started (pid {alt.randint(7, 400)}), polling {table}"))
        where = alt.choice(("before", "after"))
        at = err_t + (-1 if where == "before" else 1) * alt.uniform(0.002, 0.05)
        records.append(Record(at, "INFO", logger, f"[{other}] claimed {table} id={job}"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger, f"[{me}] claim of {table} id={job} failed", carrier)
    axes = {"claim": claim, "carrier": carrier, "wrap": wrap, "table": table}
    if twin:
        return make_case(rng, cls="c11-E1", kind="near-miss", records=records, category="code", severity="high",
                         description="One session holds the lock idle in transaction for minutes (a transaction our "
                                     "code never ends): code.", must_mention=["idle in transaction"],
                         must_not=["second worker"], axes=axes)
    return make_case(rng, cls="c11-E1", kind="known", records=records, category="concurrency", severity="medium",
                     description="Two consumers took the same job: the other worker's claim of the same id within "
                                 "milliseconds, since a second consumer started: concurrency.",
                     must_mention=[], must_not=["idle in transaction"], axes=axes)


# --- E2 -------------------------------------------------------------------------------------------------------
# Source: Lib/io.py DEFAULT_BUFFER_SIZE (8192) and BufferedWriter, POSIX write(2) O_APPEND, pipe(7) PIPE_BUF,
# research §1.3 (toolcalls.jsonl / metrics.jsonl written by every worker); Lib/json/decoder.py errors.
def _torn_line(rng: Random, cut: int, foreign: bool) -> str:
    record = {"ts": "2026-11-20T03:12:40", "tool": "chat", "request_id": f"{rng.getrandbits(32):08x}",
              "args": {"prompt": "x" * (cut + 200)}, "duration_s": 1.2}
    text = json.dumps(record)
    other = json.dumps({"ts": "2026-11-20T03:12:40", "tool": "analyze", "request_id": f"{rng.getrandbits(32):08x}"})
    return text[:cut] + (other if foreign else "")


@klass("11", "c11-E2")
def e2(rng: Random, twin: bool) -> dict[str, Any]:
    """A JSONL reader meets a torn record: two writers interleave at the buffer size (concurrency) vs one writer
    killed mid-write, the cut being the file's last line before a restart (capacity: the kill's cause)."""
    alt = Random(rng.getrandbits(64))
    fname = rng.choice(("toolcalls.jsonl", "metrics.jsonl", "audit.jsonl"))
    cut = 8192 * rng.randint(1, 3) - rng.randint(40, 300)
    line = _torn_line(rng, cut, not twin)
    reader = rng.choice(("/app/src/monitoring/jsonl_reader.py", "/app/tools/usage_report.py",
                         "/app/src/monitoring/dashboard_feed.py"))
    lineno = rng.randint(200, 9000)
    exc, wrap = raise_through([Frame(reader, "tail", "event = self._parse(raw)"),
                               Frame(reader, "_parse", "return json.loads(raw)", {"json": json, "raw": line})], rng)
    err_t = rng.uniform(200, 400)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 30, project_ref(rng))
    if twin:
        records.append(Record(err_t - alt.uniform(60, 200), "INFO", "src.daemon.ws_server",
                              f"worker started (pid {alt.randint(7, 99)}), appending /app/logs/{fname}"))
        kill = err_t - alt.uniform(5, 40)
        records.append(service_line(kill, "docker", "container exai-mcp-daemon died: exitCode=137 OOMKilled=true"))
        records.append(Record(kill + alt.uniform(3, 8), "INFO", "src.daemon.ws_server",
                              f"daemon restarted; resuming /app/logs/{fname} at its last line"))
    else:
        for i in range(2):
            records.append(Record(err_t - alt.uniform(60, 200), "INFO", "src.daemon.ws_server",
                                  f"worker {i + 1} started (pid {alt.randint(7, 99)}), appending /app/logs/{fname}"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    where = "last line" if twin else f"line {lineno}"
    records += carry(rng, exc, err_t, logger_of(reader),
                     f"cannot parse /app/logs/{fname} {where} (record cut at byte {cut})", carrier)
    axes = {"file": fname, "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-E2", kind="near-miss", records=records, category="capacity", severity="medium",
                         description="One writer was killed for memory mid-write: the torn record is the file's last "
                                     "line, a restart follows: capacity (the kill).", must_mention=["OOM"],
                         must_not=["interleav"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-E2", kind="known", records=records, category="concurrency", severity="medium",
                     description=f"Two workers append to {fname} through buffered writers: a record is cut near a "
                                 "buffer-size multiple and another writer's record follows in the same line: "
                                 "concurrency.", must_mention=["writer"], must_not=[], axes=axes)


# --- E3 -------------------------------------------------------------------------------------------------------
# Source: RFC 9110 §13.1.1 (If-Match, 412 Precondition Failed), httpx/_models.py `Response.raise_for_status`.
@klass("11", "c11-E3")
def e3(rng: Random, twin: bool) -> dict[str, Any]:
    """A conditional write fails its precondition: another request wrote the object between our read and write
    (concurrency) vs our code sends a constant tag every time with no other writer (code)."""
    alt = Random(rng.getrandbits(64))
    svc = rng.choice((("https://{proj}.supabase.co/storage/v1/object/conversations/{obj}", "storage"),
                      ("http://config-service:8080/v1/documents/{obj}", "config-service"),
                      ("https://{proj}.supabase.co/rest/v1/conversations?id=eq.{obj}", "rest")))
    proj = project_ref(rng)
    obj = f"{rng.getrandbits(48):012x}"
    url = svc[0].format(proj=proj, obj=obj)
    resp = httpx.Response(412, request=httpx.Request("PUT", url), text="precondition failed")
    path = rng.choice(("/app/src/storage/conversations.py", "/app/src/file_management/metadata.py"))
    exc, wrap = raise_through([Frame(path, "save", "self._put(doc, etag)"),
                               Frame(path, "_put", "resp.raise_for_status()", {"resp": resp})], rng)
    logger = logger_of(path)
    err_t = rng.uniform(60, 200)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 30, proj)
    mine, theirs = req_id(rng), req_id(rng)
    tag = f'W/"{rng.getrandbits(32):08x}"'
    read_t = err_t - rng.uniform(0.5, 6)
    const = 'W/"1"'
    records.append(Record(read_t, "DEBUG", logger, f"[req:{mine}] read {obj} etag={const if twin else tag}"))
    if twin:
        for _ in range(alt.randint(2, 3)):
            records.append(Record(alt.uniform(1, read_t - 1), "WARNING", logger,
                                  f"[req:{req_id(alt)}] write {obj} If-Match: W/\"1\" -> 412"))
    else:
        records.append(Record(alt.uniform(read_t + 0.01, err_t - 0.01), "INFO", logger,
                              f"[req:{theirs}] wrote {obj} new etag=W/\"{alt.getrandbits(32):08x}\""))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger, f"[req:{mine}] update of {obj} rejected", carrier)
    axes = {"service": svc[1], "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-E3", kind="near-miss", records=records, category="code", severity="medium",
                         description="Our code sends the same constant entity tag on every write; no other writer "
                                     "touched the object: code.", must_mention=[], must_not=["another request"],
                         axes=axes)
    return make_case(rng, cls="c11-E3", kind="known", records=records, category="concurrency", severity="low",
                     description="Another request wrote the object between our read and our conditional write "
                                 f"(req {theirs}): concurrency.", must_mention=[theirs], must_not=[], axes=axes)


# --- E4 -------------------------------------------------------------------------------------------------------
# Source: PostgreSQL docs (transaction isolation: uncommitted rows invisible to other sessions), postgrest-py
# `.single()` (PGRST116 "JSON object requested, multiple (or no) rows returned"), psycopg_pool connections.
@klass("11", "c11-E4")
def e4(rng: Random, twin: bool) -> dict[str, Any]:
    """Our read finds nothing where we just wrote: the writer's commit lands AFTER the read and the retry succeeds
    (concurrency) vs every read, on every request, misses the uncommitted row (code)."""
    alt = Random(rng.getrandbits(64))
    proj = project_ref(rng)
    table = rng.choice(("conversations", "conversation_files", "tool_sessions"))
    rid = f"{rng.getrandbits(64):016x}"
    path = rng.choice(("/app/src/storage/conversations.py", "/app/src/daemon/session_store.py"))
    exc, line = postgrest_error(rng, proj, [Frame(path, "load", "row = self._get(key)"),
                                            Frame(path, "_get", "", {"key": rid})],
                                f"client.table({table!r}).select('*').eq('id', key).single().execute()", 406,
                                {"code": "PGRST116", "details": "The result contains 0 rows", "hint": None,
                                 "message": "JSON object requested, multiple (or no) rows returned"})
    logger = logger_of(path)
    err_t = rng.uniform(60, 200)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 30, proj)
    writer = req_id(rng)
    records.append(Record(err_t - rng.uniform(0.05, 0.5), "DEBUG", "src.storage.pg",
                          f"[req:{writer}] INSERT {table} id={rid} (pool conn #{rng.randint(1, 5)}, in transaction)"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    records.append(Record(err_t - 0.01, "INFO", "httpx", line))
    records += carry(rng, exc, err_t, logger, f"[req:{req_id(rng)}] {table} {rid} not found", carrier)
    if twin:
        for _ in range(alt.randint(2, 3)):
            t = alt.uniform(1, err_t - 2)
            records.append(Record(t, "ERROR", logger, f"[req:{req_id(alt)}] {table} {alt.getrandbits(64):016x} not "
                                                      "found: APIError: JSON object requested, multiple (or no) rows "
                                                      "returned"))
    else:
        records.append(Record(err_t + alt.uniform(0.02, 0.4), "DEBUG", "src.storage.pg",
                              f"[req:{writer}] COMMIT ({table} id={rid})"))
        records.append(Record(err_t + alt.uniform(0.5, 3), "INFO", "httpx", line.replace("406 Not Acceptable", "200 OK")))
    axes = {"table": table, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c11-E4", kind="near-miss", records=records, category="code", severity="medium",
                         description="Every read misses the row: our code reads through another connection while its "
                                     "own write stays uncommitted, on every request: code.", must_mention=[],
                         must_not=["replica lag"], axes=axes)
    return make_case(rng, cls="c11-E4", kind="known", records=records, category="concurrency", severity="low",
                     description="The read ran before the writer's commit on another connection (the COMMIT record "
                                 "comes after; the same read succeeds a moment later): concurrency.",
                     must_mention=["commit"], must_not=[], axes=axes)
