"""The errors stage's store hot path written raw (receipts + count upserts), for store-level tests.

Used where the real GroupRecorder is not needed to show a store property; the same statement
shape as bench/store_throughput.py.
"""

from __future__ import annotations

from collections import Counter

from sidecar.ingest.record import ErrorEvent
from sidecar.store.base import Store


def fingerprint(event: ErrorEvent) -> str:
    return f"fp-{event.exception_type}"


def event_key(event: ErrorEvent) -> str:
    return f"{event.file}:{event.offset}"


async def record(store: Store, events: list[ErrorEvent]) -> None:
    now = events[-1].timestamp
    async with store.db.transaction() as tx:
        fresh: Counter[str] = Counter()
        first: dict[str, ErrorEvent] = {}
        for event in events:
            fp = fingerprint(event)
            if await tx.execute(
                "INSERT INTO event_receipts (event_key, error_hash, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT (event_key) DO NOTHING", (event_key(event), fp, now)):
                fresh[fp] += 1
                first.setdefault(fp, event)
        for fp in sorted(fresh):
            e = first[fp]
            await tx.execute(
                "INSERT INTO error_investigations (id, error_hash, error_message, error_type, created_at, "
                "occurrence_count, last_occurrence_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (error_hash) DO UPDATE SET occurrence_count = error_investigations.occurrence_count "
                "+ excluded.occurrence_count, last_occurrence_at = excluded.last_occurrence_at, "
                "updated_at = excluded.updated_at",
                (f"id-{fp}", fp, e.message, e.exception_type, now, fresh[fp], now, now),
            )


async def total(store: Store) -> int:
    row = await store.db.fetchone("SELECT SUM(occurrence_count) AS n FROM error_investigations")
    return int(row["n"] or 0) if row else 0
