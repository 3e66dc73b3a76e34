"""Each evaluation's gate and trigger values, kept for the rollout page's charts (issue 21).

A point per evaluation: time, stage, percent, and per verdict (`gate:<name>` / `trigger:<name>`)
the observed value, the effective threshold, the baseline and the verdict. Kept in the rollout's
state data (no table of its own), so it is bounded: past MAX_POINTS the older half is thinned to
every second point, which keeps the whole run's span at a coarser step instead of dropping its start.
A new run (start) begins with empty data, so a chart shows one run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

MAX_POINTS = 600


def append_point(series: Sequence[dict[str, Any]] | None, now: float, stage: int, percent: float,
                 verdicts: Iterable[Any]) -> list[dict[str, Any]]:
    """The series with this evaluation's point added (pure; `verdicts` are GateVerdicts)."""
    values = {f"{v.role}:{v.name}": [v.observed, v.threshold, v.baseline, v.verdict] for v in verdicts}
    out = list(series or [])
    out.append({"t": now, "stage": stage, "percent": percent, "v": values})
    if len(out) > MAX_POINTS:
        half = len(out) // 2
        out = out[:half:2] + out[half:]
    return out
