"""A send on a WebSocket the client closed normally: the close is benign, the unhandled send is the code's.

Real websockets (asyncio implementation) over loopback: the client closes with 1000 or 1001, the server's
broadcast then calls send() and websockets raises ConnectionClosedOK from send_context(); logged with its
traceback that is code. The same close logged as a line without a send (the daemon noting it) stays the benign
network close.
"""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosedOK

from tests.diagnose.logged import diagnose, logged, text_of


async def _send_after_close(code: int) -> str:
    closed = asyncio.Event()
    excerpt: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        try:
            await ws.wait_closed()
            await ws.send('{"event": "tick"}')
        except ConnectionClosedOK:
            excerpt.append(logged("src.daemon.monitoring_endpoint", "[MONITOR_WS] broadcast to 127.0.0.1 failed"))
        closed.set()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}") as client:
            await client.close(code, "dashboard closed")
        await asyncio.wait_for(closed.wait(), 5)
    assert excerpt, "the server's send did not raise ConnectionClosedOK"
    return excerpt[0]


@pytest.mark.parametrize("code", [1000, 1001])
async def test_a_send_after_a_normal_close_is_code(code: int) -> None:
    d = diagnose(await _send_after_close(code))
    assert d.category == "code" and d.confidence < 0.6 and "send" in text_of(d), (d.rule, d.summary)


@pytest.mark.parametrize("code", [1000, 1001])
def test_the_close_noted_without_a_send_stays_the_benign_close(code: int) -> None:
    what = "OK" if code == 1000 else "going away"
    d = diagnose(f"2026-12-06 07:00:00 WARNING ws_daemon: Connection closed for 172.18.0.1:41822: received {code} "
                 f"({what}); then sent {code} ({what})")
    assert d.category == "network" and "send" not in d.summary, (d.rule, d.summary)
