"""Stopping background tasks, the same way in every stage."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)


RECANCEL_AFTER = 5.0  # seconds a cancelled task may take to finish its cleanup before it is cancelled again


async def cancel_and_wait(*tasks: asyncio.Task[Any] | None, recancel_after: float = RECANCEL_AFTER) -> None:
    """Cancel background tasks and wait until they have finished.

    A task that had crashed is logged, not raised: a stage's stop() must go on to close what it
    owns (files, sessions, the spool). Unlike `try: await task / except CancelledError: pass`,
    `asyncio.wait` lets a cancellation of the caller itself propagate.
    """
    live = [t for t in tasks if t is not None]
    if not live:
        return
    for task in live:
        task.cancel()
    pending: set[asyncio.Task[Any]] = set(live)
    while pending:
        _, pending = await asyncio.wait(pending, timeout=recancel_after)
        for task in pending:
            # The task swallowed its cancellation: a library turned the CancelledError into its own error (a
            # store call cancelled inside psycopg_pool came back as a StoreError, which the alerts scheduler's loop
            # catches to retry) and the loop went on - stop() then waited forever (round 11: a 300 s test timeout
            # in about one run of five). Cancel again; the task stops at its next await.
            log.warning("background task ignored its cancellation; cancelling again", extra={"task": task.get_name()})
            task.cancel()
    for task in live:
        if not task.cancelled() and task.exception() is not None:
            log.error("background task had failed", extra={"task": task.get_name()}, exc_info=task.exception())
