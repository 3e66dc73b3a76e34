"""CLASSES10 F1: an intermediary in front of the daemon's WebSocket that does not pass the upgrade, from a REAL
websockets client handshake against a loopback server answering as the intermediary does.

Source: websockets/asyncio/client.py + websockets/client.py `process_response` (a non-101 status raises
`InvalidStatus`: "server rejected WebSocket connection: HTTP N"), RFC 6455 §4.1, nginx WebSocket proxying
(https://nginx.org/en/docs/http/websocket.html: without `proxy_http_version 1.1` and the Upgrade/Connection
headers the upstream sees a plain HTTP/1.0 GET). Config (the intermediary's settings); twin: the daemon itself
refuses for a reason of its own (its session limit, its own record in the window) -> capacity.
"""

from __future__ import annotations

import asyncio
from random import Random
from typing import Any

from websockets.asyncio.client import connect

from evals.gen.case import carry, make_case, noise, project_ref
from evals.gen.frames import _compile_src, trim
from evals.gen.registry import klass
from evals.gen.render import Record


def rejected_handshake(rng: Random, status: int, reason: str, server: str) -> BaseException:
    """The real InvalidStatus of a websockets client whose handshake is answered `status`."""
    async def main() -> BaseException:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while (await reader.readline()) not in (b"\r\n", b""):
                pass
            writer.write(f"HTTP/1.1 {status} {reason}\r\nServer: {server}\r\nContent-Type: text/html\r\n"
                         f"Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            writer.close()

        srv = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
        fn = _compile_src("/app/scripts/runtime/run_ws_shim.py", rng.randint(120, 400), [
            "async def open_daemon(url):",
            "    return await connect(url, open_timeout=5, max_size=None)",
        ], {"connect": connect}, "open_daemon")
        try:
            await fn(f"ws://127.0.0.1:{port}/mcp/ws")
        except BaseException as exc:  # noqa: BLE001
            caught: BaseException = trim(exc)
        else:  # pragma: no cover
            raise AssertionError("handshake accepted")
        srv.close()
        await srv.wait_closed()
        return caught

    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda _loop, _ctx: None)
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


@klass("10", "c10-F1")
def f1(rng: Random, twin: bool) -> dict[str, Any]:
    """The handshake answered by the proxy (config) vs refused by the daemon for its session limit (capacity)."""
    status, reason = rng.choice(((400, "Bad Request"), (502, "Bad Gateway"), (426, "Upgrade Required")))
    server = rng.choice(("nginx/1.25.3", "nginx", "envoy"))
    axes_status = f"{status}/{server}"  # what the case varies (the twin overrides both with the daemon's own)
    if twin:  # the daemon's own refusal (websockets' server header)
        status, reason, server = 503, "Service Unavailable", "Python/3.11 websockets/15.0.1"
    exc = rejected_handshake(rng, status, reason, server)
    host, client_ip = rng.choice(("gw.example.dev", "mcp.internal", "exai.example.org")), \
        f"172.18.0.{rng.randint(2, 40)}"
    carrier, limit = rng.choice(("exception", "message")), rng.choice((8, 16, 50))
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    if twin:
        records.append(Record(29.8, "WARNING", "src.daemon.connection_manager",
                              f"[OVER_CAPACITY] rejecting WebSocket from {client_ip}: {limit}/{limit} sessions"))
    else:
        records.append(Record(29.8, "", "", f'{client_ip} - - [{{nginx_ts}}] "GET /mcp/ws HTTP/1.0" {status} 0 "-" '
                                            '"Python/3.11 websockets/15.0.1"', service="nginx"))
        records.append(Record(25.0, "INFO", "ws_shim", f"direct connect ws://{client_ip}:8079 ok (bypassing the "
                                                       "proxy)"))
    records += carry(rng, exc, 30.0, "ws_shim", f"cannot open daemon WebSocket via {host}", carrier)
    axes = {"proxy": axes_status, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-F1", kind="near-miss", records=records, category="capacity",
                         severity="high", description="The daemon itself refused the upgrade at its session limit "
                         "(its own record): capacity.", must_mention=[], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="c10-F1", kind="known", records=records, category="config", severity="high",
                     description="The reverse proxy answered the handshake itself (HTTP/1.0 upstream, no upgrade "
                                 "headers); a direct connection works: config.", must_mention=[], must_not=[],
                     axes=axes, deciding="error")
