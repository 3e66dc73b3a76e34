"""The writes of one batch of error events: folding it per group and the statements that count it.

`GroupRepo.record_batch` (groups.py) runs these in one transaction after the batch's receipts; why
exactly-once and replica-safe is written there. Everything here is pure: occurrences in, SQL out.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .database import Row, Statement

_RECEIPT_CHUNK = 300  # rows per multi-row INSERT (3 parameters each, far below SQLite's limit)
_GROUP_CHUNK = 200  # groups per multi-row upsert (13 parameters each)
_TRIM_CHUNK = 500


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
    # Read from a file: its receipt stream (the file identity of event_key) and byte offset, so the
    # receipt is a range row (store/receipt_ranges.py); None for SDK events (their key is an id).
    stream: str | None = None
    offset: int | None = None
    # Another name of the same bytes at `offset` (a copytruncate copy read under its own inode names
    # its original's stream): counted once under either (receipt_ranges.claim, ingest/copystreams.py).
    twin: str | None = None


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


# A resolved group regresses only for an occurrence that happened after it was resolved (event
# time): a backlog replayed after an outage, or a rotated file read late, is history, not a regression.
_REGRESSES = ("error_investigations.status = 'resolved' AND (error_investigations.resolved_at IS NULL "
              "OR excluded.last_occurrence_at >= error_investigations.resolved_at)")


def prepare(accepted: list[Occurrence], samples_per_group: int,
             complete: Callable[[Occurrence], None] | None) -> dict[str, _Aggregate]:
    groups = aggregate(accepted, samples_per_group)
    if complete is not None:
        for agg in groups.values():
            for occ in (agg.first, agg.last, *agg.samples):
                complete(occ)
    return groups

def write_statements(accepted: list[Occurrence], groups: dict[str, _Aggregate], token: str, at: datetime,
                      keep: int) -> tuple[list[Statement], int]:
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


def _release_rows(occurrences: Sequence[Occurrence]) -> list[tuple[str, str, int, datetime]]:
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


def _hours(minutes: dict[int, int]) -> dict[int, int]:
    """Per-minute counts summed per hour (minute // 60)."""
    out: dict[int, int] = {}
    for minute, n in minutes.items():
        out[minute // 60] = out.get(minute // 60, 0) + n
    return out


def receipt_statements(occs: list[Occurrence], at: datetime, *, returning: bool = False) -> list[Statement]:
    """Multi-row receipt INSERTs: each expecting to add all of its keys (the usual case: counted by
    rowcount, no rows to fetch), or `returning` the keys it added (a batch known to be re-sent)."""
    out = []
    for i in range(0, len(occs), _RECEIPT_CHUNK):
        chunk = occs[i:i + _RECEIPT_CHUNK]
        values = ", ".join("(?, ?, ?)" for _ in chunk)
        params: list[Any] = []
        for occ in chunk:
            params.extend((occ.event_key, occ.fingerprint, at))
        sql = (f"INSERT INTO event_receipts (event_key, error_hash, received_at) VALUES {values} "
               "ON CONFLICT (event_key) DO NOTHING")
        out.append(Statement(sql + " RETURNING event_key", params, returning=True) if returning
                   else Statement(sql, params, expect=len(chunk)))
    return out


def _upsert_statement(items: list[tuple[str, _Aggregate]], token: str, at: datetime) -> Statement:
    values: list[str] = []
    params: list[Any] = []
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


def group_changes(rows: list[Row], groups: dict[str, _Aggregate], token: str) -> list[GroupChange]:
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


def _sample_statements(order: list[str], groups: dict[str, _Aggregate], keep: int) -> list[Statement]:
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
