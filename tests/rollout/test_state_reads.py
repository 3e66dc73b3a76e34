"""A rollout's state row is decoded again only when it changed (store/rollouts.py `get_unless`,
rollout/transitions.py `load`): what another replica wrote is always seen, what a page adds is never kept."""

from __future__ import annotations

from sidecar.clock import utc
from sidecar.rollout.views import detail
from sidecar.store.rollouts import decoded_data

from .conftest import rollout_config
from .test_controller import NAME, state, step


async def test_unchanged_row_sends_no_data_and_any_write_sends_it(store) -> None:
    repo = store.rollouts
    at = utc(1_763_900_000.0)
    await repo.ensure("r", at)
    row = await repo.get("r")
    same = await repo.get_unless("r", row["version"], row["updated_at"])
    assert same is not None and same["data"] is None and same["version"] == row["version"]
    assert same["state"] == "idle" and same["updated_at"] == row["updated_at"]
    later = utc(1_763_900_010.5)
    assert await repo.save_data("r", row["version"], {"series": [{"t": 1.5}], "n": 3}, later)
    moved = await repo.get_unless("r", row["version"], row["updated_at"])
    assert decoded_data(moved["data"]) == {"series": [{"t": 1.5}], "n": 3}
    assert moved["version"] == row["version"] + 1
    # A replaced database starts versions over: the same version with another write time is read again.
    other_time = await repo.get_unless("r", moved["version"], at)
    assert decoded_data(other_time["data"]) == {"series": [{"t": 1.5}], "n": 3}
    assert await repo.get_unless("missing", 0, at) is None


async def test_a_replica_sees_the_other_replicas_evaluations_and_pages_change_nothing_kept(
        make, sqlite_store, clock, traffic, store2) -> None:
    cfg = rollout_config()
    a = make([cfg], sqlite_store, traffic, clock=clock, replica="a")
    b = make([cfg], store2, traffic, clock=clock, replica="b")
    await a.act(NAME, "start")
    for i in range(4):
        # alternate who evaluates: each must read what the other stored since its own last read
        await step(clock, [b, a] if i % 2 else [a, b], traffic)
        shown = await detail(a, NAME)  # the API adds per-verdict counters to what it shows
        assert all("counters" in v for v in shown["gates"])
    for c in (a, b):
        snap = await state(c)
        assert snap.data["counters"]["gate:success-rate"]["evaluations"] == 4
        assert snap.data["samples"] == 200
        assert all("counters" not in v for v in snap.data["verdicts"])
    stored = decoded_data((await sqlite_store.rollouts.get(NAME))["data"])
    assert all("counters" not in v for v in stored["verdicts"])
