"""Scrape gateway endpoints (Prometheus text, OpenMetrics, health JSON) into the series store.

One `Scraper` per configured target. A scrape is one GET with a total timeout; the body is read
in chunks and abandoned as soon as it passes `max_bytes` (a 50 MB exposition must not be
buffered, let alone parsed). Every outcome is counted on the sidecar's own metrics
(`sidecar_scrapes_total{target,outcome}`, `sidecar_scrape_errors_total{target,reason}`,
`sidecar_scrape_duration_seconds{target}`), a failure is logged once per run of failures, and a
target with no successful scrape for `stale_after` intervals is stale: measurements over its
series report "no data" instead of reading old samples as current.

Samples are stamped with the scrape's start time from the injected clock (timestamps inside the
exposition are ignored), which keeps every series of one scrape aligned.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from ..clock import Clock
from ..config import ScrapeTarget
from ..telemetry import Telemetry
from .errors import ScrapeError
from .exposition import ACCEPT, FamilyFilter, is_openmetrics, parse_exposition
from .health import parse_health
from .series import Labels, SeriesStore

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
PARSE_IN_THREAD_BYTES = 256 * 1024  # parse big bodies off the event loop

SessionGetter = Callable[[], Awaitable[aiohttp.ClientSession]]


@dataclass(slots=True)
class TargetState:
    last_attempt: float | None = None
    last_success: float | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    successes: int = 0
    failures: int = 0
    samples: int = 0  # in the last successful scrape
    refused: int = 0  # samples refused by the series cap, in total
    last_duration: float | None = None


async def fetch(session: aiohttp.ClientSession, url: str, *, time_limit: float, max_bytes: int,
                accept: str, ok_status: tuple[int, ...] = (200,)) -> tuple[bytes, str]:
    """GET `url`; return (body, content type). Raises `ScrapeError` with a reason."""
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=time_limit),
                               headers={"Accept": accept}) as resp:
            if resp.status not in ok_status:
                raise ScrapeError("http_status", f"HTTP {resp.status}")
            if resp.content_length is not None and resp.content_length > max_bytes:
                raise ScrapeError("too_large", f"Content-Length {resp.content_length} > {max_bytes}")
            buf = bytearray()
            async for chunk in resp.content.iter_chunked(CHUNK):
                buf += chunk
                if len(buf) > max_bytes:
                    raise ScrapeError("too_large", f"body passed {max_bytes} bytes; stopped reading")
            return bytes(buf), resp.headers.get("Content-Type", "")
    except TimeoutError:
        raise ScrapeError("timeout", f"no complete response within {time_limit:g}s") from None
    except aiohttp.ClientPayloadError as exc:
        raise ScrapeError("connection", f"broken body: {exc}") from None
    except aiohttp.ClientError as exc:
        raise ScrapeError("connection", f"{type(exc).__name__}: {exc}") from None


class Scraper:
    """Scrapes one target into the shared `SeriesStore`."""

    def __init__(self, target: ScrapeTarget, store: SeriesStore, clock: Clock,
                 telemetry: Telemetry | None, session: SessionGetter) -> None:
        self.target = target
        self.name = target.name
        self.store = store
        self.clock = clock
        self.telemetry = telemetry
        self._session = session
        self.filter = FamilyFilter(target.families) if target.families else None
        self.state = TargetState()
        self._failing_logged = False

    def is_stale(self, now: float) -> bool:
        last = self.state.last_success
        return last is None or now - last > self.target.stale_after * self.target.interval

    def stale_reason(self, now: float) -> str:
        last = self.state.last_success
        if last is None:
            why = f"never scraped successfully ({self.state.last_error})" if self.state.last_error else "not scraped yet"
            return f"target {self.name} stale: {why}"
        return (f"target {self.name} stale: last successful scrape {now - last:.0f}s ago "
                f"(limit {self.target.stale_after} x {self.target.interval:g}s)")

    def touch(self, t: float) -> None:
        """Record externally fed samples (simulations) as a successful scrape at `t`."""
        if self.state.last_success is None or t > self.state.last_success:
            self.state.last_success = t

    async def scrape_once(self) -> bool:
        """One scrape; True on success. Never raises for the target's faults."""
        t = self.clock.time()
        self.state.last_attempt = t
        started = time.perf_counter()
        try:
            samples = await self._scrape()
        except ScrapeError as exc:
            self._failed(exc)
            return False
        finally:
            self.state.last_duration = time.perf_counter() - started
            if self.telemetry is not None:
                self.telemetry.scrape_duration.labels(self.name).observe(self.state.last_duration)
        refused = self.store.add_many(self.name, t, samples)
        self.store.prune(t)
        self.state.refused += refused
        self.state.samples = len(samples)
        self.state.last_success = t
        self.state.successes += 1
        self.state.consecutive_failures = 0
        self.state.last_error = None
        if self.telemetry is not None:
            self.telemetry.scrapes.labels(self.name, "success").inc()
            if refused:
                self.telemetry.scrape_errors.labels(self.name, "series_limit").inc()
        if refused and self.state.refused == refused:
            log.warning("target: series limit reached, samples of new series dropped; narrow metrics.targets[].families",
                        extra={"target": self.name, "max_series": self.store.max_series, "dropped": refused})
        if self._failing_logged:
            log.info("target: scraping again", extra={"target": self.name, "failures": self.state.failures})
            self._failing_logged = False
        return True

    async def _scrape(self) -> list[tuple[str, Labels, float]]:
        session = await self._session()
        health = self.target.kind == "health_json"
        body, ctype = await fetch(
            session, self.target.url, time_limit=self.target.timeout, max_bytes=self.target.max_bytes,
            accept="application/json" if health else ACCEPT,
            # health endpoints answer 503 with the same JSON body when degraded: that is data
            ok_status=(200, 503) if health else (200,),
        )
        if health:
            return [(name, (), value) for name, value in parse_health(body)]
        text = body.decode("utf-8", errors="replace")
        om = is_openmetrics(ctype)
        if len(body) > PARSE_IN_THREAD_BYTES:
            return await asyncio.to_thread(parse_exposition, text, openmetrics=om, flt=self.filter)
        return parse_exposition(text, openmetrics=om, flt=self.filter)

    def _failed(self, exc: ScrapeError) -> None:
        self.state.failures += 1
        self.state.consecutive_failures += 1
        self.state.last_error = str(exc)
        if self.telemetry is not None:
            self.telemetry.scrapes.labels(self.name, "error").inc()
            self.telemetry.scrape_errors.labels(self.name, exc.reason).inc()
        if not self._failing_logged:
            log.warning("target: scrape failed; further failures are only counted until it recovers",
                        extra={"target": self.name, "url": self.target.url, "error": str(exc)})
            self._failing_logged = True
        else:
            log.debug("target: scrape failed", extra={"target": self.name, "error": str(exc)})

    async def run(self) -> None:
        """Scrape every interval until cancelled."""
        while True:
            try:
                await self.scrape_once()
            except Exception as exc:  # a bug of ours must not end scraping for good: count, log, go on
                log.exception("target: scrape crashed", extra={"target": self.name})
                self._failed(ScrapeError("internal", f"{type(exc).__name__}: {exc}"))
            await self.clock.sleep(self.target.interval)

    def status(self, now: float) -> dict[str, Any]:
        s = self.state
        return {
            "name": self.name,
            "url": self.target.url,
            "kind": self.target.kind,
            "stale": self.is_stale(now),
            "last_success": s.last_success,
            "last_error": s.last_error,
            "consecutive_failures": s.consecutive_failures,
            "successes": s.successes,
            "failures": s.failures,
            "samples": s.samples,
            "refused_samples": s.refused,
            "last_duration_seconds": s.last_duration,
        }
