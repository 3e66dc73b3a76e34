"""Alerts JSON API: recent deliveries (with failures) and silences for the dashboard; silences can be
created and expired with the API token.

- GET    /api/alerts/deliveries?limit=100&status=pending|sent|failed&payload=1
         -> {"items": [newest first], "counts": {"sent": n, "failed": n, "pending": n}}
- GET    /api/alerts/silences?expired=1  -> {"items": [... "active": bool]}
- POST   /api/alerts/silences   {"matchers": ["severity=critical", {"name","value","op"}],
                                 "duration": 3600 | "2h" | "30m", or "ends_at": ISO 8601 / epoch,
                                 "starts_at": optional, "comment": "...", "created_by": "..."}  (token)
- DELETE /api/alerts/silences/{id}  expires it now (token)
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from aiohttp import web
from pydantic import AfterValidator

from ...clock import utc
from ...exceptions import ApiError
from ...jsonvalue import jsonable
from ..auth import require_token
from ..context import SIDECAR_KEY
from .query import Flag, Query, clamped, parse_query

MAX_LIMIT = 500
MAX_SILENCE = 90 * 86400.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> float:
    """3600, "3600", "90m", "2h", "1d" -> seconds."""
    if isinstance(value, bool):
        raise ValueError("duration must be seconds or like '2h'")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m:
            return float(m.group(1)) * _UNITS[m.group(2)]
    raise ValueError("duration must be seconds or like '30m', '2h', '1d'")


def parse_time(value: Any) -> float:
    """ISO 8601 (with a zone, or taken as UTC) or epoch seconds -> epoch seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not an ISO 8601 time: {value!r}") from None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=utc(0).tzinfo)
        return dt.timestamp()
    raise ValueError("a time is ISO 8601 text or epoch seconds")


def _delivery_status(value: str | None) -> str | None:
    if value not in (None, "pending", "sent", "failed"):
        raise ValueError("status must be pending, sent or failed")
    return value


class DeliveriesQuery(Query):
    status: Annotated[str | None, AfterValidator(_delivery_status)] = None
    limit: Annotated[int, clamped(1, MAX_LIMIT)] = 100
    payload: Flag = False


class SilencesQuery(Query):
    expired: Flag = False
    limit: Annotated[int, clamped(1, MAX_LIMIT)] = 200


def routes(sidecar: Any) -> list[web.RouteDef]:
    async def deliveries(request: web.Request) -> web.Response:
        sc = request.app[SIDECAR_KEY]
        query = parse_query(request, DeliveriesQuery)
        rows = await sc.store.alerts.recent(limit=query.limit, status=query.status, with_payload=query.payload)
        counts = await sc.store.alerts.counts()
        return web.json_response({"items": jsonable(rows), "counts": counts})

    async def list_silences(request: web.Request) -> web.Response:
        sc = request.app[SIDECAR_KEY]
        query = parse_query(request, SilencesQuery)
        rows = await sc.store.alerts.silences(utc(sc.clock.time()), include_expired=query.expired, limit=query.limit)
        now = sc.clock.time()
        for row in rows:
            row["active"] = row["starts_at"].timestamp() <= now < row["ends_at"].timestamp()
        return web.json_response({"items": jsonable(rows)})

    @require_token
    async def create_silence(request: web.Request) -> web.Response:
        sc = request.app[SIDECAR_KEY]
        component = sc.stages.alerts
        if component is None:
            raise ApiError(503, "alerting is not running")
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "body must be JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "body must be a JSON object")
        matchers = body.get("matchers")
        if not isinstance(matchers, list) or not matchers:
            raise ApiError(400, "matchers: a non-empty list is required")
        now = sc.clock.time()
        try:
            starts_at = parse_time(body["starts_at"]) if body.get("starts_at") is not None else now
            if body.get("ends_at") is not None:
                ends_at = parse_time(body["ends_at"])
            elif body.get("duration") is not None:
                ends_at = max(now, starts_at) + parse_duration(body["duration"])
            else:
                raise ApiError(400, "give duration (seconds or '2h') or ends_at")
            if ends_at - max(now, starts_at) > MAX_SILENCE:
                raise ApiError(400, "a silence may last at most 90 days")
            comment = body.get("comment")
            created_by = body.get("created_by")
            if comment is not None and not isinstance(comment, str):
                raise ApiError(400, "comment must be text")
            if created_by is not None and not isinstance(created_by, str):
                raise ApiError(400, "created_by must be text")
            row = await component.add_silence(matchers, ends_at, starts_at=starts_at,
                                              comment=(comment or "")[:1000] or None,
                                              created_by=(created_by or "")[:200] or None)
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        return web.json_response({"silence": jsonable(row)}, status=201)

    @require_token
    async def delete_silence(request: web.Request) -> web.Response:
        sc = request.app[SIDECAR_KEY]
        component = sc.stages.alerts
        silence_id = request.match_info["silence_id"]
        if component is not None:
            done = await component.expire_silence(silence_id)
        else:
            done = await sc.store.alerts.expire_silence(silence_id, utc(sc.clock.time()))
        if not done:
            raise ApiError(404, "no active silence with that id")
        return web.json_response({"expired": silence_id})

    return [
        web.get("/api/alerts/deliveries", deliveries),
        web.get("/api/alerts/silences", list_silences),
        web.post("/api/alerts/silences", create_silence),
        web.delete("/api/alerts/silences/{silence_id}", delete_silence),
    ]
