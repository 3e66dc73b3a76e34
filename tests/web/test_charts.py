"""The rollout charts' data (pure): the series stays bounded over a long run without losing its
start, and a chart breaks its line where a value is missing instead of drawing through it."""

from __future__ import annotations

from dataclasses import dataclass

from sidecar.rollout.series import MAX_POINTS, append_point
from sidecar.web.pages.charts import rollout_charts


@dataclass
class V:
    role: str
    name: str
    observed: float | None
    threshold: float | None = 0.99
    baseline: float | None = None
    verdict: str = "pass"


def test_series_is_bounded_and_keeps_the_whole_span():
    series = None
    for i in range(5 * MAX_POINTS):
        series = append_point(series, 1000.0 + i * 10, i // 1000, 1.0, [V("gate", "success_rate", 0.995)])
    assert series is not None and len(series) <= MAX_POINTS + 1
    assert series[0]["t"] == 1000.0 and series[-1]["t"] == 1000.0 + (5 * MAX_POINTS - 1) * 10
    assert [p["t"] for p in series] == sorted(p["t"] for p in series)


def test_missing_values_break_the_line_and_stages_make_bands():
    series = []
    for i, obs in enumerate([0.99, 0.98, None, 0.97, 0.96]):
        series = append_point(series, 100.0 * i, 0 if i < 3 else 1, 1.0 if i < 3 else 10.0,
                              [V("gate", "success_rate", obs)])
    history = [{"action": "promote", "at": 300.0}]
    (chart,) = rollout_charts(series, history, lambda m: True, {"gate:success_rate": "success_rate(x)"})
    assert len(chart.observed) == 2  # two runs around the gap
    assert len(chart.threshold) == 1
    assert [label for _, _, label in chart.bands] == ["1%", "10%"]
    assert [what for _, what in chart.decisions] == ["promote"]
    assert chart.last == "96.00%"
