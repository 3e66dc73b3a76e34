"""What every dashboard page shares: the Jinja2 environment, the page context, and action guards.

Templates are rendered with autoescape on: log messages are attacker-controlled text, and they
must reach the browser as text. The server's Content-Security-Policy (no inline script or style)
is the second line of defence, so templates never use inline `<script>` or `style=` either.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jinja2
from aiohttp import web
from markupsafe import Markup

from ...display import shown
from ...exceptions import ApiError
from .. import auth
from . import views as v

if TYPE_CHECKING:
    from ...stages import Runtime

log = logging.getLogger(__name__)

# Messages shown after a POST-redirect-GET (`?done=<key>`): a fixed list, so a crafted link can
# only choose among these texts, never inject one.
FLASH = {
    "resolved": "Marked as resolved.",
    "muted": "Muted: new occurrences are counted but not alerted.",
    "reopened": "Reopened.",
    "rediagnose": "Diagnosed again: the diagnosis below is the new one.",
    "rediagnose_busy": "A diagnosis of this group is already running: reload in a moment.",
    "login": "Logged in: actions are enabled.",
    "logout": "Logged out.",
    "start": "Started at the first stage.",
    "approve": "Approved: the rollout may promote past this stage.",
    "promote": "Promoted to the next stage.",
    "pause": "Paused.",
    "resume": "Resumed.",
    "rollback": "Rollback started: the rollback hooks are being called.",
    "silenced": "Silence created: matching alerts are not sent until it ends.",
    "expired": "Silence expired: matching alerts are sent again.",
    "muted_for": "Alerts for this group are silenced until the time shown; it stays in the list.",
}


def _finalize(value: object) -> object:
    return shown(value) if isinstance(value, str) and not isinstance(value, Markup) else value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sidecar.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Every value a template prints is redacted and has its control characters made visible
        # (second line of defence: samples are already redacted when stored).
        finalize=_finalize,
    )
    env.filters["time"] = v.fmt_time
    env.filters["count"] = v.fmt_count
    env.filters["duration"] = v.fmt_duration
    env.filters["pct"] = v.fmt_percent
    env.filters["bytes"] = v.fmt_bytes
    return env


def sidecar_of(request: web.Request) -> Runtime:
    from ..context import SIDECAR_KEY

    return request.app[SIDECAR_KEY]


def repo(sidecar: Runtime, name: str) -> Any | None:
    """A store repository, or None while its stage is not part of this build."""
    try:
        return getattr(sidecar.store, name)
    except (AttributeError, ModuleNotFoundError, RuntimeError):
        return None


def page_context(request: web.Request) -> dict[str, Any]:
    sidecar = sidecar_of(request)
    token = auth.configured_token(request)
    logged_in = auth.is_logged_in(request)
    now = sidecar.clock.time()
    return {
        "path": request.path,
        "path_qs": request.path_qs,
        "now": now,
        "ago": lambda value: v.ago(value, now),
        "token_configured": token is not None,
        "logged_in": logged_in,
        "can_act": logged_in,
        "csrf": auth.csrf_token(token) if (token and logged_in) else "",
        "enable_hint": auth.ENABLE_HINT,
        "flash": FLASH.get(request.query.get("done", "")),
        "nav": _nav(request.path),
    }


def _nav(path: str) -> list[tuple[str, str, bool]]:
    items = [("/", "Overview"), ("/errors", "Errors"), ("/rollouts", "Rollouts"), ("/alerts", "Alerts"),
             ("/alerts/silences", "Silences")]
    # The longest matching prefix is the active one (/alerts/silences is not also "Alerts").
    matching = [href for href, _ in items if path == href or (href != "/" and path.startswith(href + "/"))]
    active = max(matching, key=len, default=None)
    return [(href, label, href == active) for href, label in items]


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    ctx = page_context(request)
    ctx.update(context)
    body = environment().get_template(template).render(ctx)
    resp = web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
    # Pages show live state and, when logged in, a CSRF token: never cache them.
    resp.headers["Cache-Control"] = "no-store"
    return resp


async def guard_action(request: web.Request, back: str) -> web.Response | None:
    """None when the request may act (API token via login cookie + CSRF, or Bearer); otherwise the
    HTML refusal to send back, with the same status the JSON API would give."""
    try:
        await auth.authorize(request)
    except ApiError as exc:
        if auth.configured_token(request) is None:
            reason = "Actions are disabled because no API token is configured."
        elif exc.status == 401:
            reason = "This action needs the API token: log in first."
        else:
            reason = "The form's CSRF token is missing or stale: reload the page and try again."
        log.info("dashboard action refused", extra={"path": request.path, "status": exc.status})
        return render(request, "refused.html", status=exc.status, reason=reason, back=back)
    return None


def see_other(location: str, done: str | None = None) -> web.Response:
    """303 to a GET page (POST-redirect-GET), optionally with a flash key."""
    if done:
        location += ("&" if "?" in location else "?") + f"done={done}"
    return web.Response(status=303, headers={"Location": location})
