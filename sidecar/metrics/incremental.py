"""JSONL measurements from incremental aggregates (metrics/aggregate.py): the same numbers as the
record-walking path in hub._measure_jsonl (exact counts; exact quantiles up to
EXACT_QUANTILE_LIMIT values, a 1%-relative-error sketch above), at O(buckets) per measurement."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import window as wf
from .aggregate import EXACT_QUANTILE_LIMIT, Aggregate, Kind, Sketch
from .model import Measurement, MetricSpec
from .records import Record, getter, matcher, truthy


def flag_measurement(spec: MetricSpec, fn: str, stream: str, n: int, ok: int, newest: float | None) -> Measurement:
    """The success or error rate of `n` flags of which `ok` succeeded (no value without a flag)."""
    if n == 0:
        return Measurement(None, count=0, successes=0,
                           reason=f"no {stream} records with {spec.field or 'success'} in window")
    hits = ok if fn == "success_rate" else n - ok
    return Measurement(hits / n, count=n, successes=hits, newest=newest)


def flag_reader(spec: MetricSpec) -> Callable[[Record], bool | None]:
    """A record's success flag (None: the record has none), failure_when forcing a failure."""
    flag_of = getter(spec.field or "success")
    failed = matcher(spec.failure_when) if spec.failure_when else None

    def flag(rec: Record) -> bool | None:
        if failed is not None and failed(rec):
            return False
        v = flag_of(rec)
        return v if v is True or v is False else truthy(v)

    return flag


def success_flags(spec: MetricSpec, records: list[Record]) -> tuple[int, int, float | None]:
    """(trials, successes, newest) of a success flag, failure_when forcing a failure."""
    flag_of = flag_reader(spec)
    n = ok = 0
    newest: float | None = None
    for rec in records:
        flag = flag_of(rec)
        if flag is None:
            continue
        n += 1
        ok += flag
        if newest is None or rec[0] > newest:
            newest = rec[0]
    return n, ok, newest


def _values(spec: MetricSpec, records: list[Record]) -> tuple[list[float], float | None]:
    out = []
    newest: float | None = None
    read = getter(spec.field or "")
    for rec in records:
        v = read(rec)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            out.append(float(v))
            if newest is None or rec[0] > newest:
                newest = rec[0]
    return out, newest


def _newest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def _flags_kind(spec: MetricSpec) -> Kind:
    """(trials, successes, newest) of the spec's success flag."""
    flag_of = flag_reader(spec)

    def summarise(rs: list[Record]) -> tuple[int, int, float | None]:
        return success_flags(spec, rs)

    def merge(parts: list[Any], edge: list[Record]) -> tuple[int, int, float | None]:
        n, ok, newest = success_flags(spec, edge)
        for pn, pok, pnew in parts:
            n, ok, newest = n + pn, ok + pok, _newest(newest, pnew)
        return n, ok, newest

    def add(s: tuple[int, int, float | None], rec: Record) -> tuple[int, int, float | None]:
        flag = flag_of(rec)
        if flag is None:
            return s
        return s[0] + 1, s[1] + flag, _newest(s[2], rec[0])

    return Kind(("flags", spec.field, tuple(sorted((spec.failure_when or {}).items()))), summarise, merge, add)


def _count(rs: list[Record]) -> tuple[int, float | None]:
    return len(rs), max((r[0] for r in rs), default=None)


def _merge_count(parts: list[Any], edge: list[Record]) -> tuple[int, float | None]:
    n, newest = _count(edge)
    for pn, pnew in parts:
        n, newest = n + pn, _newest(newest, pnew)
    return n, newest


COUNT = Kind(("count",), _count, _merge_count, lambda s, rec: (s[0] + 1, _newest(s[1], rec[0])))


def _nvals_kind(spec: MetricSpec) -> Kind:
    """(numeric values of the spec's field, newest)."""
    read = getter(spec.field or "")

    def summarise(rs: list[Record]) -> tuple[int, float | None]:
        vals, newest = _values(spec, rs)
        return len(vals), newest

    def merge(parts: list[Any], edge: list[Record]) -> tuple[int, float | None]:
        n, newest = summarise(edge)
        for pn, pnew in parts:
            n, newest = n + pn, _newest(newest, pnew)
        return n, newest

    def add(s: tuple[int, float | None], rec: Record) -> tuple[int, float | None]:
        v = read(rec)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            return s[0] + 1, _newest(s[1], rec[0])
        return s

    return Kind(("nvals", spec.field or ""), summarise, merge, add)


def _sketch_kind(spec: MetricSpec) -> Kind:
    """A quantile sketch of the numeric values of the spec's field."""
    read = getter(spec.field or "")

    def summarise(rs: list[Record]) -> Sketch:
        sk = Sketch()
        for v in _values(spec, rs)[0]:
            sk.add(v)
        return sk

    def merge(parts: list[Any], edge: list[Record]) -> Sketch:
        total = summarise(edge)
        for part in parts:
            total.merge(part)
        return total

    def add(sk: Sketch, rec: Record) -> Sketch:
        v = read(rec)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            sk.add(float(v))  # a cell's own sketch: merge() never hands it out
        return sk

    return Kind(("sketch", spec.field or ""), summarise, merge, add)


def kinds(spec: MetricSpec) -> list[Kind]:
    """The summaries a jsonl spec is measured from (the hub registers them with the aggregate
    at start, so every bucket keeps them up to date as records arrive)."""
    fn = spec.function
    if fn in ("success_rate", "error_rate"):
        return [_flags_kind(spec)]
    if fn in ("count", "rate"):
        return [COUNT]
    if fn == "quantile":
        return [_nvals_kind(spec), _sketch_kind(spec)]
    return []


def measure_aggregate(spec: MetricSpec, stream: str, agg: Aggregate, start: float, end: float) -> Measurement:
    fn = spec.function
    if fn in ("success_rate", "error_rate"):
        n, ok, newest = agg.collect(start, end, _flags_kind(spec))
        return flag_measurement(spec, fn, stream, n, ok, newest)
    if fn in ("count", "rate"):
        n, newest = agg.collect(start, end, COUNT)
        value = float(n) if fn == "count" else n / (end - start)
        return Measurement(value, count=n, newest=newest)
    # quantile: how many values first (cheap, cached), then exact or sketched
    nvals, sketch = kinds(spec)
    n, newest = agg.collect(start, end, nvals)
    if n == 0:
        return Measurement(None, count=0, reason=f"no numeric {spec.field} in {stream} records in window")
    q = spec.quantile or 0.5
    if n <= EXACT_QUANTILE_LIMIT:
        values, _ = _values(spec, agg.records_in(start, end))
        return Measurement(wf.sample_quantile(q, values).value, count=n, newest=newest)
    total = agg.collect(start, end, sketch)
    return Measurement(total.quantile(q), count=n, newest=newest,
                       reason="p from a 1%-relative-error sketch")
