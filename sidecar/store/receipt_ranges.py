"""Exactly-once receipts for events read from files: one row per (file stream, batch), not per event.

Why: `event_receipts` held one row per event (`<file identity>@<offset>`), so its primary-key index
grew with every event kept for `receipts_for` (3 days), and inserting a batch's keys cost 3.4 us
per event on an empty table and 9.5 us at a few million rows (bench/RESULTS.md, round 8). A file
event's key is already structured - a stream (the file's identity: device:inode:head-hash, or
source:path) and a byte offset - so a batch stores, per stream, ONE row: the lowest and highest
offset it counted and the exact set of its offsets (delta-encoded). The table grows with batches,
not events, and the lookup only reads the rows of that stream that end at or after the batch's
first offset (index on (stream_key, hi)): for a reader moving forward, the last row or two.

The row holds the exact set, not just the interval, on purpose. A single per-file high-water mark
(or "[lo, hi] counted") is unsafe: in Docker's json-file log the stdout and stderr records of one
file finish out of offset order (a stderr traceback that started at offset 100 is emitted after a
stdout record at 300 completed: moby daemon/logger/jsonfilelog writes each stream's lines as they
arrive; ingest/docker.py reassembles each stream separately), two replicas cut batches at different
places, and a re-read after a crash starts at the checkpoint, before records already counted. An
offset is counted iff it is in some row's set - exactly what the per-event key said - so none of
those orders matters. Semantics are those of the old keys: same stream, same offset = same event.

Concurrency (several replicas on one database): a batch reads the rows, then inserts its own, so
two replicas must not both read "not there" for the same offset.
- SQLite: the write transaction is `BEGIN IMMEDIATE` (store/sqlite.py): every writer, in this
  process or another, is serialised before its first read.
- PostgreSQL (and Supabase, which runs the same SQL): `pg_advisory_xact_lock(class, hashtext(stream))`
  per stream, taken in sorted order before the read (no deadlock: every replica takes them in the
  same order, and before any row lock of the batch). The lock is held to commit, and under READ
  COMMITTED (PostgreSQL's default, which the adapter keeps) the read that follows the wait takes a
  new snapshot, so it sees the rows the other replica committed. An exclusion constraint
  (`EXCLUDE USING gist (stream_key WITH =, int8range(lo, hi, '[]') WITH &&)`) was the other option
  and does not fit: rows of different batches overlap legitimately (interleaved streams, different
  cuts), it needs the btree_gist extension, and it would turn a race into an error and a retry
  instead of a short wait. A hash collision of two streams only makes them wait for each other.
  Supabase checks at commit that every previewed read still gives the same rows, so a race there
  fails with StoreConflict and the batch is re-run (store/supabase.py).

Upgrade: rows of `event_receipts` written before this table existed still name file events. The
migration leaves a marker row (stream `~legacy`, hi = 2^62) when it found any; while that marker
lives (it is pruned with the other rows, after `receipts_for`), ranged events are also looked up by
their old keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .database import Executor, Statement, run_statements
from .group_batch import Occurrence

LEGACY = "~legacy"  # marker row of migration 0021: per-event file receipts may still exist
LOCK_CLASS = 0x5EC1  # first key of the two-key advisory lock: this module's namespace
_LOOKUP_CHUNK = 100  # streams per lookup statement
_LEGACY_CHUNK = 500  # keys per legacy lookup


@dataclass(frozen=True, slots=True)
class Claim:
    """What one batch claimed: the occurrences new to the store, and the rows recording them."""

    fresh: list[Occurrence]
    rows: list[tuple[Any, ...]]  # (stream_key, lo, hi, n, offsets, received_at) to insert


def ranged(occ: Occurrence) -> bool:
    """An event read from a file (it has a stream and a byte offset); SDK events keep their own keys."""
    return occ.stream is not None and occ.offset is not None


def encode(offsets: Sequence[int]) -> str:
    """Sorted distinct offsets as comma-separated deltas from the first (the first is the row's `lo`)."""
    return ",".join(str(b - a) for a, b in zip(offsets, offsets[1:], strict=False))


def decode(lo: int, text: str) -> list[int]:
    """The offsets `encode` wrote for a row starting at `lo`."""
    out = [lo]
    if text:
        for delta in text.split(","):
            out.append(out[-1] + int(delta))
    return out


def by_stream(occs: Iterable[Occurrence]) -> dict[str, dict[int, Occurrence]]:
    """{stream: {offset: occurrence}} (the first occurrence of an offset wins, like the old keys)."""
    out: dict[str, dict[int, Occurrence]] = {}
    for occ in occs:
        assert occ.stream is not None and occ.offset is not None
        out.setdefault(occ.stream, {}).setdefault(occ.offset, occ)
    return out


def streams_under(prefix: str) -> tuple[str, tuple[str, str]]:
    """SQL and parameters for the distinct streams whose name starts with `prefix` (ingest/copystreams.py).

    A range on the (stream_key, hi) index, not LIKE: no escaping, and both backends use the index.
    `prefix` ends with ':' and the next character in byte order is ';'. Twin rows (n = 0, `claim`) are not
    streams anyone read: listed, they made a renamed generation read under its own inode look like a copy of
    the live inode at the next start (copystreams.copied_live -> read under `dev:L`: counted twice, writer
    replicas timed-500, round 13)."""
    assert prefix.endswith(":"), prefix
    return ("SELECT DISTINCT stream_key FROM receipt_ranges WHERE stream_key >= ? AND stream_key < ? AND n > 0",
            (prefix, prefix[:-1] + ";"))


def twins_of(streams: dict[str, dict[int, Occurrence]]) -> dict[str, str]:
    """{stream: its twin} for the streams whose occurrences name one (Occurrence.twin; see `claim`)."""
    out: dict[str, str] = {}
    for name, offs in streams.items():
        twin = next((occ.twin for occ in offs.values() if occ.twin), None)
        if twin is not None and twin != name:
            out[name] = twin
    return out


def _lookup(spans: dict[str, tuple[int, int]], names: list[str]) -> Statement:
    where = " OR ".join("(stream_key = ? AND hi >= ? AND lo <= ?)" for _ in names)
    params: list[Any] = []
    for name in names:
        params.extend((name, *spans[name]))
    return Statement(f"SELECT stream_key, lo, offsets FROM receipt_ranges WHERE {where} OR stream_key = ?",
                     (*params, LEGACY), returning=True)


async def claim(tx: Executor, dialect: str, occs: Sequence[Occurrence], at: datetime) -> Claim:
    """Lock the batch's streams, find which of its offsets are already counted, and return the rest.

    Must run inside the batch's write transaction; the caller inserts `rows` in the same
    transaction (`insert_statement`), so the receipts and the counts commit or roll back together.

    Twins (ingest/copystreams.py, dev seed logrotate-343): a copytruncate copy read under its OWN
    inode's stream because the store held nothing of its original when it was opened may hold events
    that another replica read from the original - before the truncation, not stored yet - and stores
    under the original's stream. Such occurrences name that stream as `twin`. An offset counted under
    the twin counts as done, and a fresh one is recorded under BOTH names, in this transaction: so
    whichever replica commits second sees the other's row, in either order, and the original's reader
    needs to know nothing of the copy. The twin row has n = 0: it counts no event of its own (the
    receipts' count, RECEIPT_COUNT_SQL, stays the number of distinct events). Locks (PostgreSQL)
    are taken over both names in one sorted order, as for the batch's own streams.
    """
    streams = by_stream(occs)
    names = sorted(streams)
    if not names:
        return Claim([], [])
    twins = twins_of(streams)
    spans: dict[str, tuple[int, int]] = {}
    for name in names:
        for key in (name, twins.get(name)):
            if key is not None:
                lo, hi = spans.get(key, (min(streams[name]), max(streams[name])))
                spans[key] = (min(lo, min(streams[name])), max(hi, max(streams[name])))
    every = sorted(spans)
    pre: list[Statement] = []
    if dialect == "postgres":
        # The class is a literal: a Python int parameter may be sent as int8, and there is no
        # pg_advisory_xact_lock(int8, int4). hashtext is PostgreSQL's own text hash (int4).
        pre.extend(Statement(f"SELECT pg_advisory_xact_lock({LOCK_CLASS}, hashtext(?))", (name,), returning=True)
                   for name in every)
    lookups = [_lookup(spans, every[i:i + _LOOKUP_CHUNK]) for i in range(0, len(every), _LOOKUP_CHUNK)]
    results = await run_statements(tx, [*pre, *lookups])
    seen: dict[str, set[int]] = {}
    legacy = False
    for rows in results[len(pre):]:
        for row in rows:
            if row["stream_key"] == LEGACY:
                legacy = True
            else:
                seen.setdefault(row["stream_key"], set()).update(decode(int(row["lo"]), row["offsets"]))
    if legacy:
        await _drop_legacy(tx, streams)
    fresh_ids: set[int] = set()
    counted: dict[str, list[int]] = {}  # stream -> offsets this batch counts under it
    echoed: dict[str, list[int]] = {}  # twin -> offsets counted under another name (rows with n = 0)
    for name in names:
        twin = twins.get(name)
        done = seen.setdefault(name, set())
        other = seen.setdefault(twin, set()) if twin is not None else set()
        new = sorted(off for off in streams[name] if off not in done and off not in other)
        if not new:
            continue
        fresh_ids.update(id(streams[name][off]) for off in new)
        done.update(new)
        counted.setdefault(name, []).extend(new)
        if twin is not None:
            other.update(new)
            echoed.setdefault(twin, []).extend(new)
    out_rows: list[tuple[Any, ...]] = []
    for rows_of, counts in ((counted, True), (echoed, False)):
        for name, offs in sorted(rows_of.items()):
            new = sorted(set(offs))
            out_rows.append((name, new[0], new[-1], len(new) if counts else 0, encode(new), at))
    # In the batch's order (first/last occurrence and samples depend on it).
    return Claim([occ for occ in occs if id(occ) in fresh_ids], out_rows)


async def _drop_legacy(tx: Executor, streams: dict[str, dict[int, Occurrence]]) -> None:
    """Remove from `streams` the offsets counted by a per-event receipt written before migration 0021."""
    keys = {occ.event_key: (name, off) for name, offs in streams.items() for off, occ in offs.items()}
    found: list[str] = []
    items = sorted(keys)
    for i in range(0, len(items), _LEGACY_CHUNK):
        chunk = items[i:i + _LEGACY_CHUNK]
        rows = await tx.fetchall(
            f"SELECT event_key FROM event_receipts WHERE event_key IN ({', '.join('?' for _ in chunk)})", chunk)
        found.extend(r["event_key"] for r in rows)
    for key in found:
        name, off = keys[key]
        streams[name].pop(off, None)


def insert_statement(rows: list[tuple[Any, ...]]) -> list[Statement]:
    """The INSERT of a claim's rows (none when the batch had no new ranged event)."""
    if not rows:
        return []
    return [Statement("INSERT INTO receipt_ranges (stream_key, lo, hi, n, offsets, received_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", rows, many=True)]
