"""A raw loopback TCP server for tests that need a peer speaking (or breaking) a protocol byte by byte."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


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
