"""Error groups: the repository behind the errors stage, the dashboard and the groups API.

Tables (migrations 0002 and 0010): `error_investigations` (one row per group, the gateway team's
planned columns plus the sidecar's), `error_occurrences` (per-minute counts, 24 h),
`error_samples` (a ring of the latest raw events per group), `error_loggers` (counts per logger),
`event_receipts` (exactly-once keys).

Exactly once, also with several replicas on one PostgreSQL: `record_batch` runs in one
transaction that first inserts every event's key into `event_receipts` (`ON CONFLICT DO
NOTHING RETURNING`): only events whose key was not there are counted. A batch re-sent after a
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ..exceptions import SidecarError
from ..severity import SQL_RANK, effective, rank
from . import keyset
from .database import Database, Row, Statement, run_statements
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
_RECEIPT_CHUNK = 300  # rows per multi-row INSERT (3 parameters each, far below SQLite's limit)
_GROUP_CHUNK = 200  # groups per multi-row upsert (13 parameters each)
_TRIM_CHUNK = 500
DEFERRED_JOIN_OFFSET = 1000  # from this offset on, a list page finds its keys first (see list())


class UnknownGroup(SidecarError, LookupError):
    """No group has this fingerprint."""


@dataclass(slots=True)
class Page:
    """One keyset page: its rows, the filter's total (-1 when not counted), and the cursors of
    the pages before and after it (None at either end)."""

    rows: list[Row]
    total: int
    next_cursor: str | None
    prev_cursor: str | None


@dataclass(slots=True)
class Occurrence:
    """One error event as the repository stores it (built by the errors stage)."""

    event_key: str  # file identity + byte offset: the exactly-once key
    fingerprint: str
    seen_at: datetime  # when it happened: the log's own time, else when received (ingest.eventtime)
    title: str
    message: str
    error_type: str | None
    level: str | None
    logger: str | None
    raw: str
    source: str | None = None
    file: str | None = None
    line: int | None = None
    data: dict[str, Any] = field(default_factory=dict)  # exception, frames, context lines


@dataclass(slots=True)
class GroupChange:
    """What one batch did to one group (returned by `record_batch`)."""

    fingerprint: str
    added: int  # occurrences counted by this batch
    occurrence_count: int
    status: str
    regression_count: int
    new: bool
    regressed: bool
    title: str | None
    level: str | None
    logger: str | None
    error_type: str | None
    created_at: datetime | None
    last_occurrence_at: datetime | None


@dataclass(slots=True)
class _Aggregate:
    first: Occurrence
    last: Occurrence
    count: int = 0
    earliest: datetime | None = None  # event times: a batch (a replayed backlog) need not be in order
    latest: datetime | None = None
    minutes: dict[int, int] = field(default_factory=dict)
    loggers: dict[str, int] = field(default_factory=dict)
    samples: list[Occurrence] = field(default_factory=list)


def aggregate(occurrences: Iterable[Occurrence], samples_per_group: int) -> dict[str, _Aggregate]:
    """Fold a batch into one aggregate per fingerprint (pure; keeps the batch's order)."""
    out: dict[str, _Aggregate] = {}
    for occ in occurrences:
        agg = out.get(occ.fingerprint)
        if agg is None:
            agg = out[occ.fingerprint] = _Aggregate(first=occ, last=occ)
        agg.last = occ
        agg.count += 1
        if agg.earliest is None or occ.seen_at < agg.earliest:
            agg.earliest = occ.seen_at
        if agg.latest is None or occ.seen_at > agg.latest:
            agg.latest = occ.seen_at
        minute = int(occ.seen_at.timestamp() // 60)
        agg.minutes[minute] = agg.minutes.get(minute, 0) + 1
        if occ.logger:
            agg.loggers[occ.logger] = agg.loggers.get(occ.logger, 0) + 1
        agg.samples.append(occ)
        if len(agg.samples) > samples_per_group:
            del agg.samples[0]
    return out


def _like(q: str) -> str:
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# A resolved group regresses only for an occurrence that happened after it was resolved (event
# time): a backlog replayed after an outage, or a rotated file read late, is history, not a regression.
_REGRESSES = ("error_investigations.status = 'resolved' AND (error_investigations.resolved_at IS NULL "
              "OR excluded.last_occurrence_at >= error_investigations.resolved_at)")


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
        # Keys in sorted order, like the group rows below: replicas writing overlapping batches
        # take their locks in the same order, so they wait for each other but never deadlock.
        receipts = _receipt_statements([unique[k] for k in sorted(unique)], at)
        # Written as if every event were new (the usual case), so the whole batch is one list of
        # statements: on SQLite one call into the database thread instead of ~25 round trips. The
        # receipts `expect` all their rows; if one chunk returns fewer (a re-delivered batch), the
        # run stops there and the batch is rebuilt below from the events that really are new.
        accepted = list(unique.values())
        groups = self._prepare(accepted, samples_per_group, complete)
        writes, upserts = self._write_statements(accepted, groups, token, at, samples_per_group)
        async with self.db.transaction() as tx:
            results = await run_statements(tx, [*receipts, *writes])
            if len(results) < len(receipts) + len(writes):
                fresh = {r["event_key"] for rows in results for r in rows}
                for rows in await run_statements(tx, [replace(st, expect=None) for st in receipts[len(results):]]):
                    fresh.update(r["event_key"] for r in rows)
                accepted = [occ for key, occ in unique.items() if key in fresh]
                if not accepted:
                    return []
                groups = self._prepare(accepted, samples_per_group, complete)
                writes, upserts = self._write_statements(accepted, groups, token, at, samples_per_group)
                results = [*([[]] * len(receipts)), *await run_statements(tx, writes)]
        changes: list[GroupChange] = []
        for rows in results[len(receipts):len(receipts) + upserts]:
            changes.extend(_changes(rows, groups, token))
        return changes

    @staticmethod
    def _prepare(accepted: list[Occurrence], samples_per_group: int,
                 complete: Callable[[Occurrence], None] | None) -> dict[str, _Aggregate]:
        groups = aggregate(accepted, samples_per_group)
        if complete is not None:
            for agg in groups.values():
                for occ in (agg.first, agg.last, *agg.samples):
                    complete(occ)
        return groups

    @staticmethod
    def _write_statements(accepted: list[Occurrence], groups: dict[str, _Aggregate], token: str, at: datetime,
                          keep: int) -> tuple[builtins.list[Statement], int]:
        """Every write of a batch after its receipts, in order; and how many group upserts lead it."""
        # A stable order keeps row locks in the same order on every replica (no deadlocks).
        order = sorted(groups)
        out = [_upsert_statement([(fp, groups[fp]) for fp in order[i:i + _GROUP_CHUNK]], token, at)
               for i in range(0, len(order), _GROUP_CHUNK)]
        upserts = len(out)
        out.append(Statement(
            "INSERT INTO error_occurrences (error_hash, minute, count) VALUES (?, ?, ?) "
            "ON CONFLICT (error_hash, minute) DO UPDATE SET count = error_occurrences.count + excluded.count",
            [(fp, minute, n) for fp in order for minute, n in sorted(groups[fp].minutes.items())], many=True))
        out.append(Statement(
            "INSERT INTO error_hourly (error_hash, hour, count) VALUES (?, ?, ?) "
            "ON CONFLICT (error_hash, hour) DO UPDATE SET count = error_hourly.count + excluded.count",
            [(fp, hour, n) for fp in order for hour, n in sorted(_hours(groups[fp].minutes).items())], many=True))
        totals: dict[int, int] = {}
        for agg in groups.values():
            for minute, n in agg.minutes.items():
                totals[minute] = totals.get(minute, 0) + n
        # Last of the counters and in minute order: the hot row (this minute) is locked briefly,
        # and replicas take these locks in the same order.
        out.append(Statement(
            "INSERT INTO error_minute_totals (minute, count) VALUES (?, ?) "
            "ON CONFLICT (minute) DO UPDATE SET count = error_minute_totals.count + excluded.count",
            sorted(totals.items()), many=True))
        logger_rows = [(fp, name, n) for fp in order for name, n in sorted(groups[fp].loggers.items())]
        if logger_rows:
            out.append(Statement(
                "INSERT INTO error_loggers (error_hash, logger, count) VALUES (?, ?, ?) "
                "ON CONFLICT (error_hash, logger) DO UPDATE SET count = error_loggers.count + excluded.count",
                logger_rows, many=True))
        release_rows = _release_rows(accepted)
        if release_rows:
            out.append(Statement(
                "INSERT INTO error_releases (error_hash, release, count, first_seen) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (error_hash, release) DO UPDATE SET count = error_releases.count + excluded.count, "
                "first_seen = CASE WHEN excluded.first_seen < error_releases.first_seen "
                "THEN excluded.first_seen ELSE error_releases.first_seen END",
                release_rows, many=True))
        out.extend(_sample_statements(order, groups, keep))
        return out, upserts

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
        row = await self.db.fetchone("SELECT COUNT(*) AS n FROM event_receipts")
        return int(row["n"]) if row else 0


def _dense(counts: dict[int, int], end: int, minutes: int) -> builtins.list[int]:
    """Counts of the `minutes` minutes ending with minute `end`, oldest first, 0 where none."""
    return [counts.get(m, 0) for m in range(end - minutes + 1, end + 1)]


def _release_rows(occurrences: Sequence[Occurrence]) -> builtins.list[tuple[str, str, int, datetime]]:
    """(fingerprint, release, count, first seen) for the occurrences an SDK tagged with a release."""
    found: dict[tuple[str, str], tuple[int, datetime]] = {}
    for occ in occurrences:
        sdk = occ.data.get("sdk")
        release = sdk.get("release") if isinstance(sdk, dict) else None
        if not isinstance(release, str) or not release:
            continue
        key = (occ.fingerprint, release[:200])
        n, first = found.get(key, (0, occ.seen_at))
        found[key] = (n + 1, min(first, occ.seen_at))
    return [(fp, rel, n, first) for (fp, rel), (n, first) in sorted(found.items())]


def _context(occ: Occurrence) -> dict[str, Any]:
    """The latest sample's context for `error_context` (planned: stack trace, recent logs)."""
    out: dict[str, Any] = {"file": occ.file, "line": occ.line, "source": occ.source, "event_key": occ.event_key}
    out.update(occ.data)
    return out


def sort_values(sort: str, row: Row) -> tuple[Any, ...]:
    """The values of `row` for the keys of `sort` (the severity rank computed as the SQL does)."""
    out: builtins.list[Any] = []
    for expr, _ in SORT_KEYS[sort]:
        out.append(rank(effective(row.get("severity"), row.get("level"))) if expr == SQL_RANK else row[expr])
    return tuple(out)


def _hours(minutes: dict[int, int]) -> dict[int, int]:
    """Per-minute counts summed per hour (minute // 60)."""
    out: dict[int, int] = {}
    for minute, n in minutes.items():
        out[minute // 60] = out.get(minute // 60, 0) + n
    return out


def _receipt_statements(occs: builtins.list[Occurrence], at: datetime) -> builtins.list[Statement]:
    """Multi-row receipt INSERTs returning the keys they added, each expecting all of its keys."""
    out = []
    for i in range(0, len(occs), _RECEIPT_CHUNK):
        chunk = occs[i:i + _RECEIPT_CHUNK]
        values = ", ".join("(?, ?, ?)" for _ in chunk)
        params: builtins.list[Any] = []
        for occ in chunk:
            params.extend((occ.event_key, occ.fingerprint, at))
        out.append(Statement(
            f"INSERT INTO event_receipts (event_key, error_hash, received_at) VALUES {values} "
            "ON CONFLICT (event_key) DO NOTHING RETURNING event_key",
            params, returning=True, expect=len(chunk)))
    return out


def _upsert_statement(items: builtins.list[tuple[str, _Aggregate]], token: str, at: datetime) -> Statement:
    values: builtins.list[str] = []
    params: builtins.list[Any] = []
    for fp, agg in items:
        first, last = agg.first, agg.last
        values.append("(?, ?, ?, ?, ?, ?, FALSE, ?, ?, 'open', ?, ?, ?, 0, ?, ?)")
        params.extend((uuid.uuid4().hex, fp, first.message, first.error_type, _context(last),
                       agg.earliest or first.seen_at, agg.count, agg.latest or last.seen_at, first.level,
                       first.logger, first.title, at, token))
    return Statement(
        "INSERT INTO error_investigations (id, error_hash, error_message, error_type, error_context, "
        "created_at, resolved, occurrence_count, last_occurrence_at, status, level, logger, title, "
        "regression_count, updated_at, transition_token) "
        f"VALUES {', '.join(values)} "
        "ON CONFLICT (error_hash) DO UPDATE SET "
        "occurrence_count = error_investigations.occurrence_count + excluded.occurrence_count, "
        "created_at = CASE WHEN excluded.created_at < error_investigations.created_at "
        "THEN excluded.created_at ELSE error_investigations.created_at END, "
        "last_occurrence_at = CASE WHEN excluded.last_occurrence_at > error_investigations.last_occurrence_at "
        "THEN excluded.last_occurrence_at ELSE error_investigations.last_occurrence_at END, "
        "error_context = excluded.error_context, "
        "updated_at = excluded.updated_at, "
        "status = CASE WHEN " + _REGRESSES + " THEN 'regressed' "
        "ELSE error_investigations.status END, "
        "resolved = CASE WHEN " + _REGRESSES + " THEN FALSE "
        "ELSE error_investigations.resolved END, "
        "regression_count = CASE WHEN " + _REGRESSES + " "
        "THEN error_investigations.regression_count + 1 ELSE error_investigations.regression_count END, "
        "regressed_at = CASE WHEN " + _REGRESSES + " THEN excluded.updated_at "
        "ELSE error_investigations.regressed_at END, "
        "transition_token = CASE WHEN " + _REGRESSES + " THEN excluded.transition_token "
        "ELSE error_investigations.transition_token END "
        "RETURNING error_hash, occurrence_count, status, regression_count, transition_token, title, level, "
        "logger, error_type, created_at, last_occurrence_at",
        params, returning=True)


def _changes(rows: builtins.list[Row], groups: dict[str, _Aggregate], token: str) -> builtins.list[GroupChange]:
    """What one upsert's RETURNING rows say about its groups, by fingerprint."""
    changes = []
    for row in sorted(rows, key=lambda r: r["error_hash"]):
        won = row["transition_token"] == token
        status = row["status"]
        changes.append(GroupChange(
            fingerprint=row["error_hash"], added=groups[row["error_hash"]].count,
            occurrence_count=int(row["occurrence_count"]), status=status,
            regression_count=int(row["regression_count"]),
            new=won and status == "open", regressed=won and status == "regressed",
            title=row["title"], level=row["level"], logger=row["logger"], error_type=row["error_type"],
            created_at=row["created_at"], last_occurrence_at=row["last_occurrence_at"],
        ))
    return changes


def _sample_statements(order: builtins.list[str], groups: dict[str, _Aggregate], keep: int) -> builtins.list[Statement]:
    """Add the kept samples, then trim every touched group to its newest `keep` (one DELETE per chunk)."""
    out = [Statement(
        "INSERT INTO error_samples (error_hash, seen_at, source, file, line, level, logger, message, raw, "
        "data, event_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(fp, s.seen_at, s.source, s.file, s.line, s.level, s.logger, s.message, s.raw, s.data, s.event_key)
         for fp in order for s in groups[fp].samples], many=True)]
    for i in range(0, len(order), _TRIM_CHUNK):
        chunk = order[i:i + _TRIM_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        out.append(Statement(
            "DELETE FROM error_samples WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER "
            "(PARTITION BY error_hash ORDER BY id DESC) AS rn FROM error_samples "
            f"WHERE error_hash IN ({marks})) ranked WHERE rn > ?)",
            (*chunk, keep)))
    return out
