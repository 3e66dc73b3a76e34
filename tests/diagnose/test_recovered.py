"""A later record showing the same operation succeeding, unchanged, makes a failure transient (recovered.py, read
through following.py's later records) - and its near-miss twins leave the first answer exactly as it was.

Real errors from real libraries: httpx against a loopback server that cuts the first body short (httpx raises its own
RemoteProtocolError; its own logger writes the `HTTP Request:` line of the retry that succeeds), and
socket.getaddrinfo refusing a name under the reserved `.invalid` TLD (RFC 6761: never resolves). What varies by seed:
the logger, the wording of the failure and success records, whether a request id is carried, which record ties the
success to the error (the same request id, the same logger, httpx's line for the same host) and how many unrelated
records sit in between. Twins: the success belongs to another request; a setting was switched or the service
redeployed before the success; the later record is another failure; the success names another host and another
logger; the success lies outside the window.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from sidecar.diagnose.model import Diagnosis
from tests.diagnose.logged import KeepRecords, diagnose, logged, logged_lookup_failure

SEEDS = range(1, 7)
LOGGERS = ("src.storage.file_download", "tools.repo_fetch", "src.providers.kimi_files", "src.export.archive",
           "sidecar_jobs.sync", "app.workers.fetcher")
FAILED = ("download failed", "fetch of {url} failed", "attempt 1/3 failed for {url}", "could not read {url}",
          "transfer aborted")
SUCCEEDED = ("attempt 2/3 ok", "retry succeeded ({n} bytes)", "downloaded {n} bytes on attempt 2",
             "fetched {url} on retry", "transfer completed after retry")
UNRELATED = ("INFO src.monitoring.metrics: window gauges sampled", "DEBUG asyncio: poll took 0.2 ms",
             "INFO src.daemon.ws_server: heartbeat")


@dataclass
class Server:
    port: int
    hits: int = 0


@pytest.fixture
async def cutting_server() -> AsyncIterator[Server]:
    """A loopback HTTP server whose FIRST answer promises 1000 bytes and sends 100 (then closes); later ones are whole."""
    state = Server(port=0)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        state.hits += 1
        body = b"x" * (100 if state.hits == 1 else 1000)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.port = server.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        server.close()
        await server.wait_closed()


async def _cut_then_retried(port: int, rng: random.Random, *, req: str | None, logger: str,
                            names_url: bool) -> tuple[str, str, str]:
    """(the error excerpt, httpx's own record of the retry, the url): httpx's RemoteProtocolError logged by `logger`
    (with a failure wording that names the url when `names_url`: httpx's later line is tied by its host only)."""
    url = f"http://127.0.0.1:{port}/objects/{rng.randrange(10**6)}.bin"
    prefix = f"[req:{req}] " if req else ""
    async with httpx.AsyncClient() as client:
        try:
            await client.get(url)
        except httpx.RemoteProtocolError:
            wording = rng.choice([f for f in FAILED if "{url}" in f or not names_url])
            excerpt = logged(logger, prefix + wording.format(url=url))
        else:
            raise AssertionError("the server did not cut the body")
        keep = KeepRecords()
        httpx_log = logging.getLogger("httpx")
        httpx_log.addHandler(keep)
        old = httpx_log.level
        httpx_log.setLevel(logging.INFO)
        try:
            assert (await client.get(url)).status_code == 200
        finally:
            httpx_log.removeHandler(keep)
            httpx_log.setLevel(old)
    return excerpt, keep.records[-1], url


def _stamp_of(excerpt: str) -> str:
    return excerpt.split(" ", 2)[0] + " " + excerpt.split(" ", 2)[1]


def _record(stamp: str, level: str, logger: str, message: str) -> str:
    return f"{stamp} {level} {logger}: {message}"


def _same(a: Diagnosis, b: Diagnosis) -> bool:
    return (a.category, a.rule, a.confidence, a.severity, a.summary) == (b.category, b.rule, b.confidence, b.severity,
                                                                         b.summary)


@pytest.mark.parametrize("seed", SEEDS)
async def test_a_body_cut_short_then_the_same_operation_succeeding_is_transient(cutting_server: Server,
                                                                               seed: int) -> None:
    rng = random.Random(seed)
    logger, req = rng.choice(LOGGERS), (f"{rng.randrange(16**8):08x}" if seed % 3 else None)
    by_httpx = seed % 2 == 1
    excerpt, httpx_line, url = await _cut_then_retried(cutting_server.port, rng, req=req, logger=logger,
                                                       names_url=by_httpx)
    stamp = _stamp_of(excerpt)
    alone = diagnose(excerpt)
    between = [f"{stamp} {rng.choice(UNRELATED)}" for _ in range(rng.randrange(3))]
    success = rng.choice(SUCCEEDED).format(url=url, n=1000)
    # the tie varies: the same request id, the same logger, or httpx's own line for the same host
    ties = [_record(stamp, "INFO", logger, (f"[req:{req}] " if req else "") + success), httpx_line]
    later = ties[by_httpx]
    d = diagnose("\n".join([excerpt, *between, later]))
    assert d.rule is not None and d.rule.endswith("+recovered"), (seed, alone.rule, d.rule, later)
    assert d.category == "network" and d.severity in ("low", "medium"), (seed, d.category, d.severity)
    assert later.strip()[:300] in d.evidence, d.evidence
    assert d.confidence < 0.6  # an inference from two records, never "confident"

    # twins: each keeps the first answer exactly
    other_req = f"{rng.randrange(16**8):08x}"
    twins = {
        "another request": _record(stamp, "INFO", logger, f"[req:{other_req}] {success}") if req else None,
        "a change first": "\n".join([_record(stamp, "INFO", "src.core.env_config",
                                             rng.choice(("config reloaded", "FILES_BASE_URL switched to the mirror",
                                                         "deploy 2026-12-06.3 started"))),
                                     _record(stamp, "INFO", logger, success)]),
        "another failure": _record(stamp, "INFO", logger, rng.choice(("attempt 2/3 failed", "retry timed out",
                                                                      "download error, giving up"))),
        "another host and logger": httpx_line.replace("127.0.0.1", "mirror.example.org").replace(
            " httpx:", " src.mirror.client:"),
        "outside the window": _record("2099-01-01 00:00:00", "INFO", logger, success),
    }
    for name, twin in twins.items():
        if twin is None:
            continue
        t = diagnose("\n".join([excerpt, twin]))
        assert _same(t, alone), (seed, name, alone.rule, t.rule)


@pytest.mark.parametrize("seed", SEEDS)
async def test_a_name_that_did_not_resolve_then_resolved_is_not_a_wrong_host_setting(seed: int) -> None:
    """getaddrinfo's own error for a name; alone, a "Name or service not known" reads as a host that does not exist (a
    setting); the same component's request to that host succeeding 40 s later, unchanged, says it resolved then."""
    rng = random.Random(seed)
    host = f"api-{rng.randrange(10**4)}.example.invalid"
    logger, req = rng.choice(LOGGERS), (f"{rng.randrange(16**8):08x}" if seed % 3 == 0 else None)
    excerpt = await logged_lookup_failure(host, logger, (f"[req:{req}] " if req else "") + f"call to https://{host}/v1/items failed")
    stamp = _stamp_of(excerpt)
    alone = diagnose(excerpt)
    success = rng.choice((f'HTTP Request: POST https://{host}/v1/items "HTTP/1.1 200 OK"',
                          f"call to https://{host}/v1/items ok", f"reconnected to {host}"))
    d = diagnose("\n".join([excerpt, _record(stamp, "INFO", logger, (f"[req:{req}] " if req else "") + success)]))
    assert d.rule is not None and d.rule.endswith("+recovered"), (seed, alone.rule, d.rule)
    assert d.category == "network" and d.severity == "low" and "DNS" in d.summary, (d.category, d.summary)
    changed = "\n".join([excerpt, _record(stamp, "INFO", "src.core.env_config", f"API_HOST updated to {host}"),
                         _record(stamp, "INFO", logger, success)])
    assert _same(diagnose(changed), alone)
