"""Getting payloads to receivers: the HTTP sender, the retry policy, and per-receiver rate limits.

Retry policy (Alertmanager's, plus 429): 2xx sent; 429 retried after `Retry-After` (seconds or an
HTTP date; capped) or the backoff; 408, 5xx, connection errors and timeouts retried with jittered
exponential backoff; any other 4xx is a permanent failure (the payload or URL is wrong, and
sending it again would fail the same way). The decisions are pure functions; `Sender` is the only
I/O and never raises for a receiver's failure.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from .. import backoff
from ..backoff import parse_retry_after
from ..config import ReceiverConfig
from ..exceptions import SidecarError
from ..httpclient import client_session
from ..signing import SigningSecretError, sign_headers
from .alertmanager import api_url

log = logging.getLogger(__name__)

SENT, RETRY, FAILED = "sent", "retry", "failed"
ERROR_BODY = 300  # characters of a receiver's error response kept for the dashboard


class AlertsError(SidecarError):
    """Base class of the alerting stage's own errors."""


@dataclass(frozen=True, slots=True)
class Result:
    outcome: str  # sent | retry | failed
    http_status: int | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds, from the receiver's Retry-After


def classify(status: int, retry_after: float | None = None, error: str | None = None) -> Result:
    if 200 <= status < 300:
        return Result(SENT, status)
    if status == 429:
        return Result(RETRY, status, error or "429 Too Many Requests", retry_after)
    if status == 408 or status >= 500:
        return Result(RETRY, status, error or f"HTTP {status}", retry_after if status == 503 else None)
    return Result(FAILED, status, error or f"HTTP {status}")


def next_delay(result: Result, attempt: int, *, base: float, cap: float, retry_after_max: float,
               rng: random.Random) -> float:
    if result.retry_after is not None:
        return min(result.retry_after, retry_after_max)
    return backoff.delay(attempt, base, cap, rng)


class TokenBucket:
    """Per-receiver rate limit: `rate` sends per minute, bursts up to `rate`. Pure given `now`."""

    def __init__(self, per_minute: int, now: float) -> None:
        self.capacity = float(per_minute)
        self.tokens = float(per_minute)
        self.rate = per_minute / 60.0
        self.updated = now

    def take(self, now: float) -> float:
        """Take a token: 0.0 when allowed, else the seconds until one is available."""
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


def target_url(receiver: ReceiverConfig) -> str:
    return api_url(receiver.url) if receiver.kind == "alertmanager" else receiver.url


def message_id(delivery_id: int, body: bytes) -> str:
    """The Standard Webhooks `webhook-id`: the same on every retry of a delivery row, and a new one
    when a pending row's payload was replaced (coalesced), so a receiver's de-duplication by id
    never drops the newer payload."""
    return f"alert-{delivery_id}-{hashlib.sha256(body).hexdigest()[:16]}"


class Sender:
    """POSTs JSON payloads with aiohttp. One session for all receivers; a timeout per receiver."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._redact = redact

    async def _get(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = client_session(
                headers={"User-Agent": "gateway-sidecar-alerts/0.1"},
                connector=aiohttp.TCPConnector(limit=20),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _scrub(self, text: str, url: str) -> str:
        # Webhook URLs carry their credential in the path: never put one in an error message.
        return self._redact(text.replace(url, "<receiver url>"))

    async def send(self, receiver: ReceiverConfig, payload: Any, now: float, delivery_id: int) -> Result:
        url = target_url(receiver)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", **receiver.headers}
        if receiver.kind == "webhook" and receiver.secret is not None and receiver.secret.get_secret_value():
            try:
                headers.update(sign_headers(receiver.secret.get_secret_value(), message_id(delivery_id, body), now, body))
            except SigningSecretError as exc:
                return Result(FAILED, None, f"signing secret: {exc}")
        session = await self._get()
        try:
            async with session.post(url, data=body, headers=headers,
                                    timeout=aiohttp.ClientTimeout(total=receiver.timeout)) as resp:
                raw = await resp.content.read(4096)
                status = resp.status
                if 200 <= status < 300:
                    return Result(SENT, status)
                detail = raw.decode("utf-8", "replace").strip()
                error = f"HTTP {status}" + (f": {self._scrub(detail, url)[:ERROR_BODY]}" if detail else "")
                return classify(status, parse_retry_after(resp.headers.get("Retry-After"), now), error)
        except TimeoutError:
            return Result(RETRY, None, f"timeout after {receiver.timeout:g}s")
        except aiohttp.InvalidURL:
            return Result(FAILED, None, "invalid receiver URL")
        except (aiohttp.ClientError, OSError) as exc:
            return Result(RETRY, None, self._scrub(f"{type(exc).__name__}: {exc}", url)[:ERROR_BODY])
        except asyncio.CancelledError:
            raise
