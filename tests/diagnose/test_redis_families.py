"""redis-py's real errors, raised by the real asyncio client against a local server that speaks RESP3 and
answers each command as a Redis server in that state would (no password given, a replica, maxmemory
reached, a lock whose TTL ran out...), logged by the gateway's cache and lock modules. The category is the
doctrine's: a credential -> config, the cache service limiting at runtime -> storage, a key of the wrong
type -> code, a lock lost or held by another -> concurrency. Never a provider's API key or a Postgres lock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
import redis
import redis.asyncio as aredis

from sidecar.diagnose.classes import STATIC_BASES, family_of
from sidecar.diagnose.redis_classes import REDIS_BASES
from sidecar.diagnose.verdict import MAX_CONFIDENCE
from tests.diagnose.logged import diagnose, logged, text_of

Reply = Callable[[str], bytes]
OK = b"+OK\r\n"
# HELLO 3's answer (a RESP3 map): redis-py >= 5 opens every connection with it
HELLO = b"%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n"


@asynccontextmanager
async def resp_server(reply: Reply, hello: bool = True) -> AsyncIterator[int]:
    """A loopback server reading RESP command arrays and answering `reply(COMMAND)` (HELLO answered as a
    Redis 7 server unless `hello` is False); yields its port."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                parts = []
                for _ in range(int(line[1:])):
                    await reader.readline()
                    parts.append((await reader.readline()).strip().decode())
                command = parts[0].upper()
                writer.write(HELLO if command == "HELLO" and hello else reply(command))
                await writer.drain()
        except (ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


def _only(command: str, answer: bytes) -> Reply:
    return lambda c: answer if c == command else OK


CACHE = "utils.infrastructure.semantic_cache"
CASES = [
    # (name, reply, answer HELLO, call, expected category, a word the answer must say)
    ("noauth", lambda c: b"-NOAUTH Authentication required.\r\n", False, "get", "config", "Redis"),
    ("wrongpass", lambda c: b"-WRONGPASS invalid username-password pair or user is disabled.\r\n", False, "get",
     "config", "Redis"),
    ("wrongtype", _only("GET", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"), True, "get",
     "code", "WRONGTYPE"),
    ("oom", _only("SET", b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"), True, "set", "capacity",
     "maxmemory"),
    ("readonly", _only("SET", b"-READONLY You can't write against a read only replica.\r\n"), True, "set", "storage",
     "replica"),
    ("loading", _only("GET", b"-LOADING Redis is loading the dataset in memory\r\n"), True, "get", "storage", "loading"),
    # server.c's shared replies: min-replicas-to-write refusing writes (the service's replication state) vs a
    # command against an object that exists / does not (the code's use: t_stream.c's BUSYGROUP/NOGROUP)
    ("noreplicas", _only("SET", b"-NOREPLICAS Not enough good replicas to write.\r\n"), True, "set", "storage",
     "replicas"),
    ("busygroup", _only("SET", b"-BUSYGROUP Consumer Group name already exists\r\n"), True, "set", "code", "group"),
    ("nogroup", _only("GET", b"-NOGROUP No such key 'semcache:k' or consumer group 'g1'\r\n"), True, "get", "code",
     "group"),
    # redis-py strips an "ERR " reply's first word: the server refused the command the code sent (code), a command
    # the server does not have is a module that is not loaded (config), maxclients is its connection limit (capacity)
    ("err-syntax", _only("SET", b"-ERR value is not an integer or out of range\r\n"), True, "set", "code", "ERR"),
    ("err-unknown-command", _only("GET", b"-ERR unknown command 'GET', with args beginning with: 'semcache:k'\r\n"),
     True, "get", "config", "module"),
    ("err-maxclients", lambda c: b"-ERR max number of clients reached\r\n", False, "get", "capacity", "maxclients"),
    # near-misses of OOM: a key or an argument that holds the letters (`room:42`, `chatroom`) is no memory limit
    ("err-unknown-command-room", _only("GET", b"-ERR unknown command 'GET', with args beginning with: 'room:42'\r\n"),
     True, "get", "config", "module"),
    ("err-syntax-chatroom", _only("SET", b"-ERR syntax error in key chatroom:1\r\n"), True, "set", "code", "ERR"),
    # a cluster's redirections reaching a single-server client: the endpoint/client mode (config), not the service
    ("moved", _only("SET", b"-MOVED 12182 10.0.4.7:6379\r\n"), True, "set", "config", "cluster"),
    ("ask", _only("GET", b"-ASK 3999 10.0.4.9:6380\r\n"), True, "get", "config", "cluster"),
]


@pytest.mark.parametrize(("name", "reply", "hello", "call", "category", "word"), CASES, ids=[c[0] for c in CASES])
async def test_redis_server_answers_through_the_real_client(name: str, reply: Reply, hello: bool, call: str,
                                                            category: str, word: str) -> None:
    async with resp_server(reply, hello) as port:
        client = aredis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
        try:
            await (client.get("semcache:k") if call == "get" else client.set("semcache:k", "v"))
        except redis.RedisError:
            excerpt = logged(CACHE, "cache lookup failed, continuing without cache",
                             (f"semantic cache enabled (redis://127.0.0.1:{port}/0)",))
        finally:
            await client.aclose()
    d = diagnose(excerpt)
    assert d.category == category, (name, d.rule, d.summary)
    assert word.lower() in text_of(d).lower()
    for wrong in ("Kimi", "GLM", "KIMI_API_KEY", "JWT", "Postgres", "moonshot", "provider console"):
        assert wrong not in text_of(d)


async def test_a_redis_lock_whose_ttl_ran_out_is_a_lost_lock_not_a_deadlock() -> None:
    # SET NX takes the lock; the release script finds another token (0): the TTL expired during the work
    async with resp_server(_only("EVALSHA", b":0\r\n")) as port:
        client = aredis.Redis(host="127.0.0.1", port=port)
        lock = client.lock("session-lock:2b7e1f0c", timeout=30)
        assert await lock.acquire()
        try:
            await lock.release()
        except redis.exceptions.LockNotOwnedError:
            excerpt = logged("src.daemon.session_lock", "releasing session lock failed",
                             ("acquired session-lock:2b7e1f0c (ttl 30s)",))
        finally:
            await client.aclose()
    d = diagnose(excerpt)
    assert d.category == "concurrency" and "lock" in d.summary.lower() and "release" in d.summary
    for wrong in ("deadlock", "Postgres", "lock_timeout", "semaphore leak"):
        assert wrong not in text_of(d)
    assert d.confidence <= MAX_CONFIDENCE


async def test_a_redis_lock_held_by_another_past_the_wait_is_concurrency() -> None:
    async with resp_server(_only("SET", b"_\r\n")) as port:  # SET NX answers null: someone else holds it
        client = aredis.Redis(host="127.0.0.1", port=port)
        lock = client.lock("session-lock:9", timeout=30, blocking_timeout=0.05, raise_on_release_error=True)
        try:
            async with lock:
                pass
        except redis.exceptions.LockError:
            excerpt = logged("src.daemon.session_lock", "could not take the session lock")
        finally:
            await client.aclose()
    d = diagnose(excerpt)
    assert d.category == "concurrency" and "another" in text_of(d)


async def test_releasing_a_lock_never_acquired_is_code() -> None:
    async with resp_server(lambda c: OK) as port:
        client = aredis.Redis(host="127.0.0.1", port=port)
        try:
            await client.lock("session-lock:3", timeout=30).release()
        except redis.exceptions.LockError:
            excerpt = logged("src.daemon.session_lock", "releasing session lock failed")
        finally:
            await client.aclose()
    d = diagnose(excerpt)
    assert d.category == "code" and "lock" in d.summary.lower()


def test_the_static_redis_tree_is_the_installed_one() -> None:
    """redis_classes.py is written down for a sidecar without redis: it must equal redis-py's own tree."""
    import redis.exceptions as rx

    installed = {}
    for name, obj in vars(rx).items():
        if isinstance(obj, type) and issubclass(obj, BaseException) and obj.__module__ == "redis.exceptions":
            bases = [f"redis.{c.__name__}" if c.__module__.startswith("redis") else c.__name__
                     for c in obj.__mro__[1:] if c not in (BaseException, Exception, object)]
            installed[f"redis.{name}"] = tuple(bases)
    missing = {k: v for k, v in installed.items() if REDIS_BASES.get(k) != v}
    assert not missing, f"redis_classes.REDIS_BASES differs from redis {redis.__version__}: {missing}"
    assert family_of("redis.exceptions.LockNotOwnedError") == "concurrency.lock_lost"
    assert STATIC_BASES["redis.LockNotOwnedError"][1] == "redis.LockError"
