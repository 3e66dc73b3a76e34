"""A connect refused at an address the remote no longer has is network; at an address a setting pins, config
(moved_address.py, CLASSES10 B2 and its twin).

Real refusals: asyncio.open_connection to a loopback port nobody listens on (the kernel refuses; asyncio's own
"Connect call failed ('127.0.0.1', PORT)"), logged by a relay naming its host in a URL. What varies by seed: the host
name, the logger, the fresh lookup's spelling and whether it sits before or after the error, the pin's spelling
(compose extra_hosts, an /etc/hosts entry, --add-host). Twins that keep the first answer: a lookup giving the SAME
address (nothing moved); a lookup or a pin of ANOTHER host.
"""

from __future__ import annotations

import asyncio
import random
import socket

import pytest

from sidecar.diagnose.model import Diagnosis
from tests.diagnose.logged import diagnose, logged


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()  # bound then closed: nothing listens there
    return port


async def _refused(rng: random.Random, host: str) -> str:
    port = _closed_port()
    try:
        await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError:
        logger = rng.choice(("src.alerts.relay", "src.cache.client", "app.webhooks"))
        return logged(logger, f"delivery to http://{host}:{port}/hook failed (attempt 3/3)")
    raise AssertionError("the connect was not refused")


def _record(when: str, text: str) -> str:
    return f"2026-12-06 10:00:{when} INFO src.daemon.ws_server: {text}"


def _same(a: Diagnosis, b: Diagnosis) -> bool:
    return (a.category, a.rule, a.confidence) == (b.category, b.rule, b.confidence)


@pytest.mark.parametrize("seed", range(1, 6))
async def test_a_stale_address_is_network_and_a_pinned_one_config(seed: int) -> None:
    rng = random.Random(seed)
    host = rng.choice(("redis-cache", "alert-relay.internal", "hooks.example.org"))
    error = await _refused(rng, host)
    alone = diagnose(error)
    new_ip = f"10.0.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}"
    lookup = rng.choice((f"dns probe: getaddrinfo({host}) -> {new_ip}", f"resolved {host} to {new_ip} (record changed)",
                         f"DNS lookup {host}: {new_ip}"))
    pin = rng.choice((f"compose extra_hosts: {host}:127.0.0.1", f"/etc/hosts entry: 127.0.0.1 {host}",
                      f"docker run --add-host {host}:127.0.0.1"))

    def around(line: str) -> str:
        return "\n".join([error, _record("59", line)] if rng.random() < 0.5 else [_record("00", line), error])

    moved = diagnose(around(lookup))
    assert moved.category == "network" and "+moved-address" in (moved.rule or ""), (seed, moved.rule)
    pinned = diagnose(around(pin))
    assert pinned.category == "config" and host in pinned.summary and pinned.confidence < 0.6, (seed, pinned.rule)

    for twin in (lookup.replace(new_ip, "127.0.0.1"), lookup.replace(host, "other-host"),
                 pin.replace(host, "other-host")):
        assert _same(diagnose(around(twin)), alone), (seed, twin)
