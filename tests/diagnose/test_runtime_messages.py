"""CPython's fixed texts for threads, signals, processes and pickling used against their rules are the code's
(diagnose/runtime_messages.py): each error is raised for real by the standard library."""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.diagnose.logged import diagnose, logged, text_of


def _in_thread(fn: Callable[[], Any], logger: str) -> str:
    out: list[str] = []

    def body() -> None:
        try:
            fn()
        except BaseException:
            out.append(logged(logger, "worker set-up failed"))

    t = threading.Thread(target=body)
    t.start()
    t.join()
    assert out, "the call did not raise"
    return out[0]


def _signal_in_thread() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _loop_signal_in_thread() -> None:
    async def main() -> None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: None)

    asyncio.run(main())


@pytest.mark.parametrize("fn", [_signal_in_thread, _loop_signal_in_thread], ids=["signal.signal", "add_signal_handler"])
def test_a_signal_handler_installed_outside_the_main_thread_is_code(fn: Callable[[], Any]) -> None:
    d = diagnose(_in_thread(fn, "src.daemon.server"))
    assert d.category == "code" and "main thread" in d.summary, (d.rule, d.summary)
    assert d.confidence <= 0.55


def _raised(fn: Callable[[], Any], logger: str = "src.tools.ocr") -> str:
    try:
        fn()
    except BaseException:
        return logged(logger, "task failed")
    raise AssertionError("the call did not raise")


def test_a_thread_started_twice_and_a_thread_joining_itself_are_code() -> None:
    t = threading.Thread(target=lambda: None)
    t.start()
    t.join()
    for d in (diagnose(_raised(t.start)), diagnose(_raised(threading.current_thread().join))):
        assert d.category == "code" and "thread" in d.summary.lower(), (d.rule, d.summary)


def test_a_local_function_sent_to_another_process_is_code() -> None:
    def local() -> None:
        pass

    d = diagnose(_raised(lambda: pickle.dumps(local)))
    assert d.category == "code" and "process boundary" in d.summary, (d.rule, d.summary)
    lock = diagnose(_raised(lambda: pickle.dumps(threading.Lock())))
    assert lock.category == "code" and "lock" in text_of(lock), (lock.rule, lock.summary)


def _nested_pool(_: int) -> int:
    with multiprocessing.get_context("fork").Pool(1) as inner:  # inside a (daemonic) pool worker
        return int(inner.apply(abs, (-1,)))


def test_a_pool_worker_that_starts_a_pool_is_code() -> None:
    with multiprocessing.get_context("fork").Pool(1) as pool:
        d = diagnose(_raised(lambda: pool.apply(_nested_pool, (1,))))
    assert d.category == "code" and "daemonic" in d.summary, (d.rule, d.summary)


@pytest.mark.parametrize("words", [
    "main thread blocked for 3.2 s",  # the words "main thread" without CPython's rule
    "thread pool started",
])
def test_near_misses_keep_their_own_reading(words: str) -> None:
    d = diagnose(f"2026-12-06 02:00:00 ERROR src.daemon.server: {words}")
    assert not d.rule.startswith("class:server."), d.rule


@pytest.mark.parametrize("count", [65536, 80224, 131072])
def test_libpqs_parameter_count_limit_is_the_statement_our_code_built(pg_dsn: str, count: int) -> None:
    """A real PostgreSQL connection; psycopg raises libpq's refusal as OperationalError (a connection class), but
    nothing was sent: the statement's size is the code's, not a database failure."""
    import psycopg

    with psycopg.connect(pg_dsn) as conn:
        try:
            conn.execute("SELECT " + ", ".join(["%s::int"] * count), list(range(count)))
        except psycopg.OperationalError:
            excerpt = logged("src.storage.pg_store", f"[BATCH_LINK] batch insert of {count // 2} rows failed")
        else:
            pytest.fail("libpq sent more than 65535 parameters")
    d = diagnose(excerpt)
    assert d.category == "code" and d.confidence < 0.6 and "65535" in text_of(d), (d.rule, d.summary)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("logger", ["src.monitoring.metrics", "src.daemon.ws_server"])
def test_a_strict_json_payload_with_nan_or_infinity_is_the_codes_computation(value: float, logger: str) -> None:
    import json

    try:
        json.dumps({"requests": 0, "error_rate": value, "nested": [{"p95": 1.5}]}, allow_nan=False)
    except ValueError:
        excerpt = logged(logger, "cannot publish metrics snapshot")
    else:
        pytest.fail("json.dumps accepted a non-finite float with allow_nan=False")
    d = diagnose(excerpt)
    assert d.category == "code" and d.confidence < 0.6 and "NaN" in text_of(d), (d.rule, d.summary)
