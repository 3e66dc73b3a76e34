"""Helpers shared by test packages (fixtures live in conftest.py files)."""

from __future__ import annotations

import hmac
import json
import subprocess
import time
import urllib.request
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook

from sidecar.signing import receiver_secret


def wait_http_ok(url: str, proc: subprocess.Popen, what: str, timeout: float = 20.0,
                 log_path: Path | None = None) -> None:
    """Poll `url` until it answers 200; fail early, with the process's log tail, if it exits."""

    def tail() -> str:
        return log_path.read_text(errors="replace")[-2000:] if log_path and log_path.exists() else ""

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}: {tail()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{what} did not answer {url} within {timeout:g} s: {tail()}")


def stop_process(proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout`; always reaped (no zombie, no leak)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Received:
    """One request a local fake receiver (chat channel, hook endpoint) recorded."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def signed_by(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """A Standard Webhooks receiver's check: the library's own signer, given the `whsec_` form of
    the sidecar's secret, at the request's own timestamp (tests run on a ManualClock years away
    from the wall clock that `Webhook.verify` compares with; tests/foundation/test_signing.py
    checks the real `verify` on the wall clock)."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp, signature = (lower.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (msg_id and stamp and signature):
        return False
    at = datetime.fromtimestamp(int(stamp), UTC)
    expected = Webhook(receiver_secret(secret)).sign(msg_id, at, body)
    return any(hmac.compare_digest(expected, given) for given in signature.split(" "))


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[int]:
    """Serve `app` on a free loopback port (the kernel picks it: no race with other tests); yields the port."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    finally:
        await runner.cleanup()
