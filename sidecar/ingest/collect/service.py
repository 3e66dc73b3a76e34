"""The collect stage: authenticate, rate-limit and deliver SDK events to the errors stage's sink.

An accepted request has been stored (or durably spooled) before it is answered 200: the SDK's
retry is the only copy until then, so a saturated store answers 429 with `Retry-After` rather
than buffering in memory or dropping. A delivery that outlives `accept_timeout` is still
completed in the background; the SDK's retry of it counts nothing (event ids are receipt keys).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...clock import Clock
from ...config import CollectConfig, SentryProject
from ...redaction import redact_obj
from ...telemetry import Telemetry
from ..record import ErrorEvent
from .bodies import CollectError
from .limits import HourlyQuota, TokenBuckets

log = logging.getLogger(__name__)

EventSink = Callable[[list[ErrorEvent]], Awaitable[None]]
# Told of every stored event: (fields by release/environment/..., arrival time, identity). The
# metrics hub's `sdk` source (sidecar/metrics/sdkerrors.py) is one, so rollout gates can count
# SDK errors per release; it ignores a repeated identity (an SDK retrying a delivery).
StoredHook = Callable[[Mapping[str, str], float, str], object]
ALL_CATEGORIES = ""  # X-Sentry-Rate-Limits: an empty category list means every category


@dataclass(slots=True)
class CollectStats:
    """Counts for the overview and tests (the same figures are on /metrics)."""

    accepted: int = 0
    dropped_items: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    client_discarded: int = 0


class CollectService:
    """Component "collect": the state behind /api/{project}/envelope/, /api/{project}/store/, /v1/logs."""

    name = "collect"

    def __init__(self, config: CollectConfig, sink: EventSink, clock: Clock, telemetry: Telemetry,
                 api_token: str | None = None, on_stored: StoredHook | None = None) -> None:
        self.config = config
        self._sink = sink
        self._on_stored = on_stored
        self.clock = clock
        self._telemetry = telemetry
        self._api_token = api_token
        self._projects = {p.id: p for p in config.sentry.projects}
        self._buckets = TokenBuckets(clock)
        self._quota = HourlyQuota(clock)
        self._pending: set[asyncio.Task[None]] = set()
        self.stats = CollectStats()

    # --- component --------------------------------------------------------------------------------

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        if self._pending:
            await asyncio.wait(self._pending, timeout=5)

    def problems(self) -> list[str]:
        return []

    def degraded(self) -> list[str]:
        refused = self.stats.refused.get("saturated", 0)
        return [f"{refused} SDK requests refused while the store was saturated"] if refused else []

    @property
    def sentry_enabled(self) -> bool:
        return bool(self._projects)

    # --- auth and limits --------------------------------------------------------------------------

    def sentry_project(self, project_id: int, key: str | None) -> SentryProject:
        project = self._projects.get(project_id)
        if project is None:
            raise self._refuse("unknown_project", 403, f"project {project_id} is not configured on this sidecar")
        if key is None:
            raise self._refuse("auth", 401, "missing sentry_key (X-Sentry-Auth header or sentry_key parameter)")
        if not any(hmac.compare_digest(key.encode(), k.get_secret_value().encode()) for k in project.keys):
            raise self._refuse("auth", 403, f"key not accepted for project {project_id}")
        return project

    def otlp_authorized(self, bearer: str | None) -> None:
        if not self.config.otlp.enabled:
            raise self._refuse("disabled", 404, "OTLP logs are not enabled (collect.otlp.enabled)")
        keys = [k.get_secret_value() for k in self.config.otlp.keys] or ([self._api_token] if self._api_token else [])
        if not keys:  # adding events changes state: never open to whoever reaches the port
            raise self._refuse("auth", 403, "OTLP needs a key: set collect.otlp.keys (or server.api_token)")
        if bearer is None or not any(hmac.compare_digest(bearer.encode(), k.encode()) for k in keys):
            raise self._refuse("auth", 401, "OTLP requests need 'Authorization: Bearer <collect.otlp key>'")

    def limit(self, bucket: str, n: int, rate: float, quota: int | None = None) -> None:
        """Raise 429 with Sentry's and HTTP's retry headers when `bucket` is over its rate or quota."""
        wait = max(self._buckets.take(bucket, n, rate), self._quota.take(bucket, n, quota))
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise self._refuse("rate_limited", 429, f"rate limit: retry in {seconds} s",
                                {"Retry-After": str(seconds), "X-Sentry-Rate-Limits": f"{seconds}:error;default:key"})

    def _refuse(self, reason: str, status: int, text: str, headers: dict[str, str] | None = None) -> CollectError:
        self.stats.refused[reason] = self.stats.refused.get(reason, 0) + 1
        self._telemetry.collect_refused.labels(reason=reason).inc()
        return CollectError(status, text, headers)

    # --- delivery ---------------------------------------------------------------------------------

    def dropped(self, item_type: str, n: int = 1) -> None:
        """Item types acknowledged and not stored (transactions, sessions, client reports, ...)."""
        self.stats.dropped_items[item_type] = self.stats.dropped_items.get(item_type, 0) + n
        self._telemetry.collect_items.labels(kind=item_type, outcome="dropped").inc(n)

    def client_report(self, report: Any) -> None:
        """An SDK's own account of events it discarded (develop.sentry.dev/sdk/client-reports/)."""
        if isinstance(report, dict):
            for d in report.get("discarded_events") or []:
                if isinstance(d, dict) and isinstance(d.get("quantity"), int):
                    self.stats.client_discarded += d["quantity"]
                    self._telemetry.collect_client_discarded.labels(reason=str(d.get("reason", "?"))).inc(d["quantity"])

    async def _send(self, events: list[ErrorEvent], fields: list[dict[str, str]]) -> None:
        await self._sink(events)  # a coroutine for create_task (the sink is any awaitable callable)
        if self._on_stored is not None:
            now = self.clock.time()
            for event, f in zip(events, fields, strict=True):
                self._on_stored(f, now, event.file_key)

    async def deliver(self, events: list[ErrorEvent], kind: str) -> None:
        """Store `events` (redacted) or raise 429: answered only after the sink accepted them."""
        if not events:
            return
        # As the SDK sent them (a gate's `where` names the release the deployment set), before the
        # redaction below; they stay in memory and are never shown.
        fields = [sdk_fields(e) for e in events]
        for event in events:
            if event.extra is not None:
                event.extra = redact_obj(event.extra)
        task = asyncio.create_task(self._send(events, fields), name="collect-deliver")
        self._pending.add(task)
        task.add_done_callback(self._finished)
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=self.config.accept_timeout)
        except TimeoutError:
            raise self._refuse("saturated", 429, "the sidecar's store is saturated; retry later",
                               {"Retry-After": "5", "X-Sentry-Rate-Limits": f"5:{ALL_CATEGORIES}:organization"}) from None
        except Exception as exc:  # the store and the spool are both unusable: the SDK keeps the event
            log.warning("collect: delivery failed", extra={"error": str(exc)})
            raise self._refuse("saturated", 429, "the sidecar cannot store events now; retry later",
                               {"Retry-After": "10", "X-Sentry-Rate-Limits": f"10:{ALL_CATEGORIES}:organization"}) from None
        self.stats.accepted += len(events)
        self._telemetry.collect_items.labels(kind=kind, outcome="accepted").inc(len(events))

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.debug("collect: a delivery finished with an error", extra={"error": str(task.exception())})


def sdk_fields(event: ErrorEvent) -> dict[str, str]:
    """What the metrics `sdk` source filters on: release, environment, project (Sentry), service
    (OTLP service.name), level, sdk (sentry | otlp)."""
    extra = event.extra or {}
    out = {"level": event.level, "sdk": str(extra.get("sdk_source") or event.source.split(":", 1)[0])}
    for key in ("release", "environment", "project", "service"):
        value = extra.get(key)
        if value not in (None, ""):
            out[key] = str(value)
    return out
