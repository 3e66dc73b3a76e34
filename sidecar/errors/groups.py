"""The errors stage: fingerprint ingest's events, dedupe them into groups in the store, announce.

`GroupRecorder.record` is the ingest `EventSink`: it returns only after the store committed the
batch (or raises, and the tailer keeps its checkpoint), so a crash can at worst deliver a batch
twice, and the store's event receipts make the second delivery count nothing.

Bus events:
* `group.new` when this batch created the group; `group.regressed` when it moved a resolved
  group back (the store decides, so one replica announces it, not all of them);
* `group.updated` for every other touched group, at most once per `updated_interval` seconds per
  group (an error storm must not flood the bus and the dashboard); an update held back is sent
  when its interval is over (trailing edge), with `added` summing the occurrences since the last
  announcement, so the final count of a burst always reaches the subscribers.

Memory is bounded: the only per-group state kept in the process is an LRU (`cache_size`
entries) of when each group was last announced. The store is the truth for everything else.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, OrderedDict
from typing import Any

from ..bus import GROUP_NEW, GROUP_REGRESSED, GROUP_STATUS, GROUP_UPDATED, Bus
from ..clock import Clock, utc
from ..config import GroupingConfig
from ..ingest.eventtime import event_time
from ..ingest.record import ErrorEvent
from ..redaction import redact, redacted_cut
from ..store.base import Row, Store, StoreError
from ..store.group_batch import GroupChange, Occurrence
from ..tasks import cancel_and_wait
from ..telemetry import Telemetry
from .crashloop import UNCAUGHT, WINDOW_MINUTES, is_crash_loop
from .learning import StoredLearning
from .occurrence import DeferredSamples, event_key, to_occurrence  # noqa: F401 (event_key, to_occurrence: re-exported)

log = logging.getLogger(__name__)

PRUNE_INTERVAL = 300.0  # seconds between prunes of old per-minute counts and receipts


class GroupRecorder:
    """The errors stage component (`name`, `start`, `stop`, `problems`) and the ingest sink."""

    name = "groups"

    def __init__(self, store: Store, bus: Bus, clock: Clock, telemetry: Telemetry,
                 grouping: GroupingConfig | None = None, *, prune_interval: float = PRUNE_INTERVAL,
                 keep_raw: bool = False) -> None:
        self.keep_raw = keep_raw  # store.keep_raw: samples are stored as logged, not redacted
        self.store = store
        self.bus = bus
        self.clock = clock
        self.telemetry = telemetry
        self.grouping = grouping or GroupingConfig()
        self.prune_interval = prune_interval
        # fingerprint -> monotonic time of its last bus announcement (LRU, bounded).
        self._announced: OrderedDict[str, float] = OrderedDict()
        # fingerprint -> the latest bus payload of an update held back by the rate limit (bounded).
        self._pending: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._task: asyncio.Task[None] | None = None
        self._flush_task: asyncio.Task[None] | None = None
        self._last_error: str | None = None
        self.recorded = 0  # events counted (not re-deliveries)
        # Learned templates and the new-group cap, synchronised with the store (errors/learning.py).
        self.learning = StoredLearning(store, self.grouping, telemetry, clock)

    # --- the sink ------------------------------------------------------------------------------

    async def record(self, events: list[ErrorEvent]) -> None:
        """Store a batch (exactly once) and announce what changed. Raises StoreError on failure."""
        if not events:
            return
        now = self.clock.time()
        try:
            groups = await self.learning.group(events, now)
            # Each event counts at the time in its log line (event time), so a backlog replayed after an
            # outage lands in the minutes it happened; without a usable one, in the minute ingest read it.
            lags: dict[str, float] = {}
            fallbacks: Counter[str] = Counter()
            samples = DeferredSamples(self.keep_raw)
            occurrences = [samples.defer(e, self._placed_at(e, now, lags, fallbacks), g)
                           for e, g in zip(events, groups, strict=True)]
            for source, lag in lags.items():  # metrics once per batch: labels() costs as much as the rest
                self.telemetry.ingest_lag.labels(source=source).set(lag)
            for reason, n in fallbacks.items():
                self.telemetry.event_time_fallbacks.labels(reason=reason).inc(n)
            changes = await self.store.groups.record_batch(
                occurrences, samples_per_group=self.grouping.samples_per_group, at=utc(now), complete=samples
            )
        except StoreError as exc:
            self.telemetry.store_errors.labels(operation="groups.record").inc()
            if self._last_error != str(exc):
                log.warning("storing error events failed", extra={"events": len(events), "error": str(exc)})
            self._last_error = str(exc)
            raise
        self._last_error = None
        for change in changes:
            # Count only what the store counted (a re-delivered event adds nothing).
            self.telemetry.events.labels(level=change.level or "ERROR").inc(change.added)
        self.recorded += sum(c.added for c in changes)
        await self._mark_crash_loops(changes, occurrences)
        statuses_changed = False
        # The latest message of each group in this batch: what announcements show as the title.
        last = {occ.fingerprint: occ for occ in occurrences}
        for occ in last.values():
            samples(occ)
        latest = {fp: occ.message for fp, occ in last.items()}
        for change in changes:
            statuses_changed |= self._announce(change, now, latest.get(change.fingerprint))
        if statuses_changed:
            await self.refresh_gauges()

    async def _mark_crash_loops(self, changes: list[GroupChange], occurrences: list[Occurrence]) -> None:
        """Groups of uncaught crashes that repeated within minutes get `crash_loop_at` (group page)."""
        latest: dict[str, float] = {}
        for occ in occurrences:
            if occ.logger == UNCAUGHT:
                latest[occ.fingerprint] = max(latest.get(occ.fingerprint, 0.0), occ.seen_at.timestamp())
        for change in changes:
            at = latest.get(change.fingerprint)
            if at is None or not change.added:
                continue
            last_minute = int(at // 60)
            try:
                counts = await self.store.groups.minute_counts(change.fingerprint, last_minute - WINDOW_MINUTES,
                                                               last_minute)
                if is_crash_loop(counts, last_minute):
                    await self.store.groups.mark_crash_loop(change.fingerprint, utc(at))
            except StoreError as exc:  # a flag for people; the events themselves are stored
                log.warning("marking a crash loop failed", extra={"error": str(exc)})

    @staticmethod
    def _placed_at(event: ErrorEvent, now: float, lags: dict[str, float], fallbacks: Counter[str]) -> float:
        """The event's own time if usable, else when it was received (eventtime.event_time)."""
        received = min(event.received_at or now, now)
        at, fallback = event_time(event.timestamp, received)
        if fallback is not None:
            fallbacks[fallback] += 1
        elif event.source:
            lags[event.source] = max(0.0, received - at)  # the batch's last event of the source
        return at

    def _announce(self, change: GroupChange, now: float, message: str | None = None) -> bool:
        """Publish what a batch did to a group. `title` is a real message (the batch's latest for
        the group, redacted, on one line), as the dashboard shows it (pages/data._titles), with the
        learned template beside it: a title made of `<*>` tells on-call nothing."""
        mono = self.clock.monotonic()
        learned = self.learning.grouper.learner.template(change.fingerprint)
        template = learned.text if learned is not None else change.title  # the template as widened now
        whole = " ".join((message or "").split())
        line = whole[:500]
        data = {
            "fingerprint": change.fingerprint,
            "title": redacted_cut(whole, 500) if line else template,
            "template": redact(template) if template and template != line else None,
            "level": change.level,
            "logger": change.logger,
            "exception_type": change.error_type,
            "count": change.occurrence_count,
            "added": change.added,
            "status": change.status,
            "regression_count": change.regression_count,
            "first_seen": change.created_at.isoformat() if change.created_at else None,
            "last_seen": change.last_occurrence_at.isoformat() if change.last_occurrence_at else None,
        }
        if change.new:
            self.telemetry.groups_new.inc()
            self.bus.publish(GROUP_NEW, now, **data)
            self._remember(change.fingerprint, mono)
            return True
        if change.regressed:
            self.telemetry.groups_regressed.inc()
            self.bus.publish(GROUP_REGRESSED, now, **data)
            self._remember(change.fingerprint, mono)
            return True
        last = self._announced.get(change.fingerprint)
        pending = self._pending.pop(change.fingerprint, None)
        if pending is not None:
            data["added"] += pending["added"]
        if last is None or mono - last >= self.grouping.updated_interval:
            self.bus.publish(GROUP_UPDATED, now, **data)
            self._remember(change.fingerprint, mono)
        else:
            # Rate-limited: keep the latest state and announce it when the interval is over
            # (trailing edge), so a burst that stops still ends with its final count on the bus.
            self._announced.move_to_end(change.fingerprint)
            self._pending[change.fingerprint] = data
            while len(self._pending) > self.grouping.cache_size:
                self._pending.popitem(last=False)
        return False

    def flush_updates(self) -> int:
        """Publish the held-back `group.updated` events whose interval is over; return how many."""
        mono = self.clock.monotonic()
        now = self.clock.time()
        due = [fp for fp in self._pending
               if mono - self._announced.get(fp, float("-inf")) >= self.grouping.updated_interval]
        for fp in due:
            self.bus.publish(GROUP_UPDATED, now, **self._pending.pop(fp))
            self._remember(fp, mono)
        return len(due)

    async def _flush_loop(self) -> None:
        while True:
            await self.clock.sleep(max(self.grouping.updated_interval / 2, 0.5))
            self.flush_updates()

    def _remember(self, fingerprint: str, mono: float) -> None:
        self._announced[fingerprint] = mono
        self._announced.move_to_end(fingerprint)
        while len(self._announced) > self.grouping.cache_size:
            self._announced.popitem(last=False)

    @property
    def cached_groups(self) -> int:
        return len(self._announced)

    async def refresh_gauges(self) -> None:
        """Set the groups-by-status gauge from the store (after a status change, say)."""
        try:
            counts = await self.store.groups.counts_by_status()
        except StoreError as exc:
            log.debug("cannot refresh the group gauge", extra={"error": str(exc)})
            return
        for status, n in counts.items():
            self.telemetry.groups.labels(status=status).set(n)

    # --- housekeeping --------------------------------------------------------------------------

    async def prune_once(self) -> tuple[int, int]:
        """Drop per-minute counts older than 24 h and receipts older than 3 days."""
        n = await self.store.groups.prune(utc(self.clock.time()))
        await self.refresh_gauges()
        return n

    async def _prune_loop(self) -> None:
        while True:
            try:
                await self.prune_once()
            except StoreError as exc:
                self.telemetry.store_errors.labels(operation="groups.prune").inc()
                log.warning("pruning old error counts failed", extra={"error": str(exc)})
            await self.clock.sleep(self.prune_interval)

    # --- component -----------------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._prune_loop(), name="groups-prune")
        if self._flush_task is None and self.grouping.updated_interval > 0:
            self._flush_task = asyncio.create_task(self._flush_loop(), name="groups-updates")

    async def stop(self) -> None:
        await cancel_and_wait(self._task, self._flush_task)
        self._task = self._flush_task = None
        self.flush_updates()  # what the rate limit held back still reaches the subscribers

    def degraded(self) -> list[str]:
        """Warnings that do not make the sidecar unready (the overview shows them)."""
        return self.learning.warnings()

    def problems(self) -> list[str]:
        return [f"last batch not stored: {self._last_error}"] if self._last_error else []


async def change_status(store: Store, bus: Bus, clock: Clock, recorder: GroupRecorder | None,
                        fingerprint: str, action: str, notes: str | None = None) -> Row:
    """Resolve, mute or reopen a group (the API and the dashboard): store it, refresh the
    groups-by-status gauge (when the errors stage runs) and announce `group.status` on the bus.
    Raises UnknownGroup, StoreError."""
    now = clock.time()
    row = await store.groups.set_status(fingerprint, action, utc(now), notes)
    if recorder is not None:
        await recorder.refresh_gauges()
    bus.publish(GROUP_STATUS, now, fingerprint=fingerprint, status=row["status"], action=action,
                        title=row.get("title"), level=row.get("level"), logger=row.get("logger"), notes=notes)
    return row
