"""Rollout API: state and verdicts for people and deploy pipelines; actions behind the API token.

GET  /api/rollouts                 summaries (state, decision, stage, percent, samples)
GET  /api/rollouts/{name}          + plan, verdict per gate and trigger with values, history, hook calls
POST /api/rollouts/{name}/{action} start | promote | pause | resume | rollback | approve
                                   optional JSON body {"reason": "...", "actor": "..."}; token required

A pipeline polls GET /api/rollouts/{name} and acts on `decision`: promote | hold | rollback.
Errors: 404 unknown rollout, 409 action not allowed now (the body says why), 503 store unavailable.
"""

from __future__ import annotations

import json
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...exceptions import ApiError
from ...rollout.state import ALLOWED, Conflict, InvalidTransition, UnknownRollout
from ..auth import require_token

if TYPE_CHECKING:
    from ...rollout.controller import RolloutController
    from ...stages import Runtime

_dumps = partial(json.dumps, default=str)


def routes(sidecar: Runtime) -> list[web.RouteDef]:
    def controller() -> RolloutController | None:
        return sidecar.stages.rollouts

    async def list_rollouts(request: web.Request) -> web.Response:
        from ...rollout.views import summary

        c = controller()
        if c is None:
            return web.json_response({"rollouts": []})
        items = [await summary(c, name) for name in c.configs]
        return web.json_response({"rollouts": items}, dumps=_dumps)

    async def get_rollout(request: web.Request) -> web.Response:
        from ...rollout.views import detail

        c = controller()
        name = request.match_info["name"]
        if c is None or name not in c.configs:
            raise ApiError(404, f"no rollout named {name!r}")
        return web.json_response(await detail(c, name), dumps=_dumps)

    @require_token
    async def act(request: web.Request) -> web.Response:
        from ...rollout.views import detail

        c = controller()
        name, action = request.match_info["name"], request.match_info["action"]
        if action not in ALLOWED:
            raise ApiError(404, f"unknown action {action!r}; one of {', '.join(ALLOWED)}")
        if c is None or name not in c.configs:
            raise ApiError(404, f"no rollout named {name!r}")
        body: dict[str, Any] = {}
        if request.can_read_body and request.content_type == "application/json":
            try:
                parsed = await request.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ApiError(400, "body must be a JSON object") from None
            if not isinstance(parsed, dict):
                raise ApiError(400, "body must be a JSON object")
            body = parsed
        reason = body.get("reason")
        actor = body.get("actor") or "api"
        if (reason is not None and not isinstance(reason, str)) or not isinstance(actor, str):
            raise ApiError(400, "reason and actor must be strings")
        try:
            await c.act(name, action, actor=f"api:{actor}"[:100], reason=(reason or None) and reason[:500])
            return web.json_response(await detail(c, name), dumps=_dumps)
        except UnknownRollout:
            raise ApiError(404, f"no rollout named {name!r}") from None
        except (InvalidTransition, Conflict) as exc:
            raise ApiError(409, str(exc)) from None

    return [
        web.get("/api/rollouts", list_rollouts),
        web.get("/api/rollouts/{name}", get_rollout),
        web.post("/api/rollouts/{name}/{action}", act),
    ]
