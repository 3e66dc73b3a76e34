"""Gateway metric values around a group's first seen, for the LLM prompt.

Read from the metrics hub's scraped series (sidecar/metrics/series.py), with the hub's own
Prometheus-style window functions, so a number in the prompt is the number a rollout gate would
read. For each series of interest (errors, latency, memory/CPU, semaphores, concurrency, circuit
state: the gateway's families in /work/shared/research/upstream-gateway.md) it gives the value in
the `window` before first seen and in the `window` after it: a counter its increase, a gauge its
last value before and its highest after, a histogram its mean (`_sum` / `_count` increases).
The series that changed most come first and the list is bounded; nothing in the hub gives None.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..metrics import window as wf
from ..metrics.series import SeriesKey, SeriesStore

WINDOW = 300.0
MAX_SERIES = 16
INTEREST = re.compile(r"error|fail|timeout|latency|duration|memory|cpu|semaphore|concurrent|connections|circuit|"
                      r"queue|exhaust|leak|status", re.I)
_COUNTER = ("_total", "_count", "_sum")


@dataclass(frozen=True, slots=True)
class Reading:
    series: str
    kind: str  # counter | gauge | mean
    before: float | None
    after: float | None

    @property
    def change(self) -> float:
        """0 (unchanged or unknown) .. 1 (from or to zero): how much this series moved at first seen."""
        if self.before is None or self.after is None:
            return 0.0
        scale = max(abs(self.before), abs(self.after))
        return 0.0 if scale == 0 else abs(self.after - self.before) / scale

    def to_json(self) -> dict[str, Any]:
        return {"series": self.series, "kind": self.kind, "before": _round(self.before), "after": _round(self.after)}


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def _label(key: SeriesKey, name: str | None = None) -> str:
    labels = ",".join(f"{k}={v}" for k, v in key.labels)
    return f"{name or key.name}{{{labels}}}" if labels else (name or key.name)


def _inc(samples: list[tuple[float, float]], start: float, end: float) -> float | None:
    return wf.increase([samples], start, end).value


def readings(series: SeriesStore, at: float, window: float = WINDOW) -> list[Reading]:
    """Every series of interest, before (at-window, at] and after (at, at+window] (pure over the store)."""
    out: list[Reading] = []
    before, after = (at - window, at), (at, at + window)
    names = sorted(n for n in series.names() if INTEREST.search(n) and not n.endswith(("_bucket", "_created")))
    for name in names:
        if name.endswith("_count") and name[:-6] + "_sum" in names:
            continue  # read with its _sum as a mean
        for key, ring in series.select(name):
            pts = list(ring)
            if name.endswith("_sum") and name[:-4] + "_count" in names:
                count = dict(series.select(name[:-4] + "_count", dict(key.labels), target=key.target))
                cring = next(iter(count.values()), None)
                if cring is None:
                    continue
                cpts = list(cring)
                means = []
                for start, end in (before, after):
                    s, c = _inc(pts, start, end), _inc(cpts, start, end)
                    means.append(s / c if s is not None and c else None)
                out.append(Reading(_label(key, name[:-4]), "mean", means[0], means[1]))
            elif name.endswith(_COUNTER):
                out.append(Reading(_label(key), "counter", _inc(pts, *before), _inc(pts, *after)))
            else:
                out.append(Reading(_label(key), "gauge", wf.gauge("gauge_last", [pts], *before).value,
                                   wf.gauge("gauge_max", [pts], *after).value))
    return [r for r in out if (r.before is not None or r.after is not None)
            and all(v is None or math.isfinite(v) for v in (r.before, r.after))]


def around(series: SeriesStore, at: float, window: float = WINDOW, limit: int = MAX_SERIES) -> dict[str, Any] | None:
    """The prompt's 'gateway metrics around first seen' block; None when the hub holds nothing then."""
    found = sorted(readings(series, at, window), key=lambda r: (-r.change, r.series))
    if not found:
        return None
    out: dict[str, Any] = {
        "window_seconds": window,
        "how": "before = the window before first seen, after = the window after it; counter: increase, "
               "gauge: last value before / highest after, mean: histogram sum/count",
        "series": [r.to_json() for r in found[:limit]],
    }
    if len(found) > limit:
        out["omitted_series"] = len(found) - limit
    return out
