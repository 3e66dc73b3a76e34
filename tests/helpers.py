"""Helpers shared by test packages (fixtures live in conftest.py files)."""

from __future__ import annotations

import asyncio
import hmac
import json
import signal
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


def _answers_200(url: str, timeout: float) -> bool:
    """One GET of `url`: True if it answered 200 (a refused or failed connection is "not yet")."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def wait_http_ok(url: str, proc: subprocess.Popen, what: str, timeout: float = 20.0,
                 log_path: Path | None = None) -> None:
    """Poll `url` until it answers 200; fail early, with the process's log tail, if it exits."""

    def tail() -> str:
        return log_path.read_text(errors="replace")[-2000:] if log_path and log_path.exists() else ""

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}: {tail()}")
        if _answers_200(url, timeout=1):
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not answer {url} within {timeout:g} s: {tail()}")


# A `sidecar run` start-up is seconds of imports and a migration: ~2 s at load 1, 13 s at load 11, 40-100 s
# measured with 8 starts at once beside a CPU hog at load ~24 (round 15, /tmp pair runs). A slow start
# still uses CPU; a stuck one does not (round 14's "did not come up": a failed start-up that never exited,
# fixed in app.py/sqlite.py). So the wait fails early on a process that used no CPU for STUCK_AFTER
# seconds, and otherwise allows START_WITHIN seconds, a bound a loaded machine meets.
START_WITHIN = 240.0
STUCK_AFTER = 20.0


def _cpu_ticks(pid: int) -> int | None:
    """utime + stime of `pid`, every thread (proc(5): /proc/pid/stat fields 14 and 15), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "(comm)", which may hold spaces
    return int(fields[11]) + int(fields[12])


def catches(pid: int, sig: signal.Signals) -> bool:
    """Whether `pid` has a handler for `sig` now (proc(5): /proc/pid/status `SigCgt`, the hexadecimal mask of
    the signals being caught, bit sig-1). A signal it does not catch gets its default action (signal(7)):
    SIGUSR1's is to terminate, so asking a process for its stacks before it registered faulthandler kills it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    for line in status.splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    return False


def wait_serving(url: str, proc: subprocess.Popen[Any], what: str, log_path: Path | None,
                 within: float = START_WITHIN, stuck_after: float = STUCK_AFTER) -> None:
    """Poll `url` until it answers 200. Fail with the process's log tail at once if it exits; if it is
    alive but used no CPU for `stuck_after` seconds (waiting on something that will not come) or
    `within` passed, first ask it for its threads' stacks (SIGUSR1: `sidecar run` registers faulthandler
    for it) so the failure shows where it stood, including the 'start-up: still waiting' step lines; only
    once it catches SIGUSR1 (`catches`), since before that the signal kills it."""

    def tail() -> str:
        return log_path.read_text(errors="replace")[-4000:] if log_path and log_path.exists() else "(no log)"

    def logged() -> int:
        return log_path.stat().st_size if log_path and log_path.exists() else 0

    began = time.monotonic()
    ticks, moved = _cpu_ticks(proc.pid), began
    said = logged()
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode} before answering {url}:\n{tail()}")
        if _answers_200(url, timeout=2):
            return
        now = time.monotonic()
        current = _cpu_ticks(proc.pid)
        # progress is CPU used or a line logged: a start-up that waits out a peer's lock on the store sleeps between
        # its tries (app._open_store, up to store.startup_wait) and says each one in the log (review r15)
        if current != ticks or logged() != said:
            ticks, moved, said = current, now, logged()
        stuck = current is not None and now - moved > stuck_after
        if stuck or now - began > within:
            why = f"used no CPU for {now - moved:.0f} s" if stuck else f"still starting after {within:g} s"
            stacks = "with its threads' stacks last"
            if proc.poll() is None and catches(proc.pid, signal.SIGUSR1):
                proc.send_signal(signal.SIGUSR1)  # its stacks, into its log
                time.sleep(1.0)
            else:  # not registered yet (interpreter start, imports): the default action would kill the evidence
                stacks = "no stacks: it had no SIGUSR1 handler yet, so it was left running"
            raise AssertionError(f"{what} did not answer {url} ({why}, {now - began:.0f} s since the wait "
                                 f"began); its log, {stacks}:\n{tail()}")
        time.sleep(0.1)


async def wait_serving_async(url: str, proc: subprocess.Popen[Any], what: str, log_path: Path | None,
                             within: float = START_WITHIN) -> None:
    """`wait_serving` from a test's event loop, which goes on serving the test's own fake servers meanwhile."""
    await asyncio.to_thread(wait_serving, url, proc, what, log_path, within)


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
