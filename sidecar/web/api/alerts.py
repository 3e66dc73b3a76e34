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
from typing import Any

from aiohttp import web

from ...clock import utc
from ...jsonvalue import jsonable
from ...store.base import StoreError
from ..auth import require_token
from ..context import SIDECAR_KEY

MAX_LIMIT = 500
MAX_SILENCE = 90 * 86400.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


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


def _limit(request: web.Request, default: int = 100) -> int:
    try:
        return max(1, min(MAX_LIMIT, int(request.query.get("limit", default))))
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "limit must be an integer"}', content_type="application/json") from None


def routes(sidecar: Any) -> list[web.RouteDef]:
    async def deliveries(request: web.Request) -> web.Response:
        sc = request.app[SIDECAR_KEY]
        status = request.query.get("status") or None
        if status not in (None, "pending", "sent", "failed"):
            return _error(400, "status must be pending, sent or failed")
        with_payload = request.query.get("payload") in ("1", "true", "yes")
        try:
            rows = await sc.store.alerts.recent(limit=_limit(request), status=status, with_payload=with_payload)
            counts = await sc.store.alerts.counts()
        except StoreError as exc:
            return _error(503, f"store unavailable: {exc}")
        return web.json_response({"items": jsonable(rows), "counts": counts})

    async def list_silences(request: web.Request) -> web.Response:
        sc = request.app[SIDECAR_KEY]
        expired = request.query.get("expired") in ("1", "true", "yes")
        try:
            rows = await sc.store.alerts.silences(utc(sc.clock.time()), include_expired=expired,
                                                  limit=_limit(request, 200))
        except StoreError as exc:
            return _error(503, f"store unavailable: {exc}")
        now = sc.clock.time()
        for row in rows:
            row["active"] = row["starts_at"].timestamp() <= now < row["ends_at"].timestamp()
        return web.json_response({"items": jsonable(rows)})

    @require_token
    async def create_silence(request: web.Request) -> web.Response:
        sc = request.app[SIDECAR_KEY]
        component = sc.stages.alerts
        if component is None:
            return _error(503, "alerting is not running")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "body must be JSON")
        if not isinstance(body, dict):
            return _error(400, "body must be a JSON object")
        matchers = body.get("matchers")
        if not isinstance(matchers, list) or not matchers:
            return _error(400, "matchers: a non-empty list is required")
        now = sc.clock.time()
        try:
            starts_at = parse_time(body["starts_at"]) if body.get("starts_at") is not None else now
            if body.get("ends_at") is not None:
                ends_at = parse_time(body["ends_at"])
            elif body.get("duration") is not None:
                ends_at = max(now, starts_at) + parse_duration(body["duration"])
            else:
                return _error(400, "give duration (seconds or '2h') or ends_at")
            if ends_at - max(now, starts_at) > MAX_SILENCE:
                return _error(400, "a silence may last at most 90 days")
            comment = body.get("comment")
            created_by = body.get("created_by")
            if comment is not None and not isinstance(comment, str):
                return _error(400, "comment must be text")
            if created_by is not None and not isinstance(created_by, str):
                return _error(400, "created_by must be text")
            row = await component.add_silence(matchers, ends_at, starts_at=starts_at,
                                              comment=(comment or "")[:1000] or None,
                                              created_by=(created_by or "")[:200] or None)
        except ValueError as exc:
            return _error(400, str(exc))
        except StoreError as exc:
            return _error(503, f"store unavailable: {exc}")
        return web.json_response({"silence": jsonable(row)}, status=201)

    @require_token
    async def delete_silence(request: web.Request) -> web.Response:
        sc = request.app[SIDECAR_KEY]
        component = sc.stages.alerts
        silence_id = request.match_info["silence_id"]
        try:
            if component is not None:
                done = await component.expire_silence(silence_id)
            else:
                done = await sc.store.alerts.expire_silence(silence_id, utc(sc.clock.time()))
        except StoreError as exc:
            return _error(503, f"store unavailable: {exc}")
        if not done:
            return _error(404, "no active silence with that id")
        return web.json_response({"expired": silence_id})

    return [
        web.get("/api/alerts/deliveries", deliveries),
        web.get("/api/alerts/silences", list_silences),
        web.post("/api/alerts/silences", create_silence),
        web.delete("/api/alerts/silences/{silence_id}", delete_silence),
    ]
