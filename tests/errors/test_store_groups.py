"""The group repository on a real database (SQLite and, through the `store` fixture, PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from sidecar.store.groups import Occurrence, UnknownGroup

T0 = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def occ(key: str, fp: str = "a" * 32, at: datetime = T0, logger: str | None = "src.app", level: str = "ERROR",
        message: str = "boom 1", title: str = "boom <*>", error_type: str | None = None) -> Occurrence:
    return Occurrence(event_key=key, fingerprint=fp, seen_at=at, title=title, message=message, error_type=error_type,
                      level=level, logger=logger, raw=f"2026-11-23 12:00:00 {level} {logger}: {message}",
                      source="gw", file="/var/log/gw.log", line=1, data={"frames": []})


async def test_a_batch_creates_a_group_with_counts_samples_and_loggers(store):
    repo = store.groups
    batch = [occ(f"f@{i}", logger="a" if i % 3 else "b", message=f"boom {i}") for i in range(7)]
    changes = await repo.record_batch(batch, samples_per_group=5, at=T0)
    assert len(changes) == 1 and changes[0].new and changes[0].added == 7 and changes[0].occurrence_count == 7
    row = await repo.get("a" * 32)
    assert row["occurrence_count"] == 7 and row["status"] == "open" and row["error_message"] == "boom 0"
    assert row["created_at"] == T0 and row["last_occurrence_at"] == T0 and row["resolved"] is False
    samples = await repo.samples("a" * 32, 100)
    assert [s["message"] for s in samples] == ["boom 6", "boom 5", "boom 4", "boom 3", "boom 2"]
    assert await repo.loggers("a" * 32) == [("a", 4), ("b", 3)]


async def test_a_re_sent_batch_is_not_counted_twice(store):
    repo = store.groups
    batch = [occ(f"f@{i}") for i in range(4)]
    await repo.record_batch(batch, at=T0)
    again = await repo.record_batch(batch + [occ("f@4")], at=T0 + timedelta(seconds=5))
    assert [(c.added, c.occurrence_count, c.new) for c in again] == [(1, 5, False)]
    assert await repo.record_batch(batch, at=T0) == []
    assert (await repo.get("a" * 32))["occurrence_count"] == 5
    assert sum(await repo.series("a" * 32, T0 + timedelta(seconds=5), 5)) == 5


async def test_concurrent_writers_add_up_and_exactly_one_announces_the_new_group(store):
    """Two replicas (two tasks on one database) write overlapping batches for one new group."""
    repo = store.groups
    a = [occ(f"replica-a@{i}") for i in range(20)]
    b = [occ(f"replica-b@{i}") for i in range(20)]
    shared = [occ(f"shared@{i}") for i in range(10)]  # a file both replicas read
    results = await asyncio.gather(repo.record_batch(a + shared, at=T0), repo.record_batch(b + shared, at=T0))
    changes = [c for r in results for c in r]
    assert sum(c.new for c in changes) == 1
    assert sum(c.added for c in changes) == 50
    assert (await repo.get("a" * 32))["occurrence_count"] == 50


async def test_resolved_then_recurring_becomes_regressed_once(store):
    repo = store.groups
    fp = "b" * 32
    await repo.record_batch([occ("x@1", fp)], at=T0)
    row = await repo.set_status(fp, "resolve", T0 + timedelta(minutes=1), "fixed in 1.2.3")
    assert row["status"] == "resolved" and row["resolved"] is True and row["resolution_notes"] == "fixed in 1.2.3"
    changes = await repo.record_batch([occ("x@2", fp, at=T0 + timedelta(minutes=2))], at=T0 + timedelta(minutes=2))
    assert changes[0].regressed and not changes[0].new and changes[0].regression_count == 1
    row = await repo.get(fp)
    assert row["status"] == "regressed" and row["resolved"] is False and row["regressed_at"] == T0 + timedelta(minutes=2)
    assert row["last_occurrence_at"] == T0 + timedelta(minutes=2)
    # Recurring again while regressed is an update, not another regression.
    changes = await repo.record_batch([occ("x@3", fp)], at=T0 + timedelta(minutes=3))
    assert not changes[0].regressed and changes[0].status == "regressed"


async def test_muted_groups_keep_counting_and_stay_muted(store):
    repo = store.groups
    fp = "c" * 32
    await repo.record_batch([occ("m@1", fp)], at=T0)
    await repo.set_status(fp, "mute", T0)
    changes = await repo.record_batch([occ("m@2", fp)], at=T0)
    assert changes[0].status == "muted" and changes[0].occurrence_count == 2 and not changes[0].regressed
    row = await repo.set_status(fp, "reopen", T0)
    assert row["status"] == "open"
    with pytest.raises(UnknownGroup):
        await repo.set_status("nope", "resolve", T0)
    with pytest.raises(ValueError):
        await repo.set_status(fp, "delete", T0)


async def test_list_filters_sorts_and_pages(store):
    repo = store.groups
    batch = []
    for i in range(12):
        fp = f"{i:032x}"
        level = "WARNING" if i % 4 == 0 else "ERROR"
        logger = "src.providers.kimi" if i % 2 else "ws_daemon"
        for j in range(i + 1):
            batch.append(occ(f"{fp}@{j}", fp, at=T0 + timedelta(minutes=i), logger=logger, level=level,
                             title=f"Kimi upload failed variant {i}" if i == 7 else f"group {i}",
                             message=f"message {i}"))
    await repo.record_batch(batch, at=T0)
    rows, total = await repo.list(sort="count", limit=5)
    assert total == 12 and [r["occurrence_count"] for r in rows] == [12, 11, 10, 9, 8]
    rows, total = await repo.list(sort="count", limit=5, offset=10)
    assert total == 12 and [r["occurrence_count"] for r in rows] == [2, 1]
    rows, _ = await repo.list(sort="last_seen", limit=2)
    assert [r["error_hash"] for r in rows] == [f"{11:032x}", f"{10:032x}"]
    rows, total = await repo.list(level="warning")
    assert total == 3 and {r["level"] for r in rows} == {"WARNING"}
    _, total = await repo.list(logger="ws_daemon")
    assert total == 6
    rows, total = await repo.list(q="KIMI UPLOAD")
    assert total == 1 and rows[0]["error_hash"] == f"{7:032x}"
    _, total = await repo.list(q="100%_")  # LIKE wildcards are literal
    assert total == 0
    await repo.set_status(f"{3:032x}", "resolve", T0)
    _, total = await repo.list(status=["open", "regressed"])
    assert total == 11
    assert await repo.counts_by_status() == {"open": 11, "regressed": 0, "muted": 0, "resolved": 1}


async def test_per_minute_counts_series_events_per_minute_and_prune(store):
    repo = store.groups
    fp = "d" * 32
    batch = [occ(f"p@{i}", fp, at=T0 + timedelta(seconds=20 * i)) for i in range(9)]  # 3 minutes, 3 each
    batch.append(occ("q@1", "e" * 32, at=T0 + timedelta(seconds=30)))
    await repo.record_batch(batch, at=T0)
    now = T0 + timedelta(minutes=2, seconds=59)
    assert await repo.series(fp, now, 4) == [0, 3, 3, 3]
    assert await repo.events_per_minute(now, 3) == [4, 3, 3]
    later = T0 + timedelta(hours=24, minutes=1, seconds=30)
    pruned_occ, pruned_receipts = await repo.prune(later)
    assert pruned_occ == 2 and pruned_receipts == 0  # the first minute of each group went
    assert await repo.series(fp, now, 4) == [0, 0, 3, 3]
    assert (await repo.prune(T0 + timedelta(days=4)))[1] == 10
    assert await repo.receipt_count() == 0


async def test_ten_thousand_groups_list_through_indexes(sqlite_store):
    db = sqlite_store.db
    # Seed 10,000 groups in SQL (the batch path is tested above; this is about the read side).
    async with db.transaction() as tx:
        await tx.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) "
            "INSERT INTO error_investigations (id, error_hash, error_message, created_at, occurrence_count, "
            "last_occurrence_at, status, title, level, logger, updated_at) "
            "SELECT printf('%d', i), printf('%032x', i), 'm', ?, i, ?, "
            "CASE WHEN i % 10 = 0 THEN 'resolved' ELSE 'open' END, 'title ' || i, 'ERROR', "
            "'logger' || (i % 7), ? FROM n",
            (T0, T0, T0),
        )
    repo = sqlite_store.groups
    rows, total = await repo.list(sort="count", limit=50, offset=50)
    assert total == 10_000 and [r["occurrence_count"] for r in rows][:2] == [9950, 9949]
    rows, total = await repo.list(status="open", logger="logger3", sort="count", limit=10)
    assert total == len([i for i in range(1, 10_001) if i % 10 and i % 7 == 3]) and len(rows) == 10
    for sql in ("SELECT error_hash FROM error_investigations ORDER BY occurrence_count DESC LIMIT 5",
                "SELECT error_hash FROM error_investigations WHERE status = 'open' ORDER BY last_occurrence_at DESC",
                "SELECT error_hash FROM error_investigations WHERE logger = 'x'"):
        plan = " ".join(str(r) for r in await db.fetchall("EXPLAIN QUERY PLAN " + sql))
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, (sql, plan)


async def test_large_batches_cross_the_statement_chunks(store):
    repo = store.groups
    batch = [occ(f"big@{i}", f"{i % 250:032x}", message=f"m{i}") for i in range(1000)]
    changes = await repo.record_batch(batch, samples_per_group=2, at=T0)
    assert len(changes) == 250 and all(c.new and c.added == 4 for c in changes)
    assert [s["message"] for s in await repo.samples(f"{7:032x}", 10)] == ["m757", "m507"]
    row = await store.db.fetchone("SELECT COUNT(*) AS n FROM error_samples")
    assert row["n"] == 500


async def test_nul_bytes_and_lone_surrogates_are_stored_not_refused(store, clock):
    """PostgreSQL refuses NUL and lone surrogates in TEXT/JSONB: a log line must not wedge ingest."""
    from sidecar.bus import Bus
    from sidecar.errors.groups import GroupRecorder
    from sidecar.telemetry import Telemetry

    from .conftest import make_event

    rec = GroupRecorder(store, Bus(), clock, Telemetry())
    bad = make_event("binary junk \x00\x00 in a JSON log \ud800 line", offset=0, logger="src.\x00x")
    bad.context = ("prev \x00 line",)
    await rec.record([bad])
    rows, total = await store.groups.list()
    assert total == 1 and "\x00" not in rows[0]["error_message"] and "\ufffd" in rows[0]["error_message"]
    sample = (await store.groups.samples(rows[0]["error_hash"]))[0]
    assert sample["data"]["context"] == ["prev \ufffd line"] and sample["logger"] == "src.\ufffdx"


@pytest.mark.parametrize("seen", ["random", "first_key", "last_key"])
async def test_a_partly_re_sent_batch_counts_exactly_its_new_events(store, seen):
    """A batch written as one run of statements on the guess "all new" must fall back exactly when
    some of its events (in any receipt chunk: the first, the last, scattered) were stored before."""
    import random

    repo = store.groups
    rng = random.Random(16)
    fps = [f"{g:032x}" for g in range(7)]
    # Keys do not sort in batch order (receipts are chunked in key order, groups by fingerprint).
    batch = [occ(f"k{rng.randrange(10**9):09d}@{i}", rng.choice(fps), at=T0 + timedelta(seconds=i % 150),
                 message=f"m{i}") for i in range(1000)]
    keys = sorted(o.event_key for o in batch)
    before = {"random": set(rng.sample(keys, 400)), "first_key": {keys[0]}, "last_key": {keys[-1]}}[seen]
    await repo.record_batch([o for o in batch if o.event_key in before], samples_per_group=2, at=T0)
    changes = await repo.record_batch(batch + batch[:50], samples_per_group=2, at=T0 + timedelta(minutes=5))

    fresh = [o for o in batch if o.event_key not in before]
    added = {fp: sum(o.fingerprint == fp for o in fresh) for fp in fps}
    assert {c.fingerprint: c.added for c in changes} == {fp: n for fp, n in added.items() if n}
    assert [c.fingerprint for c in changes] == sorted(c.fingerprint for c in changes)
    assert await repo.receipt_count() == 1000
    for fp in fps:
        mine = [o for o in batch if o.fingerprint == fp]
        row = await repo.get(fp)
        assert row["occurrence_count"] == len(mine)
        assert sum(n for _, n in await repo.minute_counts(fp, 0, 10**9)) == len(mine)
        newest = [o.message for o in fresh if o.fingerprint == fp][-2:][::-1]
        assert [s["message"] for s in await repo.samples(fp, 10)][:len(newest)] == newest
    assert await repo.record_batch(batch, samples_per_group=2, at=T0) == []
