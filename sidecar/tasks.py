"""Stopping background tasks, the same way in every stage."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)


async def cancel_and_wait(*tasks: asyncio.Task[Any] | None) -> None:
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
    await asyncio.wait(live)
    for task in live:
        if not task.cancelled() and task.exception() is not None:
            log.error("background task had failed", extra={"task": task.get_name()}, exc_info=task.exception())
