"""Window functions with hand-built samples; expected values worked out by hand from
Prometheus' extrapolatedRate / bucketQuantile rules (see sidecar/metrics/window.py)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.metrics import window as wf

INF = math.inf


def linear(t0: float, t1: float, step: float, v0: float, per_s: float) -> list[tuple[float, float]]:
    out = []
    t = t0
    while t <= t1 + 1e-9:
        out.append((t, v0 + per_s * (t - t0)))
        t += step
    return out


# --- increase / rate --------------------------------------------------------------------------


def test_regular_counter_extrapolates_to_the_window_edges() -> None:
    # samples at 5..300 every 5 s, value 2/s from 10: raw increase 590 over 295 s, extrapolated
    # to the start (gap 5 s < 1.1 x 5 s) -> 590 x 300/295 = 600 = the true increase.
    s = linear(5, 300, 5, 10, 2)
    assert wf.extrapolated_increase(s, 0, 300) == pytest.approx(600)
    m = wf.rate([s], 0, 300)
    assert m.value == pytest.approx(2.0)
    assert m.count == 600


def test_counter_reset_mid_window() -> None:
    # 100,110,...,140 then the process restarts: 5,15,...,45. Increase = 40 + 5 + 40 = 85 raw over
    # 90 s, extrapolated by 100/90.
    s = [(10.0 * i, v) for i, v in enumerate([100, 110, 120, 130, 140, 5, 15, 25, 35, 45], start=1)]
    value = wf.extrapolated_increase(s, 0, 100)
    assert value == pytest.approx(85 * 100 / 90)
    assert value > 0


def test_reset_to_a_higher_value_is_not_negative() -> None:
    s = [(10.0, 1000.0), (20.0, 1010.0), (30.0, 3.0), (40.0, 900.0)]  # reset, then fast growth
    value = wf.extrapolated_increase(s, 0, 40)
    # last - first + the value before the reset = 900 - 1000 + 1010 = 910, extrapolated by 40/30
    assert value == pytest.approx(910 * 40 / 30)


def test_irregular_intervals_and_counter_starting_at_zero() -> None:
    # 1 per second, scraped at irregular times; the first sample is 0 so nothing is
    # extrapolated before it (the zero point of the counter caps the start extrapolation).
    s = [(1.0, 0.0), (2.0, 1.0), (7.0, 6.0), (8.0, 7.0), (20.0, 19.0)]
    assert wf.extrapolated_increase(s, 0, 20) == pytest.approx(19.0)


def test_missing_scrapes_at_the_end_extrapolate_half_an_interval() -> None:
    # the series stops at 50 in a (0, 100] window: 50 s gap >= 1.1 x 10 s, so only 5 s are added.
    s = linear(10, 50, 10, 10, 1)
    assert wf.extrapolated_increase(s, 0, 100) == pytest.approx(40 * (40 + 10 + 5) / 40)


def test_gap_in_the_middle_does_not_change_the_increase() -> None:
    full = linear(10, 100, 10, 1000, 1)
    holed = [p for p in full if not 40 <= p[0] <= 70]
    assert wf.extrapolated_increase(holed, 0, 100) == pytest.approx(wf.extrapolated_increase(full, 0, 100))


def test_window_is_left_open() -> None:
    s = [(0.0, 0.0), (10.0, 10.0), (20.0, 20.0)]
    assert wf.in_window(s, 0, 20) == [(10.0, 10.0), (20.0, 20.0)]


def test_too_few_samples_empty_and_nan_are_no_data() -> None:
    assert wf.increase([[(10.0, 5.0)]], 0, 60).value is None
    assert wf.increase([], 0, 60).reason == "no matching series"
    m = wf.rate([[(10.0, 5.0), (20.0, math.nan), (30.0, 7.0)]], 0, 60)
    assert m.value is None and "NaN" in m.reason
    assert not m.has_data


def test_sum_drops_series_without_a_result() -> None:
    a = linear(10, 60, 10, 0, 1)
    lone = [(60.0, 3.0)]  # a series that appeared in the last scrape
    v, reason = wf.sum_increase([a, lone], 0, 60)
    assert v == pytest.approx(wf.extrapolated_increase(a, 0, 60)) and reason == ""


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 30), st.floats(0, 1e6), st.booleans()), min_size=2, max_size=40))
def test_counter_increase_is_never_negative(steps: list[tuple[float, float, bool]]) -> None:
    t, v, samples = 0.0, 0.0, []
    for dt, inc, reset in steps:
        t += dt
        v = inc if reset else v + inc
        samples.append((t, v))
    value = wf.extrapolated_increase(samples, 0, t + 1)
    assert value is None or value >= 0


# --- ratio ------------------------------------------------------------------------------------


def test_error_rate_is_a_ratio_of_increases() -> None:
    errors = linear(10, 300, 10, 50, 0.5)
    total = linear(10, 300, 10, 1000, 10)
    m = wf.ratio([errors], [total], 0, 300, kind="error_rate")
    assert m.value == pytest.approx(0.05)
    assert m.count == 3000 and m.successes == 150


def test_ratio_numerator_without_series_is_zero_and_zero_denominator_is_no_data() -> None:
    total = linear(10, 300, 10, 1000, 10)
    m = wf.ratio([], [total], 0, 300, kind="error_rate")
    assert m.value == 0.0 and m.count == 3000 and m.successes == 0
    flat = [(10.0 * i, 50.0) for i in range(1, 30)]
    m = wf.ratio([], [flat], 0, 300, kind="error_rate")
    assert m.value is None and "no requests" in m.reason
    assert wf.ratio([], [], 0, 300).value is None


# --- histogram quantile -----------------------------------------------------------------------


def hist(increases: dict[float, float], *, base: float = 1000.0) -> dict[float, list[list[tuple[float, float]]]]:
    """Bucket series scraped every 10 s over (0, 100] that rise linearly by 0.9 x the given
    per-window increase (the other 0.1 is the extrapolation), from a large cumulative base so the
    zero-point cap never applies and every bucket is scaled alike."""
    out = {}
    for i, (le, inc) in enumerate(sorted(increases.items())):
        start = base * (i + 1)
        out[le] = [[(float(t), start + inc * (t - 10) / 100) for t in range(10, 101, 10)]]
    return out


def test_histogram_quantile_interpolates_inside_the_bucket() -> None:
    buckets = hist({0.1: 10, 0.5: 60, 1.0: 90, INF: 100})
    m = wf.histogram_quantile(0.5, buckets, 0, 100)
    # rank 50 falls in (0.1, 0.5] holding 50: 0.1 + 0.4 x 40/50
    assert m.value == pytest.approx(0.42)
    assert m.count == 100
    m = wf.histogram_quantile(0.05, buckets, 0, 100)
    assert m.value == pytest.approx(0.05)  # first bucket: lower bound 0


def test_histogram_quantile_in_the_inf_bucket_reports_the_highest_finite_bound() -> None:
    m = wf.histogram_quantile(0.99, hist({0.1: 10, 0.5: 60, 1.0: 90, INF: 100}), 0, 100)
    assert m.value == 1.0 and "+Inf" in m.reason


def test_histogram_uses_the_window_not_process_lifetime() -> None:
    # Before the window every observation was slow (cumulative counts all in +Inf); inside the
    # window all are fast. A since-start quantile would say "> 1 s"; the window says 0.05.
    base = {0.1: 1000.0, 1.0: 1000.0, INF: 50_000.0}
    series = {le: [[(float(t), base[le] + 90 * (t - 10) / 90) for t in range(10, 101, 10)]] for le in base}
    lifetime, _ = wf.bucket_quantile(0.5, [(le, s[0][-1][1]) for le, s in series.items()])
    assert lifetime == 1.0  # since process start the median is in +Inf
    m = wf.histogram_quantile(0.5, series, 0, 100)
    assert m.value == pytest.approx(0.05)


def test_histogram_with_a_reset() -> None:
    # every bucket resets after the 5th scrape (gateway restart); increases stay right
    def series(rate: float) -> list[tuple[float, float]]:
        pre = [(float(t), 500 + rate * t) for t in range(10, 51, 10)]
        post = [(float(t), rate * (t - 50)) for t in range(60, 101, 10)]
        return pre + post

    buckets = {0.5: [series(1.0)], 1.0: [series(3.0)], INF: [series(4.0)]}
    m = wf.histogram_quantile(0.5, buckets, 0, 100)
    inc = {le: wf.extrapolated_increase(s[0], 0, 100) for le, s in buckets.items()}
    expected, _ = wf.bucket_quantile(0.5, list(inc.items()))
    assert m.value == pytest.approx(expected)
    assert 0.5 < m.value <= 1.0


def test_empty_buckets_missing_inf_and_nan_are_no_data() -> None:
    flat = {le: [[(float(t), 7.0) for t in range(10, 101, 10)]] for le in (0.1, 1.0, INF)}
    m = wf.histogram_quantile(0.95, flat, 0, 100)
    assert m.value is None and m.reason == "no observations in window" and m.count == 0
    no_inf = hist({0.1: 10, 0.5: 60, 1.0: 90})
    assert wf.histogram_quantile(0.5, no_inf, 0, 100).reason == "histogram has no +Inf bucket"
    nan = hist({0.1: 10, 0.5: 60, INF: 100})
    nan[0.5][0][3] = (40.0, math.nan)
    m = wf.histogram_quantile(0.5, nan, 0, 100)
    assert m.value is None and "NaN" in m.reason
    assert wf.histogram_quantile(0.5, {}, 0, 100).value is None


def test_bucket_quantile_edge_cases() -> None:
    assert wf.bucket_quantile(0.5, [(INF, 10)]) == (None, "fewer than 2 buckets")
    v, _ = wf.bucket_quantile(0.5, [(1.0, 5), (INF, 0)])
    assert v == pytest.approx(0.5)  # +Inf raised to 5 by monotonicity: rank 2.5 of 5 in (0, 1]
    assert wf.bucket_quantile(0.5, [(-1.0, 5), (INF, 10)]) == (-1.0, "")
    # equal bounds (two series with the same le) are merged to 4: rank 2 of 4 in (0, 0.5]
    assert wf.bucket_quantile(0.5, [(0.5, 2), (0.5, 2), (INF, 4)])[0] == pytest.approx(0.25)


# --- gauges and sample quantiles --------------------------------------------------------------


def test_gauge_last_avg_max_over_several_series() -> None:
    a = [(10.0, 1.0), (20.0, 5.0), (30.0, 3.0)]
    b = [(15.0, 10.0), (25.0, 20.0)]
    assert wf.gauge("gauge_last", [a, b], 0, 30).value == 23.0
    assert wf.gauge("gauge_avg", [a, b], 0, 30).value == pytest.approx((3.0 + 15.0) / 2)
    assert wf.gauge("gauge_max", [a, b], 0, 30).value == 20.0
    assert wf.gauge("gauge_max", [a, b], 0, 30).count == 5
    assert wf.gauge("gauge_last", [a], 100, 200).value is None
    assert wf.gauge("gauge_avg", [[(10.0, math.nan)]], 0, 30).reason == "NaN sample in window"


def test_sample_quantile_matches_quantile_over_time() -> None:
    values = [float(v) for v in range(1, 101)]
    assert wf.sample_quantile(0.95, values).value == pytest.approx(95.05)
    assert wf.sample_quantile(0.5, [3.0]).value == 3.0
    assert wf.sample_quantile(0.5, []).value is None
