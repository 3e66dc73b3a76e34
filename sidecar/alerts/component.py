"""The `Alerts` stage: bus events -> routes -> aggregation groups -> durable outbox -> receivers.

Two tasks: a consumer that turns bus events into alerts (synchronous state changes only), and a
scheduler that, whenever something is due (a group flush, an Alertmanager re-post, a delivery or
its retry), renders notifications into the outbox (`alert_deliveries`) and delivers from it. The
outbox row is written before any HTTP call, so a restart resumes pending and retryable deliveries;
delivery is at-least-once (a crash between the receiver's 200 and our update re-sends once).
All waiting goes through the injected clock.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping, Sequence
from typing import Any

from ..bus import DIAGNOSIS_READY, GROUP_NEW, GROUP_REGRESSED, Bus, BusEvent, Subscription
from ..clock import Clock, utc
from ..config import AlertsConfig
from ..display import shown
from ..store.base import Store, StoreError
from ..tasks import cancel_and_wait
from ..telemetry import Telemetry
from . import alertmanager
from .amstate import AmState
from .channels import render_for
from .delivery import Sender
from .events import KINDS, EventMapper, Outcome
from .grouping import Aggregator, Group, group_key
from .held import HELD_STATE_KEY, HeldAlerts
from .model import Alert, Notification
from .outbox import Outbox
from .render import cut, headline
from .rules import AlertRules, build_rules, routes_for
from .silences import Silences

log = logging.getLogger(__name__)

AM_STATE_KEY = "@alertmanager"
MAX_SLEEP = 30.0  # re-check the outbox at least this often (another replica or the API may add rows)
MAX_UNSENT = 10_000


class Alerts:
    """The alerting stage (a component: name, start, stop, problems)."""

    name = "alerts"

    def __init__(self, config: AlertsConfig, store: Store, bus: Bus, clock: Clock, telemetry: Telemetry,
                 public_url: str, rules: AlertRules | None = None, rng: random.Random | None = None,
                 environ: Mapping[str, str] | None = None, allowed_hosts: Sequence[str] = ()) -> None:
        self.config = config
        self.store = store
        self.bus = bus
        self.clock = clock
        self.telemetry = telemetry
        self.public_url = public_url.rstrip("/")
        self.rules = rules if rules is not None else build_rules(config, environ, allowed_hosts)
        self.redact = shown  # redacted, control characters and bidi overrides made visible
        self.mapper = EventMapper(self.public_url, self.redact, self.rules.thresholds)
        self.aggregator = Aggregator(self.rules.routes)
        self.am = AmState(config.resend_interval)
        self.outbox = Outbox(config, self.rules.receivers, store, Sender(self.redact), clock, telemetry, bus,
                             rng or random.Random(), self.wake)
        # A new group's alert waits up to `diagnosis_wait` for its diagnosis, then fires carrying it
        # (one message with the right severity, not a log-level alert followed by a second one).
        # It waits no longer than its message would wait anyway: until the first of its chat/webhook
        # routes' groups flushes (that route's group_wait after it arrived, or the due flush of the
        # group it joins). Routes to Alertmanager only do not wait: Alertmanager applies its own
        # group_wait, and a pager must not depend on our diagnosis queue.
        self.held = HeldAlerts()
        self._unsent: list[tuple[Notification, str]] = []  # flushed, not yet in the outbox
        self._unsent_am: dict[str, list[Alert]] = {}
        self._wake = asyncio.Event()
        # One tick at a time: the scheduler's and a caller's (an operator action, a test) would otherwise both
        # take `_unsent[0]` across the outbox write's await - the same notification queued twice, then a pop from
        # an empty list (seen on a loaded CI machine, round 20).
        self._ticking = asyncio.Lock()
        self.silences = Silences(store, clock, self._wake.set)
        self._sub: Subscription | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._last_prune = float("-inf")
        self._problem: str | None = None
        self.events_seen = 0

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        repo = self.store.alerts
        now = self.clock.time()
        requeued = await repo.requeue_failed(since=utc(now - self.config.requeue_window), now=utc(now))
        if requeued:
            log.info("re-queued failed alert deliveries from before the restart", extra={"deliveries": requeued})
        groups, am = [], None
        for row in await repo.load_groups():
            if row["route"] == AM_STATE_KEY:
                am = row["state"]
            elif row["route"] == HELD_STATE_KEY:
                try:
                    self.held.load(row["state"])
                except (KeyError, TypeError, ValueError) as exc:
                    log.warning("dropping unreadable held alerts", extra={"error": str(exc)})
            else:
                try:
                    groups.append(Group.from_dict(row["state"]))
                except (KeyError, TypeError, ValueError) as exc:
                    log.warning("dropping an unreadable alert group", extra={"group_key": row["group_key"], "error": str(exc)})
        self.aggregator.load(groups)
        if am:
            self.am.load(am, [n for n, r in self.rules.receivers.items() if r.kind == "alertmanager"])
        await self.reload_silences()
        self._sub = self.bus.subscribe(set(KINDS), maxsize=10_000)
        self._tasks = [asyncio.create_task(self._consume(), name="alerts-consume"),
                       asyncio.create_task(self._schedule(), name="alerts-schedule")]

    async def stop(self) -> None:
        await cancel_and_wait(*self._tasks)
        self._tasks = []
        await self.outbox.stop()
        if self._sub is not None:
            self._sub.close()
            self._sub = None
        # Alerts still waiting for a diagnosis fire without it: the aggregator's state is saved.
        self.release_awaiting(float("inf"))
        try:
            # Notifications already flushed (the group state says "sent") must reach the outbox,
            # or a restart would never send them.
            now = self.clock.time()
            while self._unsent:
                note, name = self._unsent[0]
                await self._enqueue_notification(note, name, now)
                self._unsent.pop(0)
            await self._persist()
        except StoreError as exc:
            log.warning("could not save alert state at stop", extra={"not_queued": len(self._unsent), "error": str(exc)})

    def problems(self) -> list[str]:
        """Readiness: none. An unreachable chat channel must not take the pod out of service."""
        return []

    def degraded(self) -> list[str]:
        out = []
        if self._problem:
            out.append(self._problem)
        for name, (n, error) in sorted(self.outbox.failures.items()):
            if n >= 3:
                out.append(f"receiver {name}: {n} deliveries in a row failed (last: {error})")
        if self._sub is not None and self._sub.dropped:
            out.append(f"{self._sub.dropped} bus events dropped (alerting fell behind)")
        return out

    def wake(self) -> None:
        self._wake.set()

    # --- events -> alerts -------------------------------------------------------------------

    async def _consume(self) -> None:
        assert self._sub is not None
        while True:
            event = await self._sub.get()
            try:
                self.handle(event)
            except Exception:
                log.exception("alerts: could not handle an event", extra={"event": event.kind})

    def handle(self, event: BusEvent) -> None:
        """Apply one bus event (synchronous: no other task sees a half-applied event)."""
        self.events_seen += 1
        outcome = self.mapper.map(event)
        now = self.clock.time()
        if event.kind == DIAGNOSIS_READY and isinstance(event.data, Mapping):
            outcome = self._diagnosis_arrived(event.data, outcome, now)
        elif event.kind in (GROUP_NEW, GROUP_REGRESSED) and outcome.fire:
            outcome.fire = [a for a in outcome.fire if not self._await_diagnosis(a, now)]
        if isinstance(event.data, Mapping) and event.data.get("observed"):
            # State another replica decided (rollout controller's _observe): keep Alertmanager's
            # view of it alive from here too; chat heard it from the replica that decided.
            fire, outcome.fire = outcome.fire, []
            self._apply(outcome, now)
            for alert in fire:
                self._fire(alert, now, am_only=True)
            self._wake.set()
            return
        self._apply(outcome, now)
        self._wake.set()

    def _await_diagnosis(self, alert: Alert, now: float) -> bool:
        """Park a group alert until its diagnosis arrives or the wait ends; False: fire it now."""
        release = self._release_at(alert, now)
        if release is None or release <= now:
            return False
        return self.held.park(alert.key.removeprefix("group:"), alert, now)

    def _release_at(self, alert: Alert, arrived: float) -> float | None:
        """When a waiting alert must go at the latest (None: no chat/webhook route would send it)."""
        times = []
        for route in routes_for(self.rules.routes, alert.labels):
            if all(self.rules.receivers[n].kind == "alertmanager" for n in route.receivers):
                continue
            group = self.aggregator.groups.get(group_key(route, alert.labels))
            times.append(group.next_flush_at if group is not None else arrived + route.group_wait)
        return min(times, default=None)

    def _diagnosis_arrived(self, d: Mapping[str, Any], outcome: Outcome, now: float) -> Outcome:
        """A waiting group alert takes the diagnosis and fires; the separate notice is then dropped."""
        fp = str(d.get("fingerprint") or "")[:200]
        if not fp:
            return outcome
        waiting = self.held.diagnosed(fp, d)
        if waiting is None:
            return outcome
        outcome.fire = [a for a in outcome.fire if a.key != f"diagnosis:{fp}"]
        self._fire(self.mapper.with_diagnosis(waiting[0], d), now, joined_at=waiting[1])
        return outcome

    def release_awaiting(self, now: float) -> None:
        """Fire the group alerts whose wait for a diagnosis is over (without one)."""
        # In arrival order, each judged after the ones before it joined their groups: alerts that
        # wait for a group the first one just created flush with it, as if none had waited.
        for fp, alert, at in self.held.waiting():
            if (self._release_at(alert, at) or at) <= now:
                self.held.release(fp)
                self._fire(alert, min(now, self.clock.time()), joined_at=at)

    def _apply(self, outcome: Outcome, now: float) -> None:
        if outcome.hold is not None:
            self.held.hold(outcome.hold.key.removeprefix("group:"), outcome.hold, outcome.hold_until)
        if outcome.count_update is not None:
            fp, count = outcome.count_update
            # A firing group alert shows the latest count in its next (repeat) notification; the
            # count alone is not a change worth a message.
            self.aggregator.update_field(f"group:{fp}", "Occurrences", str(count))
            alert = self.held.reached(fp, count)
            if alert is not None:
                if "Occurrences" in alert.fields:
                    alert = Alert.from_dict({**alert.to_dict(), "fields": {**alert.fields, "Occurrences": str(count)}})
                known = self.held.diagnosis(fp)
                outcome.fire.append(self.mapper.with_diagnosis(alert, known) if known is not None else alert)
        if outcome.resolve_keys or outcome.resolve_prefixes:
            for key in outcome.resolve_keys:
                self.held.forget(key.removeprefix("group:"))
            self.aggregator.resolve(now, outcome.resolve_keys, outcome.resolve_prefixes)
            self.am.resolve(now, outcome.resolve_keys, outcome.resolve_prefixes)
        for alert in outcome.fire:
            self._fire(alert, now)

    def _fire(self, alert: Alert, now: float, joined_at: float | None = None, am_only: bool = False) -> None:
        """Route an alert. `joined_at`: when it arrived, if it waited for its diagnosis: its group
        counts group_wait from then, so the wait is part of group_wait, not added to it."""
        for route in routes_for(self.rules.routes, alert.labels):
            chat = False
            for name in route.receivers:
                receiver = self.rules.receivers[name]
                if receiver.kind == "alertmanager":
                    self.am.fire(name, alert)
                elif not am_only:
                    chat = True
            if chat:
                self.aggregator.add(alert, route, now if joined_at is None else joined_at)

    # --- silences (sidecar/alerts/silences.py; the API and pages call these) ------------------

    async def reload_silences(self) -> None:
        await self.silences.reload()

    def is_silenced(self, labels: Mapping[str, str]) -> bool:
        return self.silences.mutes(labels)

    async def add_silence(self, matchers: list[Any], ends_at: float, *, starts_at: float | None = None,
                          comment: str | None = None, created_by: str | None = None) -> dict[str, Any]:
        """Validate and store a silence; raises ValueError on a bad matcher or time range."""
        return await self.silences.add(matchers, ends_at, starts_at=starts_at, comment=comment, created_by=created_by)

    async def expire_silence(self, silence_id: str) -> bool:
        return await self.silences.expire(silence_id)

    # --- the scheduler ----------------------------------------------------------------------

    async def _schedule(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.tick()
                self._problem = None
                due = await self._next_due()
            except StoreError as exc:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    # the store call was cancelled (stop) and came back as a StoreError: stop, do not retry
                    raise asyncio.CancelledError from exc
                # The store went away: keep the in-memory state and try again shortly.
                if self._problem is None:
                    log.warning("alerts: store unavailable, retrying", extra={"error": str(exc)})
                self._problem = f"store: {exc}"
                due = self.clock.time() + 5.0
            await self._sleep_or_wake(due)

    async def _sleep_or_wake(self, due: float) -> None:
        if self._wake.is_set():
            return
        # The delay is taken from the clock at the last moment: time may have moved during the tick.
        sleeper = asyncio.ensure_future(self.clock.sleep(max(0.0, due - self.clock.time())))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (sleeper, waker):
                t.cancel()

    async def _next_due(self) -> float:
        """When the scheduler must run next (epoch seconds)."""
        now = self.clock.time()
        candidates = [self.aggregator.next_due(), self.am.next_due(),
                      min((self._release_at(a, at) or at for _, a, at in self.held.waiting()), default=None)]
        busy = self.outbox.busy()
        nxt = await self.store.alerts.next_pending_at()
        if nxt is not None and not busy:
            candidates.append(nxt.timestamp())
        elif nxt is not None:
            candidates.append(now + 1.0)  # a busy receiver's backlog: its task wakes us when done
        candidates.extend(self.silences.boundaries(now))
        due = min((c for c in candidates if c is not None), default=now + MAX_SLEEP)
        return min(now + MAX_SLEEP, due)

    async def tick(self) -> None:
        """Do everything that is due now: flush groups, re-post to Alertmanager, deliver.

        Flushed notifications are queued in memory before they are written to the outbox, so a
        store that fails mid-tick loses nothing: the rest is written at the next tick.
        """
        async with self._ticking:
            await self._tick()

    async def _tick(self) -> None:
        now = self.clock.time()
        await self.silences.refresh(now)
        self.release_awaiting(now)
        for note in self.aggregator.flush_due(now, self.is_silenced):
            self._unsent.extend((note, name) for name in note.receivers
                                if self.rules.receivers[name].kind != "alertmanager")
        self._unsent_am.update(self.am.due(now, self.is_silenced))
        if len(self._unsent) > MAX_UNSENT:
            dropped = len(self._unsent) - MAX_UNSENT
            del self._unsent[:dropped]
            log.error("alerts: store unavailable too long; dropped the oldest notifications", extra={"dropped": dropped})
        while self._unsent:
            note, name = self._unsent[0]
            await self._enqueue_notification(note, name, now)
            self._unsent.pop(0)
        for receiver, alerts in list(self._unsent_am.items()):
            await alertmanager.enqueue(self.store, receiver, alerts, now, self.config.resend_interval)
            del self._unsent_am[receiver]
        await self._persist()
        await self.outbox.deliver_due(now)
        if now - self._last_prune >= 3600:
            self._last_prune = now
            await self.store.alerts.prune(utc(now - self.config.retention))

    async def _enqueue_notification(self, note: Notification, name: str, now: float) -> None:
        receiver = self.rules.receivers[name]
        view = note.for_receiver(receiver.send_resolved)
        if view is None:
            return
        payload = render_for(receiver, view, self.public_url)
        await self.store.alerts.enqueue(
            receiver=name, channel=receiver.kind, route=note.route, group_key=note.group_key, payload=payload,
            summary=cut(headline(view), 300), alert_count=len(view.alerts), now=utc(now))

    async def _persist(self) -> None:
        keep, gone = self.aggregator.take_dirty()
        rows = [(g.key, g.route, g.to_dict()) for g in keep]
        am_dirty, held_dirty = self.am.dirty, self.held.dirty
        if am_dirty:
            rows.append((AM_STATE_KEY, AM_STATE_KEY, self.am.to_dict()))
        if held_dirty:
            rows.append((HELD_STATE_KEY, HELD_STATE_KEY, self.held.to_dict()))
        self.am.dirty = self.held.dirty = False
        try:
            await self.store.alerts.save_groups(rows, gone, utc(self.clock.time()))
        except StoreError:
            self.aggregator.mark_dirty([g.key for g in keep] + gone)  # saved at the next tick instead
            self.am.dirty |= am_dirty
            self.held.dirty |= held_dirty
            raise
