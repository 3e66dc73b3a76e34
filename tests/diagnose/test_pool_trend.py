"""psycopg_pool refusing a waiter: a leak of ours when the pool sat full under a flat request rate, capacity when the
rate rose into it (pool_trend.py, CLASSES10 D2 and its twin).

The real psycopg_pool against the test PostgreSQL: one connection held, one waiter queued, the next getconn refused
with the library's own TooManyRequests. What varies by seed: the pool's name, the metrics records' spelling of the
in-use figure and bound (`in_use=5/5`, `in_use=5 size=5`), the rate's spelling, the number of samples and where the
last one sits (before or after the error). Twins: the same figures with the rate rising (capacity stays); the full
samples belong to another pool (capacity stays).
"""

from __future__ import annotations

import asyncio
import contextlib
import random

import psycopg_pool
import pytest

from tests.diagnose.logged import diagnose, logged


async def _refused(dsn: str, name: str) -> str:
    pool = psycopg_pool.AsyncConnectionPool(dsn, min_size=1, max_size=1, max_waiting=1, name=name, open=False)
    await pool.open(wait=True, timeout=10)
    held = await pool.getconn(timeout=5)
    waiter = asyncio.create_task(pool.getconn(timeout=5))
    await asyncio.sleep(0.1)
    try:
        await pool.getconn(timeout=1)
    except psycopg_pool.TooManyRequests:
        text = logged("src.storage.audit", f"{name} write failed")
    else:
        raise AssertionError("no TooManyRequests")
    finally:
        await pool.putconn(held)
        with contextlib.suppress(Exception):
            await pool.putconn(await waiter)
        await pool.close()
    return text


def _sample(rng: random.Random, t: int, pool: str, used: int, bound: int, rate: int, unit: str) -> str:
    figure = rng.choice((f"in_use={used}/{bound}", f"size={bound} in_use={used}"))
    spelt = f"{unit}={rate}"  # one unit per series: 40 req/min beside 44 req/s is a 66x rise, not a flat rate
    return f"2026-12-06 10:{t:02d}:00 INFO src.monitoring.metrics: pool {pool} {figure} waiting=0 {spelt}"


@pytest.mark.parametrize("seed", range(1, 5))
async def test_a_pool_full_under_a_flat_rate_is_a_leak_and_a_rising_one_capacity(pg_dsn: str, seed: int) -> None:
    rng = random.Random(seed)
    name = rng.choice(("audit", "uploads", "sessions"))
    error = await _refused(pg_dsn, name)
    alone = diagnose(error)
    assert alone.category == "capacity", (alone.rule, alone.summary)
    bound, n = rng.choice((5, 10, 20)), rng.randrange(3, 6)
    flat = [rng.randrange(40, 48) for _ in range(n)]
    rising = [40 * (i + 1) ** 2 for i in range(n)]
    later = rng.random() < 0.5  # the last sample after the error
    unit = rng.choice(("requests/min", "req/s"))

    def excerpt(rates: list[int], pool: str = name) -> str:
        samples = [_sample(rng, i, pool, bound if i else bound // 2, bound, r, unit) for i, r in enumerate(rates)]
        stamped = "2026-12-06 10:30:00" + error[19:]
        return "\n".join([*samples[:-1], stamped, samples[-1]] if later else [*samples, stamped])

    leak = diagnose(excerpt(flat))
    assert leak.category == "code" and leak.confidence < 0.6 and "putconn" in leak.suggested_fix[0], leak.rule
    assert diagnose(excerpt(rising)).category == "capacity"
    assert diagnose(excerpt(flat, pool="other")).category == "capacity"
