"""Property: folding a batch per group (store/group_batch.aggregate) says what the batch holds.

Each group's count, first and last occurrence, newest samples, earliest/latest event time and its
per-minute and per-logger counts are checked against the batch itself, for generated batches
whose event times repeat, fall out of order, and name one instant in different time zones.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.store.group_batch import Occurrence, aggregate

T0 = datetime(2026, 11, 23, 10, 0, 1, tzinfo=UTC)
ZONES = [UTC, timezone(timedelta(hours=11)), timezone(timedelta(hours=-5, minutes=-30))]


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[Occurrence], int]:
    n = draw(st.integers(0, 60))
    occs = []
    for i in range(n):
        at = (T0 + timedelta(seconds=draw(st.integers(-200, 200)))).astimezone(draw(st.sampled_from(ZONES)))
        occs.append(Occurrence(
            event_key=f"k@{i}", fingerprint=draw(st.sampled_from(["a", "b", "c", "d"])), seen_at=at,
            title="t", message=f"m{i}", error_type=None, level="ERROR",
            logger=draw(st.sampled_from([None, "", "gw.a", "gw.b"])), raw="r"))
    return occs, draw(st.integers(0, 7))


@settings(max_examples=300, deadline=None)
@given(batches())
def test_each_group_fold_matches_the_batch(batch: tuple[list[Occurrence], int]) -> None:
    occs, keep = batch
    folded = aggregate(occs, keep)
    order = list(dict.fromkeys(o.fingerprint for o in occs))
    assert list(folded) == order
    for fp, agg in folded.items():
        mine = [o for o in occs if o.fingerprint == fp]
        assert agg.count == len(mine)
        assert agg.first is mine[0] and agg.last is mine[-1]
        newest = mine[max(0, len(mine) - keep):]
        assert len(agg.samples) == len(newest) and all(a is b for a, b in zip(agg.samples, newest, strict=True))
        assert agg.earliest == min(o.seen_at for o in mine)
        assert agg.latest == max(o.seen_at for o in mine)
        assert agg.minutes == Counter(int(o.seen_at.timestamp() // 60) for o in mine)
        assert agg.loggers == Counter(o.logger for o in mine if o.logger)
