"""Rollout hooks: signed webhooks and commands, delivered at least once from durable rows.

A decision (rollback, promote, stage change) writes one `hook_calls` row per configured hook in
the same transaction as the decision itself, all carrying the decision's idempotency key. This
module delivers those rows: it claims a row, makes one attempt, and records the outcome; a
failed attempt is retried with exponential backoff until `retries` is used up, also after a
restart (the rows are the queue). Receivers de-duplicate on the idempotency key, so at-least-once
delivery never turns into a second rollback.

Webhook contract: POST, JSON body (sorted keys, compact), headers `Content-Type: application/json`,
`Idempotency-Key`, `X-Sidecar-Event` (the hook kind), `X-Sidecar-Attempt`, and when a secret is
configured the Standard Webhooks headers (`sidecar/signing.py`; `webhook-id` is
`<idempotency key>/<hook name>`, the same on every attempt). Any 2xx = done.

Command contract: argv run without a shell, details in SIDECAR_ROLLOUT, SIDECAR_ACTION,
SIDECAR_KIND, SIDECAR_FLAG, SIDECAR_FROM_PERCENT, SIDECAR_TO_PERCENT, SIDECAR_IDEMPOTENCY_KEY and
SIDECAR_PAYLOAD (the JSON body). Exit status 0 = done; a timeout kills it and counts as a failure.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp

from .. import backoff
from ..clock import Clock, utc
from ..config import HookConfig, RolloutConfig
from ..exceptions import SidecarError
from ..httpclient import client_session
from ..secrets import reveal
from ..signing import SigningSecretError, sign_headers
from ..store.rollouts import RolloutRepo
from ..telemetry import Telemetry

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 500


class HookError(SidecarError):
    """A hook is misconfigured (e.g. its secret variable is not set)."""


@dataclass(frozen=True, slots=True)
class HookResult:
    ok: bool
    code: int | None = None  # HTTP status or exit code
    error: str | None = None


def hook_name(hook: HookConfig, index: int) -> str:
    return hook.name or f"{hook.kind}-{index}"


def encode(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed (stable across attempts and restarts)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def resolve_secret(hook: HookConfig) -> str | None:
    # `secret_env` and `${VAR}` were resolved when the config was loaded (sidecar/secrets.py).
    return reveal(hook.secret)


def command_env(payload: dict[str, Any]) -> dict[str, str]:
    return {
        "SIDECAR_ROLLOUT": str(payload.get("rollout", "")),
        "SIDECAR_ACTION": str(payload.get("action", "")),
        "SIDECAR_KIND": str(payload.get("kind", "")),
        "SIDECAR_FLAG": str(payload.get("flag", "")),
        "SIDECAR_FROM_PERCENT": _num(payload.get("from_percent")),
        "SIDECAR_TO_PERCENT": _num(payload.get("to_percent")),
        "SIDECAR_IDEMPOTENCY_KEY": str(payload.get("idempotency_key", "")),
        "SIDECAR_PAYLOAD": encode(payload).decode(),
    }


def _num(v: Any) -> str:
    if v is None:
        return ""
    return f"{float(v):g}"


def message_id(payload: dict[str, Any], hook: str) -> str:
    """The Standard Webhooks `webhook-id`: one per decision and hook, the same on every retry."""
    return f"{payload.get('idempotency_key', '')}/{hook}"


async def post_webhook(
    session: aiohttp.ClientSession, hook: HookConfig, payload: dict[str, Any], attempt: int,
    *, name: str, now: float,
) -> HookResult:
    body = encode(payload)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": str(payload.get("idempotency_key", "")),
        "X-Sidecar-Event": str(payload.get("kind", "")),
        "X-Sidecar-Attempt": str(attempt),
        "User-Agent": "gateway-sidecar/rollout-hooks",
    }
    secret = resolve_secret(hook)
    if secret:
        try:
            headers.update(sign_headers(secret, message_id(payload, name), now, body))
        except SigningSecretError as exc:
            return HookResult(False, None, f"signing secret: {exc}")
    try:
        async with session.post(
            hook.url or "", data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=hook.timeout)
        ) as resp:
            text = await resp.text(errors="replace")
            if 200 <= resp.status < 300:
                return HookResult(True, resp.status)
            return HookResult(False, resp.status, f"HTTP {resp.status}: {text[:200]}")
    except TimeoutError:
        return HookResult(False, None, f"timed out after {hook.timeout:g}s")
    except aiohttp.ClientError as exc:
        return HookResult(False, None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS])


async def run_command(hook: HookConfig, payload: dict[str, Any]) -> HookResult:
    argv = hook.command or []
    env = {**os.environ, **command_env(payload)}
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        return HookResult(False, None, f"cannot run {argv[0]!r}: {exc.strerror or exc}")
    try:
        _, err = await asyncio.wait_for(proc.communicate(), timeout=hook.timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return HookResult(False, None, f"timed out after {hook.timeout:g}s (killed)")
    if proc.returncode == 0:
        return HookResult(True, 0)
    tail = err.decode(errors="replace").strip()[-200:]
    return HookResult(False, proc.returncode, f"exit {proc.returncode}: {tail}")


# A claim on a hook call lasts this long unless renewed; the controller's heartbeat renews this
# replica's claims every CLAIM_LEASE / 3 (also during a slow attempt), so a replica that dies
# (SIGKILL, OOM, lost host) leaves its rollback to a survivor within seconds, not after 60 s.
CLAIM_LEASE = 6.0
HEARTBEAT = CLAIM_LEASE / 3


class HookRunner:
    """Delivers due hook calls from the store: claim, attempt, record, back off."""

    def __init__(
        self, rollouts: list[RolloutConfig], repo: RolloutRepo, clock: Clock, replica: str,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.hooks: dict[tuple[str, str], HookConfig] = {
            (r.name, hook_name(h, i)): h for r in rollouts for i, h in enumerate(r.hooks)
        }
        self.repo = repo
        self.clock = clock
        self.replica = replica
        self.telemetry = telemetry
        self._session: aiohttp.ClientSession | None = None
        self.failed: dict[str, str] = {}  # idempotency_key/hook -> last error, for problems()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = client_session()
        return self._session

    async def deliver_due(self, key: str | None = None) -> int:
        """Attempt every due call (only those of `key` when given); return how many succeeded."""
        now = utc(self.clock.time())
        rows = await self.repo.due_hook_calls(now, self.replica)
        done = 0
        for row in rows:
            if key is not None and row["idempotency_key"] != key:
                continue
            if await self._attempt(row):
                done += 1
        return done

    async def _attempt(self, row: dict[str, Any]) -> bool:
        now_ts = self.clock.time()
        hook = self.hooks.get((row["rollout"], row["hook"]))
        if not await self.repo.claim_hook_call(row["id"], self.replica, utc(now_ts), utc(now_ts + CLAIM_LEASE)):
            return False  # another replica holds it
        attempts = row["attempts"] + 1
        if hook is None:
            result = HookResult(False, None, f"hook {row['hook']!r} is no longer configured")
            attempts = row["max_attempts"]
        else:
            try:
                if hook.url is not None:
                    result = await post_webhook(self._http(), hook, row["payload"], attempts,
                                                name=row["hook"], now=self.clock.time())
                else:
                    result = await run_command(hook, row["payload"])
            except HookError as exc:
                result = HookResult(False, None, str(exc))
        outcome = "ok" if result.ok else ("failed" if attempts >= row["max_attempts"] else "retry")
        if self.telemetry is not None:
            self.telemetry.hook_calls.labels(row["kind"], outcome).inc()
        now_ts = self.clock.time()
        ident = f"{row['idempotency_key']}/{row['hook']}"
        if result.ok:
            self.failed.pop(ident, None)
            status, next_at = "done", now_ts
        elif attempts >= row["max_attempts"]:
            status, next_at = "failed", now_ts
            self.failed[ident] = result.error or "failed"
            log.error("rollout hook failed for good", extra={"hook": row["hook"], "key": row["idempotency_key"],
                                                             "attempts": attempts, "error": result.error})
        else:
            base = hook.backoff if hook else 2.0
            cap = hook.backoff_max if hook else 300.0
            status, next_at = "pending", now_ts + backoff.delay(attempts, base, cap)
            log.warning("rollout hook attempt failed; will retry",
                        extra={"hook": row["hook"], "attempt": attempts, "error": result.error})
        await self.repo.finish_hook_call(
            row["id"], status=status, attempts=attempts, at=utc(now_ts), next_attempt_at=utc(next_at),
            error=result.error, code=result.code,
        )
        return result.ok

    async def seconds_until_due(self) -> float | None:
        nxt = await self.repo.next_hook_due()
        if nxt is None:
            return None
        return max(0.0, (nxt - utc(self.clock.time())) / timedelta(seconds=1))
