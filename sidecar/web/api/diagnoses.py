"""Diagnosis API: re-run a group's diagnosis on demand, read its history, and the LLM's state.

- `POST /api/groups/{fingerprint}/diagnose` (token): diagnose now (rules, then Kimi when
  configured); 200 with the diagnosis, 202 when one is already running, 404 for an unknown group.
  With `?wait=false` it answers 202 at once and the result arrives as `diagnosis.ready`.
- `GET /api/groups/{fingerprint}/diagnoses`: every diagnosis made for the group, newest first, and
  `answers`: the rules' and the LLM's latest answers, which one is primary and why.
- `GET /api/diagnosis/status`: rules file, LLM circuit and budget state, claim counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from aiohttp import web

from ...diagnose.primary import answers
from ...exceptions import ApiError
from ...jsonvalue import jsonable
from ..auth import require_token
from .query import NotFalse, Query, clamped, parse_query

if TYPE_CHECKING:
    from ...diagnose.service import DiagnosisService
    from ...stages import Runtime


class DiagnoseQuery(Query):
    """`POST /api/groups/{fingerprint}/diagnose`: `wait=false` answers 202 at once."""

    wait: NotFalse = True


class HistoryQuery(Query):
    limit: Annotated[int, clamped(1, 100)] = 20


def _service(request: web.Request) -> DiagnosisService:
    from ..context import SIDECAR_KEY

    service = request.app[SIDECAR_KEY].stages.diagnosis
    if service is None:
        raise ApiError(503, "the diagnosis stage is not running")
    return service


def routes(sidecar: Runtime) -> list[web.RouteDef]:
    @require_token
    async def diagnose(request: web.Request) -> web.Response:
        from ...diagnose.service import GroupNotFound

        service = _service(request)
        fingerprint = request.match_info["fingerprint"]
        wait = parse_query(request, DiagnoseQuery).wait
        try:
            if not wait:
                await service.rerun_in_background(fingerprint)
                return web.json_response({"status": "started", "fingerprint": fingerprint}, status=202)
            state, diagnosis = await service.rerun(fingerprint)
        except GroupNotFound:
            raise ApiError(404, f"no group with fingerprint {fingerprint}") from None
        if state == "busy" or diagnosis is None:
            return web.json_response({"status": "in_progress", "fingerprint": fingerprint}, status=202)
        return web.json_response({"status": "done", "fingerprint": fingerprint, "diagnosis": diagnosis.to_json()})

    async def history(request: web.Request) -> web.Response:
        from ..context import SIDECAR_KEY

        store = request.app[SIDECAR_KEY].store
        fingerprint = request.match_info["fingerprint"]
        limit = parse_query(request, HistoryQuery).limit
        rows = await store.diagnoses.history(fingerprint, limit)
        claim = await store.diagnoses.claim(fingerprint)
        return web.json_response({
            "fingerprint": fingerprint,
            "claim": jsonable(claim) if claim else None,
            "answers": jsonable(answers(rows)),
            "diagnoses": jsonable(rows),
        })

    async def status(request: web.Request) -> web.Response:
        service = _service(request)
        body = service.status()
        body["claims"] = await service.store.diagnoses.counts()
        body["problems"] = service.degraded()
        return web.json_response(body)

    return [
        web.post("/api/groups/{fingerprint}/diagnose", diagnose),
        web.get("/api/groups/{fingerprint}/diagnoses", history),
        web.get("/api/diagnosis/status", status),
    ]
