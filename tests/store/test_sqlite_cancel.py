"""A task cancelled while its transaction is beginning leaves no transaction open for the next one."""

from __future__ import annotations

import asyncio


async def test_cancelled_begin_does_not_leave_a_transaction_open(sqlite_store):
    db = sqlite_store.db
    await db.execute("CREATE TABLE IF NOT EXISTS t_cancel (x INTEGER)")

    async def writer() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t_cancel (x) VALUES (1)")

    for _ in range(30):  # cancel at every point of the BEGIN / INSERT / COMMIT sequence in turn
        for delay in range(6):
            task = asyncio.create_task(writer())
            for _ in range(delay):
                await asyncio.sleep(0)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        async with db.transaction() as tx:  # raised "cannot start a transaction within a transaction"
            await tx.execute("INSERT INTO t_cancel (x) VALUES (2)")
    rows = await db.fetchall("SELECT x FROM t_cancel WHERE x = 2")
    assert len(rows) == 30
