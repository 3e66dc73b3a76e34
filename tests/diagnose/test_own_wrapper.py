"""An exception of our own code that only re-raises its cause is read as the cause (own_wrapper.py, base_family.py).

Every cause is raised for real inside its library (prometheus_client, httpx, sqlite3, asyncio, json), wrapped by a
class of this file (an application frame) with `raise Wrapper(f"<operation> failed: {exc}") from exc` as the
gateway's tool boundary does, and logged in three shapes: `logger.exception`, the same behind a compose prefix, and the
ws_daemon's `=== TOOL CALL FAILED ===` block. The answer is the cause's class-level reading (code, low), never the
catch-all's unknown. Twins keep the catch-all: a wrapper with a message of its own, a second failure while handling
(`During handling`, no `from`), and a cause that is a value parse (its origin decides, not its class).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import traceback
from collections.abc import Callable, Iterator

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram

from .logged import diagnose, logged, text_of


class GatewayError(Exception):
    """The daemon's tool-boundary wrapper."""


class ToolExecutionError(RuntimeError):
    """Another spelling: a tool runner's wrapper on a builtin base."""


def _labels_count() -> None:
    Histogram("tool_seconds", "d", ["provider", "tool"], registry=CollectorRegistry()).labels("kimi").observe(1.0)


def _labels_names() -> None:
    Counter("calls", "d", ["provider"], registry=CollectorRegistry()).labels(model="glm-4.6").inc()


def _negative_inc() -> None:
    Counter("bytes", "d", registry=CollectorRegistry()).inc(-3)


def _httpx_kwarg() -> None:
    httpx.Client(bogus_option=1)  # type: ignore[call-arg]


def _sqlite_closed() -> None:
    conn = sqlite3.connect(":memory:")
    cur = conn.cursor()
    conn.close()
    cur.execute("select 1")


def _json_set() -> None:
    json.dumps({"ids": {1, 2}})


def _no_yield() -> None:
    @contextlib.contextmanager
    def opened() -> Iterator[None]:
        if False:
            yield
    with opened():
        pass


def _future_result_early() -> None:
    async def run() -> None:
        asyncio.get_running_loop().create_future().result()
    asyncio.run(run())


CAUSES: dict[str, Callable[[], None]] = {
    "prometheus label count": _labels_count, "prometheus label names": _labels_names,
    "prometheus negative inc": _negative_inc, "httpx kwarg": _httpx_kwarg, "sqlite closed cursor": _sqlite_closed,
    "json dump set": _json_set, "contextmanager without yield": _no_yield,
    "asyncio future result early": _future_result_early,
}
WRAPPERS: list[tuple[type[Exception], str]] = [(GatewayError, "request failed: {exc}"),
                                               (ToolExecutionError, "tool analyze failed ({exc})")]
LOGGERS = ["src.daemon.error_handling", "src.monitoring.metrics", "tools.chat"]


def _wrapped(cause: Callable[[], None], wrapper: type[Exception], said: str) -> None:
    try:
        cause()
    except Exception as exc:
        raise wrapper(said.format(exc=exc)) from exc


def _during_handling(cause: Callable[[], None], wrapper: type[Exception], said: str) -> None:
    try:
        cause()
    except Exception as exc:
        raise wrapper(said.format(exc=exc))  # noqa: B904 - the shape under test: a second failure in the handler


def _excerpt(shape: str, logger: str, raise_it: Callable[[], None]) -> str:
    try:
        raise_it()
    except Exception as exc:
        if shape == "block":
            tb = "".join(traceback.format_exception(exc)).rstrip("\n")
            err = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
            return (f"2026-12-07 10:00:01 ERROR ws_daemon: === TOOL CALL FAILED ===\n[req:7f3a] relay failed\n"
                    f"Tool: analyze\nDuration: 2.31s\nRequest ID: 9a8c\nError: {err}\nFull traceback:\n{tb}\n"
                    "2026-12-07 10:00:01 ERROR ws_daemon: === END ===")
        text = logged(logger, "tool call failed")
        if shape == "compose":
            text = "\n".join(f"exai-mcp-daemon  | {ln}".rstrip() for ln in text.splitlines())
        return text
    raise AssertionError("did not raise")


@pytest.mark.parametrize("shape", ["exception", "compose", "block"])
@pytest.mark.parametrize("wrapper,said", WRAPPERS)
@pytest.mark.parametrize("name", sorted(CAUSES))
def test_a_cause_under_our_own_wrapper_is_read_as_the_cause(name: str, wrapper: type[Exception], said: str,
                                                            shape: str) -> None:
    logger = LOGGERS[(sorted(CAUSES).index(name) + len(shape)) % len(LOGGERS)]
    d = diagnose(_excerpt(shape, logger, lambda: _wrapped(CAUSES[name], wrapper, said)))
    assert d.category == "code" and 0.3 <= d.confidence < 0.6, (name, shape, d.rule, d.category, d.summary)


def test_the_text_names_the_cause_not_the_wrapper() -> None:
    d = diagnose(_excerpt("exception", "src.monitoring.metrics",
                          lambda: _wrapped(_labels_count, GatewayError, "request failed: {exc}")))
    assert d.rule == "class:base.api.use" and "prometheus_client" in text_of(d) and "labels" in text_of(d), text_of(d)


@pytest.mark.parametrize("shape", ["exception", "block"])
@pytest.mark.parametrize("name", ["prometheus label count", "httpx kwarg", "contextmanager without yield"])
def test_a_wrapper_with_its_own_message_is_not_read_through(name: str, shape: str) -> None:
    """Twin: the wrapper states a cause of its own; the cause's class is not the record's answer."""
    d = diagnose(_excerpt(shape, "tools.chat", lambda: _wrapped(CAUSES[name], GatewayError, "tenant acme over its plan")))
    assert not (d.rule or "").startswith("class:base."), (name, shape, d.rule, d.summary)
    assert d.confidence <= 0.4


@pytest.mark.parametrize("shape", ["exception", "block"])
@pytest.mark.parametrize("name", ["prometheus label count", "httpx kwarg", "contextmanager without yield"])
def test_a_second_failure_while_handling_is_not_read_through(name: str, shape: str) -> None:
    """Twin: `During handling of the above exception` (no `from`): the handler failed on its own."""
    d = diagnose(_excerpt(shape, "tools.chat", lambda: _during_handling(CAUSES[name], GatewayError,
                                                                        "request failed: {exc}")))
    assert not (d.rule or "").startswith("class:base."), (name, shape, d.rule, d.summary)


def _strptime() -> None:
    from datetime import datetime

    datetime.strptime("yesterday", "%Y-%m-%d")


@pytest.mark.parametrize("shape", ["exception", "compose", "block"])
def test_a_wrapped_value_parse_gets_no_base_verdict(shape: str) -> None:
    """Twin: the cause is a parse of a value; where the value came from decides, wrapped or not (base_family.py)."""
    d = diagnose(_excerpt(shape, "tools.chat", lambda: _wrapped(_strptime, GatewayError, "request failed: {exc}")))
    assert not (d.rule or "").startswith("class:base."), (shape, d.rule, d.summary)
    assert d.confidence <= 0.4


def _extend_lock(key: str, ttl: int) -> None:
    import redis

    redis.Redis().lock(key, timeout=ttl).extend(60, bogus=True)  # type: ignore[call-arg]


@pytest.mark.parametrize("seed", range(6))
def test_the_record_that_set_a_shorter_ttl_outranks_the_class_alone(seed: int) -> None:
    """A lock lost after the TTL our own record gave it (cache_eviction.py's own-ttl reading, CLASSES11 C4's twin) is
    said so even where the raised class alone reads code (base_family.py, here through our own wrapper or not)."""
    import random

    r = random.Random(seed)
    key = r.choice(["lock:conversation-sync", "lock:upload:7f3a", "job:claim:42"])
    ttl, used = r.choice([5, 10, 30]), r.choice([45, 89, 120])
    unit = r.choice(["ex={n}s", "ttl={n}", "timeout={n}s"]).format(n=ttl)
    wrap = seed % 2 == 0
    before = (f"acquired {key} {unit}", "redis used_memory=130.8M maxmemory=512M evicted_keys=0")

    def lost() -> None:
        if wrap:
            _wrapped(lambda: _extend_lock(key, ttl), GatewayError, "tool execution failed: {exc}")
        else:
            _extend_lock(key, ttl)
    try:
        lost()
    except Exception:
        excerpt = logged("src.daemon.job_runner", f"{key} gone after {used}s", before=before)
    d = diagnose(excerpt)
    assert d.category == "code" and "TTL" in d.summary and f"{ttl:g} s" in d.summary, (seed, d.rule, d.summary)
