"""Round-4 library families, each raised for real by its library and logged by a gateway module: tiktoken,
contextvars, concurrent.futures / run_in_executor after shutdown, subprocess timeouts, asyncio stream
limits, zoneinfo, psycopg_pool against the test PostgreSQL. The expected category is the doctrine's (what
the on-call engineer must change), the answer must quote the error's own named entity, and near-misses
(the same class or word from another component) must not get the family's cause."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import subprocess
import sys
import zoneinfo

import psycopg_pool
import pytest
import realtime
import tiktoken

from sidecar.diagnose.classes import STATIC_BASES, family_of
from sidecar.diagnose.verdict import MAX_CONFIDENCE
from tests.diagnose.logged import diagnose, logged, text_of


@pytest.mark.parametrize("model", ["kimi-k2-0905-preview", "glm-4.6", "moonshot-v1-128k"])
def test_tiktoken_without_a_mapping_for_the_model_is_the_token_counter_code(model: str) -> None:
    try:
        tiktoken.encoding_for_model(model)
    except KeyError:
        excerpt = logged("utils.token_counter", "token estimate failed", (f"Using model: {model} via provider",))
    d = diagnose(excerpt)
    assert (d.category, d.severity) == ("code", "low")
    assert model in d.summary and "tiktoken" in d.summary
    assert 0.4 < d.confidence <= MAX_CONFIDENCE
    for wrong in ("not found the model", "model not available", "API key", "balance"):
        assert wrong not in text_of(d)


def test_tiktoken_unknown_encoding_names_it() -> None:
    try:
        tiktoken.get_encoding("o300k_base")
    except ValueError:
        excerpt = logged("utils.token_counter", "could not load the tokenizer")
    d = diagnose(excerpt)
    assert d.category == "code" and "o300k_base" in d.summary


def test_a_plain_keyerror_naming_a_model_is_not_the_tokenizer() -> None:
    """Near-miss: a dict lookup of a model name (a registry without that model) is no tiktoken failure."""
    registry: dict[str, str] = {}
    try:
        registry["kimi-k2-0905-preview"]
    except KeyError:
        excerpt = logged("src.providers.registry", "model lookup failed")
    d = diagnose(excerpt)
    assert d.rule != "class:code.tokenizer_model" and "tiktoken" not in d.summary and d.confidence <= 0.4


def _reset_in_other_context() -> None:
    var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
    token = var.set("b1f0c2d3")
    contextvars.copy_context().run(var.reset, token)


def _reset_twice() -> None:
    var: contextvars.ContextVar[str | None] = contextvars.ContextVar("tenant", default=None)
    token = var.set("t-1")
    var.reset(token)
    var.reset(token)


@pytest.mark.parametrize(("raise_it", "var"), [(_reset_in_other_context, "request_id"), (_reset_twice, "tenant")])
def test_contextvar_token_misuse_is_code_and_names_the_variable(raise_it, var: str) -> None:  # type: ignore[no-untyped-def]
    try:
        raise_it()
    except (ValueError, RuntimeError):
        excerpt = logged("src.daemon.ws_server", "request cleanup failed")
    d = diagnose(excerpt)
    assert d.category == "code" and var in d.summary
    for wrong in ("context length", "token limit", "JWT", "API key"):
        assert wrong not in text_of(d)


def test_submitting_to_a_shut_down_thread_pool_is_shutdown_order() -> None:
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    pool.shutdown()
    try:
        pool.submit(print)
    except RuntimeError:
        excerpt = logged("src.daemon.ws.request_router", "tool dispatch failed", ("shutdown: stopping executor",))
    d = diagnose(excerpt)
    assert d.category == "code" and "shut down" in d.summary
    assert "database" not in text_of(d) and "capacity" not in text_of(d)


def test_run_in_executor_after_the_loop_shut_its_executor_down() -> None:
    async def main() -> str:
        loop = asyncio.get_running_loop()
        await loop.shutdown_default_executor()
        try:
            await loop.run_in_executor(None, print)
        except RuntimeError:
            return logged("src.daemon.worker", "blocking call failed")
        raise AssertionError("run_in_executor accepted work after shutdown")

    d = diagnose(asyncio.run(main()))
    assert d.category == "code" and "executor" in d.summary


def test_a_runtime_error_that_only_says_shutdown_is_not_the_executor() -> None:
    """Near-miss: the app's own RuntimeError about shutting down names no library's fixed text."""
    try:
        raise RuntimeError("service is shutting down, request rejected")
    except RuntimeError:
        excerpt = logged("src.daemon.ws_server", "request rejected")
    d = diagnose(excerpt)
    assert d.rule != "class:code.executor_shutdown" and d.confidence <= 0.4


def test_a_child_process_over_its_timeout_is_the_tools_command() -> None:
    try:
        subprocess.run([sys.executable, "-c", "import time; time.sleep(5)"], timeout=0.3, check=True)
    except subprocess.TimeoutExpired:
        excerpt = logged("tools.precommit", "git history collection failed", ("collecting changes in /mnt/project",))
    d = diagnose(excerpt)
    assert d.category == "code" and "0.3 s" in d.summary
    assert sys.executable.rsplit("/", 1)[-1] in d.summary or sys.executable in d.summary
    for wrong in ("Kimi", "KIMI_TIMEOUT_SECS", "Supabase", "provider"):
        assert wrong not in text_of(d)
    assert d.confidence <= MAX_CONFIDENCE


def test_a_failing_child_process_is_not_a_timeout() -> None:
    """Near-miss: the same module raising CalledProcessError (exit 1) is no timeout."""
    try:
        subprocess.run([sys.executable, "-c", "raise SystemExit(1)"], check=True, timeout=30)
    except subprocess.CalledProcessError:
        excerpt = logged("tools.precommit", "git history collection failed")
    d = diagnose(excerpt)
    assert "timeout" not in d.summary.lower()


def test_a_line_over_the_stream_readers_limit_is_code() -> None:
    async def main() -> str:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "print('x' * 5000)",
                                                    stdout=asyncio.subprocess.PIPE, limit=1024)
        assert proc.stdout is not None
        try:
            await proc.stdout.readline()
        except ValueError:
            return logged("tools.smart_file_query", "reading the converter's output failed")
        finally:
            await proc.wait()
        raise AssertionError("readline accepted a line over the limit")

    d = diagnose(asyncio.run(main()))
    assert d.category == "code" and "limit" in d.summary
    for wrong in ("Kimi", "context length", "413", "payload too big"):
        assert wrong not in text_of(d)


def test_a_misspelt_time_zone_stays_an_honest_unknown() -> None:
    try:
        zoneinfo.ZoneInfo("Australia/Melborne")
    except zoneinfo.ZoneInfoNotFoundError:
        excerpt = logged("tools.activity", "could not localize timestamps")
    d = diagnose(excerpt)
    assert d.category == "unknown" and d.confidence <= 0.4
    assert "Australia/Melborne" in d.summary
    assert "not installed" not in d.summary  # the chained ModuleNotFoundError('tzdata') is handled, not the cause


def test_the_time_zone_family_comes_from_the_class_hierarchy() -> None:
    assert family_of("zoneinfo._common.ZoneInfoNotFoundError") == "input.timezone"
    assert STATIC_BASES["zoneinfo.ZoneInfoNotFoundError"][-1] == "KeyError"
    assert issubclass(zoneinfo.ZoneInfoNotFoundError, KeyError)


async def test_a_closed_psycopg_pool_is_shutdown_order(pg_dsn: str) -> None:
    pool = psycopg_pool.AsyncConnectionPool(pg_dsn, min_size=1, max_size=1, name="supabase-direct", open=False)
    await pool.open(wait=True)
    await pool.close()
    try:
        async with pool.connection():
            pass
    except psycopg_pool.PoolClosed:
        excerpt = logged("src.storage.pg_pool", "save_message failed", ("pool supabase-direct closed",))
    d = diagnose(excerpt)
    assert d.category == "code" and "'supabase-direct'" in d.summary and "shutdown" in d.summary
    for wrong in ("PoolTimeout", "max_connections", "unreachable"):
        assert wrong not in text_of(d)


async def test_a_psycopg_pool_used_before_open_is_start_up_order(pg_dsn: str) -> None:
    pool = psycopg_pool.AsyncConnectionPool(pg_dsn, name="cache-pool", open=False)
    try:
        await pool.getconn(timeout=1)
    except psycopg_pool.PoolClosed:
        excerpt = logged("src.storage.pg_pool", "query failed")
    d = diagnose(excerpt)
    assert d.category == "code" and "'cache-pool'" in d.summary and "opened" in d.summary


def test_a_ten_megabyte_line_with_a_family_text_costs_bounded_time() -> None:
    """A hostile 10 MB message holding a family's fixed text at its end: answered without scanning it all,
    and the answer stays a class-level one."""
    huge = "x" * (10 * 1024 * 1024)
    excerpt = (f"2026-04-02 09:15:01 ERROR utils.token_counter: token estimate failed {huge}\n"
               "Traceback (most recent call last):\n  File \"/app/utils/token_counter.py\", line 5, in count\n"
               "    enc = tiktoken.encoding_for_model(model)\n"
               f"KeyError: 'Could not automatically map {huge[:5000]}kimi-k2 to a tokeniser.'\n")
    d = diagnose(excerpt)
    assert d.confidence <= MAX_CONFIDENCE
    assert len(d.summary) < 1000 and huge not in d.root_cause


async def test_a_realtime_push_before_subscribe_is_call_order() -> None:
    client = realtime.AsyncRealtimeClient("ws://127.0.0.1:9/realtime/v1", "anon-token", auto_reconnect=False)
    channel = client.channel("room:1")
    try:
        await channel.send_broadcast("typing", {"user": "u1"})
    except Exception:  # noqa: BLE001 - realtime-py raises a bare Exception with its fixed text
        excerpt = logged("src.realtime.presence", "broadcast failed")
    d = diagnose(excerpt)
    assert d.category == "code" and "'realtime:room:1'" in d.summary
    assert "Kimi" not in text_of(d) and d.confidence <= MAX_CONFIDENCE


def test_realtime_authorization_error_is_the_policy_or_key() -> None:
    try:
        raise realtime.exceptions.AuthorizationError()
    except realtime.exceptions.AuthorizationError:
        excerpt = logged("src.realtime.presence", "joining the private channel failed")
    d = diagnose(excerpt)
    assert d.category == "config" and "RLS" in text_of(d)
