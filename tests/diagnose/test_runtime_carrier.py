"""asyncio's own "Task exception was never retrieved" takes the category of the exception inside it
(runtime_carrier.py, CLASSES10 G6).

Real records: a task that raised is dropped without being awaited and collected, and asyncio's default exception
handler logs it through the `asyncio` logger (futures.py __del__ -> base_events.default_exception_handler). What varies
by seed: the exception inside (a name under the reserved .invalid TLD that getaddrinfo refuses, a file that is not
there, a TypeError of ours), the coroutine's name, noise records before. Twins: our TypeError inside stays code; a
task destroyed while pending stays the first answer.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import socket

import pytest

from tests.diagnose.logged import KeepRecords, diagnose


async def _dns(rng: random.Random) -> None:
    # AI_NUMERICHOST: the resolver refuses the name itself (EAI_NONAME, the same gaierror a failed lookup
    # raises) without asking a DNS server - no network beyond loopback, no wait on one.
    await asyncio.get_running_loop().getaddrinfo(f"relay-{rng.randrange(999)}.example.invalid", 443,
                                                 flags=socket.AI_NUMERICHOST)


async def _missing(rng: random.Random) -> None:
    await asyncio.to_thread(open, f"/nonexistent-{rng.randrange(10**6)}/alerts.json", encoding="utf-8")


async def _ours(rng: random.Random) -> None:
    total: object = None
    _ = total + rng.randrange(5)  # type: ignore[operator]


def _never_retrieved(coro_fn: object, rng: random.Random) -> str:
    keep = KeepRecords()
    log = logging.getLogger("asyncio")
    log.addHandler(keep)

    async def main() -> None:
        task = asyncio.get_running_loop().create_task(coro_fn(rng))  # type: ignore[operator]
        await asyncio.wait({task})  # done, its exception not retrieved (wait() never reads it)
        assert task.done()
        del task
        gc.collect()

    try:
        asyncio.run(main())
    finally:
        log.removeHandler(keep)
    records = [r for r in keep.records if "never retrieved" in r]
    assert records, keep.records
    noise = [f"2026-12-06 10:00:0{i} INFO httpx: HTTP Request: GET https://abc.supabase.co/rest/v1/x \"HTTP/2 200 OK\""
             for i in range(rng.randrange(3))]
    return "\n".join([*noise, records[-1]])


@pytest.mark.parametrize("seed", range(1, 5))
def test_the_exception_inside_the_runtimes_record_decides(seed: int) -> None:
    rng = random.Random(seed)
    inner = rng.choice((_dns, _missing))
    d = diagnose(_never_retrieved(inner, random.Random(seed)))
    assert "+runtime:" in (d.rule or ""), (seed, d.rule, d.summary)
    assert d.category != "code" and d.confidence < 0.6, (seed, d.category)

    ours = diagnose(_never_retrieved(_ours, random.Random(seed)))
    assert ours.category == "code" and "+runtime:" not in (ours.rule or ""), (seed, ours.rule)


def test_a_task_destroyed_while_pending_keeps_the_first_answer() -> None:
    text = ("2026-12-06 10:00:00 ERROR asyncio: Task was destroyed but it is pending!\n"
            "task: <Task pending name='Task-3' coro=<relay() running at /app/src/alerts/relay.py:40>>")
    d = diagnose(text)
    assert "+runtime:" not in (d.rule or "")
