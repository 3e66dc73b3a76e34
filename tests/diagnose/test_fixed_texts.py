"""Fixed library texts whose class says nothing (runtime_messages.py, round 6), each raised for real.

asyncio (a StreamReader read by two tasks, create_task from a thread), datetime (naive vs aware), a dict key that
is a list, psycopg's placeholder count against a real PostgreSQL, redis-py's WatchError from its real client
against a local RESP server whose EXEC answers null (a WATCHed key changed), urllib3's full-pool warning from a
real PoolManager over loopback. Each logged by the kinds of gateway module that meet it; near-misses with the same
words in other forms keep their own reading.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import threading
from collections.abc import Callable

import psycopg
import pytest
import redis.asyncio as aredis
import urllib3
from aiohttp import web

from tests.diagnose.logged import KeepRecords, diagnose, logged, raised_and_logged, text_of
from tests.diagnose.test_redis_families import OK, resp_server
from tests.helpers import serving

LOGGERS = ["src.daemon.stdio_bridge", "src.providers.kimi_chat", "src.storage.supabase_client",
           "utils.infrastructure.semantic_cache"]


def _raised(fn: Callable[[], object], logger: str) -> str:
    return raised_and_logged(fn, logger, "background step failed")


def _two_readers() -> None:
    async def main() -> None:
        reader = asyncio.StreamReader()
        first = asyncio.create_task(reader.readuntil(b"\n"))
        await asyncio.sleep(0)  # the first reader now waits for data
        try:
            await reader.readuntil(b"\n")
        finally:
            first.cancel()
    asyncio.run(main())


def _task_from_thread() -> None:
    async def flush() -> None:
        return None
    failure: list[BaseException] = []

    def timer() -> None:
        coro = flush()
        try:
            asyncio.create_task(coro)
        except RuntimeError as exc:
            coro.close()
            failure.append(exc)
    t = threading.Thread(target=timer)
    t.start()
    t.join()
    raise failure[0]


def _naive_aware() -> None:
    last = datetime.datetime(2025, 11, 30, 12, 0)  # stored without a time zone
    _ = datetime.datetime.now(datetime.UTC) - last


def _list_key() -> None:
    cache: dict[object, str] = {}
    cache[("kimi-k2", ("chat", ["prompt", "files"]))] = "x"


RAISERS = {"stream-two-readers": (_two_readers, "concurrency", "reader"),
           "asyncio-no-running-loop": (_task_from_thread, "code", "thread"),
           "naive-aware-datetimes": (_naive_aware, "code", "datetime"),
           "unhashable-key": (_list_key, "code", "list")}


@pytest.mark.parametrize("logger", LOGGERS)
@pytest.mark.parametrize("name", sorted(RAISERS))
def test_cpython_fixed_texts_raised_for_real(name: str, logger: str) -> None:
    fn, category, word = RAISERS[name]
    d = diagnose(_raised(fn, logger))
    assert d.category == category and d.rule == f"class:server.{name}", (d.rule, d.summary)
    said = text_of(d)
    assert word in said and not [w for w in ("Kimi", "GLM", "Supabase", "Redis", "memory") if w in said], said


def test_a_query_with_a_placeholder_too_many_through_real_psycopg(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as conn:
        try:
            conn.execute("SELECT %s, %s", (1,))
        except psycopg.ProgrammingError:
            d = diagnose(logged("src.storage.pg_direct", "list_conversations failed"))
    assert d.category == "code" and "placeholders" in text_of(d), (d.rule, d.summary)
    assert "timeout" not in text_of(d) and "migration" not in text_of(d)


async def test_a_watched_key_changed_before_exec_through_the_real_redis_client() -> None:
    def reply(command: str) -> bytes:
        # RESP3 null for EXEC: the server discarded the transaction because a WATCHed key changed
        return {"WATCH": OK, "GET": b"$1\r\n3\r\n", "MULTI": OK, "SET": b"+QUEUED\r\n", "EXEC": b"_\r\n",
                "UNWATCH": OK}.get(command, OK)

    async with resp_server(reply) as port:
        client = aredis.Redis(port=port)
        try:
            async with client.pipeline(transaction=True) as pipe:
                await pipe.watch("rate:s-1")
                count = int(await pipe.get("rate:s-1") or 0)
                pipe.multi()
                pipe.set("rate:s-1", count + 1)
                with pytest.raises(Exception) as raised:
                    await pipe.execute()
                assert type(raised.value).__name__ == "WatchError"
                try:
                    raise raised.value
                except Exception:
                    excerpt = logged("src.daemon.rate_limit", "rate counter update failed for session s-1")
        finally:
            await client.aclose()
    d = diagnose(excerpt)
    said = text_of(d)
    assert d.category == "concurrency" and "WATCH" in said, (d.rule, d.summary)
    assert not [w for w in ("memory", "down", "connection") if w in said.lower()], said


async def test_urllib3_discarding_connections_of_a_full_pool_is_capacity() -> None:
    in_flight = 0
    overlap = asyncio.Event()

    async def slow(_: web.Request) -> web.Response:
        # Each answer waits until two requests are in flight, so two connections are open at once
        # whatever the machine's load: one more than maxsize, discarded when both come back.
        nonlocal in_flight
        in_flight += 1
        if in_flight >= 2:
            overlap.set()
        await asyncio.wait_for(overlap.wait(), 30)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/f", slow)
    keep = KeepRecords()
    log = logging.getLogger("urllib3.connectionpool")
    log.addHandler(keep)
    async with serving(app) as port:
        pool = urllib3.PoolManager(maxsize=1, block=False)

        def get() -> None:
            pool.request("GET", f"http://127.0.0.1:{port}/f")
        try:
            await asyncio.gather(*(asyncio.to_thread(get) for _ in range(4)))
        finally:
            log.removeHandler(keep)
            pool.clear()
    full = [r for r in keep.records if "Connection pool is full" in r]
    assert full, keep.records
    d = diagnose(full[-1])
    assert d.category == "capacity" and "pool" in text_of(d), (d.rule, d.summary)
    assert "PoolTimeout" not in text_of(d) and "rate limit" not in text_of(d)


@pytest.mark.parametrize("line", [
    "ERROR src.tools.chat: user asked why 'unhashable type' errors happen in their script",  # no quoted type
    "ERROR src.daemon.ws_server: Watched variables report: 3 changed",  # not redis-py's text
    "ERROR src.providers.kimi_chat: Connection pool is full of idle connections",  # not urllib3's form or logger
])
def test_near_misses_do_not_take_the_fixed_texts(line: str) -> None:
    d = diagnose(f"2026-12-06 05:00:00 {line}")
    assert not d.rule.startswith("class:server."), (d.rule, d.summary)


# --- a bare TimeoutError: what its frames waited for (waits.py) -------------------------------------------------

def _slot_timeout() -> None:
    async def main() -> None:
        kimi_slots = asyncio.Semaphore(1)
        await kimi_slots.acquire()  # every slot busy
        await asyncio.wait_for(kimi_slots.acquire(), timeout=0.01)
    asyncio.run(main())


def _lock_timeout() -> None:
    async def main() -> None:
        flush_lock = asyncio.Lock()
        await flush_lock.acquire()
        await asyncio.wait_for(flush_lock.acquire(), timeout=0.01)
    asyncio.run(main())


def _blocked_loop() -> None:
    loop = asyncio.new_event_loop()
    release = threading.Event()
    thread = threading.Thread(target=loop.run_forever)
    thread.start()
    loop.call_soon_threadsafe(release.wait)  # a synchronous call holds the loop

    async def snapshot() -> int:
        return 1
    fut = asyncio.run_coroutine_threadsafe(snapshot(), loop)
    try:
        fut.result(timeout=0.05)
    finally:
        release.set()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


WAITS = {"slot": (_slot_timeout, "capacity", "slot"), "lock": (_lock_timeout, "concurrency", "lock"),
         "blocked-loop": (_blocked_loop, "concurrency", "loop")}


@pytest.mark.parametrize("logger", ["src.providers.kimi_chat", "src.daemon.middleware.semaphores", "src.storage.db"])
@pytest.mark.parametrize("name", sorted(WAITS))
def test_a_bare_timeout_is_what_its_frames_waited_for(name: str, logger: str) -> None:
    fn, category, word = WAITS[name]
    d = diagnose(_raised(fn, logger))
    said = text_of(d)
    assert d.category == category and word in said.lower(), (name, d.rule, d.summary)
    assert not [w for w in ("KIMI_TIMEOUT_SECS", "fail over", "APITimeoutError", "Supabase") if w in said], said


def test_a_timeout_around_a_provider_call_is_not_a_slot() -> None:
    """Near-miss: wait_for around something that is no acquire() keeps the class x remote reading."""
    async def call_kimi() -> None:
        await asyncio.Event().wait()

    def run() -> None:
        asyncio.run(asyncio.wait_for(call_kimi(), timeout=0.01))
    d = diagnose(_raised(run, "src.providers.kimi_chat"))
    assert d.rule != "class:timeout.awaited", (d.rule, d.summary)


# --- the quote names what the exception names beyond its first line (render._unsaid) ---------------------------

def test_a_settings_error_quotes_the_reason_under_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic_settings import BaseSettings

    class TimeoutSettings(BaseSettings):
        kimi_timeout_secs: int = 60

    monkeypatch.setenv("KIMI_TIMEOUT_SECS", "90s")
    d = diagnose(_raised(TimeoutSettings, "src.daemon.ws_server"))
    assert d.category == "config" and "valid integer" in text_of(d) and "kimi_timeout_secs" in text_of(d), d.root_cause


def test_a_wrapper_quotes_its_innermost_cause() -> None:
    import openai

    def call() -> None:
        client = openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1", max_retries=0)
        client.chat.completions.create(model="glm-4.5", messages=[{"role": "user", "content": "hi"}])
    excerpt = _raised(call, "src.providers.glm_chat")
    assert excerpt.rstrip().endswith("Connection error.")  # the wrapper's own message says nothing
    d = diagnose(excerpt)
    assert "ConnectError: [Errno 111] Connection refused" in d.root_cause, d.root_cause


@pytest.mark.parametrize(("host", "errno", "reason", "category"), [
    ("redis", -2, "Name or service not known", "storage"),  # the compose service's container is not running
    ("cache.exai.internal", -2, "Name or service not known", "config"),  # a host name that does not exist
    ("redis", -3, "Temporary failure in name resolution", "network"),  # the resolver did not answer
])
def test_redis_pys_connect_error_text_without_a_traceback(host: str, errno: int, reason: str, category: str) -> None:
    """redis-py's own connect error text (redis/utils.py format_error_message, negative getaddrinfo errnos included),
    logged as a WARNING with no traceback, still names its class and the host."""
    import socket

    from redis.utils import format_error_message

    said = format_error_message(f"{host}:6379", socket.gaierror(errno, reason))
    d = diagnose(f"2026-12-06 05:00:00 WARNING utils.infrastructure.semantic_cache: Redis unavailable, L2 cache "
                 f"disabled: {said}")
    assert d.category == category and "Kimi" not in text_of(d) and "Supabase" not in text_of(d), (d.rule, d.summary)


def _late_answer() -> None:
    async def main() -> None:
        pending = asyncio.get_running_loop().create_future()
        pending.cancel()  # the caller's timeout gave up on the request
        pending.set_result({"id": "req-4b1f9e7a"})  # the late answer arrives
    asyncio.run(main())


def _result_too_early() -> None:
    async def main() -> None:
        asyncio.get_running_loop().create_future().result()
    asyncio.run(main())


@pytest.mark.parametrize("logger", ["src.daemon.request_router", "src.providers.kimi_chat"])
def test_a_future_completed_after_it_was_cancelled_is_a_race(logger: str) -> None:
    d = diagnose(_raised(_late_answer, logger))
    assert d.category == "concurrency" and "future" in text_of(d), (d.rule, d.summary)
    assert "semaphore" not in text_of(d) and "KIMI_TIMEOUT_SECS" not in text_of(d)


def test_a_result_read_before_it_is_set_stays_the_codes_misuse() -> None:
    d = diagnose(_raised(_result_too_early, "src.daemon.request_router"))
    assert d.category == "code", (d.rule, d.summary)


def test_a_rule_quoting_the_log_message_still_quotes_the_exceptions() -> None:
    """The rule's template quotes the log line ('GET /api/costs failed'); what failed is in the exception's own
    message (the type json could not serialise), which the answer must name too."""
    import json
    from decimal import Decimal

    def costs() -> None:
        json.dumps({"total_usd": Decimal("12.40")})
    d = diagnose(_raised(costs, "src.daemon.http_api"))
    assert "Decimal" in text_of(d), (d.rule, d.summary, d.root_cause)
