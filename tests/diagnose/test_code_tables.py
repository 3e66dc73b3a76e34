"""The documented code tables (diagnose/codes.py) and the libraries' fixed messages (classes.FIXED_MESSAGES).

Built from the owners' tables, tested against them: every SQLSTATE class psycopg defines, real errors
raised by a real PostgreSQL through psycopg, every PostgREST code group, every Z.ai business code and
Moonshot error type under the right and the wrong remote, and the messages CPython's asyncio produces
itself (run here, not copied) in several loggers' wordings.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from psycopg import errors as pg_errors

from sidecar.diagnose.codes import (
    GATEWAY_CODES,
    MOONSHOT_TYPES,
    PGRST_GROUPS,
    PGRST_MEANINGS,
    SQLSTATE_CLASSES,
    ZAI_MEANINGS,
    pgrst_entry,
    sqlstate_entry,
    zai_entry,
)
from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.rules import load_rules

RULES = load_rules("rules/diagnoses.yaml")
H = "2025-11-20 10:00:00 "
CATEGORIES = {"provider", "config", "code", "network", "storage", "capacity", "concurrency"}


def _text(d: Any) -> str:
    return " ".join([d.summary, d.root_cause, *d.suggested_fix])


def _diagnose(log: str) -> Any:
    return RULES.diagnose(excerpt_to_input(log))


# --- SQLSTATE --------------------------------------------------------------------------------------

def test_the_sqlstate_table_has_every_error_class_psycopg_defines() -> None:
    classes = {code[:2] for code in pg_errors._sqlcodes if len(code) == 5}  # psycopg's own table
    assert len(classes) > 40
    assert classes - {"00", "01", "02"} <= set(SQLSTATE_CLASSES)  # success, warning, no data are not errors
    for code, entry in SQLSTATE_CLASSES.items():
        assert entry[0] in CATEGORIES, code
        for template in (entry[2], entry[3], *entry[4]):
            template.format(who="x", code="x", meaning="x")  # no unknown field


@pytest.mark.parametrize("shape", ["postgrest", "psycopg", "sqlstate-word"])
def test_every_sqlstate_class_answers_with_its_class_and_names_the_code(shape: str) -> None:
    codes = sorted({c for c in pg_errors._sqlcodes if len(c) == 5 and c[:2] not in ("00", "01", "02")})
    for code in codes:
        cls = pg_errors.lookup(code).__name__
        log = {
            "postgrest": f"{H}ERROR src.storage.supabase_client: write failed: "
                         f"{{'message': 'x', 'code': '{code}', 'hint': None, 'details': None}}",
            "psycopg": f"{H}ERROR src.storage.db: query failed\nTraceback (most recent call last):\n"
                       f'  File "/app/src/storage/db.py", line 10, in run\n    await cur.execute(sql)\n'
                       f"psycopg.errors.{cls}: something",
            "sqlstate-word": f"{H}ERROR src.storage.db: query failed: SQLSTATE {code} something",
        }[shape]
        d = _diagnose(log)
        entry, _ = sqlstate_entry(code) or (None, False)
        assert entry is not None
        if d.rule.startswith("class:code."):
            assert d.rule == "class:code.sqlstate" and (d.category, d.severity) == entry[:2], (code, shape)
            assert code in d.summary, (code, d.summary)
        else:  # a gateway rule written for this very code (upsert 23505 / 21000) keeps its own text
            assert d.rule.startswith("supabase-") and d.category == entry[0], (code, d.rule)
        assert not re.search(r"Kimi|KIMI|GLM|Moonshot|\?", d.summary), (code, d.summary)


@contextmanager
def _logged(logger: str) -> Iterator[list[str]]:
    """Records of `logger` formatted as the gateway formats them (`%(asctime)s %(levelname)s %(name)s: %(message)s`)."""
    out: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            out.append(self.format(record))

    handler = Keep()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    log = logging.getLogger(logger)
    log.addHandler(handler)
    log.propagate = False
    try:
        yield out
    finally:
        log.removeHandler(handler)
        log.propagate = True


# (setup SQL, the failing SQL, the SQLSTATE PostgreSQL raises, the category of its documented meaning)
REAL_ERRORS = [
    ("", "SELECT 'c-91d2'::uuid", "22P02", "code"),
    ("", "SELECT 1/0", "22012", "code"),
    ("CREATE TABLE t (v varchar(3))", "INSERT INTO t VALUES ('toolong')", "22001", "storage"),
    # the table's constraints refusing a row: storage (round 6 doctrine table, evals/TAXONOMY.md)
    ("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1), (1)", "23505", "storage"),
    ("CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p int REFERENCES p(id))", "INSERT INTO c VALUES (7)",
     "23503", "storage"),
    ("CREATE TABLE t (id int NOT NULL)", "INSERT INTO t VALUES (NULL)", "23502", "storage"),
    ("CREATE TABLE t (p text CHECK (p IN ('kimi', 'glm')))", "INSERT INTO t VALUES ('openai')", "23514", "storage"),
    ("CREATE TABLE t (r int4range, EXCLUDE USING gist (r WITH &&)); INSERT INTO t VALUES ('[1,5)')",
     "INSERT INTO t VALUES ('[3,8)')", "23P01", "storage"),
    # what the database cannot store: a NUL in text, an index row over the B-tree's size limit
    ("", """SELECT ('{"a": "\\u0000"}'::jsonb) ->> 'a'""", "22P05", "storage"),
    ("CREATE TABLE t (v text); CREATE INDEX ON t (v)",
     "INSERT INTO t SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g", "54000", "storage"),
    # a limit a server setting names: config, not the disk
    ("SET work_mem = '64kB'; SET temp_file_limit = '64kB'",
     "SELECT g FROM generate_series(1, 200000) g ORDER BY g DESC", "53400", "config"),
    ("", "SELECT * FROM provider_file_uploads", "42P01", "code"),
    ("CREATE TABLE t (id int)", "SELECT upload_method FROM t", "42703", "code"),
    ("", "SELEC 1", "42601", "code"),
    ("", "SELECT no_such_function(1)", "42883", "code"),
    ("SET statement_timeout = '50ms'", "SELECT pg_sleep(2)", "57014", "storage"),
    # 58P01/0A000 by message (round 12): an extension's files missing from the server's installation is config; any
    # other file the server cannot find stays class 58 (storage)
    ("", "CREATE EXTENSION no_such_ext_b17", "0A000", "config"),  # extension.c: the control file is missing
    ("", "CREATE FUNCTION b17_f() RETURNS int AS '$libdir/no_such_lib_b17', 'f' LANGUAGE C", "58P01", "config"),
    ("", "SELECT pg_read_file('/no/such/dir/b17.txt')", "58P01", "storage"),
    ("CREATE TABLE t (id int, v int); INSERT INTO t VALUES (1, 1)",
     "INSERT INTO t SELECT id, v FROM t ON CONFLICT (id) DO NOTHING", "42P10", "code"),
]


@pytest.mark.parametrize(("setup", "sql", "sqlstate", "category"), REAL_ERRORS, ids=[e[2] for e in REAL_ERRORS])
def test_real_postgres_errors_raised_through_psycopg(pg_dsn: str, setup: str, sql: str, sqlstate: str,
                                                     category: str) -> None:
    with psycopg.connect(pg_dsn, autocommit=True) as conn, _logged("src.storage.db") as records:
        if setup:
            conn.execute(setup)  # type: ignore[arg-type]
        try:
            conn.execute(sql)  # type: ignore[arg-type]
        except psycopg.Error as exc:
            assert exc.sqlstate == sqlstate
            logging.getLogger("src.storage.db").exception("query failed")
        else:
            pytest.fail(f"{sql} did not fail")
    d = _diagnose("\n".join(records))
    assert d.category == category and sqlstate in d.summary, (d.rule, d.summary)
    assert not re.search(r"Kimi|GLM|provider call", _text(d))


def test_a_failed_transaction_and_a_lock_timeout_from_a_real_server(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as a, psycopg.connect(pg_dsn) as b, _logged("src.storage.db") as records:
        a.execute("CREATE TABLE t (id int PRIMARY KEY)")
        a.execute("INSERT INTO t VALUES (1)")
        a.commit()
        a.execute("SELECT * FROM t WHERE id = 1 FOR UPDATE")  # a holds the row lock
        b.execute("SET lock_timeout = '50ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            try:
                b.execute("UPDATE t SET id = 2 WHERE id = 1")
            except psycopg.Error:
                logging.getLogger("src.storage.db").exception("update failed")
                raise
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            try:
                b.execute("SELECT 1")  # the transaction already failed: no rollback
            except psycopg.Error:
                logging.getLogger("src.storage.db").exception("next query failed")
                raise
        a.rollback()
        b.rollback()
    lock, aborted = (_diagnose(r) for r in records)
    assert (lock.category, "55P03" in lock.summary) == ("concurrency", True), lock.summary
    assert (aborted.category, "25P02" in aborted.summary) == ("code", True), aborted.summary
    assert "rollback" in _text(aborted).lower() and "timeout" not in _text(aborted).lower()


def test_a_wrong_password_and_a_missing_database_are_configuration(pg_dsn: str) -> None:
    wrong = re.sub(r"dbname=\S+", "dbname=no_such_db_17", pg_dsn) if "dbname=" in pg_dsn else \
        pg_dsn.rsplit("/", 1)[0] + "/no_such_db_17"
    with _logged("src.storage.db") as records:
        try:
            psycopg.connect(wrong, connect_timeout=5)
        except psycopg.OperationalError:
            logging.getLogger("src.storage.db").exception("Database unavailable")
    assert records
    d = _diagnose(records[0])
    assert d.category in ("config", "storage") and "Kimi" not in _text(d), (d.rule, d.summary)


# --- PostgREST -------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(PGRST_MEANINGS))
def test_every_postgrest_code_answers_by_its_group(code: str) -> None:
    log = (f'{H}INFO httpx: HTTP Request: GET https://qzvbxkle.supabase.co/rest/v1/messages "HTTP/2 400 Bad Request"\n'
           f"{H}ERROR src.storage.supabase_client: query failed: "
           f"{{'message': 'x', 'code': '{code}', 'hint': None, 'details': None}}")
    d = _diagnose(log)
    entry, _ = pgrst_entry(code) or (None, False)
    assert entry is not None and code[5] in PGRST_GROUPS
    assert d.category == entry[0] and code in d.summary, (code, d.rule, d.summary)
    if code.startswith("PGRST3"):  # JWT errors: the tables are fine
        assert not re.search(r"migration|column", _text(d), re.I), code
    assert not re.search(r"Kimi|GLM|content filter", _text(d)), code


# --- providers -------------------------------------------------------------------------------------

GLM_HOST = 'INFO httpx: HTTP Request: POST https://api.z.ai/api/paas/v4/chat/completions "HTTP/1.1 429"'
KIMI_HOST = 'INFO httpx: HTTP Request: POST https://api.moonshot.ai/v1/chat/completions "HTTP/1.1 429"'


@pytest.mark.parametrize("code", sorted(ZAI_MEANINGS))
def test_every_zai_business_code_is_about_glm(code: str) -> None:
    log = (f"{H}{GLM_HOST}\n{H}ERROR src.providers.glm_chat: GLM chat failed: Error code: 429, with error text "
           f'{{"error":{{"code":"{code}","message":"x"}}}}')
    d = _diagnose(log)
    entry, _ = zai_entry(code) or (None, False)
    assert entry is not None
    assert "GLM" in d.summary and d.category == entry[0], (code, d.rule, d.summary)
    assert not re.search(r"Kimi|Moonshot|KIMI", _text(d)), code


@pytest.mark.parametrize("code", ["1113", "1302", "1211", "1003"])
def test_a_zai_code_shape_under_kimi_or_supabase_is_no_glm_answer(code: str) -> None:
    for host in (KIMI_HOST, 'INFO httpx: HTTP Request: GET https://q.supabase.co/rest/v1/m "HTTP/2 500"'):
        d = _diagnose(f"{H}{host}\n{H}ERROR src.x: failed: {{'code': '{code}', 'message': 'x'}}")
        assert d.rule != "class:code.glm" and "GLM" not in d.summary, (code, d.rule)


@pytest.mark.parametrize("etype", sorted(MOONSHOT_TYPES))
def test_every_moonshot_error_type_is_about_kimi(etype: str) -> None:
    log = (f"{H}{KIMI_HOST}\n{H}ERROR src.providers.kimi_chat: Kimi call failed: Error code: 429 - "
           f"{{'error': {{'message': 'x', 'type': '{etype}'}}}}")
    d = _diagnose(log)
    assert d.category == MOONSHOT_TYPES[etype][0] and re.search("Kimi|Moonshot", d.summary), (etype, d.rule, d.summary)
    assert not re.search(r"GLM|Z\.ai", _text(d)), etype


def test_an_unknown_model_code_for_the_other_providers_model_says_routing() -> None:
    log = (f"{H}INFO tools.chat: Using model: kimi-k2-0905-preview\n{H}{GLM_HOST}\n"
           f'{H}ERROR src.providers.glm_chat: GLM chat failed: {{"error":{{"code":"1211","message":"Unknown Model"}}}}')
    d = _diagnose(log)
    assert d.category == "config" and "wrong provider" in _text(d) and "GLM" in d.summary
    plain = _diagnose(f"{H}{GLM_HOST}\n{H}ERROR src.providers.glm_chat: GLM chat failed: "
                      f'{{"error":{{"code":"1211","message":"Unknown Model"}}}}')
    assert plain.category == "config" and "wrong provider" not in _text(plain)


# --- fixed runtime messages, produced by the installed CPython itself -------------------------------

def _asyncio_messages() -> dict[str, str]:
    """family -> a message CPython's asyncio really produces (str of the exception or its log record)."""
    out: dict[str, str] = {}
    sem = asyncio.BoundedSemaphore(1)
    try:
        sem.release()
    except ValueError as exc:
        out["concurrency.over_release"] = f"ValueError: {exc}"
    try:
        asyncio.Semaphore(-1)
    except ValueError as exc:
        out["config.semaphore_value"] = f"ValueError: {exc}"
    loop = asyncio.new_event_loop()
    loop.close()
    try:
        loop.call_soon(print)
    except RuntimeError as exc:
        out["code.loop_closed"] = f"RuntimeError: {exc}"
    queue: asyncio.Queue[int] = asyncio.Queue()

    async def wait_briefly() -> None:
        try:
            await asyncio.wait_for(queue.get(), 0.01)  # a waiter binds the queue to this loop
        except TimeoutError:
            pass

    asyncio.run(wait_briefly())
    try:
        asyncio.run(wait_briefly())  # a second asyncio.run() is another event loop
    except RuntimeError as exc:
        out["code.loop_bound"] = f"RuntimeError: {exc}"
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep()
    logging.getLogger("asyncio").addHandler(handler)
    try:
        async def boom() -> None:
            raise KeyError("session_id")

        async def fire_and_forget() -> None:
            asyncio.get_running_loop().create_task(boom())
            await asyncio.sleep(0.01)

        asyncio.run(fire_and_forget())
        gc.collect()
    finally:
        logging.getLogger("asyncio").removeHandler(handler)
    out["code.never_retrieved"] = next(r for r in records if "never retrieved" in r)
    return out


def test_the_fixed_messages_match_what_cpython_really_says() -> None:
    messages = _asyncio_messages()
    assert set(messages) == {"concurrency.over_release", "config.semaphore_value", "code.loop_closed",
                             "code.loop_bound", "code.never_retrieved"}
    expected = {"concurrency.over_release": ("concurrency", "release"), "config.semaphore_value": ("config", "configur"),
                "code.loop_closed": ("code", "event loop"), "code.loop_bound": ("code", "event loop"),
                "code.never_retrieved": ("code", "await")}
    for family, said in messages.items():
        cls, _, msg = said.partition(": ")
        for logger in ("asyncio", "src.daemon.middleware.semaphores", "tools.batch"):
            log = (f"{H}ERROR {logger}: background job failed\nTraceback (most recent call last):\n"
                   f'  File "/app/src/x.py", line 3, in run\n    await job()\n{cls}: {msg}'
                   if cls in ("ValueError", "RuntimeError") else f"{H}ERROR {logger}: {said}")
            d = _diagnose(log)
            category, word = expected[family]
            assert d.category == category and word in _text(d).lower(), (family, logger, d.rule, d.summary)
            assert d.confidence < 0.6 and not re.search(r"Kimi|GLM|Supabase", _text(d)), (family, d.summary)


def test_a_real_traceback_of_a_failed_unpack_is_code() -> None:
    try:
        key, value = "A=B=C".split("=")  # noqa: F841 - the failure is the point
    except ValueError:
        tb = traceback.format_exc().rstrip()
    d = _diagnose(f"{H}ERROR src.core.env_config: failed to parse env file\n{tb}")
    assert d.category == "code" and "unpack" in _text(d) and "split" in _text(d)


@pytest.mark.parametrize(("message", "not_family"), [
    ("checksum mismatch: expected 3, got 2", "code.unpack"),  # the numbers, without CPython's unpack words
    ("semaphore configured with 3 permits, 2 free", "concurrency.over_release"),
    ("the provider's event loop closed the stream", "code.loop_closed"),
    ("Retrying request soon", "provider.retrying"),
])
def test_words_near_a_fixed_message_do_not_name_its_family(message: str, not_family: str) -> None:
    d = _diagnose(f"{H}ERROR tools.chat: {message}")
    assert d.rule != f"class:{not_family}" and d.confidence <= 0.4, (message, d.rule)


# --- the gateway's own codes ---------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(GATEWAY_CODES))
def test_every_gateway_code_answers_in_both_of_its_forms(code: str) -> None:
    for line in (f"WARNING src.daemon.error_handling: [req:4c1d2e] [{code}] request failed",
                 f"ERROR src.daemon.ws_server: sent error {{\"error\": {{\"code\": \"{code}\", \"message\": \"x\"}}}}"):
        d = _diagnose(H + line)
        if d.rule.startswith("class:code."):
            assert d.rule == "class:code.gateway" and d.category == GATEWAY_CODES[code][0], (code, line)
        if GATEWAY_CODES[code][0] == "unknown":  # the client-input codes (round 12): the client's input, an honest unknown
            assert d.category == "unknown" and d.confidence <= 0.4, (code, d.rule)
        assert d.category != "unknown" or GATEWAY_CODES[code][0] == "unknown", (code, d.rule)
        assert d.confidence < 0.6, (code, d.rule)


def test_a_wrapper_code_yields_to_the_providers_own_code_inside_it() -> None:
    log = (f"{H}{KIMI_HOST}\n{H}ERROR src.daemon.error_handling: [req:9] [PROVIDER_ERROR] Kimi call failed: Error code: "
           "429 - {'error': {'message': 'x', 'type': 'exceeded_current_quota_error'}}")
    d = _diagnose(log)
    assert d.category == "provider" and d.severity == "critical" and "PROVIDER_ERROR" not in d.summary
    bare = _diagnose(f"{H}ERROR src.daemon.error_handling: [req:9] [PROVIDER_ERROR] provider call failed")
    assert bare.rule == "class:code.gateway" and bare.category == "provider" and bare.confidence <= 0.55


@pytest.mark.parametrize(("said", "category", "word"), [
    ("file size is too large, max file size is 100MB, please confirm and re-upload the file", "provider", "size"),
    ("Invalid request: unknown tool type: web_search, currently only function and plugin are supported", "code",
     "builtin_function"),
    ("Invalid request: the message at position 5 with role 'tool' must be a response to a preceding message with "
     "'tool_calls'", "code", "tool_calls"),
    ("text extract error: 不支持的文件类型", "provider", "file type"),
    # the account's stored files fill up (the gateway never deletes them): capacity, not the file's size (round 6)
    ("The number of files you have uploaded exceeded the max file count 1000, please delete previous uploaded files",
     "capacity", "delete"),
])
def test_moonshot_invalid_request_by_its_documented_message(said: str, category: str, word: str) -> None:
    log = (f"{H}{KIMI_HOST}\n{H}ERROR src.providers.kimi_chat: Kimi call failed: Error code: 400 - "
           f"{{'error': {{'message': \"{said}\", 'type': 'invalid_request_error'}}}}")
    d = _diagnose(log)
    assert d.category == category and word in _text(d), (d.rule, d.summary)
    other = _diagnose(log.replace(said, "Invalid request: temperature must be in [0, 1]"))
    assert other.category == "code" and other.confidence < 0.6  # an unlisted message: the generic type, not confident


# zhipuai 2.1 core/_errors.py (read from the installed SDK once; not a dependency here) and what each status means
ZHIPU = [("APIRequestFailedError", 400, "1214", "code"), ("APIAuthenticationError", 401, "1002", "config"),
         ("APIReachLimitError", 429, "1302", "provider"), ("APIReachLimitError", 429, "1113", "provider"),
         ("APIInternalError", 500, "500", "provider"), ("APIServerFlowExceedError", 503, "", "provider")]


@pytest.mark.parametrize(("cls", "status", "code", "category"), ZHIPU, ids=[f"{z[0]}-{z[2]}" for z in ZHIPU])
def test_zhipuai_sdk_errors_are_glm_by_class_status_and_code(cls: str, status: int, code: str, category: str) -> None:
    body = json.dumps({"error": {"code": code, "message": "x"}}) if code else "Service Unavailable"
    log = (f"{H}ERROR src.providers.glm_chat: GLM chat failed\nTraceback (most recent call last):\n"
           f'  File "/app/.venv/lib/python3.11/site-packages/zhipuai/core/_http_client.py", line 784, in _request\n'
           f"    raise self._make_status_error(err_text, body, err.response) from None\n"
           f"zhipuai.core._errors.{cls}: Error code: {status}, with error text {body}")
    d = _diagnose(log)
    assert d.category == category and "GLM" in d.summary, (cls, code, d.rule, d.summary)
    assert not re.search(r"Kimi|Moonshot", d.summary) and (status != 503 or "429" not in d.summary), d.summary


def _await_and_loop_messages() -> dict[str, str]:
    """More messages CPython 3.11 and asyncio really produce (run here)."""
    import threading

    out: dict[str, str] = {}

    async def one() -> int:
        return 1

    async def misuse() -> None:
        try:
            await None  # type: ignore[misc]
        except TypeError as exc:
            out["await-none"] = f"TypeError: {exc}"
        coro = one()
        await coro
        try:
            await coro
        except RuntimeError as exc:
            out["await-twice"] = f"RuntimeError: {exc}"

    asyncio.run(misuse())

    def in_thread() -> None:
        try:
            asyncio.get_event_loop()
        except RuntimeError as exc:
            out["no-loop-in-thread"] = f"RuntimeError: {exc}"

    t = threading.Thread(target=in_thread)
    t.start()
    t.join()
    other = asyncio.new_event_loop()
    future = other.create_future()

    async def wait_foreign() -> None:
        await future

    try:
        asyncio.run(wait_foreign())
    except RuntimeError as exc:
        out["future-other-loop"] = f"RuntimeError: {exc}"
    finally:
        other.close()
    return out


def test_await_and_event_loop_misuse_as_cpython_says_it_is_code() -> None:
    messages = _await_and_loop_messages()
    assert set(messages) == {"await-none", "await-twice", "no-loop-in-thread", "future-other-loop"}
    for name, said in messages.items():
        cls, _, msg = said.partition(": ")
        log = (f"{H}ERROR tools.batch: batch job failed\nTraceback (most recent call last):\n"
               f'  File "/app/tools/batch.py", line 3, in run\n    await job()\n{cls}: {msg}')
        d = _diagnose(log)
        assert d.category == "code" and d.confidence < 0.6, (name, d.rule, d.summary)
        assert re.search(r"await|event loop", _text(d)), (name, d.summary)


# Redis error replies (the reply's first word, redis protocol spec) as redis-py raises them
REDIS = [("ResponseError", "WRONGTYPE Operation against a key holding the wrong kind of value", "code"),
         ("ResponseError", "ERR unknown command 'JSON.GET', with args beginning with: ", "code"),
         ("OutOfMemoryError", "OOM command not allowed when used memory > 'maxmemory'.", "capacity"),
         ("ReadOnlyError", "READONLY You can't write against a read only replica.", "storage"),
         ("AuthenticationError", "WRONGPASS invalid username-password pair or user is disabled.", "config"),
         ("ResponseError", "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
                           "to disk.", "storage"),
         ("NoScriptError", "NOSCRIPT No matching script. Please use EVAL.", "code"),
         ("BusyLoadingError", "LOADING Redis is loading the dataset in memory", "storage")]


@pytest.mark.parametrize(("cls", "reply", "category"), REDIS, ids=[r[1].split()[0] for r in REDIS])
def test_redis_error_replies_by_their_kind(cls: str, reply: str, category: str) -> None:
    kind = reply.split()[0]
    for log in (f"{H}ERROR src.cache.redis_cache: cache write failed\nTraceback (most recent call last):\n"
                f'  File "/app/.venv/lib/python3.11/site-packages/redis/asyncio/client.py", line 612, in execute_command\n'
                f"    return await conn.retry.call_with_retry(\nredis.exceptions.{cls}: {reply}",
                f"{H}WARNING src.cache.redis_cache: cache write failed: redis.exceptions.{cls}: {reply}"):
        d = _diagnose(log)
        assert d.category == category and "Redis" in d.summary, (kind, d.rule, d.summary)
        assert not re.search(r"Kimi|GLM|Supabase|provider", d.summary) and d.confidence < 0.6, (kind, d.summary)
