"""A class no table knows gets the family its ancestors and its raising package imply (base_family.py).

Every error here is raised for real, by a class that no eval set names, inside the real library (or the
standard library), called from this file (an application frame), and logged by each kind of gateway module.
The answer is the category the class's contract implies at low confidence (never >= 0.6), with a text that
names the class and the component; a data parse (a value lookup, a date, a JWT) gets no such verdict.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import pytest
import yaml

from .logged import diagnose, raised_and_logged, text_of

LOGGERS = ["src.providers.kimi_chat", "src.storage.supabase_client", "src.daemon.ws_server", "tools.chat"]


def _httpx_bad_kwarg() -> None:
    httpx.Client(bogus_option=1)  # type: ignore[call-arg]


def _httpx_url_type() -> None:
    httpx.URL(12345)  # type: ignore[arg-type]


def _sqlite_closed_cursor() -> None:
    conn = sqlite3.connect(":memory:")
    cur = conn.cursor()
    conn.close()
    cur.execute("select 1")


def _sqlite_two_statements() -> None:
    sqlite3.connect(":memory:").execute("select 1; select 2")


def _yaml_dump_object() -> None:
    yaml.safe_dump({"when": object()})


def _json_dump_set() -> None:
    json.dumps({"ids": {1, 2}})


def _contextmanager_without_yield() -> None:
    @contextlib.contextmanager
    def opened() -> Iterator[None]:
        if False:
            yield
    with opened():
        pass


def _bounded_semaphore_over_release() -> None:
    async def run() -> None:
        sem = asyncio.BoundedSemaphore(1)
        sem.release()
    asyncio.run(run())


def _asyncio_lock_release_unheld() -> None:
    async def run() -> None:
        asyncio.Lock().release()
    asyncio.run(run())


def _thread_pool_no_workers() -> None:
    import concurrent.futures

    concurrent.futures.ThreadPoolExecutor(max_workers=0)  # concurrent/futures/thread.py: "thread" is not a parser


CODE_CASES: dict[str, Callable[[], None]] = {
    "httpx kwarg": _httpx_bad_kwarg, "httpx URL type": _httpx_url_type, "sqlite closed cursor": _sqlite_closed_cursor,
    "sqlite two statements": _sqlite_two_statements, "yaml dump": _yaml_dump_object, "json dump set": _json_dump_set,
    "contextmanager": _contextmanager_without_yield, "thread pool of no workers": _thread_pool_no_workers,
}
LOCK_CASES: dict[str, Callable[[], None]] = {
    "bounded semaphore": _bounded_semaphore_over_release, "asyncio lock": _asyncio_lock_release_unheld,
}


def _excerpt(raise_it: Callable[[], None], logger: str) -> str:
    return raised_and_logged(raise_it, logger, "request handling failed")


@pytest.mark.parametrize("logger", LOGGERS)
@pytest.mark.parametrize("name", sorted(CODE_CASES))
def test_a_library_refusing_how_it_was_called_is_code_at_low_confidence(name: str, logger: str) -> None:
    d = diagnose(_excerpt(CODE_CASES[name], logger))
    assert d.category == "code" and 0.3 <= d.confidence < 0.6, (name, d.rule, d.category, d.summary)
    if (d.rule or "").startswith("class:base."):  # (json's TypeError has its own rule, whose fix texts name both)
        assert "Kimi" not in text_of(d) and "Supabase" not in text_of(d), d.summary  # never the logger's remote


@pytest.mark.parametrize("logger", LOGGERS)
@pytest.mark.parametrize("name", sorted(LOCK_CASES))
def test_lock_bookkeeping_errors_are_concurrency(name: str, logger: str) -> None:
    d = diagnose(_excerpt(LOCK_CASES[name], logger))
    assert d.category == "concurrency" and d.confidence < 0.6, (name, d.rule, d.summary)


def test_the_text_names_the_class_and_the_component() -> None:
    d = diagnose(_excerpt(_yaml_dump_object, "tools.chat"))
    assert "RepresenterError" in text_of(d) and "yaml" in text_of(d), text_of(d)
    d = diagnose(_excerpt(_sqlite_closed_cursor, "tools.chat"))
    assert "ProgrammingError" in text_of(d) and "PEP 249" in text_of(d), text_of(d)


def _strptime() -> None:
    datetime.strptime("yesterday", "%Y-%m-%d")


def _enum_lookup() -> None:
    import enum

    class Stance(enum.Enum):
        FOR = "for"
    Stance("pro")


@pytest.mark.parametrize("raise_it", [_strptime, _enum_lookup])
def test_a_value_parse_in_the_standard_library_gets_no_base_verdict(raise_it: Callable[[], None]) -> None:
    """A ValueError from a parse or a lookup is about the value; where it came from decides, not the class."""
    d = diagnose(_excerpt(raise_it, "tools.chat"))
    assert not (d.rule or "").startswith("class:base."), (d.rule, d.summary)
    assert d.confidence <= 0.4


def test_a_refused_connection_with_no_known_remote_is_the_network_naming_the_component() -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now

    async def connect() -> None:
        await asyncio.open_connection("127.0.0.1", port)
    try:
        asyncio.run(connect())
    except ConnectionRefusedError as exc:
        # realtime-py logs the attempt's error text without a traceback
        d = diagnose(f"2026-12-06 07:00:00 ERROR realtime._async.client: Connection attempt failed: {exc}")
    assert d.category == "network" and d.confidence < 0.6 and "realtime" in text_of(d), (d.rule, d.summary)


def _sync_with_on_async_lock() -> None:
    async def run() -> None:
        with asyncio.Semaphore(2):  # type: ignore[attr-defined]
            pass
    asyncio.run(run())


def _async_with_on_sync_lock() -> None:
    import threading

    async def run() -> None:
        async with threading.Lock():  # type: ignore[attr-defined]
            pass
    asyncio.run(run())


@pytest.mark.parametrize("raise_it", [_sync_with_on_async_lock, _async_with_on_sync_lock])
def test_a_context_manager_entered_with_the_wrong_protocol_is_code_naming_async_with(raise_it: Callable[[], None]) -> None:
    d = diagnose(_excerpt(raise_it, "src.daemon.middleware.semaphores"))
    assert d.category == "code" and "async with" in text_of(d) and "leak" not in text_of(d), (d.rule, d.summary)


def _asyncio_queue_get_nowait_empty() -> None:
    async def run() -> None:
        asyncio.Queue[int]().get_nowait()
    asyncio.run(run())


def _asyncio_queue_put_nowait_full() -> None:
    async def run() -> None:
        q = asyncio.Queue[int](maxsize=1)
        q.put_nowait(1)
        q.put_nowait(2)
    asyncio.run(run())


def _queue_get_nowait_empty() -> None:
    import queue

    queue.Queue[int]().get_nowait()


def _subprocess_kill_after_exit() -> None:
    async def run() -> None:
        proc = await asyncio.create_subprocess_exec("true")
        await proc.wait()
        await asyncio.sleep(0)
        proc.kill()  # the transport closed with the exit: asyncio's own _check_proc refuses
    asyncio.run(run())


def _future_result_not_ready() -> None:
    async def run() -> None:
        asyncio.get_running_loop().create_future().result()
    asyncio.run(run())


def _multiprocessing_unknown_context() -> None:
    import multiprocessing

    multiprocessing.get_context("threads")


STATE_CASES: dict[str, Callable[[], None]] = {
    "asyncio queue empty": _asyncio_queue_get_nowait_empty,
    "queue empty": _queue_get_nowait_empty, "subprocess kill after exit": _subprocess_kill_after_exit,
    "future not ready": _future_result_not_ready, "multiprocessing context": _multiprocessing_unknown_context,
}


@pytest.mark.parametrize("logger", LOGGERS)
@pytest.mark.parametrize("name", sorted(STATE_CASES))
def test_a_standard_library_objects_own_state_check_is_code(name: str, logger: str) -> None:
    """asyncio/queue/multiprocessing raising their own check (not an errno, not a wait running out) under our call."""
    d = diagnose(_excerpt(STATE_CASES[name], logger))
    assert d.category == "code" and 0.3 <= d.confidence < 0.6, (name, d.rule, d.category, d.summary)
    assert "Kimi" not in text_of(d) and "Supabase" not in text_of(d), d.summary
    if (d.rule or "").startswith("class:base."):  # (InvalidStateError has its own family and text)
        assert f"{CALLED[name]}()" in d.summary, d.summary  # the call the code made, not the library's inner check


CALLED = {"asyncio queue empty": "get_nowait", "queue empty": "get_nowait", "subprocess kill after exit": "kill",
          "future not ready": "result", "multiprocessing context": "get_context"}


def _wait_for_timeout() -> None:
    async def run() -> None:
        await asyncio.wait_for(asyncio.sleep(1), 0.01)
    asyncio.run(run())


def test_a_wait_that_ran_out_or_a_full_bounded_queue_is_not_a_state_check() -> None:
    d = diagnose(_excerpt(_wait_for_timeout, "tools.chat"))
    assert not (d.rule or "").startswith("class:base."), (d.rule, d.summary)
    d = diagnose(_excerpt(_asyncio_queue_put_nowait_full, "tools.chat"))
    assert d.category == "capacity", (d.rule, d.summary)  # a bounded queue at its size: classes.py resource.queue
