"""A raw loopback TCP server for tests that need a peer speaking (or breaking) a protocol byte by byte."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve


@contextmanager
def loopback_server(answer: Callable[[socket.socket], None]) -> Iterator[int]:
    """Yield the port of a server that answers each connection with `answer` and closes it.

    An OSError inside `answer` (the client went away first) ends that connection only."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)

    def run() -> None:
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            with c:
                try:
                    answer(c)
                except OSError:
                    pass

    threading.Thread(target=run, daemon=True).start()
    try:
        yield s.getsockname()[1]
    finally:
        s.close()


def ws_exchange(handler: Callable[[ServerConnection], Awaitable[None]]) -> None:
    """One exchange of the real websockets client (send, then wait for an answer) with a loopback
    websockets server running `handler`; raises what the client raises (a close, an abort)."""

    async def run() -> None:
        async with serve(handler, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}") as ws:
                await ws.send("hello")
                await ws.recv()

    asyncio.run(run())
