"""`GET /api/openapi.json`: the API described as OpenAPI 3.1, generated from the route table below
and the pydantic models (web/api/models.py for answers and bodies, the handlers' `Query` models
for parameters) with pydantic's own JSON Schema generator; no framework.

The table is checked against the application's router by tests/foundation/test_openapi.py (every
/api route documented, nothing documented that is not served) and real answers are validated
against the schemas it publishes, so it cannot drift from what the handlers do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from http import HTTPStatus
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ... import __version__
from . import models as m
from .alerts import DeliveriesQuery, SilencesQuery
from .diagnoses import DiagnoseQuery, HistoryQuery
from .groups import GroupListQuery, GroupQuery
from .query import Query

REFUSALS = (400, 401, 403, 404, 409, 503)  # answered as ErrorBody (web/errors.py)


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    summary: str
    ok: dict[int, type[BaseModel] | None]  # success statuses and their body (None: not JSON)
    refusals: tuple[int, ...] = (401,)
    query: type[Query] | None = None
    body: type[BaseModel] | None = None
    tags: tuple[str, ...] = field(default=())


OPS: tuple[Op, ...] = (
    Op("GET", "/api/status", "Readiness and degraded dependencies", {200: m.Status}, tags=("sidecar",)),
    Op("GET", "/api/openapi.json", "This document", {200: None}, tags=("sidecar",)),
    Op("GET", "/api/groups", "Error groups, filtered and sorted", {200: m.GroupList}, (400, 401),
       query=GroupListQuery, tags=("groups",)),
    Op("GET", "/api/groups/{fingerprint}", "One group with samples, counts, loggers and diagnosis",
       {200: m.GroupDetail}, (400, 401, 404), query=GroupQuery, tags=("groups",)),
    *(Op("POST", f"/api/groups/{{fingerprint}}/{action}", f"{action.capitalize()} a group (API token)",
         {200: m.Group}, (400, 401, 403, 404, 503), body=m.NotesBody, tags=("groups",))
      for action in ("resolve", "mute", "reopen")),
    Op("POST", "/api/groups/{fingerprint}/diagnose", "Diagnose a group now (API token)",
       {200: m.DiagnoseAnswer, 202: m.DiagnoseAnswer}, (401, 403, 404, 503), query=DiagnoseQuery,
       tags=("diagnoses",)),
    Op("GET", "/api/groups/{fingerprint}/diagnoses", "A group's diagnoses, newest first",
       {200: m.DiagnosisHistory}, (400, 401), query=HistoryQuery, tags=("diagnoses",)),
    Op("GET", "/api/diagnosis/status", "Rules file, LLM circuit and budget, claims", {200: m.DiagnosisStatus},
       (401, 503), tags=("diagnoses",)),
    Op("GET", "/api/rollouts", "Rollout summaries", {200: m.RolloutList}, (401, 503), tags=("rollouts",)),
    Op("GET", "/api/rollouts/{name}", "A rollout: plan, verdicts, history, hook calls (pipelines act on `decision`)",
       {200: m.RolloutDetail}, (401, 404, 503), tags=("rollouts",)),
    Op("POST", "/api/rollouts/{name}/{action}", "start | promote | pause | resume | rollback | approve (API token)",
       {200: m.RolloutDetail}, (400, 401, 403, 404, 409, 503), body=m.RolloutActionBody, tags=("rollouts",)),
    Op("GET", "/api/alerts/deliveries", "Recent alert deliveries, newest first", {200: m.Deliveries},
       (400, 401, 503), query=DeliveriesQuery, tags=("alerts",)),
    Op("GET", "/api/alerts/silences", "Silences", {200: m.Silences}, (401, 503), query=SilencesQuery,
       tags=("alerts",)),
    Op("POST", "/api/alerts/silences", "Create a silence (API token)", {201: m.SilenceCreated},
       (400, 401, 403, 503), body=m.SilenceRequest, tags=("alerts",)),
    Op("DELETE", "/api/alerts/silences/{silence_id}", "Expire a silence now (API token)", {200: m.SilenceExpired},
       (401, 403, 404, 503), tags=("alerts",)),
    Op("GET", "/api/stream", "WebSocket of events as they happen (API token)", {101: None}, (401, 403, 503),
       tags=("stream",)),
    *(Op("POST", path, f"Sentry SDK {kind} endpoint (when collect.sentry is configured; Sentry's answers)",
         {200: m.SentryAnswer}, (), tags=("collect",))
      for path, kind in (("/api/{project_id}/envelope/", "envelope"), ("/api/{project_id}/store/", "store"))),
)


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _parameters(op: Op) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    if op.query is not None:
        schema = op.query.model_json_schema()
        for name, prop in schema.get("properties", {}).items():
            param: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": prop}
            if prop.get("type") == "array":
                param.update(style="form", explode=False)  # ?status=open,muted (repeating works too)
            params.append(param)
    return params


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {"ErrorBody": m.ErrorBody, "SentryRefusal": m.SentryRefusal}
    for op in OPS:
        for model in [*op.ok.values(), op.body]:
            if model is not None:
                found[model.__name__] = model
    return list(found.values())


@cache
def document() -> dict[str, Any]:
    _, defs = models_json_schema([(model, "validation") for model in _models()],
                                 ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for op in OPS:
        responses: dict[str, Any] = {}
        for status, model in op.ok.items():
            answer: dict[str, Any] = {"description": HTTPStatus(status).phrase}
            if model is not None:
                answer["content"] = _json(_ref(model))
            responses[str(status)] = answer
        refusal = m.SentryRefusal if "collect" in op.tags else m.ErrorBody
        for status in op.refusals:
            responses[str(status)] = {"description": HTTPStatus(status).phrase, "content": _json(_ref(refusal))}
        operation: dict[str, Any] = {"summary": op.summary, "tags": list(op.tags),
                                     "parameters": _parameters(op), "responses": responses}
        if op.body is not None:
            operation["requestBody"] = {"required": False, "content": _json(_ref(op.body))}
        paths.setdefault(op.path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "gateway-sidecar API", "version": __version__,
                 "description": "Error groups, diagnoses, rollouts and alerts. Refusals answer "
                                "{\"error\": ...}; state-changing calls need the API token."},
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "server.api_token (reads too when read_access is token)"}},
        },
        "security": [{"bearer": []}],
    }


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(document())


def routes() -> list[web.RouteDef]:
    return [web.get("/api/openapi.json", openapi_json)]
