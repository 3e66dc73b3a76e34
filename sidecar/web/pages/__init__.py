"""The dashboard: server-rendered HTML pages on the same aiohttp app as the JSON API.

Pages read through the store repositories and the stage components, and each panel says
"not configured" when its stage is absent, so the dashboard works from the first stage on.
Actions are HTML forms that POST to page routes, are checked like the JSON API (token + CSRF),
call the same repository methods, and redirect back (POST-redirect-GET).

Live updates (static/live.js): a logged-in page listens on the WebSocket /api/stream (new groups,
diagnoses, rollout transitions) and, on each burst of messages, re-fetches the current page and
swaps the regions marked `data-live`. Without a login (the stream needs the token's cookie) or
while the stream is down, it polls /ui/live, a small version number that changes when the bus
carried an event. Pages are complete without JavaScript; the script only keeps them fresh.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from .. import auth
from . import views as v
from .base import render, see_other, sidecar_of

if TYPE_CHECKING:
    from ...bus import Subscription
    from ...stages import Runtime

STATIC_DIR = Path(__file__).parent.parent / "static"
LOGIN_MAX_AGE = 12 * 3600


class LiveVersion:
    """A counter that moves when the bus carried any event since the last look.

    The subscription is created on first use and drained without waiting, so an unpolled
    dashboard costs one bounded queue and nothing else.
    """

    def __init__(self, sidecar: Runtime) -> None:
        self.sidecar = sidecar
        self.version = 0
        self._sub: Subscription | None = None

    def current(self) -> int:
        if self._sub is None:
            self._sub = self.sidecar.bus.subscribe(maxsize=64)
        moved = False
        while not self._sub.queue.empty():
            self._sub.queue.get_nowait()
            moved = True
        if moved or self._sub.dropped:
            self._sub.dropped = 0
            self.version += 1
        return self.version


def routes(sidecar: Runtime) -> list[web.AbstractRouteDef]:
    from . import alerts as pages_alerts
    from . import errors as pages_errors
    from . import overview as pages_overview
    from . import rollouts as pages_rollouts
    from . import silences as pages_silences

    live = LiveVersion(sidecar)

    async def live_handler(request: web.Request) -> web.Response:
        resp = web.json_response({"v": live.current()})
        resp.headers["Cache-Control"] = "no-store"
        return resp

    return [
        web.get("/", pages_overview.overview),
        web.get("/login", login_form),
        web.post("/login", login_submit),
        web.post("/logout", logout),
        web.get("/ui/live", live_handler),
        *pages_errors.routes(),
        *pages_rollouts.routes(),
        *pages_silences.routes(),
        *pages_alerts.routes(),
        web.static("/static", STATIC_DIR, append_version=False),
    ]


async def login_form(request: web.Request) -> web.Response:
    return render(request, "login.html", next=v.safe_next(request.query.get("next")), error=None)


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    raw_next = form.get("next")
    next_url = v.safe_next(raw_next if isinstance(raw_next, str) else None)
    token = auth.configured_token(request)
    if token is None:
        return render(request, "login.html", status=403, next=next_url, error="No API token is configured.")
    given = form.get("token")
    if not isinstance(given, str) or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return render(request, "login.html", status=401, next=next_url, error="That is not the API token.")
    resp = see_other(next_url, "login")
    resp.set_cookie(
        auth.COOKIE_NAME,
        token,
        max_age=LOGIN_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=request.secure,
    )
    return resp


async def logout(request: web.Request) -> web.StreamResponse:
    # Logging out needs no CSRF check: the worst a forged logout does is log someone out.
    resp = see_other("/", "logout")
    resp.del_cookie(auth.COOKIE_NAME, path="/")
    return resp


__all__ = ["routes", "sidecar_of"]
