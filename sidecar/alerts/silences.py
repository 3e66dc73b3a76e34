"""Silences as the alerting stage sees them: read from the store, which every replica and the API write
through, so a silence added on one replica mutes the others by their next refresh (`REFRESH` seconds, or at
once on the replica that added it). Matching is Alertmanager's: every matcher of a silence must match."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from ..clock import Clock, utc
from ..store.base import Store
from .matchers import Matcher, matches_all, parse_matcher

log = logging.getLogger(__name__)

REFRESH = 15.0


class Silences:
    """The active and scheduled silences; `changed` is called after this replica adds or expires one."""

    def __init__(self, store: Store, clock: Clock, changed: Callable[[], None]) -> None:
        self.store = store
        self.clock = clock
        self.changed = changed
        self._rows: list[tuple[list[Matcher], float, float]] = []
        self._loaded_at = float("-inf")

    async def reload(self) -> None:
        now = self.clock.time()
        rows = await self.store.alerts.silences(utc(now))
        silences = []
        for row in rows:
            try:
                matchers = [parse_matcher(m) for m in row["matchers"]]
            except ValueError as exc:
                log.warning("ignoring a silence with a bad matcher", extra={"silence": row["id"], "error": str(exc)})
                continue
            silences.append((matchers, row["starts_at"].timestamp(), row["ends_at"].timestamp()))
        self._rows = silences
        self._loaded_at = now

    async def refresh(self, now: float) -> None:
        """Reload when the last read is older than `REFRESH` (another replica may have added one)."""
        if now - self._loaded_at >= REFRESH:
            await self.reload()

    def mutes(self, labels: Mapping[str, str]) -> bool:
        now = self.clock.time()
        return any(start <= now < end and matches_all(ms, labels) for ms, start, end in self._rows)

    def boundaries(self, now: float) -> list[float]:
        """The future times at which a silence starts or ends (the scheduler wakes then)."""
        return [t for _, s, e in self._rows for t in (s, e) if t > now]

    async def add(self, matchers: list[Any], ends_at: float, *, starts_at: float | None = None,
                  comment: str | None = None, created_by: str | None = None) -> dict[str, Any]:
        """Validate and store a silence; raises ValueError on a bad matcher or time range."""
        parsed = [parse_matcher(m) for m in matchers]
        if not parsed:
            raise ValueError("a silence needs at least one matcher")
        now = self.clock.time()
        start = now if starts_at is None else starts_at
        if ends_at <= max(start, now):
            raise ValueError("ends_at must be in the future and after starts_at")
        row = await self.store.alerts.add_silence(
            silence_id=str(uuid.uuid4()), matchers=[m.to_dict() for m in parsed], starts_at=utc(start),
            ends_at=utc(ends_at), created_by=created_by, comment=comment, now=utc(now))
        await self.reload()
        self.changed()
        return row

    async def expire(self, silence_id: str) -> bool:
        done = await self.store.alerts.expire_silence(silence_id, utc(self.clock.time()))
        await self.reload()
        self.changed()
        return done
