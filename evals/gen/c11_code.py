"""CLASSES11 G1, G2, G3, G6, G7, G9, G10: the gateway's code is wrong (evals/CLASSES11.md section G).

Real raise sites: jsonschema `check_schema` (SchemaError), `datetime.fromtimestamp` (year out of range),
prometheus_client `Counter.inc` / `labels` and its multi-process `MmapedDict` (values.py), PyJWT's `iat` check
(ImmatureSignatureError), `select.select` on a descriptor >= FD_SETSIZE, `struct.pack` ranges, the kernel's
EMFILE under a lowered RLIMIT_NOFILE, psycopg's client-side query conversion (`_queries.PostgresQuery`), and
pydantic's strict models (extra forbidden, closed Literal).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import select
import socket
import struct
import time
from random import Random
from typing import Any, Literal

import jsonschema  # type: ignore[import-untyped]
import jwt
import prometheus_client
import pydantic
from prometheus_client import values as prom_values
from psycopg._queries import PostgresQuery
from psycopg.adapt import Transformer

from evals.gen.c11_common import logger_of, pg_exc, pg_frames, pick_carrier, raise_through
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame
from evals.gen.registry import klass
from evals.gen.render import Record

# --- G1 -------------------------------------------------------------------------------------------------------
# Source: jsonschema/validators.py `check_schema` (the metaschema of the draft), jsonschema/exceptions.py.
_G1_SCHEMAS = (
    ("type", {"type": "object", "properties": {"path": {"type": "str"}}}),
    ("required", {"type": "object", "properties": {"path": {"type": "string"}}, "required": "path"}),
    ("properties", {"type": "object", "properties": [{"path": {"type": "string"}}]}),
    ("minimum", {"type": "object", "properties": {"limit": {"type": "integer", "minimum": "1"}}}),
    ("enum", {"type": "object", "properties": {"mode": {"enum": "fast"}}}),
)


@klass("11", "c11-G1")
def g1(rng: Random, twin: bool) -> dict[str, Any]:
    """A schema is refused by the validator's metaschema: a tool definition we author (code) vs a schema the user
    sent in the request (unknown)."""
    alt = Random(rng.getrandbits(64))
    defect, schema = rng.choice(_G1_SCHEMAS)
    draft = rng.choice((jsonschema.Draft202012Validator, jsonschema.Draft7Validator))
    tool = rng.choice(("read_file", "smart_file_query", "structured_extract", "web_search"))
    path = rng.choice(("/app/src/tools/registry.py", "/app/src/daemon/tool_loader.py", "/app/tools/schemas.py"))
    exc, wrap = raise_through([Frame(path, "register", "self._validate(tool, schema)"),
                               Frame(path, "_validate", "validator.check_schema(schema)",
                                     {"validator": draft, "schema": schema})], rng)
    err_t = rng.uniform(1, 60)
    records = noise(rng, rng.randint(1, 4), 0, err_t + 30, project_ref(rng))
    rid = req_id(rng)
    if twin:
        records.append(Record(err_t - alt.uniform(0.1, 2), "INFO", "ws_daemon",
                              f"[req:{rid}] tool call {tool} args={{'output_schema': {schema!r}}} (schema from the "
                              "user's request)"))
    else:
        records.append(Record(err_t - alt.uniform(0.1, 2), "INFO", logger_of(path),
                              f"registering tool {tool} (input schema from {path.removeprefix('/app/')})"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{rid}] invalid schema for {tool}", carrier)
    axes = {"defect": defect, "draft": draft.__name__, "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-G1", kind="near-miss", records=records, category="unknown", severity="low",
                         description="The invalid schema is the user's own, sent in the request: unknown.",
                         must_mention=[], must_not=["our tool definition"], axes=axes)
    return make_case(rng, cls="c11-G1", kind="known", records=records, category="code", severity="medium",
                     description=f"The input schema of our own tool {tool} is not a valid JSON Schema: code.",
                     must_mention=[tool], must_not=[], axes=axes)


# --- G2 -------------------------------------------------------------------------------------------------------
# Source: Lib/datetime.py `fromtimestamp` (ValueError "year ... is out of range"), research §1.1-1.3 (metrics.jsonl
# events, their `ts` written by our writer).
@klass("11", "c11-G2")
def g2(rng: Random, twin: bool) -> dict[str, Any]:
    """A timestamp in milliseconds read as seconds: written by our own component (code) vs from a setting whose
    unit is wrong (config)."""
    scale = rng.choice((1000, 1_000_000))
    value = (1_763_000_000 + rng.randint(0, 5_000_000)) * scale
    path = rng.choice(("/app/src/monitoring/jsonl_reader.py", "/app/src/retention/cleanup.py",
                       "/app/tools/usage_report.py"))
    exc, wrap = raise_through([Frame(path, "window", "since = self._to_dt(raw)"),
                               Frame(path, "_to_dt", "return datetime.fromtimestamp(raw, tz=timezone.utc)",
                                     {"datetime": dt.datetime, "timezone": dt.timezone, "raw": value})], rng)
    err_t = rng.uniform(5, 120)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    unit = "ms" if scale == 1000 else "us"
    setting = rng.choice(("RETENTION_SINCE_EPOCH", "ALERT_WINDOW_START", "REPORT_FROM_TS"))
    if twin:
        records.append(Record(0.3, "INFO", "src.core.env_config", f"settings: {setting}={value}"))
    else:
        records.append(Record(err_t - 2, "DEBUG", "utils.observability",
                              f'appended metrics.jsonl event {{"event": "tool_call", "ts": {value}}} (ts in {unit})'))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), "cannot compute the report window", carrier)
    axes = {"unit": unit, "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-G2", kind="near-miss", records=records, category="config", severity="medium",
                         description=f"The timestamp comes from the setting {setting}, written in {unit} where seconds "
                                     "are expected: config.", must_mention=[setting], must_not=[], axes=axes)
    return make_case(rng, cls="c11-G2", kind="known", records=records, category="code", severity="medium",
                     description=f"Our writer stores ts in {unit}; our reader takes it as seconds: code.",
                     must_mention=[unit], must_not=[], axes=axes)


# --- G3 -------------------------------------------------------------------------------------------------------
# Source: Lib/time.py docs (monotonic vs time), PEP 418, prometheus_client/metrics.py `Counter.inc` (refuses
# negative amounts), jwt/api_jwt.py `_validate_iat` (ImmatureSignatureError: the twin's clock that stays wrong).
@klass("11", "c11-G3")
def g3(rng: Random, twin: bool) -> dict[str, Any]:
    """A negative duration from the wall clock across a clock step (code) vs a host clock that stays wrong and
    refuses tokens (config)."""
    alt = Random(rng.getrandbits(64))
    step = rng.randint(2, 90)
    path = rng.choice(("/app/src/monitoring/metrics.py", "/app/src/daemon/middleware/timing.py"))
    counter = prometheus_client.Counter(rng.choice(("tool_seconds_total", "provider_wait_seconds_total")), "d",
                                        registry=None)
    exc, wrap = raise_through([Frame(path, "finish", "self._account(started)"),
                               Frame(path, "_account", "counter.inc(time.time() - started)",
                                     {"counter": counter, "time": time, "started": time.time() + step})], rng)
    err_t = rng.uniform(60, 200)
    records = noise(rng, rng.randint(2, 4), 0, err_t - 10, project_ref(rng))
    if twin:
        secret = "s" * 40
        token = jwt.encode({"sub": "svc", "iat": int(time.time()) + 3600 * alt.randint(1, 9)}, secret, "HS256")
        exc, _ = raise_through([Frame(path, "finish", "self._account(started)"),
                                Frame(path, "_account", "claims = jwt.decode(token, secret, algorithms=['HS256'])",
                                      {"jwt": jwt, "token": token, "secret": secret})], alt, (wrap,))
        records.append(Record(0.5, "WARNING", "src.daemon.ws_server",
                              "host clock differs from the NTP reference by -3h (chronyd not running)"))
    else:
        records.append(Record(err_t - 1.0, "", "", "{syslog_ts} gw-host-" + f"{alt.randint(1, 9)} chronyd[412]: System clock wrong by -{step}.{alt.randint(100, 999)} "
                                                   "seconds, adjustment started", service="host"))
        records.append(Record(err_t - 0.5, "INFO", "src.daemon.ws_server",
                              f"[req:{req_id(alt)}] tool call chat completed in -{alt.uniform(0.5, step):.2f}s"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), "cannot record the call duration", carrier)
    axes = {"carrier": carrier, "wrap": wrap, "metric": counter._name}
    if twin:
        return make_case(rng, cls="c11-G3", kind="near-miss", records=records, category="config", severity="medium",
                         description="The host clock is wrong and stays wrong: tokens are refused as not yet valid: "
                                     "config (the host's time sync).", must_mention=["clock"], must_not=["monotonic"],
                         axes=axes, deciding="error")
    return make_case(rng, cls="c11-G3", kind="known", records=records, category="code", severity="medium",
                     description="Our duration is computed from the wall clock and went negative across a clock step: "
                                 "monotonic time is meant: code.", must_mention=["monotonic"], must_not=[], axes=axes)


# --- G6 -------------------------------------------------------------------------------------------------------
# Source: select docs (FD_SETSIZE), Lib/selectors.py, struct docs (format ranges); the twin's EMFILE is the
# kernel's answer under a real (lowered) RLIMIT_NOFILE.
def _select_high_fd(rng: Random, path: str) -> BaseException:
    s = socket.socket()
    high = rng.randint(1024, 4000)
    os.dup2(s.fileno(), high)
    try:
        exc, _ = raise_through([Frame(path, "poll", "ready = self._wait(fds)"),
                                Frame(path, "_wait", "r, _, _ = select.select(fds, [], [], 0)",
                                      {"select": select, "fds": [high]})], rng, ("none", "from"))
    finally:
        os.close(high)
        s.close()
    return exc


def _struct_range(rng: Random, path: str) -> BaseException:
    fmt, value = rng.choice((("!H", 70000 + rng.randint(0, 9999)), ("<i", 2**31 + rng.randint(0, 99999))))
    exc, _ = raise_through([Frame(path, "frame", "header = self._pack(length)"),
                            Frame(path, "_pack", "return struct.pack(fmt, length)",
                                  {"struct": struct, "fmt": fmt, "length": value})], rng, ("none", "from"))
    return exc


def _emfile(rng: Random, path: str) -> BaseException:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    opened: list[int] = []
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
    try:
        while True:
            try:
                opened.append(os.open("/dev/null", os.O_RDONLY))
            except OSError:
                break
        exc, _ = raise_through([Frame(path, "poll", "ready = self._wait(fds)"),
                                Frame(path, "_wait", "sock = socket.socket()", {"socket": socket})], rng,
                               ("none", "from"))
    finally:
        for fd in opened:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return exc


@klass("11", "c11-G6")
def g6(rng: Random, twin: bool) -> dict[str, Any]:
    """A standard-library API bounded below the process's legitimate scale (code) vs the real descriptor limit
    reached (capacity)."""
    alt = Random(rng.getrandbits(64))
    api = rng.choice(("select", "struct"))
    path = rng.choice(("/app/src/daemon/poller.py", "/app/src/relay/frames.py", "/app/scripts/ws/shim.py"))
    exc = _select_high_fd(rng, path) if api == "select" else _struct_range(rng, path)
    if twin:  # after the case's chain (same file), so the printed source is the twin's
        exc = _emfile(alt, path)
    err_t = rng.uniform(60, 200)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    limit = rng.choice((65536, 1048576))
    fds = rng.randint(1100, 4000)
    records.append(Record(err_t - rng.uniform(1, 30), "INFO", "src.monitoring.metrics",
                          f"[METRICS] process_open_fds={1024 if twin else fds} process_max_fds={1024 if twin else limit}"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] relay failed", carrier)
    axes = {"api": api, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c11-G6", kind="near-miss", records=records, category="capacity", severity="high",
                         description="The process reached its real descriptor limit (open fds at the maximum): "
                                     "capacity.", must_mention=["descriptor"], must_not=["select"], axes=axes,
                         deciding="error")
    return make_case(rng, cls="c11-G6", kind="known", records=records, category="code", severity="medium",
                     description=f"{api} has a hard bound below the process's legitimate scale while the real limit is "
                                 "far away: code (a scalable API is meant).", must_mention=[api], must_not=[],
                     axes=axes)


# --- G7 -------------------------------------------------------------------------------------------------------
# Source: psycopg docs "Server-side binding" / "Passing parameters to SQL queries", psycopg/_queries.py
# (`PostgresQuery.convert`: only %s %b %t placeholders), PostgreSQL errcodes 42601 (syntax error at $1 in a
# utility statement; "cannot insert multiple commands into a prepared statement"), 42703 (the twin's schema error).
def _g7_error(rng: Random, path: str, shape: str, table: str, col: str) -> BaseException:
    if shape == "percent":
        query = f"SELECT id FROM {table} WHERE name LIKE 'tmp%' AND owner = %s".encode()
        exc, _ = raise_through([Frame(path, "purge", "await self._run(owner)", is_async=True),
                                Frame(path, "_run", "pq.convert(query, (owner,))",
                                      {"pq": PostgresQuery(Transformer()), "query": query, "owner": "u1"},
                                      is_async=True)], rng, ("none", "from"))
        return exc
    server = {"utility": pg_exc("42601", 'syntax error at or near "$1"'),
              "multi": pg_exc("42601", "cannot insert multiple commands into a prepared statement"),
              "ident": pg_exc("42601", 'syntax error at or near "$1"'),
              "schema": pg_exc("42703", f'column "{col}" does not exist')}[shape]
    const = {"utility": "SET_TIMEOUT", "multi": "PURGE_EXPIRED", "ident": "COUNT_TABLE", "schema": "LOAD_ROW"}[shape]
    exc, _ = raise_through(pg_frames(path, "apply", const, server), rng,
                           ("none", "from"))
    return exc


@klass("11", "c11-G7")
def g7(rng: Random, twin: bool) -> dict[str, Any]:
    """A statement shape the driver's protocol does not accept (code: our call's form) vs the twin: the server
    rejects the SQL for the schema (code, another fix: the words differ)."""
    alt = Random(rng.getrandbits(64))
    shape = rng.choice(("utility", "multi", "ident", "percent"))
    table = rng.choice(("tool_events", "conversations", "provider_file_uploads"))
    col = rng.choice(("archived_at", "model_family", "tokens_in"))
    path = rng.choice(("/app/src/storage/pg.py", "/app/src/retention/cleanup.py", "/app/src/storage/audit.py"))
    exc = _g7_error(rng, path, shape, table, col)
    if twin:
        exc = _g7_error(alt, path, "schema", table, col)
    err_t = rng.uniform(5, 120)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    sql = {"utility": "SET statement_timeout = %s", "multi": f"BEGIN; DELETE FROM {table} WHERE id = %s; COMMIT",
           "ident": "SELECT count(*) FROM %s", "percent": f"SELECT id FROM {table} WHERE name LIKE 'tmp%' AND owner = %s"}
    shown = f"SELECT {col} FROM {table} WHERE id = %s" if twin else sql[shape]
    records.append(Record(err_t - 0.01, "DEBUG", "src.storage.pg", f"execute: {shown} params=(...)"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] statement failed", carrier)
    axes = {"shape": shape, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c11-G7", kind="near-miss", records=records, category="code", severity="medium",
                         description=f"The server rejects the SQL for the schema: column {col} does not exist (not the "
                                     "parameter protocol): code, the query or the migration.", must_mention=[col],
                         must_not=["placeholder", "server-side binding"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-G7", kind="known", records=records, category="code", severity="medium",
                     description="Our statement's shape is not accepted by the driver's parameter protocol (a "
                                 "parameter in a utility statement, several statements, a placeholder as an "
                                 "identifier, a literal percent): code.", must_mention=["parameter"],
                     must_not=[f'column "{col}"'], axes=axes)


# --- G9 -------------------------------------------------------------------------------------------------------
# Source: prometheus_client/metrics.py (`labels`: "Incorrect label names", `_raise_if_not_observable`: "missing
# label values"), prometheus_client/values.py `MultiProcessValue` (MmapedDict under PROMETHEUS_MULTIPROC_DIR).
def _g9_case(rng: Random, path: str) -> BaseException:
    name = rng.choice(("tool_calls", "provider_latency_seconds", "upload_bytes"))
    hist = prometheus_client.Histogram(name, "d", ["provider", "tool"], registry=None)
    stmt = rng.choice(("metric.labels(model=model).observe(elapsed)", "metric.observe(elapsed)",
                       "metric.labels(provider).observe(elapsed)"))
    exc, _ = raise_through([Frame(path, "record", "self._observe(elapsed)"),
                            Frame(path, "_observe", stmt, {"metric": hist, "model": "k2", "provider": "kimi",
                                                           "elapsed": 1.0})], rng, ("none", "from"))
    return exc


def _g9_twin(rng: Random, path: str, directory: str) -> BaseException:
    value_cls = prom_values.MultiProcessValue(process_identifier=lambda: 41)  # type: ignore[no-untyped-call]
    saved = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    try:
        exc, _ = raise_through([Frame(path, "record", "self._observe(elapsed)"),
                                Frame(path, "_observe", "value = value_cls('histogram', name, name, (), (), 'd')",
                                      {"value_cls": value_cls, "name": "tool_calls"})], rng, ("none", "from"))
    finally:
        if saved is None:
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        else:
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = saved
    return exc


@klass("11", "c11-G9")
def g9(rng: Random, twin: bool) -> dict[str, Any]:
    """A metrics library's call contract broken by our instrumentation (code) vs the multi-process directory set
    by the deployment to a path that does not exist (config)."""
    alt = Random(rng.getrandbits(64))
    path = rng.choice(("/app/src/monitoring/metrics.py", "/app/src/daemon/middleware/metrics.py"))
    directory = rng.choice(("/tmp/prometheus_multiproc", "/run/prom", "/var/lib/exai/metrics"))
    exc = _g9_case(rng, path)
    if twin:
        exc = _g9_twin(alt, path, directory)
    err_t = rng.uniform(5, 120)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    records.append(Record(0.3, "INFO", "src.core.env_config",
                          f"PROMETHEUS_MULTIPROC_DIR={directory}" + (" (directory missing)" if twin else " (exists)")))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] metrics update failed", carrier)
    axes = {"carrier": carrier, "dir": directory}
    if twin:
        return make_case(rng, cls="c11-G9", kind="near-miss", records=records, category="config", severity="medium",
                         description="PROMETHEUS_MULTIPROC_DIR names a directory that does not exist: config.",
                         must_mention=["PROMETHEUS_MULTIPROC_DIR"], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="c11-G9", kind="known", records=records, category="code", severity="low",
                     description="Our instrumentation call breaks the metric's label contract: code.",
                     must_mention=["label"], must_not=["PROMETHEUS_MULTIPROC_DIR"], axes=axes)


# --- G10 ------------------------------------------------------------------------------------------------------
# Source: pydantic/config.py (`extra='forbid'`), Literal validation; openai/_models.py (the SDK's own models allow
# extra fields); provider changelogs (new finish reasons, usage sub-fields, reasoning fields).
class Choice(pydantic.BaseModel):
    """Our strict reply model of one choice (closed finish reasons, extra fields forbidden)."""

    model_config = pydantic.ConfigDict(extra="forbid")
    index: int
    finish_reason: Literal["stop", "length", "tool_calls"]
    message: dict[str, Any]


@klass("11", "c11-G10")
def g10(rng: Random, twin: bool) -> dict[str, Any]:
    """Our strict reply model refuses a documented addition of the provider (code) vs the provider breaking its
    documented type (provider)."""
    addition = rng.choice((("finish_reason", "content_filter"), ("finish_reason", "insufficient_system_resource"),
                           ("extra", "reasoning_content"), ("extra", "logprobs_summary")))
    reply: dict[str, Any] = {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}
    if twin:
        reply["finish_reason"] = None
    elif addition[0] == "finish_reason":
        reply["finish_reason"] = addition[1]
    else:
        reply[addition[1]] = "..."
    provider = rng.choice(("kimi", "glm"))
    path = f"/app/src/providers/{provider}_reply.py"
    exc, wrap = raise_through([Frame(path, "parse", "return [self._choice(c) for c in body['choices']][0]",
                                     {"body": {"choices": [reply]}}),
                               Frame(path, "_choice", "return Choice.model_validate(raw)",
                                     {"Choice": Choice, "raw": reply})], rng)
    err_t = rng.uniform(30, 200)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    for _ in range(rng.randint(1, 3)):
        records.append(Record(rng.uniform(err_t - 25, err_t - 1), "ERROR", logger_of(path),
                              f"[req:{req_id(rng)}] cannot parse {provider} reply: ValidationError"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] cannot parse {provider} reply", carrier)
    axes = {"addition": addition[1], "carrier": carrier, "wrap": wrap, "provider": provider}
    if twin:
        return make_case(rng, cls="c11-G10", kind="near-miss", records=records, category="provider", severity="medium",
                         description="The provider sent null where its documented type is a string: provider.",
                         must_mention=[], must_not=["extra"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-G10", kind="known", records=records, category="code", severity="medium",
                     description=f"The provider added {addition[1]} (an extensible field/value of its API); our "
                                 "strict reply model refuses it on every reply carrying it: code.",
                     must_mention=[addition[1]], must_not=[], axes=axes)
