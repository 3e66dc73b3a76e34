"""JSONL measurements from incremental aggregates (metrics/aggregate.py): the same numbers as the
record-walking path in hub._measure_jsonl (exact counts; exact quantiles up to
EXACT_QUANTILE_LIMIT values, a 1%-relative-error sketch above), at O(buckets) per measurement."""

from __future__ import annotations

import math
from typing import Any

from . import window as wf
from .aggregate import EXACT_QUANTILE_LIMIT, Aggregate, Record, Sketch
from .jsonl import matches, truthy
from .model import Measurement, MetricSpec


def flag_measurement(spec: MetricSpec, fn: str, stream: str, n: int, ok: int, newest: float | None) -> Measurement:
    """The success or error rate of `n` flags of which `ok` succeeded (no value without a flag)."""
    if n == 0:
        return Measurement(None, count=0, successes=0,
                           reason=f"no {stream} records with {spec.field or 'success'} in window")
    hits = ok if fn == "success_rate" else n - ok
    return Measurement(hits / n, count=n, successes=hits, newest=newest)


def success_flags(spec: MetricSpec, records: list[Record]) -> tuple[int, int, float | None]:
    """(trials, successes, newest) of a success flag, failure_when forcing a failure."""
    flag_field = spec.field or "success"
    failure_when = spec.failure_when
    n = ok = 0
    newest: float | None = None
    for t, rec in records:
        if failure_when and matches(rec, failure_when):
            flag: bool | None = False
        else:
            flag = truthy(rec.get(flag_field))
        if flag is None:
            continue
        n += 1
        ok += flag
        if newest is None or t > newest:
            newest = t
    return n, ok, newest


def _values(spec: MetricSpec, records: list[Record]) -> tuple[list[float], float | None]:
    out = []
    newest: float | None = None
    name = spec.field or ""
    for t, rec in records:
        v = rec.get(name)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            out.append(float(v))
            if newest is None or t > newest:
                newest = t
    return out, newest


def _newest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def measure_aggregate(spec: MetricSpec, stream: str, agg: Aggregate, start: float, end: float) -> Measurement:
    fn = spec.function
    if fn in ("success_rate", "error_rate"):
        key: tuple[Any, ...] = ("flags", spec.field, tuple(sorted((spec.failure_when or {}).items())))

        def merge_flags(parts: list[Any], edge: list[Record]) -> tuple[int, int, float | None]:
            n, ok, newest = success_flags(spec, edge)
            for pn, pok, pnew in parts:
                n, ok, newest = n + pn, ok + pok, _newest(newest, pnew)
            return n, ok, newest

        n, ok, newest = agg.collect(start, end, key, lambda rs: success_flags(spec, rs), merge_flags)
        return flag_measurement(spec, fn, stream, n, ok, newest)
    if fn in ("count", "rate"):
        def count(rs: list[Record]) -> tuple[int, float | None]:
            return len(rs), max((t for t, _ in rs), default=None)

        def merge_count(parts: list[Any], edge: list[Record]) -> tuple[int, float | None]:
            n, newest = count(edge)
            for pn, pnew in parts:
                n, newest = n + pn, _newest(newest, pnew)
            return n, newest

        n, newest = agg.collect(start, end, ("count",), count, merge_count)
        value = float(n) if fn == "count" else n / (end - start)
        return Measurement(value, count=n, newest=newest)
    # quantile: how many values first (cheap, cached), then exact or sketched
    name = spec.field or ""

    def nvals(rs: list[Record]) -> tuple[int, float | None]:
        vals, newest = _values(spec, rs)
        return len(vals), newest

    def merge_n(parts: list[Any], edge: list[Record]) -> tuple[int, float | None]:
        n, newest = nvals(edge)
        for pn, pnew in parts:
            n, newest = n + pn, _newest(newest, pnew)
        return n, newest

    n, newest = agg.collect(start, end, ("nvals", name), nvals, merge_n)
    if n == 0:
        return Measurement(None, count=0, reason=f"no numeric {spec.field} in {stream} records in window")
    q = spec.quantile or 0.5
    if n <= EXACT_QUANTILE_LIMIT:
        values, _ = _values(spec, agg.records_in(start, end))
        return Measurement(wf.sample_quantile(q, values).value, count=n, newest=newest)

    def sketch(rs: list[Record]) -> Sketch:
        sk = Sketch()
        for v in _values(spec, rs)[0]:
            sk.add(v)
        return sk

    def merge_sketch(parts: list[Any], edge: list[Record]) -> Sketch:
        total = sketch(edge)
        for part in parts:
            total.merge(part)
        return total

    total = agg.collect(start, end, ("sketch", name), sketch, merge_sketch)
    return Measurement(total.quantile(q), count=n, newest=newest,
                       reason="p from a 1%-relative-error sketch")
