"""How far the writer's clock is from ours, estimated from when its records arrive.

The gateway stamps each record with its own `datetime.utcnow()`. If its clock is off (or a
writer stamps local time as if UTC), every record looks late (clock behind) or in the future
(clock ahead). Late-looking records would settle outside their stage and the freshness gate would
call a live source stale; future ones would sit outside every window. So each record's delay
(arrival on our clock - its timestamp) is observed, and when a low quantile of the recent delays
is beyond `tolerance` the writer's clock is taken to be off by that much and timestamps are
shifted by it.

Why a low quantile (10th percentile of the last 64 delays): a delay is offset + transport lag,
and lag is never negative, so the smallest delays estimate the offset; genuinely late records
only add to the upper tail, and a few bogus future stamps (< 10%) cannot move it. A whole stream
that arrives a constant time late is indistinguishable from a skewed clock and is treated as one
(its records keep their order and spacing, only the stage boundary moves by that much).
The delays must also bunch (median - 10th percentile within `tolerance`): a backlog of old
records flushed at once spreads its delays over its age and is not a skew.
Records replayed from history at start (start_at: beginning) are not observed: their delay is
their age, not a clock offset.
"""

from __future__ import annotations

from collections import deque


class SkewEstimator:
    def __init__(self, tolerance: float = 30.0, keep: int = 64, min_observations: int = 8,
                 quantile: float = 0.1) -> None:
        self.tolerance = tolerance
        self.min_observations = min_observations
        self.quantile = quantile
        self._delays: deque[float] = deque(maxlen=keep)
        self._offset = 0.0
        self._dirty = False

    def observe(self, delay: float) -> None:
        """One record's arrival time minus its timestamp (seconds)."""
        self._delays.append(delay)
        self._dirty = True

    def offset(self) -> float:
        """Seconds to add to a timestamp to put it on our clock (0 while within tolerance)."""
        if self._dirty:
            self._dirty = False
            if len(self._delays) >= self.min_observations:
                ordered = sorted(self._delays)
                low = ordered[int(self.quantile * (len(ordered) - 1))]
                mid = ordered[(len(ordered) - 1) // 2]
                steady = mid - low <= self.tolerance  # a skewed clock: delays bunch; a backlog: they spread
                self._offset = low if abs(low) > self.tolerance and steady else 0.0
        return self._offset
