"""Pre-aggregated counts, on SQLite and a real PostgreSQL: per group per hour (error_hourly, the
errors list's 24 h sparklines) and per minute over all groups (error_minute_totals, the overview's
events per minute). Both kept equal to the per-minute rows on every write (a re-delivered batch
counts nothing), bounded by prune; the list reads 24 clock-hour bars ending with the current hour."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sidecar.store.groups import Occurrence

T0 = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def _occ(key: str, fp: str, at: datetime) -> Occurrence:
    return Occurrence(event_key=key, fingerprint=fp, seen_at=at, title="t <*>", message="m", error_type=None,
                      level="ERROR", logger="src.app", raw="ERROR m")


async def _compare(store) -> None:
    minutes = await store.db.fetchall("SELECT error_hash, minute, count FROM error_occurrences")
    expected: dict[tuple[str, int], int] = {}
    for r in minutes:
        key = (r["error_hash"], int(r["minute"]) // 60)
        expected[key] = expected.get(key, 0) + int(r["count"])
    hourly = {(r["error_hash"], int(r["hour"])): int(r["count"])
              for r in await store.db.fetchall("SELECT error_hash, hour, count FROM error_hourly")}
    assert hourly == expected
    per_minute: dict[int, int] = {}
    for r in minutes:
        per_minute[int(r["minute"])] = per_minute.get(int(r["minute"]), 0) + int(r["count"])
    totals = {int(r["minute"]): int(r["count"]) for r in await store.db.fetchall(
        "SELECT minute, count FROM error_minute_totals")}
    assert totals == per_minute  # the overview's events-per-minute table (migration 0020)


async def test_hourly_counts_follow_the_minute_rows_on_every_write(store):
    rng = random.Random(7)
    batches = []
    for b in range(6):
        batch = [_occ(f"b{b}-{i}", f"fp{rng.randrange(12)}", T0 + timedelta(seconds=rng.randrange(30 * 3600)))
                 for i in range(rng.randrange(1, 80))]
        batches.append(batch)
        await store.groups.record_batch(batch, at=T0)
        await _compare(store)
    await store.groups.record_batch(batches[2], at=T0)  # re-delivered: counted once
    await _compare(store)
    total = await store.db.fetchone("SELECT SUM(count) AS n FROM error_hourly")
    assert int(total["n"]) == sum(len({o.event_key for o in b}) for b in batches)


async def test_prune_bounds_the_hours(store):
    await store.groups.record_batch([_occ(f"k{h}", "fp", T0 + timedelta(hours=h)) for h in range(30)], at=T0)
    now = T0 + timedelta(hours=30)
    await store.groups.prune(now)
    hours = sorted(int(r["hour"]) for r in await store.db.fetchall("SELECT hour FROM error_hourly"))
    oldest_minute = int((now - timedelta(hours=24)).timestamp() // 60)
    assert hours and hours[0] == oldest_minute // 60 - 1 and len(hours) == 25
    minutes = [int(r["minute"]) for r in await store.db.fetchall("SELECT minute FROM error_minute_totals")]
    assert minutes and min(minutes) >= oldest_minute


async def test_the_list_reads_24_clock_hour_bars_ending_with_the_current_hour(start_sidecar):
    from sidecar.web.pages import data

    running = await start_sidecar()
    now = running.clock.time()
    at = datetime.fromtimestamp(now, UTC)
    this_hour = at.replace(minute=0, second=0, microsecond=0)
    occs = [_occ("a", "fpA", this_hour + timedelta(seconds=1)),  # the current hour, twice
            _occ("b", "fpA", this_hour + timedelta(seconds=2)),
            _occ("c", "fpA", this_hour - timedelta(hours=23)),  # the oldest bar
            _occ("d", "fpA", this_hour - timedelta(hours=24)),  # outside: 25 hours ago
            _occ("e", "fpB", this_hour - timedelta(minutes=1))]  # the previous hour
    await running.sidecar.store.groups.record_batch(occs, at=at)
    bars = await data.hourly_sparklines(running.sidecar, ["fpA", "fpB", "fpC"], now, 24)
    assert bars["fpA"] == [1] + [0] * 22 + [2]
    assert bars["fpB"] == [0] * 22 + [1, 0]
    assert bars["fpC"] == [0] * 24
