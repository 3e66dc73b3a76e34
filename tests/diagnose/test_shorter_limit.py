"""A time limit of ours shorter than the wait another setting asks of the same work (shorter_limit.py): config; its
twins keep their answer.

Generated over seeds, three carriers of the class with their libraries' own words: a blocking queue command (its wait
a setting or the call's own argument) under a socket timeout (redis-py's "Timeout reading from host:port"), an idle timeout on the path below a keepalive interval
(websockets' own ConnectionClosedError text, "no close frame received or sent"), a staleness threshold below a periodic
writer's interval. What varies: the names and units of both settings, the shape that prints them (NAME=value, key=value
(NAME), a lower-case key=value, a manifest's `key: "60"` printed AFTER the failure), the loggers, the durations, the
measure that ties the failure to the limit (the period between a loop's records, a clock time the failure quotes, an
elapsed time in its text). Twins that must NOT change: no longer setting, a longer setting of another work, the other
setting shorter, a longer limit that asks no wait (a connect timeout), the failure's measure not the limit's.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from websockets.exceptions import ConnectionClosedError

from .logged import diagnose, text_of

_T0 = datetime(2026, 12, 6, 9, 0, 0)
Case = tuple[list[str], list[str]]  # (the excerpts of the class, their twins)


def _at(seconds: float) -> str:
    return (_T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def _line(t: float, level: str, logger: str, text: str) -> str:
    return f"{_at(t)} {level} {logger}: {text}"


def _printed(rng: random.Random, name: str, seconds: int, others: str = "") -> str:
    """`name` holding `seconds` in one of the shapes startup records print (its unit in the value or in the name)."""
    key = name.lower().split("_", 1)[-1]
    return rng.choice([f"settings {others}{name}={seconds}", f"loaded {name}={seconds}s from env {others}".strip(),
                       f"{key}={seconds}s ({name}) {others}".strip()])


def _queue(rng: random.Random) -> Case:
    """A consumer's blocking pop times out every socket-timeout seconds on an idle queue."""
    limit = rng.choice([3, 5, 10, 15])
    block = limit * rng.choice([3, 6, 12])
    command = rng.choice(["BLPOP", "BRPOP", "BLMOVE"])
    logger = rng.choice(["src.workers.queue", "jobs.consumer", "app.embedding_worker"])
    host = rng.choice(["redis:6379", "cache.internal:6380", "10.0.4.12:6379"])
    sock = rng.choice(["REDIS_SOCKET_TIMEOUT", "CACHE_READ_TIMEOUT", "QUEUE_REDIS_TIMEOUT_S"])
    wait = f"QUEUE_{command}_TIMEOUT"

    def excerpt(settings: str, step: int = limit, call: str = "") -> str:
        failure = f"{call or command.lower()} failed: Timeout reading from {host}"
        t, lines = 0.0, [_line(0, "INFO", logger, f"settings REDIS_URL=redis://{host}/2 {settings}")]
        for _ in range(rng.randint(2, 3)):
            t += step
            lines.append(_line(t, "ERROR", logger, failure))
        t += rng.randint(1, limit - 1)
        lines.append(_line(t, "INFO", logger, f"job q-{rng.randint(1000, 9999)} done"))
        t += step
        lines.append(_line(t, "ERROR", logger, failure))
        return "\n".join(lines)

    # the wait given in the call itself (redis-py's keyword in seconds, XREAD's BLOCK in milliseconds; 0: no end)
    given = [f"{command.lower()}(['jobs'], timeout={block})", f"XREAD BLOCK {block * 1000} STREAMS jobs $",
             f"{command.lower()}(['jobs'], timeout=0)"]
    short = f"{command.lower()}(['jobs'], timeout={max(1, limit // 3)})"
    return [excerpt(f"{sock}={limit} {wait}={block}"), *(excerpt(f"{sock}={limit}", call=c) for c in given)], [
        excerpt(f"{sock}={limit}", call=short),  # the call waits less than the limit
        excerpt(f"{sock}={limit}", call=rng.choice(given), step=limit + 2),  # the failures do not come at the limit
        excerpt(f"{sock}={limit}"),  # no longer wait: a slow Redis at our limit
        excerpt(f"{sock}={limit} KIMI_TIMEOUT_SECS={block}"),  # a longer setting of another work
        excerpt(f"{sock}={limit} {wait}={max(1, limit // 3)}"),  # the blocking wait is shorter
        excerpt(f"{sock}={limit} REDIS_CONNECT_TIMEOUT={block}"),  # a longer limit asks no wait
        excerpt(f"{sock}={limit} {wait}={block}", step=limit + 2),  # the failures do not come at the limit
    ]


def _idle(rng: random.Random) -> Case:
    """A WebSocket through a proxy whose idle read timeout is below our ping interval is cut while idle."""
    limit = rng.choice([30, 60, 75])
    ping = limit + rng.choice([15, 30, 60])
    logger = rng.choice(["src.daemon.connection_manager", "dashboard.ws", "app.realtime"])
    said = str(ConnectionClosedError(None, None))  # the library's own words for a connection cut without a handshake
    annotation = rng.choice([f'nginx.ingress.kubernetes.io/proxy-read-timeout: "{limit}"',
                             f"proxy_read_timeout: {limit}s", f"idle_timeout: {limit}s"])

    def excerpt(keepalive: str, proxy: str, gap: int = limit) -> str:
        lines = [_line(0, "INFO", rng.choice(["src.daemon.main", "app.startup"]), f"ws keepalive {keepalive}")]
        t = 100.0
        for i in range(rng.randint(1, 3)):
            t += rng.randint(20, 200)
            last = (_T0 + timedelta(seconds=t - gap)).strftime("%H:%M:%S")
            lines.append(_line(t, "WARNING", logger, f"client c-{i}{rng.randrange(16**3):03x} disconnected: {said} "
                                                     f"(last frame {last}, open {rng.randint(2, 9)}m)"))
        lines.append(_line(t + 5, "INFO", "utils.observability", f"kubectl get ingress -o yaml | grep timeout -> {proxy}"))
        return "\n".join(lines)

    return [excerpt(f"ping_interval={ping} ping_timeout=20", annotation)], [
        excerpt("ping_timeout=20", annotation),  # no keepalive interval printed
        excerpt(f"ping_interval={max(5, limit // 3)} ping_timeout=20", annotation),  # our pings come in time
        excerpt(f"ping_interval={ping} ping_timeout=20", annotation, gap=limit + 17),  # cut after another idle time
    ]


def _stale(rng: random.Random) -> Case:
    """A staleness check below a periodic writer's interval calls every write stale for part of each interval."""
    limit = rng.choice([10, 20, 45])
    every = limit + rng.choice([10, 15, 30])
    thing = rng.choice(["HEALTH", "HEARTBEAT_FILE", "STATUS"])
    logger = rng.choice(["src.monitoring.health", "ops.watchdog"])
    word = thing.split("_")[0].lower()

    def excerpt(writer: str, age: float) -> str:
        return "\n".join([
            _line(0, "INFO", "src.daemon.main", writer),
            _line(0, "INFO", logger, f"staleness threshold={limit}s ({thing}_STALE_AFTER)"),
            _line(60, "INFO", logger, f"daemon {word} ok (write 0.1s ago)"),
            _line(80, "WARNING", logger, f"daemon {word} stale: last write {age:.1f}s ago")])

    age = limit + rng.choice([0.1, 0.3, 0.4])
    return [excerpt(f"{word} writer interval={every}s ({thing}_WRITE_INTERVAL)", age)], [
        excerpt(f"{word} writer interval={limit // 2}s ({thing}_WRITE_INTERVAL)", age),  # writes come in time
        excerpt(f"metrics flush interval={every}s (METRICS_FLUSH_INTERVAL)", age),  # another work's interval
        excerpt(f"{word} writer interval={every}s ({thing}_WRITE_INTERVAL)", limit + 7.5),  # not the limit's age
    ]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("carrier", [_queue, _idle, _stale])
def test_a_limit_shorter_than_the_wait_another_setting_asks_is_config_and_twins_keep(
        carrier: Callable[[random.Random], Case], seed: int) -> None:
    excerpts, twins = carrier(random.Random(seed * 31 + len(carrier.__name__)))
    for excerpt in excerpts:
        d = diagnose(excerpt)
        assert "shorter-limit" in d.rule and d.category == "config" and d.confidence <= 0.45, (excerpt, d.rule)
        assert "contradict" in text_of(d)
    for twin in twins:
        got = diagnose(twin)
        assert "shorter-limit" not in got.rule, (twin, got.rule, got.summary)


@pytest.mark.parametrize("seed", range(3))
def test_the_wait_given_in_the_last_frame_of_a_deep_traceback_is_read(seed: int) -> None:
    # re-read r16: the call's wait and the work's words were read in the traceback's first 8 KiB, but its last frame
    # (the blocking call) is at the tail; twin: the same deep traceback whose call waits less than the limit
    rng = random.Random(f"deep-{seed}")
    limit = rng.choice([3, 5, 10])
    block = limit * rng.choice([3, 6, 12])
    command = rng.choice(["blpop", "brpop", "bzpopmin"])
    logger = rng.choice(["src.workers.queue", "jobs.consumer", "app.embedding_worker"])
    frames = "".join(f'  File "/app/src/middleware/layer_{i}.py", line {rng.randint(10, 400)}, in __call__\n'
                     f"    return await self.app(scope, receive, send)\n" for i in range(rng.randint(120, 160)))

    def excerpt(wait: int) -> str:
        failure = "job pop failed: Timeout reading from redis:6379"  # a loop's failure every `limit` seconds (_period)
        return "\n".join([
            _line(0, "INFO", logger, f"settings REDIS_URL=redis://redis:6379/2 REDIS_SOCKET_TIMEOUT={limit}"),
            *(_line(limit * i, "ERROR", logger, failure) for i in (1, 2)),
            _line(limit * 2 + 1, "INFO", logger, f"job q-{rng.randint(1000, 9999)} done"),
            _line(limit * 3 + 1, "ERROR", logger, failure),
            "Traceback (most recent call last):\n" + frames +
            f'  File "/app/src/workers/consumer.py", line {rng.randint(20, 90)}, in pop\n'
            f"    item = await self.redis.{command}(['jobs'], timeout={wait})\n"
            '  File "/usr/lib/python3.12/site-packages/redis/asyncio/connection.py", line 569, in read_response\n'
            "    raise TimeoutError(f\"Timeout reading from {host_error}\")\n"
            "redis.exceptions.TimeoutError: Timeout reading from redis:6379"])

    deep = excerpt(block)
    assert len(deep) > 12000
    d = diagnose(deep)
    assert "shorter-limit" in d.rule and d.category == "config", (d.rule, d.summary)
    assert "shorter-limit" not in diagnose(excerpt(max(1, limit // 3))).rule
