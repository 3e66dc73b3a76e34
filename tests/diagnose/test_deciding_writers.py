"""Who wrote a quoted record, and the remote's own record (deciding_facts.py, round 17).

Generated per seed: the instance tags (a replica, a pid, a worker, a host), the key, the loggers, the times; the Redis
server's lines (pid, role, level character, message, Docker json-file or plain). Twins that must NOT change: the same
record written by the error's own writer (no writer named), an error with no instance tag (nothing to compare), the
same Redis server lines beside an error that does not concern Redis (another remote's record: not quoted).
"""

from __future__ import annotations

import json
import random

import pytest

from sidecar.diagnose.record_writers import writer

from .logged import diagnose

SEEDS = (1, 2, 3)


def _tags(rnd: random.Random) -> tuple[str, str]:
    shape = rnd.choice(("gw-{}", "pid {}", "worker-{}", "api-{}.internal"))
    a, b = rnd.sample(range(1, 9999), 2)
    return shape.format(a), shape.format(b)


def _raced(seed: int, same_writer: bool, untagged: bool = False) -> tuple[str, str]:
    rnd = random.Random(seed)
    mine, theirs = _tags(rnd)
    writer = mine if same_writer else theirs
    logger = rnd.choice(("src.monitoring.budget", "src.core.quota", "tools.counter"))
    key = f"{rnd.choice(('budget', 'quota', 'credit'))}:conv-{rnd.randrange(1000, 9999)}"
    sec = rnd.randrange(10, 50)
    own = "" if untagged else f"[{mine}] "
    lines = [f"2026-12-05 13:22:{sec}.101 INFO {own}{logger}: read {key} remaining={rnd.randrange(100, 900)}",
             f"2026-12-05 13:22:{sec}.108 INFO [{writer}] {logger}: wrote {key} remaining={rnd.randrange(10, 99)}",
             f"2026-12-05 13:22:{sec}.125 ERROR {own}{logger}: update of {key} gave up: "
             "redis.exceptions.WatchError: Watched variable changed."]
    return "\n".join(lines), writer


@pytest.mark.parametrize("seed", SEEDS)
def test_a_record_of_another_writer_is_quoted_with_that_writer(seed):
    excerpt, writer = _raced(seed, same_writer=False)
    assert f"by {writer}, not the error's writer" in diagnose(excerpt).root_cause


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("twin", ["same writer", "untagged error"])
def test_the_errors_own_writer_or_an_untagged_error_names_no_writer(seed, twin):
    excerpt, _ = _raced(seed, same_writer=twin == "same writer", untagged=twin == "untagged error")
    assert "not the error's writer" not in diagnose(excerpt).root_cause


def _server_lines(rnd: random.Random, minute: int) -> tuple[list[str], str]:
    pid, role = rnd.randrange(1, 9000), rnd.choice("MS")
    said = rnd.choice((f"Latency event 'fork' took {rnd.randrange(300, 2000)} ms",
                       f"Background append only file rewriting started by pid {rnd.randrange(100, 9999)}",
                       "Asynchronous AOF fsync is taking too long (disk is busy?)"))
    line = f"{pid}:{role} 06 Dec 2026 11:{minute:02d}:03.{rnd.randrange(100, 999)} {rnd.choice('#*')} {said}"
    if rnd.random() < 0.5:  # Docker json-file
        line = json.dumps({"log": line + "\n", "stream": "stdout", "time": f"2026-12-06T11:{minute:02d}:03.112Z"})
    return [line], said


def _redis_beside(seed: int, remote: str) -> tuple[str, str]:
    rnd = random.Random(seed)
    minute = rnd.randrange(10, 59)
    server, said = _server_lines(rnd, minute)
    key = f"{rnd.choice(('conv', 'rl', 'sess'))}:{rnd.randrange(10, 999)}"
    error = (f"2026-12-06 11:{minute:02d}:04 ERROR src.storage.redis_cache: get failed key={key}: "
             f"Timeout reading from redis:{rnd.choice((6379, 6380))}" if remote == "redis" else
             f"2026-12-06 11:{minute:02d}:04 ERROR src.providers.kimi: Kimi call failed: Error code: 503 - "
             "{'error': {'message': 'service unavailable', 'type': 'server_error'}}")
    return "\n".join([*server, error]), said


@pytest.mark.parametrize("seed", SEEDS)
def test_the_redis_servers_own_record_is_quoted_for_a_redis_error(seed):
    excerpt, said = _redis_beside(seed, "redis")
    d = diagnose(excerpt)
    assert said.split(" took ")[0] in d.root_cause and "(redis," in d.root_cause


@pytest.mark.parametrize("seed", SEEDS)
def test_the_redis_servers_record_is_not_quoted_for_another_remotes_error(seed):
    excerpt, said = _redis_beside(seed, "kimi")
    assert said.split(" took ")[0] not in diagnose(excerpt).root_cause


# review r17: a format that brackets the LOGGER (`%(asctime)s %(levelname)s [%(name)s] %(message)s`) prints a module's
# name where record_writers._WRITER looks for an instance tag: a record of another module of the same process is
# named "by src.core.quota, not the error's writer" - a wrong "who acted" (one process, two modules).
@pytest.mark.parametrize("seed", SEEDS)
def test_a_bracketed_logger_name_is_no_writer(seed):
    rnd = random.Random(seed)
    mine, theirs = rnd.sample(("src.monitoring.budget", "src.core.quota", "tools.counter", "app.billing"), 2)
    key = f"{rnd.choice(('budget', 'quota', 'credit'))}:conv-{rnd.randrange(1000, 9999)}"
    sec = rnd.randrange(10, 50)
    excerpt = "\n".join([
        f"2026-12-05 13:22:{sec}.101 INFO [{mine}] read {key} remaining={rnd.randrange(100, 900)}",
        f"2026-12-05 13:22:{sec}.108 INFO [{theirs}] wrote {key} remaining={rnd.randrange(10, 99)}",
        f"2026-12-05 13:22:{sec}.125 ERROR [{mine}] update of {key} gave up: "
        "redis.exceptions.WatchError: Watched variable changed."])
    d = diagnose(excerpt)
    assert f"wrote {key}" in d.root_cause  # the other module's record is quoted (the check below is about its label)
    assert "not the error's writer" not in d.root_cause, d.root_cause


# review r17: record_writers._WRITER took any bracketed name for the instance: a request id ([req-9a1]: one request of
# the many one process serves) was quoted "by req-3f2, not the error's writer", and a bracketed date ([2026-12-07]) is
# the record's day (fails on main). Twin: an instance tag in the same place ([gw-2], [worker-3]) is still the writer.
_REQUEST_IDS = ("req-{}", "req_{}", "request-{}", "rid-{}", "trace-{}")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_request_id_or_a_date_in_brackets_is_no_writer(seed):
    rnd = random.Random(f"req-tag-{seed}")
    shape = rnd.choice(_REQUEST_IDS)
    mine, theirs = (shape.format(f"{rnd.randrange(16, 4095):x}{rnd.randrange(1, 9)}") for _ in range(2))
    logger = rnd.choice(("src.monitoring.budget", "src.core.quota", "tools.counter"))
    key = f"{rnd.choice(('budget', 'quota', 'credit'))}:conv-{rnd.randrange(1000, 9999)}"
    sec = rnd.randrange(10, 50)

    def excerpt(a: str, b: str) -> str:
        return "\n".join([
            f"2026-12-05 13:22:{sec}.101 INFO [{a}] {logger}: read {key} remaining={rnd.randrange(100, 900)}",
            f"2026-12-05 13:22:{sec}.108 INFO [{b}] {logger}: wrote {key} remaining={rnd.randrange(10, 99)}",
            f"2026-12-05 13:22:{sec}.125 ERROR [{a}] {logger}: update of {key} gave up: "
            "redis.exceptions.WatchError: Watched variable changed."])

    requests = diagnose(excerpt(mine, theirs))
    assert f"wrote {key}" in requests.root_cause and "not the error's writer" not in requests.root_cause, \
        requests.root_cause
    day = f"2026-12-{rnd.randrange(1, 28):02d}"
    assert writer(f"2026-12-05 13:22:{sec}.108 INFO [{day}] {logger}: wrote {key}", f"wrote {key}", logger) is None
    gw = rnd.sample(range(1, 99), 2)  # twin: two instances
    assert f"by gw-{gw[1]}, not the error's writer" in diagnose(excerpt(f"gw-{gw[0]}", f"gw-{gw[1]}")).root_cause
