"""The web layer's one error path: handlers raise `ApiError` (sidecar/exceptions.py) and the
`errors` middleware answers it, as JSON `{"error": message}` under `/api/` (and for any client
that did not ask for HTML), as a short escaped HTML page for a browser on a page.

A `StoreError` that no handler caught is 503 "store unavailable: ...": the database being down is
a state of the service, not a bug. An HTTP error aiohttp raises itself under /api/ (no such route,
wrong method) answers JSON too, keeping its `Allow` header.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from http import HTTPStatus

from aiohttp import web
from aiohttp.typedefs import Handler

from ..exceptions import ApiError
from ..store.base import StoreError

log = logging.getLogger(__name__)

_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{status} {reason}</title>'
         '<link rel="stylesheet" href="/static/style.css"></head><body><main><section class="panel narrow">'
         '<h1>{status} {reason}</h1><p class="error" role="alert">{message}</p><p><a href="/">Overview</a></p>'
         '</section></main></body></html>')


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or "text/html" not in request.headers.get("Accept", "")


def error_response(request: web.Request, status: int, message: str,
                   headers: Mapping[str, str] | None = None) -> web.Response:
    """The one shape of an error answer (JSON or HTML by `wants_json`)."""
    if wants_json(request):
        return web.json_response({"error": message}, status=status, headers=headers)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body = _PAGE.format(status=status, reason=html.escape(phrase), message=html.escape(message))
    resp = web.Response(text=body, status=status, content_type="text/html", charset="utf-8", headers=headers)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(request, exc.status, exc.message, exc.headers)
    except StoreError as exc:
        log.warning("store unavailable while serving a request", extra={"path": request.path, "error": str(exc)})
        return error_response(request, 503, f"store unavailable: {exc}")
    except web.HTTPException as exc:
        if not request.path.startswith("/api/") or exc.status < 400 or exc.content_type == "application/json":
            raise
        return web.json_response({"error": exc.reason.lower()}, status=exc.status, headers={
            k: v for k, v in exc.headers.items() if k.lower() == "allow"})
