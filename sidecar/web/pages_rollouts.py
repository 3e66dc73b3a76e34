"""Rollout pages (/rollouts, /rollouts/{name}) and their actions (approve, promote, pause, resume,
rollback with a confirmation step). Filled in as the rollouts stage lands; until then each
configured rollout is listed from the config and the pages say the stage is not running.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from .pages_base import render, repo, sidecar_of

log = logging.getLogger(__name__)


def routes() -> list[web.AbstractRouteDef]:
    return [web.get("/rollouts", rollouts_page)]


async def summaries(sidecar: Any) -> dict[str, Any]:
    rollouts = sidecar.config.rollouts
    if not rollouts or repo(sidecar, "rollouts") is None:
        return {"configured": False, "rows": []}
    return {"configured": True, "rows": []}


async def rollouts_page(request: web.Request) -> web.Response:
    sidecar = sidecar_of(request)
    return render(request, "rollouts.html", summary=await summaries(sidecar))
