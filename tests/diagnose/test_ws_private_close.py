"""WebSocket close codes 4000-4999 (RFC 6455 7.4.2: private use, defined by the applications' own agreement; websockets
15 frames.py prints them "(private use)") are read by the closing application's reason, never as a dropped connection.

Class list: the kinds of reason an application close states (RFC 6455 leaves the meaning to the application; the
reasons below are the ones real servers send: auth/token refusals as in Phoenix/Socket.IO/graphql-ws 4401/4403, rate
and session limits as graphql-ws 4429, and reasons naming neither, e.g. graphql-ws 4400 "Invalid message received",
4409 "Subscriber for X already exists"). A real websockets server closes with the code and reason; the real client's
ConnectionClosedError is logged by the shim. Near-misses: the same server closing with 1006 (no close frame: the
network's) and a reason naming no known kind (an honest unknown <= 0.4), each on the receiving and the sending side.
"""

from __future__ import annotations

import random

import pytest
from websockets.asyncio.server import ServerConnection

from .logged import diagnose, logged, text_of
from .loopback import ws_exchange

SEEDS = range(3)
AUTH = ["unauthorized: bad auth token", "forbidden", "invalid api key", "authentication failed", "token mismatch"]
LIMIT = ["too many connections", "rate limit exceeded", "server busy, try later"]
OTHER = ["Invalid message received", "Subscriber for 7f2 already exists", "session replaced by a newer login",
         "protocol version 3 required"]


def _closed_by_server(code: int, reason: str) -> str:
    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.close(code, reason)

    try:
        ws_exchange(handler)
    except Exception:
        return logged("scripts.run_ws_shim", "tool call chat failed")
    raise AssertionError("the server's close did not raise")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_private_close_refusing_a_credential_is_config(seed: int) -> None:
    rng = random.Random(seed)
    reason = rng.choice(AUTH)
    d = diagnose(_closed_by_server(rng.choice([4001, 4003, 4401, 4403]), reason))
    assert d.category == "config" and "token" in text_of(d) and "1011" not in text_of(d), (d.rule, d.summary)
    assert "keepalive" not in text_of(d)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_private_close_for_a_limit_is_capacity(seed: int) -> None:
    rng = random.Random(seed)
    d = diagnose(_closed_by_server(rng.choice([4008, 4029, 4429]), rng.choice(LIMIT)))
    assert d.category == "capacity", (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_private_close_with_another_reason_is_an_honest_unknown(seed: int) -> None:
    rng = random.Random(seed)
    code, reason = rng.choice([4000, 4400, 4409, 4999]), rng.choice(OTHER)
    d = diagnose(_closed_by_server(code, reason))
    assert d.category == "unknown" and d.confidence <= 0.4 and str(code) in d.summary, (d.rule, d.summary)


def test_an_abnormal_close_stays_the_networks() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        ws.transport.abort()  # no close frame: 1006

    try:
        ws_exchange(handler)
    except Exception:
        d = diagnose(logged("scripts.run_ws_shim", "tool call chat failed"))
        assert d.category == "network", (d.rule, d.summary)
        return
    raise AssertionError("the abort did not raise")
