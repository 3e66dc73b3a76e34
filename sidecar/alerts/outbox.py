"""The delivery worker over the outbox (`alert_deliveries`): one sequential batch per receiver at a
time (a hanging receiver delays only itself), a token bucket per receiver, a lease per attempt, and
the retry policy of `delivery.py` applied to every result, which is recorded (store, telemetry,
`alert.delivery` on the bus)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import Any

from ..bus import ALERT_DELIVERY, Bus
from ..clock import Clock, utc
from ..config import AlertsConfig, ReceiverConfig
from ..store.base import Store, StoreError
from ..tasks import cancel_and_wait
from ..telemetry import Telemetry
from .delivery import FAILED, RETRY, SENT, Result, Sender, TokenBucket, next_delay

log = logging.getLogger(__name__)


class Outbox:
    def __init__(self, config: AlertsConfig, receivers: dict[str, ReceiverConfig], store: Store, sender: Sender,
                 clock: Clock, telemetry: Telemetry, bus: Bus, rng: random.Random, on_done: Callable[[], None]
                 ) -> None:
        self.config = config
        self.receivers = receivers
        self.store = store
        self.sender = sender
        self.clock = clock
        self.telemetry = telemetry
        self.bus = bus
        self.rng = rng
        self._on_done = on_done
        self._limiters: dict[str, TokenBucket] = {}
        self._inflight: dict[str, asyncio.Task[None]] = {}
        self.failures: dict[str, tuple[int, str]] = {}  # receiver -> (consecutive failures, last error)

    def busy(self) -> bool:
        return any(not t.done() for t in self._inflight.values())

    async def stop(self) -> None:
        """Cancel in-flight sends: their rows stay pending and are retried once the lease runs out."""
        await cancel_and_wait(*self._inflight.values())
        self._inflight.clear()
        await self.sender.close()

    async def deliver_due(self, now: float) -> None:
        # Which receivers are busy is decided BEFORE reading the due rows: a batch that finishes
        # while we read would otherwise leave us holding its rows as still pending, and send twice.
        busy = {name for name, task in self._inflight.items() if not task.done()}
        rows = await self.store.alerts.due(utc(now), limit=200)
        by_receiver: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_receiver.setdefault(row["receiver"], []).append(row)
        for name, batch in by_receiver.items():
            if name in busy:
                continue
            receiver = self.receivers.get(name)
            if receiver is None:
                for row in batch:
                    await self._record(row, None, Result(FAILED, None, "receiver no longer configured"), now)
                continue
            self._inflight[name] = asyncio.create_task(self._deliver_batch(receiver, batch),
                                                       name=f"alerts-deliver-{name}")

    async def _deliver_batch(self, receiver: ReceiverConfig, batch: list[dict[str, Any]]) -> None:
        try:
            for i, row in enumerate(batch):
                now = self.clock.time()
                bucket = self._limiters.get(receiver.name)
                if bucket is None:
                    bucket = self._limiters[receiver.name] = TokenBucket(receiver.rate_limit_per_minute, now)
                wait = bucket.take(now)
                if wait > 0:
                    until = utc(now + wait)
                    for rest in batch[i:]:
                        await self.store.alerts.mark_retry(
                            rest["id"], attempts=rest["attempts"], next_attempt_at=until,
                            error=rest["last_error"] or "rate limited", http_status=rest["http_status"], now=utc(now))
                    return
                lease = utc(now + receiver.timeout + 30.0)
                if not await self.store.alerts.claim(row["id"], attempts=row["attempts"], now=utc(now),
                                                     lease_until=lease):
                    continue  # taken by another replica, or already done
                result = await self.sender.send(receiver, row["payload"], now, row["id"])
                await self._record(row, receiver, result, self.clock.time())
        except StoreError as exc:
            log.warning("alerts: could not record a delivery (it stays pending)", extra={"error": str(exc)})
        finally:
            self._on_done()

    async def _record(self, row: dict[str, Any], receiver: ReceiverConfig | None, result: Result, now: float) -> None:
        repo = self.store.alerts
        attempts = int(row["attempts"]) + 1
        channel = row["channel"]
        name = row["receiver"]
        outcome = result.outcome
        if outcome == SENT:
            await repo.mark_sent(row["id"], attempts=attempts, http_status=result.http_status, now=utc(now))
            self.failures.pop(name, None)
        elif outcome == RETRY and attempts < self.config.max_attempts:
            delay = next_delay(result, attempts, base=self.config.backoff_base, cap=self.config.backoff_max,
                               retry_after_max=self.config.retry_after_max, rng=self.rng)
            await repo.mark_retry(row["id"], attempts=attempts, next_attempt_at=utc(now + delay),
                                  error=result.error or "", http_status=result.http_status, now=utc(now),
                                  coalesce_key=row["coalesce_key"])
        else:
            retryable = outcome == RETRY
            outcome = "gave_up" if retryable else FAILED
            await repo.mark_failed(row["id"], attempts=attempts, error=result.error or "", retryable=retryable,
                                   http_status=result.http_status, now=utc(now))
        if outcome != SENT:
            n = self.failures.get(name, (0, ""))[0] + 1
            self.failures[name] = (n, result.error or "")
            level = logging.WARNING if outcome != RETRY or attempts == 1 else logging.DEBUG
            log.log(level, "alert delivery %s to %s (%s): %s, attempt %d", row["id"], name, channel, outcome,
                    attempts, extra={"receiver": name, "http_status": result.http_status})
        self.telemetry.alert_deliveries.labels(channel=channel, outcome=outcome).inc()
        self.bus.publish(ALERT_DELIVERY, now, id=row["id"], receiver=name, channel=channel, outcome=outcome,
                         attempts=attempts, http_status=result.http_status, error=result.error)
