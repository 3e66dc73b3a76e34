"""Measuring `scrape` and `health` specs from the samples the scrapers stored (`SeriesStore`).

Split from hub.py, which owns the component (scrapers, JSONL streams, PromQL client) and says
which source measures a spec: these are pure functions of the series store and the scrapers (for
staleness), the PromQL-like evaluation of the hub's own scraped samples. A counter may be named
with or without `_total`, a histogram with or without `_bucket`; a stale target gives no data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from . import window as wf
from .model import Measurement, MetricSpec
from .scrape import Scraper
from .series import Ring, SeriesKey, SeriesStore


def measure_scrape(series: SeriesStore, scrapers: Mapping[str, Scraper], spec: MetricSpec,
                   start: float, end: float) -> Measurement:
    """A `source: scrape` spec over [start, end]: no data when a series it reads is stale."""
    fn = spec.function
    metric = spec.metric or ""
    if fn in ("success_rate", "error_rate", "ratio"):
        den_metric = spec.denominator or metric
        den_where = spec.denominator_where if spec.denominator_where is not None else {}
        _, num = _select(series, metric, spec.where, (metric + "_total",))
        den_name, den = _select(series, den_metric, den_where, (den_metric + "_total",))
        if not den:
            return Measurement(None, reason=f"no series {den_name}{_fmt(den_where)}")
        stale = _stale(scrapers, [k for k, _ in num + den], end)
        if stale:
            return Measurement(None, reason=stale)
        return wf.ratio([list(r) for _, r in num], [list(r) for _, r in den], start, end, kind=fn)
    if fn == "quantile":
        bucket = metric if metric.endswith("_bucket") else metric + "_bucket"
        found = series.select(bucket, spec.where)
        if not found:
            return Measurement(None, reason=f"no series {bucket}{_fmt(spec.where)}")
        stale = _stale(scrapers, [k for k, _ in found], end)
        if stale:
            return Measurement(None, reason=stale)
        buckets: dict[float, list[list[tuple[float, float]]]] = {}
        for key, ring in found:
            try:
                le = float(key.label("le") or "nan")
            except ValueError:
                return Measurement(None, reason=f"bad le label {key.label('le')!r} on {bucket}")
            buckets.setdefault(le, []).append(list(ring))
        return wf.histogram_quantile(spec.quantile or 0.5, buckets, start, end)
    alternatives = (metric + "_total",) if fn in ("increase", "rate", "count") else ()
    name, found = _select(series, metric, spec.where, alternatives)
    if not found:
        return Measurement(None, reason=f"no series {name}{_fmt(spec.where)}")
    stale = _stale(scrapers, [k for k, _ in found], end)
    if stale:
        return Measurement(None, reason=stale)
    samples = [list(r) for _, r in found]
    if fn in ("increase", "count"):
        return wf.increase(samples, start, end)
    if fn == "rate":
        return wf.rate(samples, start, end)
    gfn = "gauge_last" if fn == "value" else fn
    return wf.gauge(gfn, samples, start, end)  # type: ignore[arg-type]

def measure_health(series: SeriesStore, scrapers: Mapping[str, Scraper], spec: MetricSpec,
                   start: float, end: float) -> Measurement:
    """A `source: health` spec: a gauge over the numeric field of a health_json target."""
    target = spec.stream or ""
    path = spec.field or spec.metric or ""
    found = series.select(path, target=target)
    scraper = scrapers[target]
    if scraper.is_stale(end):
        return Measurement(None, reason=scraper.stale_reason(end))
    if not found:
        return Measurement(None, reason=f"health target {target} has no numeric field {path}")
    gfn = "gauge_last" if spec.function == "value" else spec.function
    return wf.gauge(gfn, [list(r) for _, r in found], start, end)  # type: ignore[arg-type]

def with_newest(series: SeriesStore, m: Measurement, spec: MetricSpec, end: float) -> Measurement:
    """`m` stamped with the time of the newest sample among the series the spec reads."""
    if not m.has_data or m.newest is not None:
        return m
    metric = (spec.field or spec.metric or "") if spec.source == "health" else (spec.metric or "")
    names = [metric, metric + "_total", metric + "_bucket"]
    if spec.denominator:
        names += [spec.denominator, spec.denominator + "_total"]
    target = spec.stream if spec.source == "health" else None
    newest: float | None = None
    for name in names:
        for _, ring in series.select(name, None, target=target):
            for t, _ in reversed(list(ring)):
                if t <= end:
                    newest = t if newest is None else max(newest, t)
                    break
    return replace(m, newest=newest)

def _select(series: SeriesStore, name: str, where: Mapping[str, str],
            alternatives: tuple[str, ...] = ()) -> tuple[str, list[tuple[SeriesKey, Ring]]]:
    """The first of `name` and its `alternatives` (e.g. `_total`) that exists, and its series matching `where`."""
    for candidate in (name, *alternatives):
        found = series.select(candidate, where)
        if found or series.select(candidate):
            return candidate, found
    return name, []

def _stale(scrapers: Mapping[str, Scraper], keys: list[SeriesKey], now: float) -> str | None:
    """Why the targets of `keys` are stale (None when none is)."""
    reasons = [scrapers[t].stale_reason(now) for t in sorted({k.target for k in keys})
               if t in scrapers and scrapers[t].is_stale(now)]
    return "; ".join(reasons) if reasons else None

def _fmt(where: Mapping[str, str]) -> str:
    if not where:
        return ""
    return "{" + ",".join(f'{k}="{v}"' for k, v in sorted(where.items())) + "}"
