"""The collection endpoints on the sidecar's port: Sentry envelopes and store, OTLP/HTTP logs.

They are authenticated by their own keys (DSN keys per project, OTLP keys), not by the API token:
an SDK's key can only add events, never change state. Every refusal is a 4xx with a reason and a
counted metric, never a 500: the body is read with size and decompression caps before parsing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...ingest.collect import CollectError, CollectService, otlp, sentry
from ...ingest.collect.bodies import read_body
from ..auth import bearer

if TYPE_CHECKING:
    from ...stages import Runtime

# Paths outside /api/* that these routes use: the auth middleware's exemptions read this.
SENTRY_PATHS = ("/api/{project_id}/envelope/", "/api/{project_id}/store/")
OTLP_PATH = "/v1/logs"


def _service(request: web.Request) -> CollectService:
    from ..context import SIDECAR_KEY

    service = request.app[SIDECAR_KEY].stages.collect
    if not isinstance(service, CollectService):
        raise CollectError(404, "error collection is not configured (collect: in the config)")
    return service


def _error(exc: CollectError) -> web.Response:
    return web.json_response({"detail": exc.reason}, status=exc.status, headers=exc.headers)


def _project_id(request: web.Request) -> int:
    raw = request.match_info["project_id"]
    if not raw.isdigit() or len(raw) > 12:
        raise CollectError(404, f"no such project: {raw[:40]!r}")
    return int(raw)


async def _sentry_events(request: web.Request, service: CollectService, key: str | None,
                         events: list[dict[str, Any]]) -> None:
    """Authenticate, keep what `run` would detect, rate-limit, store: the envelope and store endpoints' core."""
    project_id = _project_id(request)
    project = service.sentry_project(project_id, key)
    now = service.clock.time()
    errors = []
    for event in events:
        if sentry.is_error_event(event):
            errors.append(sentry.to_error_event(event, project_id, now))
        else:
            service.dropped("event_below_error")
    if errors:
        service.limit(f"sentry:{project_id}:{key}", len(errors), project.events_per_second, project.events_per_hour)
        await service.deliver(errors, "sentry_event")


async def envelope(request: web.Request) -> web.Response:
    """POST /api/{project_id}/envelope/: every event item stored, other items acknowledged."""
    try:
        service = _service(request)
        body = await read_body(request, service.config.max_body_bytes, service.config.max_decompressed_bytes)
        header, items = sentry.parse_envelope(body)
        dsn = header.get("dsn") if isinstance(header.get("dsn"), str) else None
        key = sentry.auth_key(request.headers.get("X-Sentry-Auth"), request.query.get("sentry_key"), dsn)
        for item in items:
            if item.type == "client_report":
                service.client_report(_json_or_none(item.payload))
            if item.type != "event":
                service.dropped(item.type)
        await _sentry_events(request, service, key, [i.payload for i in items if i.type == "event"])
        event_id = header.get("event_id") or next(
            (i.payload.get("event_id") for i in items if i.type == "event"), None)
        return web.json_response({"id": event_id} if event_id else {})
    except CollectError as exc:
        return _error(exc)


async def store(request: web.Request) -> web.Response:
    """POST /api/{project_id}/store/: the legacy single-event endpoint."""
    try:
        service = _service(request)
        key = sentry.auth_key(request.headers.get("X-Sentry-Auth"), request.query.get("sentry_key"))
        service.sentry_project(_project_id(request), key)  # the key is known before the body is read
        body = await read_body(request, service.config.max_body_bytes, service.config.max_decompressed_bytes)
        event = sentry.parse_store_body(body)
        await _sentry_events(request, service, key, [event])
        return web.json_response({"id": event.get("event_id")})
    except CollectError as exc:
        return _error(exc)


async def otlp_logs(request: web.Request) -> web.Response:
    """POST /v1/logs: OTLP/HTTP log records at ERROR and above (or with exception.*) stored."""
    try:
        service = _service(request)
        service.otlp_authorized(bearer(request))
        cfg = service.config
        body = await read_body(request, cfg.max_body_bytes, cfg.max_decompressed_bytes)
        records = otlp.parse_request(body, request.headers.get("Content-Type", ""))
        now = service.clock.time()
        events = [otlp.to_error_event(r, now) for r in records if otlp.is_error_record(r)]
        if len(events) < len(records):
            service.dropped("otlp_below_error", len(records) - len(events))
        if events:
            service.limit("otlp", len(events), cfg.otlp.events_per_second)
            await service.deliver(events, "otlp_log")
        # ExportLogsServiceResponse: an empty message is full success, in either encoding.
        if request.headers.get("Content-Type", "").startswith("application/json"):
            return web.json_response({})
        return web.Response(body=b"", content_type="application/x-protobuf")
    except CollectError as exc:
        return _error(exc)


def _json_or_none(payload: Any) -> Any:
    try:
        return json.loads(payload) if isinstance(payload, bytes | str) else payload
    except ValueError:
        return None


def routes(sidecar: Runtime) -> list[web.AbstractRouteDef]:
    if not sidecar.config.collect.sentry.projects and not sidecar.config.collect.otlp.enabled:
        return []
    return [
        web.post(SENTRY_PATHS[0], envelope),
        web.post(SENTRY_PATHS[1], store),
        web.post(OTLP_PATH, otlp_logs),
    ]
