"""The aiohttp application: health, readiness, the sidecar's /metrics, the JSON API and the pages.

Each stage contributes its API routes from its own module (`api_groups`, `api_rollouts`, ...);
this module only assembles them and serves the process-level endpoints.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Handler

from .. import __version__
from ..telemetry import CONTENT_TYPE_LATEST
from . import guard
from .context import SIDECAR_KEY
from .errors import errors

if TYPE_CHECKING:
    from ..stages import Runtime

__all__ = ["SIDECAR_KEY", "build_web_app"]

log = logging.getLogger(__name__)

async def healthz(request: web.Request) -> web.Response:
    """Process alive: answers as long as the event loop runs."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Sources and store usable: 503 with the reasons when they are not."""
    sidecar = request.app[SIDECAR_KEY]
    problems = await sidecar.problems()
    body = {"status": "ready" if not problems else "unready", "problems": problems}
    return web.json_response(body, status=200 if not problems else 503)


async def status(request: web.Request) -> web.Response:
    """Readiness, degraded dependencies and the tailer's progress in one document (read access like /api).

    `ingest` answers "has the sidecar stored everything in my logs?": per tailed file the offset the
    store accepted next to the file's size (a user compares it with `ls -l`; a test waits on it
    instead of sleeping). Paths are the operator's configuration, never log content.
    """
    sidecar = request.app[SIDECAR_KEY]
    problems = await sidecar.problems()
    degraded = sidecar.degraded()
    ingest = sidecar.stages.ingest
    return web.json_response({
        "ready": not problems,
        "problems": problems,
        "degraded": {stage: items for stage, items in degraded.items() if items},
        "stages": sorted(degraded),
        "version": __version__,
        "ingest": ingest.status() if ingest is not None else None,
    })


async def metrics(request: web.Request) -> web.Response:
    sidecar = request.app[SIDECAR_KEY]
    resp = web.Response(body=sidecar.telemetry.render())
    resp.content_type = CONTENT_TYPE_LATEST.split(";")[0]
    resp.charset = "utf-8"
    return resp


def stage_routes(sidecar: Runtime) -> list[web.AbstractRouteDef]:
    """Each stage's JSON API, then the pages ."""
    from . import pages
    from .api import alerts as api_alerts
    from .api import collect as api_collect
    from .api import diagnoses as api_diagnoses
    from .api import groups as api_groups
    from .api import rollouts as api_rollouts

    modules = (api_groups, api_diagnoses, api_rollouts, api_alerts, api_collect, pages)
    return [route for module in modules for route in module.routes(sidecar)]


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    # Log content is attacker-controlled; pages escape it, and this keeps injected markup inert
    # even if a template ever forgot to.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def build_web_app(sidecar: Runtime) -> web.Application:
    app = web.Application(middlewares=[security_headers, errors, *guard.guard_middlewares], client_max_size=1024 * 1024)
    app[SIDECAR_KEY] = sidecar
    guard.install(app)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/api/status", status)
    from .api import openapi

    app.router.add_routes(openapi.routes())
    app.router.add_routes(stage_routes(sidecar))
    from .api import stream as api_stream

    app[api_stream.OPEN_STREAMS] = weakref.WeakSet()
    app.on_shutdown.append(api_stream.close_streams)
    app.router.add_routes(api_stream.routes(sidecar))
    return app
