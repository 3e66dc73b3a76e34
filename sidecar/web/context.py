"""What every web handler reads the running sidecar through: one typed application key.

Kept apart from server.py (which imports every handler module) so handlers import this and
nothing imports server.py back: the web layer's imports flow one way.
"""

from __future__ import annotations

from aiohttp import web

from ..stages import Runtime

SIDECAR_KEY: web.AppKey[Runtime] = web.AppKey("sidecar", Runtime)


def runtime(request: web.Request) -> Runtime:
    """The running sidecar serving this request."""
    return request.app[SIDECAR_KEY]
