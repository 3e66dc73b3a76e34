"""Group state does not depend on the order or batching in which events arrive (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.errors.groups import GroupRecorder
from sidecar.store.sqlite import open_sqlite
from sidecar.telemetry import Telemetry

from .conftest import make_event

MESSAGES = ["kimi upload returned no file ID", "Connection closed for 10.0.0.1:4000: no close frame",
            "Connection closed for 10.0.0.2:5000: no close frame", "PGRST204 missing column",
            "PGRST205 missing table", "Error code: 429", "Error code: 500"]


async def _state(events, cuts: list[int]) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_sqlite(str(Path(tmp) / "s.db"))
        try:
            rec = GroupRecorder(store, Bus(), ManualClock(), Telemetry())
            start = 0
            for cut in sorted(set(cuts)) + [len(events)]:
                if cut > start:
                    await rec.record(events[start:cut])
                    start = cut
            await rec.record(events)  # and everything once more: re-deliveries count nothing
            rows, _ = await store.groups.list(limit=100)
            return {r["error_hash"]: r["occurrence_count"] for r in rows}
        finally:
            await store.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(MESSAGES), min_size=1, max_size=25), st.randoms(use_true_random=False),
       st.lists(st.integers(min_value=0, max_value=25), max_size=4))
async def test_counts_are_independent_of_order_and_batching(messages, rnd, cuts):
    events = [make_event(m, offset=i * 100) for i, m in enumerate(messages)]
    in_order = await _state(events, [])
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert await _state(shuffled, cuts) == in_order
    assert sum(in_order.values()) == len(events)
