"""Server-rendered SVG charts of each gate and trigger over a whole rollout (the rollout page).

Input: the rollout's evaluation series (sidecar.rollout.series) and its history. Output: plain
coordinates for the template (no JavaScript, nothing inline the CSP would refuse): the observed
value, the threshold and the baseline as polylines (broken where a value is missing), a band per
stage, and a vertical mark at each decision (promote, rollback, complete). Pure functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from . import views as v

WIDTH, HEIGHT = 600, 140
PAD_TOP, PAD_BOTTOM, PAD_LEFT, PAD_RIGHT = 10, 18, 4, 4
DECISIONS = ("promote", "rollback", "complete")  # the moments something was decided


@dataclass(frozen=True, slots=True)
class Chart:
    key: str  # "gate:success_rate"
    name: str
    role: str
    width: int
    height: int
    observed: tuple[str, ...]  # polyline point lists (one per unbroken run)
    threshold: tuple[str, ...]
    baseline: tuple[str, ...]
    bands: tuple[tuple[int, int, str], ...]  # x, width, stage label
    decisions: tuple[tuple[int, str], ...]  # x, what was decided
    top: str  # the y axis' top and bottom values, formatted
    bottom: str
    last: str  # the latest observed value, formatted


def _fmt(value: float | None, proportion: bool) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.2f}%" if proportion else f"{value:.4g}"


def _runs(points: Sequence[tuple[int, int] | None]) -> tuple[str, ...]:
    out: list[list[tuple[int, int]]] = []
    run: list[tuple[int, int]] = []
    for p in points:
        if p is None:
            if run:
                out.append(run)
            run = []
        else:
            run.append(p)
    if run:
        out.append(run)
    # A lone point draws as a short flat segment so it is visible.
    return tuple(" ".join(f"{x},{y}" for x, y in (r if len(r) > 1 else [r[0], (r[0][0] + 2, r[0][1])]))
                 for r in out)


def rollout_charts(series: Sequence[dict[str, Any]], history: Sequence[dict[str, Any]],
                   is_proportion: Callable[[str | None], bool], metrics: dict[str, str | None]) -> list[Chart]:
    """One chart per gate/trigger seen in the series, oldest evaluation at the left."""
    if not series:
        return []
    t0 = float(series[0]["t"])
    decisions = [(float(ts.timestamp()), str(e.get("action"))) for e in history
                 if e.get("action") in DECISIONS and (ts := v.as_datetime(e.get("at"))) is not None
                 and ts.timestamp() >= t0]
    t1 = max([float(series[-1]["t"])] + [t for t, _ in decisions])
    span = max(t1 - t0, 1.0)
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT

    def x_of(t: float) -> int:
        return PAD_LEFT + int(inner_w * (t - t0) / span)

    bands: list[tuple[int, int, str]] = []
    start = 0
    for i in range(1, len(series) + 1):
        if i == len(series) or series[i]["stage"] != series[start]["stage"]:
            x_a = x_of(float(series[start]["t"]))
            x_b = x_of(float(series[i]["t"])) if i < len(series) else WIDTH - PAD_RIGHT
            pct = series[start].get("percent")
            bands.append((x_a, max(1, x_b - x_a), f"{pct:g}%" if isinstance(pct, int | float) else ""))
            start = i
    marks = tuple((x_of(t), action) for t, action in decisions)
    keys: list[str] = []
    for point in series:
        keys.extend(k for k in point["v"] if k not in keys)
    charts = []
    for key in keys:
        role, _, name = key.partition(":")
        proportion = is_proportion(metrics.get(key))
        rows = [(float(p["t"]), p["v"].get(key)) for p in series]
        values = [x for _, r in rows if r for x in r[:3] if isinstance(x, int | float)]
        if not values:
            continue
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
        inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM

        def y_of(value: float, lo: float = lo, hi: float = hi, inner_h: int = inner_h) -> int:
            return PAD_TOP + int(inner_h * (hi - value) / (hi - lo))

        def line(index: int, rows: list[tuple[float, Any]] = rows) -> tuple[str, ...]:
            pts = [(x_of(t), y_of(r[index])) if r and isinstance(r[index], int | float) else None for t, r in rows]
            return _runs(pts)

        last = next((r[0] for _, r in reversed(rows) if r and isinstance(r[0], int | float)), None)
        charts.append(Chart(key=key, name=name, role=role, width=WIDTH, height=HEIGHT, observed=line(0),
                            threshold=line(1), baseline=line(2), bands=tuple(bands), decisions=marks,
                            top=_fmt(hi, proportion), bottom=_fmt(lo, proportion), last=_fmt(last, proportion)))
    return charts
