"""Stopping background tasks: a task whose cancellation a library swallowed still stops (sidecar/tasks.py)."""

from __future__ import annotations

import asyncio

from sidecar.tasks import cancel_and_wait


class WrappedError(Exception):
    """What a client library makes of a cancelled call (the store's StoreError from psycopg_pool, round 11)."""


async def _call() -> None:
    try:
        await asyncio.Event().wait()  # a call that never returns by itself
    except asyncio.CancelledError as exc:
        raise WrappedError("call cancelled") from exc


async def test_a_loop_that_swallowed_its_cancellation_is_cancelled_again() -> None:
    rounds = 0

    async def retrying_loop() -> None:
        nonlocal rounds
        while True:
            rounds += 1
            try:
                await _call()
            except WrappedError:
                await asyncio.sleep(3600)  # the loop's "store went away: retry shortly" path

    task = asyncio.create_task(retrying_loop())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait(task, recancel_after=0.05), timeout=10)
    assert task.cancelled() and rounds == 1  # the first cancel was swallowed by the call, the second ended the wait


async def test_a_task_that_stops_at_its_first_cancel_is_cancelled_once() -> None:
    cancels = 0

    async def plain() -> None:
        nonlocal cancels
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancels += 1
            raise

    task = asyncio.create_task(plain())
    await asyncio.sleep(0)
    await cancel_and_wait(task, recancel_after=0.05)
    assert task.cancelled() and cancels == 1
