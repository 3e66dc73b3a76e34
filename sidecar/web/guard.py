"""The edge of the web app: who may read, how fast a client may guess the token, which path values
reach a handler, and which redirect targets are allowed. Middlewares, so every route gets them once.

- Read access (`server.read_access`, default `token`): the dashboard and the read API need the API
  token (Bearer) or the login cookie; `/healthz`, `/readyz`, `/metrics`, `/login` and static files
  stay open. Pages redirect to the login form; the API answers 401.
- Guessing: failed token checks (Bearer, login form, cookie) are counted per client address; past
  `MAX_FAILURES` in `WINDOW` seconds the client gets 429 until the window slides. Each failure is
  logged and counted in `sidecar_auth_failures_total`.
- Path values (`{fingerprint}`, `{name}`, ...): control characters (NUL included) or more than
  `MAX_SEGMENT` characters are a 404 before any handler or database sees them (PostgreSQL rejects
  NUL in TEXT with an error, which was a 500).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
import urllib.parse
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..exceptions import ApiError
from ..redaction import redact
from .context import SIDECAR_KEY

__all__ = ["FailureLimiter", "guard_middlewares", "safe_next", "valid_segment"]

log = logging.getLogger(__name__)

MAX_SEGMENT = 256
MAX_FAILURES = 10
WINDOW = 60.0
MAX_CLIENTS = 10_000  # clients remembered (LRU): a flood of addresses cannot grow memory without bound
OPEN_PATHS = ("/healthz", "/readyz", "/metrics", "/login", "/logout", "/favicon.ico")
OPEN_PREFIXES = ("/static/",)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def valid_segment(value: str) -> bool:
    """A path value a handler may see: bounded and free of control characters."""
    return len(value) <= MAX_SEGMENT and _CONTROL.search(value) is None


def safe_next(raw: str | None, default: str = "/") -> str:
    """A redirect target after login: a same-site path only.

    Browsers strip tab/CR/LF from URLs and treat `\\` as `/`, so `/%09/evil.example` (after form
    decoding: `/\\t/evil.example`) becomes `//evil.example`, another site. Any control character,
    backslash, scheme or authority makes the target the default instead.
    """
    if not raw or not raw.startswith("/") or _CONTROL.search(raw) or "\\" in raw:
        return default
    decoded = urllib.parse.unquote(raw)
    if _CONTROL.search(decoded) or "\\" in decoded or decoded.startswith("//") or raw.startswith("//"):
        return default
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme or parts.netloc:
        return default
    return raw


class FailureLimiter:
    """Failed token checks per client in a sliding window (clock injected, memory bounded)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_failures: int = MAX_FAILURES,
                 window: float = WINDOW, max_clients: int = MAX_CLIENTS) -> None:
        self.clock = clock
        self.max_failures = max_failures
        self.window = window
        self.max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str) -> deque[float]:
        q = self._failures.get(client)
        if q is None:
            return deque()
        cutoff = self.clock() - self.window
        while q and q[0] <= cutoff:
            q.popleft()
        return q

    def blocked(self, client: str) -> bool:
        return len(self._recent(client)) >= self.max_failures

    def fail(self, client: str) -> None:
        q = self._recent(client)
        q.append(self.clock())
        self._failures[client] = q
        self._failures.move_to_end(client)
        while len(self._failures) > self.max_clients:
            self._failures.popitem(last=False)


LIMITER_KEY = web.AppKey("auth_limiter", FailureLimiter)


def client_of(request: web.Request) -> str:
    """The peer address (a proxy in front should be trusted explicitly; X-Forwarded-For is not)."""
    return request.remote or "unknown"


def record_failure(request: web.Request, how: str) -> None:
    request.app[LIMITER_KEY].fail(client_of(request))
    request.app[SIDECAR_KEY].telemetry.auth_failures.labels(method=how).inc()
    log.warning("authentication failed", extra={"client": client_of(request), "method": how,
                                                 "path": request.path})


def _too_many() -> ApiError:
    return ApiError(429, "too many failed token attempts; try again later", headers={"Retry-After": str(int(WINDOW))})


def _token(request: web.Request) -> str | None:
    secret = request.app[SIDECAR_KEY].config.server.api_token
    value = secret.get_secret_value() if secret is not None else ""
    return value or None


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


def _is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


@web.middleware
async def path_values(request: web.Request, handler: Handler) -> web.StreamResponse:
    """404 for a path value no handler should see (NUL, control characters, too long)."""
    for value in request.match_info.values():
        if not valid_segment(value):
            raise ApiError(404, "not found")
    return await handler(request)


@web.middleware
async def access(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Rate-limit token guessing, check every Bearer token presented, and require login for reads."""
    from . import auth

    limiter = request.app[LIMITER_KEY]
    token = _token(request)
    presented = auth.bearer(request)
    cookie = request.cookies.get(auth.COOKIE_NAME)
    guessing = presented is not None or (request.method == "POST" and request.path == "/login")
    if guessing and limiter.blocked(client_of(request)):
        raise _too_many()
    reading = request.method in ("GET", "HEAD")
    if reading and not _is_open(request.path) and token is not None and presented is not None \
            and not _same(presented, token):
        record_failure(request, "bearer")
        raise auth.unauthorized("wrong API token")
    read_access = getattr(request.app[SIDECAR_KEY].config.server, "read_access", "token")
    if read_access == "token" and reading and not _is_open(request.path):
        if token is None or not (_same(presented, token) or _same(cookie, token)):
            if request.path.startswith("/api/"):
                raise auth.unauthorized("reading needs the API token: send 'Authorization: Bearer <token>' "
                                        f"or log in (server.read_access is 'token'; {auth.ENABLE_HINT})")
            raise web.HTTPSeeOther("/login?" + urllib.parse.urlencode({"next": request.path_qs}))
    try:
        response = await handler(request)
    except ApiError as exc:
        if exc.status == 401 and presented is not None:  # a state-changing route refused a wrong Bearer token
            record_failure(request, "bearer")
        raise
    if request.method == "POST" and request.path == "/login" and response.status == 401:
        record_failure(request, "login")
    return response


def _redact_strings(value: object) -> object:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_strings(v) for v in value]
    return value


@web.middleware
async def redacted_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every JSON answer is redacted again (second line of defence: samples are stored redacted, but
    with `store.keep_raw` they are not). `?raw=1` with the API token shows the stored text."""
    response = await handler(request)
    if not isinstance(response, web.Response) or response.content_type != "application/json":
        return response
    body = response.body
    if not isinstance(body, bytes) or not body or request.path.startswith(("/healthz", "/readyz")):
        return response
    if request.query.get("raw") == "1":
        from . import auth

        token = _token(request)
        if token is not None and (_same(auth.bearer(request), token) or
                                  _same(request.cookies.get(auth.COOKIE_NAME), token)):
            return response
    try:
        data = json.loads(body)
    except ValueError:
        return response
    cleaned = _redact_strings(data)
    if cleaned != data:
        response.body = json.dumps(cleaned, ensure_ascii=False).encode()
    return response


def install(app: web.Application) -> None:
    """Give `app` its per-client failure limiter (the middlewares are listed by the caller)."""
    app[LIMITER_KEY] = FailureLimiter()


guard_middlewares = (access, path_values, redacted_json)
