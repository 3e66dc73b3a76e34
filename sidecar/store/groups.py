"""Error groups: the repository behind the errors stage, the dashboard and the groups API.

Tables (migrations 0002 and 0010): `error_investigations` (one row per group, the gateway team's
planned columns plus the sidecar's), `error_occurrences` (per-minute counts, 24 h),
`error_samples` (a ring of the latest raw events per group), `error_loggers` (counts per logger),
`event_receipts` (exactly-once keys).

Exactly once, also with several replicas on one PostgreSQL: `record_batch` runs in one
transaction that first claims the batch's file events in `receipt_ranges` (one row per file
stream and batch, holding the exact offsets; receipt_ranges.py) and inserts every other event's key
into `event_receipts` (`ON CONFLICT DO NOTHING`; a chunk that adds fewer keys than it holds sends
the batch down the `RETURNING` path, which says which keys were new): only events not already
there are counted. A batch re-sent after a
crash (stored, checkpoint not yet written) therefore changes nothing, and the receipts and the
counts commit or roll back together. Counts are added with `count = count + excluded.count`
upserts, so increments from several replicas add up instead of overwriting each other.

New and regressed groups are decided by the database, not by a read-then-write: the upsert sets
`transition_token` to the batch's random token when it inserts the row or moves it from
`resolved` to `regressed`, and `RETURNING` tells the writer whether its token won.

All SQL is the portable subset (SQLite >= 3.35, PostgreSQL 15); times come from the caller.
"""

from __future__ import annotations

import builtins  # `list` below names the GroupRepo.list method inside the class
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..exceptions import SidecarError
from ..severity import SQL_RANK, effective, rank
from . import keyset, receipt_ranges
from .database import Database, Row, run_statements
from .group_batch import GroupChange, Occurrence, group_changes, prepare, receipt_statements, write_statements
from .templates import TemplateStore

STATUSES = ("open", "regressed", "muted", "resolved")
ACTIONS = {"resolve": "resolved", "mute": "muted", "reopen": "open"}
# Each sort's keys in order, (SQL expression, descending); the last is the unique fingerprint, so
# the order is total and a keyset cursor names one position. SORTS is their ORDER BY text.
SORT_KEYS: dict[str, tuple[tuple[str, bool], ...]] = {
    "last_seen": (("last_occurrence_at", True), ("error_hash", False)),
    "count": (("occurrence_count", True), ("error_hash", False)),
    "first_seen": (("created_at", True), ("error_hash", False)),
    # Most severe first (diagnosis severity, else level class), then last seen: the same
    # expression as the index of migration 0018, so a page walks that index.
    "severity": ((SQL_RANK, True), ("last_occurrence_at", True), ("error_hash", False)),
}
SORTS = {name: ", ".join(f"{expr} DESC" if desc else expr for expr, desc in keys) for name, keys in SORT_KEYS.items()}
LIST_COLUMNS = (
    "id, error_hash, error_message, error_type, created_at, resolved, resolution_notes, occurrence_count, "
    "last_occurrence_at, status, level, logger, title, category, severity, diagnosis_source, diagnosed_at, "
    "resolved_at, regressed_at, regression_count, model_used, updated_at"
)
# Events remembered by the receipts (tests and tools read this too, straight from a database file).
RECEIPT_COUNT_SQL = ("SELECT (SELECT COUNT(*) FROM event_receipts) + "
                     "(SELECT COALESCE(SUM(n), 0) FROM receipt_ranges) AS n")
DEFERRED_JOIN_OFFSET = 1000  # from this offset on, a list page finds its keys first (see list())


class UnknownGroup(SidecarError, LookupError):
    """No group has this fingerprint."""


class _Resent(SidecarError):
    """A receipt chunk added fewer keys than it holds: part of the batch was stored before.

    Control flow inside record_batch only (it rolls the transaction back and never leaves the method),
    but still a SidecarError so that every exception class of the package sits in one hierarchy."""


@dataclass(slots=True)
class Page:
    """One keyset page: its rows, the filter's total (-1 when not counted), and the cursors of
    the pages before and after it (None at either end)."""

    rows: list[Row]
    total: int
    next_cursor: str | None
    prev_cursor: str | None


def _like(q: str) -> str:
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class GroupRepo(TemplateStore):
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- writing -------------------------------------------------------------------------------

    async def record_batch(self, occurrences: Sequence[Occurrence], *, samples_per_group: int = 5,
                           at: datetime, complete: Callable[[Occurrence], None] | None = None) -> list[GroupChange]:
        """Count a batch exactly once; return one change per group the batch touched.

        Events whose key is already in `event_receipts` are skipped (a re-delivered batch returns
        an empty list). Everything happens in one transaction. `complete` is called on every
        occurrence whose texts are written (a group's first and last, its kept samples) before
        they are: the caller may build those texts only then (errors/groups.DeferredSamples).
        """
        if not occurrences:
            return []
        unique: dict[str, Occurrence] = {}
        for occ in occurrences:
            unique.setdefault(occ.event_key, occ)
        token = uuid.uuid4().hex
        # File events: one range row per stream (receipt_ranges.py); SDK events: one key each.
        # Keys in sorted order, like the group rows below: replicas writing overlapping batches
        # take their locks in the same order, so they wait for each other but never deadlock.
        by_file = [occ for occ in unique.values() if receipt_ranges.ranged(occ)]
        keys = sorted(k for k, occ in unique.items() if not receipt_ranges.ranged(occ))
        receipts = receipt_statements([unique[k] for k in keys], at)
        # Written as if every keyed event were new (the usual case), so the batch is one list of
        # statements after the ranges' lookup: on SQLite two calls into the database thread instead of
        # ~25 round trips. The keyed receipts `expect` to add all their keys (a rowcount: fetching the
        # added keys back cost ~0.8 us per event); if one chunk adds fewer (a re-delivered batch), the
        # run stops there, the transaction is rolled back (which of that chunk's keys were new is
        # unknown) and the batch is recorded again from the events that really are new.
        try:
            async with self.db.transaction() as tx:
                claim = await receipt_ranges.claim(tx, self.db.dialect, by_file, at)
                fresh = {id(occ) for occ in claim.fresh}
                accepted = [occ for occ in unique.values() if id(occ) in fresh or not receipt_ranges.ranged(occ)]
                if not accepted:
                    return []
                groups = prepare(accepted, samples_per_group, complete)
                writes, upserts = write_statements(accepted, groups, token, at, samples_per_group)
                head = [*receipt_ranges.insert_statement(claim.rows), *receipts]
                results = await run_statements(tx, [*head, *writes])
                if len(results) < len(head) + len(writes):
                    raise _Resent
        except _Resent:
            receipts = receipt_statements([unique[k] for k in keys], at, returning=True)
            async with self.db.transaction() as tx:
                claim = await receipt_ranges.claim(tx, self.db.dialect, by_file, at)
                head = [*receipt_ranges.insert_statement(claim.rows), *receipts]
                got = await run_statements(tx, head)
                new_keys = {r["event_key"] for rows in got for r in rows}
                fresh = {id(occ) for occ in claim.fresh}
                accepted = [occ for key, occ in unique.items() if id(occ) in fresh or key in new_keys]
                if not accepted:
                    return []
                groups = prepare(accepted, samples_per_group, complete)
                writes, upserts = write_statements(accepted, groups, token, at, samples_per_group)
                results = [*([[]] * len(head)), *await run_statements(tx, writes)]
        changes: list[GroupChange] = []
        for rows in results[len(head):len(head) + upserts]:
            changes.extend(group_changes(rows, groups, token))
        return changes

    async def set_status(self, fingerprint: str, action: str, at: datetime, notes: str | None = None) -> Row:
        """resolve | mute | reopen a group; return the updated row. Raises UnknownGroup, ValueError."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r} (expected one of {', '.join(ACTIONS)})")
        status = ACTIONS[action]
        resolved = status == "resolved"
        row = await self.db.fetchone(
            "UPDATE error_investigations SET status = ?, resolved = ?, "
            "resolved_at = CASE WHEN ? THEN ? ELSE resolved_at END, "
            "resolution_notes = CASE WHEN ? THEN ? ELSE resolution_notes END, updated_at = ? "
            f"WHERE error_hash = ? RETURNING {LIST_COLUMNS}",
            (status, resolved, resolved, at, notes is not None, notes, at, fingerprint),
        )
        if row is None:
            raise UnknownGroup(fingerprint)
        return row

    async def prune(self, now: datetime, *, occurrences_for: timedelta = timedelta(hours=24),
                    receipts_for: timedelta = timedelta(days=3)) -> tuple[int, int]:
        """Drop per-minute counts older than 24 h (per-hour ones an hour later: the oldest hour a
        24 h sparkline shows is partly older than 24 h) and receipts older than a few days."""
        oldest_minute = int((now - occurrences_for).timestamp() // 60)
        n_occ = await self.db.execute("DELETE FROM error_occurrences WHERE minute < ?", (oldest_minute,))
        await self.db.execute("DELETE FROM error_hourly WHERE hour < ?", (oldest_minute // 60 - 1,))
        await self.db.execute("DELETE FROM error_minute_totals WHERE minute < ?", (oldest_minute,))
        n_rec = await self.db.execute("DELETE FROM event_receipts WHERE received_at < ?", (now - receipts_for,))
        await self.db.execute("DELETE FROM receipt_ranges WHERE received_at < ?", (now - receipts_for,))
        return max(n_occ, 0), max(n_rec, 0)

    # --- reading -------------------------------------------------------------------------------

    async def mark_crash_loop(self, fingerprint: str, at: datetime) -> None:
        """Record that the group's crashes repeat within minutes (errors.crashloop decides)."""
        await self.db.execute("UPDATE error_investigations SET crash_loop_at = ? WHERE error_hash = ?",
                              (at, fingerprint))

    async def get(self, fingerprint: str) -> Row | None:
        """The group row; a fingerprint merged into another group (a learned template, or a v1
        traceback id after FINGERPRINT_VERSION v2) reaches the group it was merged into."""
        row = await self.db.fetchone("SELECT * FROM error_investigations WHERE error_hash = ?", (fingerprint,))
        if row is None:
            row = await self.db.fetchone(
                "SELECT g.* FROM error_merges m JOIN error_investigations g ON g.error_hash = m.into_hash "
                "WHERE m.from_hash = ?", (fingerprint,))
        return row

    async def list(self, *, status: str | Sequence[str] | None = None, level: str | None = None,
                   logger: str | None = None, q: str | None = None, category: str | None = None,
                   sort: str = "last_seen", limit: int = 50, offset: int = 0,
                   with_total: bool = True) -> tuple[list[Row], int]:
        """One page of groups matching the filters, and the total number that match (-1 when
        `with_total` is False: a panel that shows only the first rows skips the count). Pages by
        OFFSET (a typed `?page=N`); following pages by cursor is `page()`."""
        where, params = self._filters(status, level, logger, category, q)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total_row = (await self.db.fetchone(f"SELECT COUNT(*) AS n FROM error_investigations{clause}", params)
                     if with_total else {"n": -1})
        order = SORTS.get(sort, SORTS["last_seen"])
        if offset < DEFERRED_JOIN_OFFSET:
            sql = f"SELECT {LIST_COLUMNS} FROM error_investigations{clause} ORDER BY {order} LIMIT ? OFFSET ?"
        else:
            # A deep page skips its offset on the sort index alone (index-only: the fingerprint is
            # its last column) and reads only the page's rows; PostgreSQL's page 500 went from
            # 111 to 48 ms p95 at 100,000 groups (bench/dashboard_scale.py).
            sql = (f"SELECT {LIST_COLUMNS} FROM error_investigations WHERE error_hash IN "
                   f"(SELECT error_hash FROM error_investigations{clause} ORDER BY {order} LIMIT ? OFFSET ?) "
                   f"ORDER BY {order}")
        rows = await self.db.fetchall(sql, [*params, max(0, limit), max(0, offset)])
        return rows, int(total_row["n"]) if total_row else 0

    async def page(self, *, cursor: str | None = None, status: str | Sequence[str] | None = None,
                   level: str | None = None, logger: str | None = None, q: str | None = None,
                   category: str | None = None, sort: str = "last_seen", limit: int = 50,
                   with_total: bool = True) -> Page:
        """A page that starts after (or ends before) `cursor`, found by seeking the sort index
        (keyset pagination, sidecar/store/keyset.py): no rows are skipped however deep the page,
        and a group inserted above it while someone pages does not shift the next page. No
        cursor = the first page. Raises BadCursor for a cursor that is not ours or another sort's."""
        sort = sort if sort in SORT_KEYS else "last_seen"
        where, params = self._filters(status, level, logger, category, q)
        position = keyset.decode(cursor, sort, SORT_KEYS[sort]) if cursor else None
        total_row = (await self.db.fetchone(
            "SELECT COUNT(*) AS n FROM error_investigations"
            + ((" WHERE " + " AND ".join(where)) if where else ""), params) if with_total else {"n": -1})
        keys = SORT_KEYS[sort]
        backward = position is not None and position.backward
        seek: builtins.list[Any] = []
        if position is not None:
            where = [*where, keyset.predicate(keys, position.values, backward, seek)]
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        order = ", ".join(f"{e} {'DESC' if d != backward else 'ASC'}" for e, d in keys)
        limit = max(1, limit)
        rows = await self.db.fetchall(
            f"SELECT {LIST_COLUMNS} FROM error_investigations{clause} ORDER BY {order} LIMIT ?",
            [*params, *seek, limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        if backward:
            rows.reverse()
        total = int(total_row["n"]) if total_row else 0
        if not rows:
            return Page(rows, total, None, None)
        first, last = sort_values(sort, rows[0]), sort_values(sort, rows[-1])
        has_next = more if not backward else True
        has_prev = (position is not None) if not backward else more
        return Page(rows, total,
                    keyset.encode(sort, last, backward=False) if has_next else None,
                    keyset.encode(sort, first, backward=True) if has_prev else None)

    def _filters(self, status: str | Sequence[str] | None, level: str | None, logger: str | None,
                 category: str | None, q: str | None) -> tuple[builtins.list[str], builtins.list[Any]]:
        where: builtins.list[str] = []
        params: builtins.list[Any] = []
        if status:
            statuses = [status] if isinstance(status, str) else list(status)
            where.append(f"status IN ({', '.join('?' for _ in statuses)})")
            params.extend(statuses)
        if level:
            where.append("level = ?")
            params.append(level.upper())
        if logger:
            where.append("logger = ?")
            params.append(logger)
        if category:
            where.append("category = ?")
            params.append(category)
        if q:
            where.append(self._search(q, params))
        return where, params

    def _search(self, q: str, params: builtins.list[Any]) -> str:
        """The WHERE part for `?q=`: a case-insensitive substring of title, message, exception
        type or logger, or the exact fingerprint. Served by an index (migration 0016): SQLite's
        FTS5 trigram table for 3+ characters (shorter ones scan with LIKE, which ignores ASCII
        case), PostgreSQL's pg_trgm GIN indexes under ILIKE."""
        if self.db.dialect == "sqlite" and len(q) >= 3:
            params.extend(['"' + q.replace('"', '""') + '"', q])
            return "(rowid IN (SELECT rowid FROM error_search WHERE error_search MATCH ?) OR error_hash = ?)"
        like = _like(q)
        op = "ILIKE" if self.db.dialect == "postgres" else "LIKE"
        params.extend([like, like, like, like, q])
        return (f"(title {op} ? ESCAPE '\\' OR error_message {op} ? ESCAPE '\\' OR error_type {op} ? ESCAPE '\\' "
                f"OR logger {op} ? ESCAPE '\\' OR error_hash = ?)")

    async def minute_counts(self, fingerprint: str, since_minute: int, until_minute: int) -> builtins.list[tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT minute, count FROM error_occurrences WHERE error_hash = ? AND minute > ? AND minute <= ? "
            "ORDER BY minute",
            (fingerprint, since_minute, until_minute),
        )
        return [(int(r["minute"]), int(r["count"])) for r in rows]

    async def hourly(self, fingerprints: Sequence[str], since_hour: int,
                     until_hour: int) -> dict[str, builtins.list[tuple[int, int]]]:
        """(hour, count) rows per group for since_hour < hour <= until_hour, in one query."""
        out: dict[str, builtins.list[tuple[int, int]]] = {fp: [] for fp in fingerprints}
        if not fingerprints:
            return out
        marks = ", ".join("?" for _ in fingerprints)
        rows = await self.db.fetchall(
            f"SELECT error_hash, hour, count FROM error_hourly WHERE error_hash IN ({marks}) AND hour > ? AND hour <= ?",
            [*fingerprints, since_hour, until_hour])
        for r in rows:
            out[r["error_hash"]].append((int(r["hour"]), int(r["count"])))
        return out

    async def series(self, fingerprint: str, now: datetime, minutes: int = 60) -> builtins.list[int]:
        """Dense per-minute counts for the last `minutes` minutes, oldest first (a sparkline)."""
        end = int(now.timestamp() // 60)
        return _dense(dict(await self.minute_counts(fingerprint, end - minutes, end)), end, minutes)

    async def events_per_minute(self, now: datetime, minutes: int = 60) -> builtins.list[int]:
        """Dense per-minute counts over all groups for the last `minutes` minutes, oldest first
        (from error_minute_totals, kept on write: one row per minute)."""
        end = int(now.timestamp() // 60)
        rows = await self.db.fetchall(
            "SELECT minute, count FROM error_minute_totals WHERE minute > ? AND minute <= ?", (end - minutes, end))
        return _dense({int(r["minute"]): int(r["count"]) for r in rows}, end, minutes)

    async def samples(self, fingerprint: str, limit: int = 5) -> builtins.list[Row]:
        return await self.db.fetchall(
            "SELECT id, seen_at, source, file, line, level, logger, message, raw, data, event_key FROM error_samples "
            "WHERE error_hash = ? ORDER BY id DESC LIMIT ?",
            (fingerprint, limit),
        )

    async def latest_messages(self, fingerprints: Sequence[str]) -> dict[str, str]:
        """The message of each group's newest stored sample (one query for a page of groups)."""
        if not fingerprints:
            return {}
        marks = ", ".join("?" for _ in fingerprints)
        rows = await self.db.fetchall(
            "SELECT error_hash, message FROM error_samples WHERE id IN "
            f"(SELECT MAX(id) FROM error_samples WHERE error_hash IN ({marks}) GROUP BY error_hash)",
            list(fingerprints),
        )
        return {r["error_hash"]: r["message"] for r in rows if r["message"]}

    async def releases(self, fingerprint: str, limit: int = 10) -> builtins.list[Row]:
        """The releases this group occurred in (SDK events), first the one it began in."""
        return await self.db.fetchall(
            "SELECT release, count, first_seen FROM error_releases WHERE error_hash = ? "
            "ORDER BY first_seen, release LIMIT ?",
            (fingerprint, limit),
        )

    async def loggers(self, fingerprint: str, limit: int = 10) -> builtins.list[tuple[str, int]]:
        rows = await self.db.fetchall(
            "SELECT logger, count FROM error_loggers WHERE error_hash = ? ORDER BY count DESC, logger LIMIT ?",
            (fingerprint, limit),
        )
        return [(r["logger"], int(r["count"])) for r in rows]

    async def counts_by_status(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT status, COUNT(*) AS n FROM error_investigations GROUP BY status")
        counts = dict.fromkeys(STATUSES, 0)
        for r in rows:
            counts[r["status"]] = int(r["n"])
        return counts

    async def receipt_count(self) -> int:
        """Events the receipts remember: per-event keys plus the offsets of the range rows."""
        row = await self.db.fetchone(RECEIPT_COUNT_SQL)
        return int(row["n"]) if row else 0

    async def receipt_streams(self, prefix: str) -> builtins.list[str]:
        """Names of the receipt streams starting with `prefix` (`dev:ino:`: one file's, ingest/copystreams.py)."""
        sql, params = receipt_ranges.streams_under(prefix)
        return [r["stream_key"] for r in await self.db.fetchall(sql, params)]


def _dense(counts: dict[int, int], end: int, minutes: int) -> builtins.list[int]:
    """Counts of the `minutes` minutes ending with minute `end`, oldest first, 0 where none."""
    return [counts.get(m, 0) for m in range(end - minutes + 1, end + 1)]


def sort_values(sort: str, row: Row) -> tuple[Any, ...]:
    """The values of `row` for the keys of `sort` (the severity rank computed as the SQL does)."""
    out: builtins.list[Any] = []
    for expr, _ in SORT_KEYS[sort]:
        out.append(rank(effective(row.get("severity"), row.get("level"))) if expr == SQL_RANK else row[expr])
    return tuple(out)

