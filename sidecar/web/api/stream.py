"""`GET /api/stream`: a WebSocket of what happens, as it happens (new and regressed groups, status
changes, diagnoses, rollout transitions), for the dashboard and for tools that would otherwise poll.

Access is the API token: `Authorization: Bearer` for programs, or the login cookie for the
dashboard - then the `Origin` must be this server's own, because browsers send cookies on
cross-site WebSocket handshakes and no CORS check protects them. Every message is redacted like
any other exit. Each connection reads from its own bounded bus queue: a slow client loses the
oldest events (it is told how many in the next message's `dropped`), never the sidecar's memory.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from ...bus import (
    DIAGNOSIS_READY,
    GROUP_NEW,
    GROUP_REGRESSED,
    GROUP_STATUS,
    ROLLOUT_GATE_FAILED,
    ROLLOUT_PROMOTED,
    ROLLOUT_ROLLBACK,
    ROLLOUT_TRANSITION,
)
from ...jsonvalue import jsonable
from ...redaction import redact_obj
from ..auth import COOKIE_NAME, _same, bearer, configured_token

if TYPE_CHECKING:
    from ...stages import Runtime

STREAM_KINDS = {GROUP_NEW, GROUP_REGRESSED, GROUP_STATUS, DIAGNOSIS_READY, ROLLOUT_TRANSITION,
                ROLLOUT_GATE_FAILED, ROLLOUT_ROLLBACK, ROLLOUT_PROMOTED}
MAX_STREAMS = 64
QUEUE_SIZE = 256
OPEN_STREAMS: web.AppKey[weakref.WeakSet[web.WebSocketResponse]] = web.AppKey("open_streams")


def _authorized(request: web.Request) -> tuple[int, str] | None:
    """None when the request may stream; else (status, reason)."""
    token = configured_token(request)
    if token is None:
        return 403, "streaming is disabled: no API token configured"
    presented = bearer(request)
    if presented is not None:
        return None if _same(presented, token) else (401, "wrong API token")
    if _same(request.cookies.get(COOKIE_NAME), token):
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            return 403, "cross-origin WebSocket refused"
        return None
    return 401, "API token required: send 'Authorization: Bearer <token>'"


def routes(sidecar: Runtime) -> list[web.AbstractRouteDef]:
    async def stream(request: web.Request) -> web.StreamResponse:
        refused = _authorized(request)
        if refused is not None:
            return web.json_response({"error": refused[1]}, status=refused[0])
        open_streams = request.app[OPEN_STREAMS]
        if len(open_streams) >= MAX_STREAMS:
            return web.json_response({"error": "too many open streams"}, status=503, headers={"Retry-After": "5"})
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
        await ws.prepare(request)
        open_streams.add(ws)
        sub = sidecar.bus.subscribe(STREAM_KINDS, maxsize=QUEUE_SIZE)
        reader = asyncio.create_task(_drain_client(ws))
        try:
            await ws.send_json({"kind": "hello", "kinds": sorted(STREAM_KINDS)})
            while not ws.closed and not reader.done():
                getter = asyncio.ensure_future(sub.get())
                done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    break
                event = getter.result()
                message: dict[str, Any] = {"kind": event.kind, "at": event.at,
                                           "data": redact_obj(jsonable(event.data))}
                if sub.dropped:
                    message["dropped"], sub.dropped = sub.dropped, 0
                await ws.send_json(message)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            sub.close()
            reader.cancel()
            open_streams.discard(ws)
            await ws.close()
        return ws

    return [web.get("/api/stream", stream)]


async def _drain_client(ws: web.WebSocketResponse) -> None:
    """Read (and ignore) what the client sends, so a close frame ends the stream promptly."""
    async for msg in ws:
        if msg.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
            break


async def close_streams(app: web.Application) -> None:
    """on_shutdown: close open streams so the server stops within its grace period."""
    streams = app[OPEN_STREAMS]
    for ws in list(streams):
        await ws.close(code=1001, message=b"server shutting down")
