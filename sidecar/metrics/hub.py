"""`MetricsHub`: the metrics stage as one component, and `measure()`, what rollout gates call.

The hub owns the scrapers (one per target), the JSONL sources and the PromQL client, and turns a
`MetricSpec` + window into a `Measurement`:

| source  | functions                                   | reads                                        |
|---------|---------------------------------------------|----------------------------------------------|
| jsonl   | success_rate, error_rate, count, rate       | records of `stream` matching `where`; the    |
|         | quantile, gauge_last/avg/max, value         | flag is `field` (default `success`); numbers |
|         |                                             | come from `field` (e.g. duration_ms)         |
| scrape  | success_rate, error_rate, ratio             | sum(increase(metric{where})) /               |
|         |                                             | sum(increase(denominator or metric          |
|         |                                             |   {denominator_where or {}}))               |
|         | increase, rate, count                       | sum(increase/rate(metric{where}))            |
|         | quantile                                    | histogram_quantile over metric_bucket{where} |
|         | gauge_last/avg/max, value                   | metric{where}                                |
| health  | gauge_last/avg/max, value                   | target `stream`, dotted path `field`/`metric`|
| promql  | any (value = `query`, count = `count_query`)| Prometheus HTTP API                          |
| sdk     | count, rate                                 | SDK error events the collect stage stored,   |
|         |                                             | by release/environment/... (`sdkerrors.py`)  |

A counter may be named with or without `_total`, a histogram with or without `_bucket`
(the scrape and health rows are measured in scraped.py).
Nothing here raises for missing or bad data: it comes back as `Measurement(None, reason=...)`.
`check_spec()` reports a spec that can never be measured (call it at start to fail early).

Tests and simulations drive the hub without files or HTTP: `ingest_record(stream, record, t)`,
`add_sample(name, value, t, labels, target)`, with a `ManualClock`.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp

from ..clock import Clock
from ..config import MetricsConfig
from ..httpclient import client_session
from ..tasks import cancel_and_wait
from ..telemetry import Telemetry
from . import window as wf
from .aggregate import Aggregate
from .errors import HistoryReplaying, PromQLError
from .incremental import flag_measurement, kinds, measure_aggregate, success_flags
from .jsonl import FUTURE_SLACK, JsonlSource
from .model import Measurement, MetricSpec
from .promql import PromQLClient, render
from .records import get
from .scrape import Scraper
from .scraped import measure_health, measure_scrape, with_newest
from .sdkerrors import SdkErrors
from .series import SeriesKey, SeriesStore, labels_key

log = logging.getLogger(__name__)

SIM_TARGET = "sim"

_FUNCTIONS: dict[str, frozenset[str]] = {
    "jsonl": frozenset({"success_rate", "error_rate", "count", "rate", "quantile",
                        "gauge_last", "gauge_avg", "gauge_max", "value"}),
    "scrape": frozenset({"success_rate", "error_rate", "ratio", "increase", "rate", "count",
                         "quantile", "gauge_last", "gauge_avg", "gauge_max", "value"}),
    "health": frozenset({"gauge_last", "gauge_avg", "gauge_max", "value"}),
    "promql": frozenset({"success_rate", "error_rate", "ratio", "increase", "rate", "count",
                         "quantile", "gauge_last", "gauge_avg", "gauge_max", "value"}),
    "sdk": frozenset({"count", "rate"}),
}
_COUNTED = frozenset({"success_rate", "error_rate", "count", "rate"})


def _also(spec: MetricSpec) -> dict[str, str] | None:
    """The records a jsonl spec reads beside `where`: `failure_when` ones, for the counted functions
    (a sync_fallback record is an async trial that failed)."""
    return spec.failure_when if spec.function in _COUNTED else None


class MetricsHub:
    """The metrics stage component (name "metrics")."""

    name = "metrics"

    def __init__(self, config: MetricsConfig, clock: Clock, telemetry: Telemetry | None = None,
                 session: aiohttp.ClientSession | None = None, incremental: bool = True) -> None:
        self.config = config
        # JSONL proportions, counts and quantiles from per-filter aggregates kept as records arrive
        # (metrics/aggregate.py): O(buckets) per measurement. False = re-walk the window (the
        # implementation before; kept for bench/rollout_hub_eval.py to compare against).
        self.incremental = incremental
        self.clock = clock
        self.telemetry = telemetry
        margin = 2 * max((t.interval for t in config.targets), default=5.0)
        self.series = SeriesStore(retention=config.window + margin, max_series=config.max_series,
                                  max_samples=config.max_samples_per_series)
        self.scrapers = {t.name: Scraper(t, self.series, clock, telemetry, self._get_session)
                         for t in config.targets}
        self.jsonl = {s.name: JsonlSource(s, clock, telemetry, retention=config.window + margin,
                                          clock_file=(Path(config.clock_dir) / f"{s.name}.clocks.json"
                                                      if config.clock_dir else None),
                                          journal_file=(Path(config.clock_dir) / f"{s.name}.journal.jsonl"
                                                        if config.clock_dir else None))
                      for s in config.jsonl}
        # Fed by the collect stage (app.py wires CollectService's on_stored to sdk_errors.add).
        self.sdk_errors = SdkErrors(retention=config.window + margin)
        self.promql = (PromQLClient(config.prometheus_url, config.promql_timeout, self._get_session)
                       if config.prometheus_url else None)
        self._session = session
        self._own_session = session is None
        self._tasks: list[asyncio.Task[None]] = []

    # -- lifecycle ---------------------------------------------------------------------------

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = client_session(connector=aiohttp.TCPConnector(limit=16))
            self._own_session = True
        return self._session

    async def start(self) -> None:
        for scraper in self.scrapers.values():
            self._tasks.append(asyncio.create_task(scraper.run(), name=f"scrape:{scraper.name}"))
        for source in self.jsonl.values():
            # The first read (history with start_at: beginning) before the rollouts stage starts:
            # an evaluation must never see a window that is still being rebuilt.
            await self._poll_once(source)
            self._tasks.append(asyncio.create_task(self._poll_loop(source), name=f"jsonl:{source.name}"))

    async def _poll_once(self, source: JsonlSource) -> None:
        try:
            await source.poll()
        except OSError as exc:  # a file system hiccup must not end the stream
            log.warning("jsonl stream: poll failed", extra={"stream": source.name, "error": str(exc)})
        except Exception:
            log.exception("jsonl stream: poll crashed; retrying next interval", extra={"stream": source.name})

    async def _poll_loop(self, source: JsonlSource) -> None:
        while True:
            await self.clock.sleep(source.config.poll_interval)
            await self._poll_once(source)

    async def stop(self) -> None:
        await cancel_and_wait(*self._tasks)
        self._tasks.clear()
        for source in self.jsonl.values():
            source.close()
        if self._session is not None and self._own_session:
            await self._session.close()
        self._session = None

    def problems(self) -> list[str]:
        """Readiness: none. A stale scrape is the gateway's or the network's state, not ours."""
        return []

    def degraded(self) -> list[str]:
        """Stale targets and failing JSONL streams (/api/status, never /readyz)."""
        now = self.clock.time()
        out = []
        for s in self.scrapers.values():
            if s.state.last_attempt is not None and s.is_stale(now):
                out.append(s.stale_reason(now))
        for j in self.jsonl.values():
            if j.last_error:
                out.append(f"jsonl stream {j.name}: {j.last_error}")
        return out

    def status(self) -> dict[str, Any]:
        """What the dashboard shows about the metrics stage."""
        now = self.clock.time()
        return {
            "window_seconds": self.config.window,
            "series": len(self.series),
            "max_series": self.series.max_series,
            "dropped_samples": self.series.dropped_samples,
            "targets": [s.status(now) for s in self.scrapers.values()],
            "jsonl": [j.status() for j in self.jsonl.values()],
            "sdk_errors": self.sdk_errors.status(),
            "promql": None if self.promql is None else {
                "url": self.promql.base_url, "queries": self.promql.queries,
                "errors": self.promql.errors, "last_error": self.promql.last_error,
            },
        }

    # -- feeding (tests, simulations) --------------------------------------------------------

    def ingest_record(self, stream: str, record: Mapping[str, Any], t: float | None = None) -> bool:
        """Add one per-request record to a configured JSONL stream, at time `t` (default: the
        record's timestamp, else the clock). False when the record is skipped."""
        return self._stream(stream).ingest(dict(record), t)

    def add_sample(self, name: str, value: float, t: float | None = None,
                   labels: Mapping[str, str] | None = None, target: str = SIM_TARGET) -> bool:
        """Add one sample as if scraped from `target` at `t` (default: the clock). Feeding a
        configured target counts as a successful scrape of it (it is not stale)."""
        t = self.clock.time() if t is None else t
        ok = self.series.add(SeriesKey(target, name, labels_key(labels or {})), t, float(value))
        if target in self.scrapers:
            self.scrapers[target].touch(t)
        return ok

    def _stream(self, name: str) -> JsonlSource:
        try:
            return self.jsonl[name]
        except KeyError:
            raise KeyError(f"no jsonl stream named {name!r} in metrics.jsonl") from None

    # -- validation --------------------------------------------------------------------------

    def check_spec(self, spec: MetricSpec, window: float | None = None) -> list[str]:
        """Reasons why `spec` can never be measured by this hub (empty when it can)."""
        out: list[str] = []
        if spec.function not in _FUNCTIONS[spec.source]:
            out.append(f"function {spec.function} is not available for source {spec.source}")
        if window is not None and spec.source != "promql" and window > self.config.window:
            out.append(f"window {window:g}s is longer than metrics.window ({self.config.window:g}s)")
        if spec.function == "quantile" and spec.quantile is None and spec.source != "promql":
            out.append("quantile needs `quantile` (e.g. 0.95)")
        if spec.source == "jsonl":
            if spec.stream not in self.jsonl:
                out.append(f"stream {spec.stream!r} is not a configured metrics.jsonl stream")
            if spec.function in ("quantile", "gauge_last", "gauge_avg", "gauge_max", "value") and not spec.field:
                out.append(f"{spec.function} over jsonl needs `field` (e.g. duration_ms)")
            if not out:
                self._aggregate(spec)  # at start: kept up from the first record, never built from a full window
                self._stream(spec.stream or "").window.newest_arrival(spec.where, _also(spec))  # tracked from now on
        elif spec.source == "scrape":
            if not spec.metric:
                out.append("source scrape needs `metric`")
        elif spec.source == "health":
            if spec.stream not in self.scrapers or self.scrapers[spec.stream].target.kind != "health_json":
                out.append(f"stream {spec.stream!r} is not a configured health_json target")
            if not (spec.field or spec.metric):
                out.append("source health needs `field` (dotted path, e.g. current_metrics.process_memory_mb)")
        elif spec.source == "sdk":
            out.extend(self.sdk_errors.check(spec.where))
        elif spec.source == "promql":
            if self.promql is None:
                out.append("source promql needs metrics.prometheus_url")
            if not spec.query:
                out.append("source promql needs `query`")
        return out

    # -- measuring ---------------------------------------------------------------------------

    async def measure(self, spec: MetricSpec, window: float) -> Measurement:
        """Measure `spec` over the last `window` seconds (ending now on the hub's clock)."""
        problems = self.check_spec(spec, window)
        if problems:
            return Measurement(None, reason="; ".join(problems))
        end = self.clock.time()
        start = end - window
        if spec.source == "jsonl":
            return self._measure_jsonl(spec, start, end)
        if spec.source == "scrape":
            return with_newest(self.series, measure_scrape(self.series, self.scrapers, spec, start, end), spec, end)
        if spec.source == "health":
            return with_newest(self.series, measure_health(self.series, self.scrapers, spec, start, end), spec, end)
        if spec.source == "sdk":
            return self.sdk_errors.measure(spec.function, spec.where, start, end)
        return await self._measure_promql(spec, window, end)

    def _measure_jsonl(self, spec: MetricSpec, start: float, end: float) -> Measurement:
        m = self._measure_jsonl_window(spec, start, end)
        # Freshness: a record placed up to FUTURE_SLACK after now (a writer clock estimate a fraction
        # of a second off, or a writer that many seconds ahead) is outside (start, end] but is a
        # sample of a live source made about now. Without this, the first record after a writer's
        # pause, placed 0.14 s ahead by a 180 s offset estimated as 180.14 s, left its gate stale
        # at the evaluation that read it (generated scenario 9835: p95 gate stale, its sync
        # baseline 0.1 s old). Only `newest` changes; the value and counts are the window's.
        source = self._stream(spec.stream or "")
        window = source.window
        ahead = window.newest_after(end, end + FUTURE_SLACK, spec.where, _also(spec))
        arrived = window.newest_arrival(spec.where, _also(spec))
        if ahead is not None and (m.newest is None or m.newest < end):
            return replace(m, newest=end, arrived=arrived, held=source.holding)
        return replace(m, arrived=arrived, held=source.holding) if arrived is not None else m

    def _measure_jsonl_window(self, spec: MetricSpec, start: float, end: float) -> Measurement:
        source = self._stream(spec.stream or "")
        if source.replaying:
            raise HistoryReplaying(source.name)
        source.window.prune(end)
        fn = spec.function
        agg = self._aggregate(spec)
        if agg is not None:
            return measure_aggregate(spec, source.name, agg, start, end)
        records = source.window.select(start, end, spec.where, _also(spec))
        if fn in ("success_rate", "error_rate"):
            n, ok, newest = success_flags(spec, records)  # failure_when (e.g. sync_fallback) forces a failure
            return flag_measurement(spec, fn, source.name, n, ok, newest)
        if fn in ("count", "rate"):
            n = len(records)
            value = float(n) if fn == "count" else n / (end - start)
            return Measurement(value, count=n, newest=max((r[0] for r in records), default=None))
        # numeric field functions
        points = []
        for rec in records:
            v = get(rec, spec.field or "")
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
                points.append((rec[0], float(v)))
        if not points:
            return Measurement(None, count=0, reason=f"no numeric {spec.field} in {source.name} records in window")
        newest = max(t for t, _ in points)
        if fn == "quantile":
            return replace(wf.sample_quantile(spec.quantile or 0.5, [v for _, v in points]), newest=newest)
        points.sort()
        gfn = "gauge_last" if fn == "value" else fn
        return replace(wf.gauge(gfn, [points], start, end), newest=newest)  # type: ignore[arg-type]

    def _aggregate(self, spec: MetricSpec) -> Aggregate | None:
        """The incremental aggregate a jsonl spec is measured from (None: measured by a walk)."""
        fn = spec.function
        counted = fn in _COUNTED
        if not self.incremental or not (counted or fn == "quantile"):
            return None
        agg = self._stream(spec.stream or "").window.aggregate(spec.where, _also(spec))
        for kind in kinds(spec):
            agg.register(kind)
        return agg

    async def _measure_promql(self, spec: MetricSpec, window: float, end: float) -> Measurement:
        assert self.promql is not None and spec.query is not None  # check_spec guarantees both
        try:
            value = await self.promql.query(render(spec.query, window), at=end)
        except PromQLError as exc:
            return Measurement(None, reason=f"promql: {exc}")
        if not spec.count_query:
            return Measurement(value)
        try:
            count_value = await self.promql.query(render(spec.count_query, window), at=end)
        except PromQLError as exc:
            return Measurement(value, reason=f"promql count_query: {exc}")
        count = max(0, round(count_value))
        successes = None
        if spec.function in ("success_rate", "error_rate", "ratio"):
            successes = min(count, max(0, round(value * count)))
        return Measurement(value, count=count, successes=successes)
