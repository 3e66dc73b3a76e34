"""Who may change state: the API token, as a Bearer header (machines) or a login cookie (people).

Every state-changing route is wrapped in `require_token`. Browser sessions carry the token in an
HttpOnly, SameSite=Strict cookie and must also send a CSRF token derived from it (form field
`csrf` or header `X-CSRF-Token`), so a page on another origin cannot trigger actions. Comparisons
are constant-time. With no token configured, actions are refused (403) and say how to enable them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from functools import wraps

from aiohttp import web

from ..exceptions import ApiError

COOKIE_NAME = "sidecar_token"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
ENABLE_HINT = "set server.api_token in the config or SIDECAR_SERVER__API_TOKEN in the environment"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def configured_token(request: web.Request) -> str | None:
    from .context import SIDECAR_KEY

    secret = request.app[SIDECAR_KEY].config.server.api_token
    value = secret.get_secret_value() if secret is not None else ""
    return value or None


def csrf_token(api_token: str) -> str:
    """A CSRF token bound to the API token: pages embed it in forms; an attacker's page cannot read it."""
    return hmac.new(api_token.encode(), b"sidecar-csrf", hashlib.sha256).hexdigest()


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def is_logged_in(request: web.Request) -> bool:
    token = configured_token(request)
    return token is not None and _same(request.cookies.get(COOKIE_NAME), token)


async def authorize(request: web.Request) -> None:
    """Raise ApiError (401/403) unless the request carries the API token (header, or cookie + CSRF)."""
    token = configured_token(request)
    if token is None:
        raise ApiError(403, f"actions are disabled: no API token configured; {ENABLE_HINT}")
    presented = bearer(request)
    if presented is not None:
        if _same(presented, token):
            return
        raise _unauthorized("wrong API token")
    if _same(request.cookies.get(COOKIE_NAME), token):
        sent: object = request.headers.get(CSRF_HEADER)
        if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sent = (await request.post()).get(CSRF_FIELD)
        if _same(sent if isinstance(sent, str) else None, csrf_token(token)):
            return
        raise ApiError(403, "missing or wrong CSRF token")
    raise _unauthorized("API token required: send 'Authorization: Bearer <token>'")


def _unauthorized(reason: str) -> ApiError:
    return ApiError(401, reason, headers={"WWW-Authenticate": 'Bearer realm="sidecar"'})


unauthorized = _unauthorized


def require_token(handler: Handler) -> Handler:
    """Decorate a state-changing handler: it runs only for requests that carry the API token."""

    @wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        await authorize(request)
        return await handler(request)

    return wrapped
