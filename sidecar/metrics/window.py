"""Window functions over timestamped samples, computed the way Prometheus computes them.

Pure functions: a series is a list of (t, value) sorted by t, a window is (start, end] in
seconds. Every function returns a `Measurement`; anything that cannot be measured (no samples,
too few samples, NaN, a missing +Inf bucket, nothing observed) is `Measurement(None, reason=...)`,
never 0, a negative number or an exception.

Semantics implemented, and why (Prometheus `promql/functions.go` `extrapolatedRate`, current 3.x):

- Range selection is left-open, (end - window, end], as in Prometheus 3 (2.x was closed on both
  ends; the difference only shows when a sample lands exactly on the boundary).
- `increase`: last - first over the samples in the window, plus, for every counter reset (a value
  lower than its predecessor), the value before the reset. Fewer than 2 samples: no result.
- Extrapolation: the raw increase covers only first..last sample, so it is extrapolated towards
  the window edges. On each side, if the gap to the edge is below 1.1 x the average sample
  interval the series is assumed to continue and the full gap is added; otherwise the series is
  assumed to start/end inside the window and only half an average interval is added. For
  counters the start extrapolation is also capped at the point where the counter would reach 0
  (the start-side cap is applied after the threshold rule, as in Prometheus 3; 2.x applied it
  before). We implement this rather than a plain last-first difference so that a PromQL gate and
  a scraped gate read the same number for the same data (the integration test checks it), and
  because the extrapolated value is an unbiased estimate of the increase over the whole window.
- `rate` = extrapolated increase / window length.
- `sum` across series drops series with fewer than 2 samples, like `sum(rate(x[w]))`.
- `histogram_quantile`: buckets sorted by `le`, equal bounds merged, the +Inf bucket required,
  counts forced monotonic, rank = q x observations, linear interpolation inside the bucket that
  holds the rank, a lower bound of 0 for the first bucket when its bound is positive, and the
  second-highest bound when the rank falls into the +Inf bucket (`promql/quantile.go`).
  The bucket counts are per-bucket increases over the window, i.e.
  `histogram_quantile(q, sum by (le) (rate(x_bucket[w])))`, not counts since process start.
- Sample quantiles (per-request records) use the same rule as `quantile_over_time`:
  rank q x (n - 1) with linear interpolation between neighbours.

One deliberate divergence: in a ratio, a numerator that selects no series at all (an error
counter the gateway has not created yet because no error happened) counts as 0, as if the
PromQL had been written `(sum(rate(num[w])) or vector(0)) / sum(rate(den[w]))`. A zero
denominator is still "no data".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

from .model import Measurement

Samples = Sequence[tuple[float, float]]

EXTRAPOLATION_THRESHOLD = 1.1


def in_window(samples: Samples, start: float, end: float) -> list[tuple[float, float]]:
    """The samples with start < t <= end."""
    return [(t, v) for t, v in samples if start < t <= end]


def _has_nan(samples: Samples) -> bool:
    return any(math.isnan(v) for _, v in samples)


def extrapolated_increase(samples: Samples, start: float, end: float, *, is_rate: bool = False,
                          is_counter: bool = True) -> float | None:
    """Prometheus `increase`/`rate` of one series over (start, end]; None when it has no result.

    `samples` may extend beyond the window; only those inside are used. None when fewer than
    two samples are in the window or a sample is NaN.
    """
    pts = in_window(samples, start, end)
    if len(pts) < 2 or _has_nan(pts):
        return None
    first_t, first_v = pts[0]
    last_t, last_v = pts[-1]
    result = last_v - first_v
    if is_counter:
        prev = first_v
        for _, v in pts[1:]:
            if v < prev:
                result += prev
            prev = v
    sampled = last_t - first_t
    if sampled <= 0:
        return None
    avg_step = sampled / (len(pts) - 1)
    to_start = first_t - start
    to_end = end - last_t
    threshold = avg_step * EXTRAPOLATION_THRESHOLD
    if to_start >= threshold:
        to_start = avg_step / 2
    if is_counter and result > 0 and first_v >= 0:
        to_zero = sampled * (first_v / result)
        if to_zero < to_start:
            to_start = to_zero
    if to_end >= threshold:
        to_end = avg_step / 2
    factor = (sampled + to_start + to_end) / sampled
    if is_rate:
        factor /= end - start
    value = result * factor
    return value if math.isfinite(value) else None


def sum_increase(series: Sequence[Samples], start: float, end: float,
                 *, is_rate: bool = False) -> tuple[float | None, str]:
    """`sum(increase(x[w]))` over several series: (value, reason). Series without a result are
    dropped; when none has one the value is None and the reason says why."""
    if not series:
        return None, "no matching series"
    total = 0.0
    used = 0
    nan = False
    for s in series:
        pts = in_window(s, start, end)
        if _has_nan(pts):
            nan = True
            continue
        v = extrapolated_increase(pts, start, end, is_rate=is_rate)
        if v is not None:
            total += v
            used += 1
    if used == 0:
        return None, ("NaN sample in window" if nan else "fewer than 2 samples in window")
    return total, ""


def increase(series: Sequence[Samples], start: float, end: float) -> Measurement:
    value, reason = sum_increase(series, start, end)
    if value is None:
        return Measurement(None, reason=reason)
    return Measurement(value, count=round(value))


def rate(series: Sequence[Samples], start: float, end: float) -> Measurement:
    if end <= start:
        return Measurement(None, reason="empty window")
    value, reason = sum_increase(series, start, end, is_rate=True)
    if value is None:
        return Measurement(None, reason=reason)
    return Measurement(value, count=round(value * (end - start)))


def ratio(numerator: Sequence[Samples], denominator: Sequence[Samples], start: float, end: float,
          kind: Literal["ratio", "success_rate", "error_rate"] = "ratio") -> Measurement:
    """sum(increase(num)) / sum(increase(den)) over the window.

    `count` is the denominator's increase and `successes` the numerator's (both rounded), so a
    gate can put a confidence interval around the proportion. Ratios slightly above 1 that come
    from independent extrapolation of the two sums are clamped for success/error rates.
    """
    den, reason = sum_increase(denominator, start, end)
    if den is None:
        return Measurement(None, reason=f"denominator: {reason}")
    if den <= 0:
        return Measurement(None, count=0, reason="denominator did not increase in window (no requests)")
    if numerator:
        num, num_reason = sum_increase(numerator, start, end)
        if num is None:
            if num_reason.startswith("NaN"):
                return Measurement(None, reason=f"numerator: {num_reason}")
            num = 0.0  # the numerator series exist but are too new to have an increase yet
    else:
        num = 0.0
    value = num / den
    if kind != "ratio":
        value = min(max(value, 0.0), 1.0)
    return Measurement(value, count=round(den), successes=min(round(num), round(den)))


def bucket_quantile(q: float, buckets: Sequence[tuple[float, float]]) -> tuple[float | None, str]:
    """Prometheus `bucketQuantile` over (upper bound, cumulative count) pairs: (value, reason)."""
    if math.isnan(q) or not 0 <= q <= 1:
        return None, f"quantile {q} outside [0, 1]"
    if not buckets:
        return None, "no buckets"
    if any(math.isnan(c) or math.isnan(le) for le, c in buckets):
        return None, "NaN bucket count"
    ordered = sorted(buckets)
    if not math.isinf(ordered[-1][0]) or ordered[-1][0] < 0:
        return None, "histogram has no +Inf bucket"
    merged: list[list[float]] = []
    for le, c in ordered:
        if merged and merged[-1][0] == le:
            merged[-1][1] += c
        else:
            merged.append([le, c])
    top = merged[0][1]
    for b in merged[1:]:
        if b[1] < top:
            b[1] = top
        top = b[1]
    if len(merged) < 2:
        return None, "fewer than 2 buckets"
    observations = merged[-1][1]
    if observations <= 0:
        return None, "no observations in window"
    rank = q * observations
    last = len(merged) - 1
    k = next((i for i in range(last) if merged[i][1] >= rank), last)
    if k == last:
        return merged[-2][0], "rank in +Inf bucket: highest finite bound reported"
    if k == 0 and merged[0][0] <= 0:
        return merged[0][0], ""
    start_bound = 0.0
    end_bound, count = merged[k]
    if k > 0:
        start_bound = merged[k - 1][0]
        count -= merged[k - 1][1]
        rank -= merged[k - 1][1]
    if count <= 0:
        return start_bound, ""
    return start_bound + (end_bound - start_bound) * (rank / count), ""


def histogram_quantile(q: float, buckets: Mapping[float, Sequence[Samples]], start: float,
                       end: float) -> Measurement:
    """Quantile from per-bucket increases over the window.

    `buckets` maps an upper bound (`le`, +Inf included) to the bucket series with that bound
    (several when other labels such as provider differ: they are summed, `sum by (le)`).
    """
    if not buckets:
        return Measurement(None, reason="no histogram buckets")
    if math.inf not in buckets:
        return Measurement(None, reason="histogram has no +Inf bucket")
    pairs: list[tuple[float, float]] = []
    for le, series in buckets.items():
        if math.isnan(le):
            return Measurement(None, reason="NaN bucket bound")
        value, reason = sum_increase(series, start, end)
        if value is None:
            if reason.startswith("NaN"):
                return Measurement(None, reason=f"bucket le={le:g}: {reason}")
            if le == math.inf:
                return Measurement(None, reason=f"+Inf bucket: {reason}")
            continue
        pairs.append((le, value))
    value, reason = bucket_quantile(q, pairs)
    observations = max(c for le, c in pairs if le == math.inf)
    if value is None:
        return Measurement(None, count=round(observations) if observations > 0 else 0, reason=reason)
    return Measurement(value, count=round(observations), reason=reason)


def sample_quantile(q: float, values: Sequence[float]) -> Measurement:
    """`quantile_over_time` over raw values: rank q x (n - 1), linear between neighbours."""
    finite = sorted(v for v in values if not math.isnan(v))
    if not finite:
        return Measurement(None, count=0, reason="no values in window")
    if not 0 <= q <= 1:
        return Measurement(None, reason=f"quantile {q} outside [0, 1]")
    rank = q * (len(finite) - 1)
    lo = math.floor(rank)
    hi = min(len(finite) - 1, lo + 1)
    w = rank - lo
    return Measurement(finite[lo] * (1 - w) + finite[hi] * w, count=len(finite))


GaugeFn = Literal["gauge_last", "gauge_avg", "gauge_max"]


def gauge(fn: GaugeFn, series: Sequence[Samples], start: float, end: float) -> Measurement:
    """Gauge functions over several series in the window.

    - gauge_last: sum of each series' last sample (`sum(last_over_time(x[w]))`);
    - gauge_avg: average of the per-series averages (`avg(avg_over_time(x[w]))`);
    - gauge_max: the highest sample of any series (`max(max_over_time(x[w]))`).
    A NaN in the samples used gives no data (a NaN gauge is a broken gauge, not a number).
    """
    windows = [pts for pts in (in_window(s, start, end) for s in series) if pts]
    if not windows:
        return Measurement(None, count=0, reason="no samples in window")
    n = sum(len(w) for w in windows)
    if fn == "gauge_last":
        values = [w[-1][1] for w in windows]
    else:
        values = [v for w in windows for _, v in w]
    if any(math.isnan(v) for v in values):
        return Measurement(None, count=n, reason="NaN sample in window")
    if fn == "gauge_last":
        value = math.fsum(values)
    elif fn == "gauge_avg":
        value = math.fsum(math.fsum(v for _, v in w) / len(w) for w in windows) / len(windows)
    else:
        value = max(values)
    if not math.isfinite(value):
        return Measurement(None, count=n, reason="non-finite value")
    return Measurement(value, count=n)
