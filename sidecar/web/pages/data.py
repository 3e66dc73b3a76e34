"""Read queries behind the dashboard pages: one query per panel or per page, paginated in SQL.

Why here and not only through the repositories: the list page needs filtered, sorted pages with
a total and the sparklines of exactly the rows shown, in a constant number of queries (no N+1).
These are read-only SELECTs in the portable SQL subset over the tables the stages own; every
state change goes through the owning stage's repository (see pages/errors.py, pages/rollouts.py).
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ... import severity as sev
from ...clock import utc
from ...redaction import redacted_cut
from ...store import keyset
from ...store.groups import SORTS as REPO_SORTS
from ...store.groups import STATUSES, sort_values
from . import views as v

if TYPE_CHECKING:
    from ...stages import Runtime

GROUP_STATUSES = STATUSES
LEVELS = ("CRITICAL", "ERROR", "WARNING")
SORTS = tuple(REPO_SORTS)


@dataclass(frozen=True, slots=True)
class GroupFilter:
    q: str = ""
    status: str = ""
    level: str = ""
    logger: str = ""
    category: str = ""
    sort: str = "last_seen"

    def statuses(self) -> list[str] | None:
        if self.status == "active":
            return ["open", "regressed"]
        return [self.status] if self.status in STATUSES else None

    def params(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ("q", "status", "level", "logger", "category", "sort")
                if getattr(self, k) and not (k == "sort" and self.sort == "last_seen")}


@dataclass(slots=True)
class GroupView:
    """One group as the pages show it, whatever backend the row came from."""

    fingerprint: str
    title: str  # the real message of the latest sample, redacted (what the on-call reads first)
    template: str | None  # the group's masked template (what all its occurrences share)
    message: str
    exception_type: str | None
    level: str | None
    logger: str | None
    category: str | None
    severity: str  # the diagnosis' severity, else the level's class (sidecar/severity.py)
    severity_from: str  # "diagnosis" | "level": which one `severity` came from
    status: str
    count: int
    first_seen: Any
    last_seen: Any
    regressions: int
    crash_loop_at: Any  # last time its uncaught crashes repeated within minutes (errors.crashloop), or None
    summary: str | None
    diagnosis_source: str | None
    diagnosis: dict[str, Any] | None
    spark: v.Sparkline | v.Bars | None = None
    new_in_stage: bool = False  # first seen after the running rollout stage began (the list's marker)


def _titles(row: dict[str, Any], latest: str | None) -> tuple[str, str | None]:
    """(title, template). A row with a `template` column already has a real, redacted title (the
    errors stage writes both); an older row's `title` is the template, so the title is the latest
    sample's message, redacted here, with the template kept under it."""
    if row.get("template") is not None:
        return row.get("title") or row["template"], row["template"]
    template = row.get("title") or None
    message = redacted_cut(" ".join((latest or "").split()), 500)
    title = message if message else (template or row.get("error_message") or "(no message)")
    return title, (template if template and template != title else None)


def group_view(row: dict[str, Any], latest_message: str | None = None) -> GroupView:
    result = row.get("investigation_result")
    diagnosis = result if isinstance(result, dict) else None
    diagnosed = row.get("severity") or (diagnosis or {}).get("severity")
    title, template = _titles(row, latest_message)
    effective = sev.effective(diagnosed, row.get("level"))
    return GroupView(
        fingerprint=row["error_hash"],
        title=title,
        template=template,
        message=row.get("error_message") or "",
        exception_type=row.get("error_type"),
        level=row.get("level"),
        logger=row.get("logger"),
        category=row.get("category") or (diagnosis or {}).get("category"),
        severity=effective,
        severity_from="diagnosis" if sev.effective(diagnosed, None) in sev.DIAGNOSIS_SEVERITIES else "level",
        status=row.get("status") or ("resolved" if row.get("resolved") else "open"),
        count=int(row.get("occurrence_count") or 0),
        first_seen=row.get("created_at"),
        last_seen=row.get("last_occurrence_at"),
        regressions=int(row.get("regression_count") or 0),
        crash_loop_at=row.get("crash_loop_at"),
        summary=(diagnosis or {}).get("summary"),
        diagnosis_source=row.get("diagnosis_source") or (diagnosis or {}).get("source"),
        diagnosis=diagnosis,
    )


def _db(sidecar: Runtime) -> Any:
    return sidecar.store.db


async def status_counts(sidecar: Runtime) -> dict[str, int]:
    counts = dict(await sidecar.store.groups.counts_by_status())
    counts["total"] = sum(counts.values())
    return counts


async def recent_open(sidecar: Runtime, limit: int) -> list[GroupView]:
    """The latest open or regressed groups. One query per status, merged here: each walks the
    (status, last_occurrence_at) index, where `status IN (a, b)` would sort every matching row."""
    rows = []
    for status in ("regressed", "open"):
        part, _ = await sidecar.store.groups.list(status=status, limit=limit, with_total=False)
        rows.extend(part)
    rows.sort(key=lambda r: (r["last_occurrence_at"], r["error_hash"]), reverse=True)
    rows = rows[:limit]
    latest = await sidecar.store.groups.latest_messages([r["error_hash"] for r in rows])
    return [group_view(r, latest.get(r["error_hash"])) for r in rows]


async def events_per_minute(sidecar: Runtime, now: float, minutes: int) -> list[int]:
    return await sidecar.store.groups.events_per_minute(utc(now), minutes)


@dataclass
class GroupPage:
    """A list page as the errors page shows it: rows, the filter's total, keyset cursors."""

    rows: list[GroupView]
    total: int
    next_cursor: str | None = None
    prev_cursor: str | None = None


async def list_groups(
    sidecar: Runtime, flt: GroupFilter, page: int, per_page: int, cursor: str | None = None
) -> GroupPage:
    """One page of groups, the total matching the filter, and each row's diagnosis summary:
    three queries whatever the page size (the repository's list has no diagnosis column).
    With a cursor (the pager's links) the page is found by keyset (no OFFSET, stable while groups
    arrive); without one (page 1, or a typed ?page=N) by offset. Raises BadCursor."""
    filters: dict[str, Any] = dict(
        status=flt.statuses(), level=flt.level or None, logger=flt.logger or None, q=flt.q or None,
        category=flt.category or None, sort=flt.sort, limit=per_page)
    repo = sidecar.store.groups
    if cursor or page == 1:
        found = await repo.page(cursor=cursor or None, **filters)
        rows, total, nxt, prev = found.rows, found.total, found.next_cursor, found.prev_cursor
    else:
        rows, total = await repo.list(offset=(page - 1) * per_page, **filters)
        nxt = (keyset.encode(flt.sort, sort_values(flt.sort, rows[-1]), backward=False)
               if rows and (page - 1) * per_page + len(rows) < total else None)
        prev = keyset.encode(flt.sort, sort_values(flt.sort, rows[0]), backward=True) if rows else None
    if not rows:
        return GroupPage([], total)
    marks = ", ".join("?" for _ in rows)
    diag = await _db(sidecar).fetchall(
        f"SELECT error_hash, investigation_result FROM error_investigations WHERE error_hash IN ({marks})",
        [r["error_hash"] for r in rows],
    )
    by_fp = {r["error_hash"]: r["investigation_result"] for r in diag}
    latest = await sidecar.store.groups.latest_messages([r["error_hash"] for r in rows])
    return GroupPage([group_view({**r, "investigation_result": by_fp.get(r["error_hash"])},
                                 latest.get(r["error_hash"])) for r in rows], total, nxt, prev)


async def hourly_sparklines(sidecar: Runtime, fingerprints: list[str], now: float, hours: int) -> dict[str, list[int]]:
    """Occurrences per clock hour for many groups, oldest first, the last being the current
    (partial) hour: one query over the pre-aggregated `error_hourly` (at most `hours` rows per
    group; the per-minute rows were up to 60x that, bench/dashboard_scale.py --dense)."""
    end = int(now // 3600)
    per = await sidecar.store.groups.hourly(fingerprints, end - hours, end)
    out = {}
    for fp, rows in per.items():
        dense = [0] * hours
        for hour, count in rows:
            dense[hour - end + hours - 1] += count
        out[fp] = dense
    return out


FACETS_TTL = 15.0  # seconds: new loggers/categories show up in the drop-downs within this
_facets_cache: weakref.WeakKeyDictionary[Any, tuple[float, dict[str, list[str]]]] = weakref.WeakKeyDictionary()


async def facets(sidecar: Runtime) -> dict[str, list[str]]:
    """Values for the filter drop-downs (bounded: a runaway logger name list stays usable).

    Cached for a few seconds per store: three DISTINCT scans per page view would cost more than
    the page itself, and the set of loggers changes rarely. Real time, not the injected clock:
    this is a cache lifetime, not a domain time window."""
    key = sidecar.store
    hit = _facets_cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < FACETS_TTL:
        return hit[1]
    db = _db(sidecar)
    out: dict[str, list[str]] = {}
    for column in ("logger", "category", "level"):
        rows = await db.fetchall(
            f"SELECT DISTINCT {column} AS value FROM error_investigations WHERE {column} IS NOT NULL "
            "ORDER BY value LIMIT 200"
        )
        out[column] = [r["value"] for r in rows]
    _facets_cache[key] = (time.monotonic(), out)
    return out


async def group(sidecar: Runtime, fingerprint: str) -> tuple[GroupView, dict[str, Any]] | None:
    row = await sidecar.store.groups.get(fingerprint)
    if row is None:
        return None
    latest = await sidecar.store.groups.latest_messages([fingerprint])
    return group_view(row, latest.get(fingerprint)), row


async def samples(sidecar: Runtime, fingerprint: str, limit: int = 20) -> list[dict[str, Any]]:
    return await sidecar.store.groups.samples(fingerprint, limit)


async def occurrences(sidecar: Runtime, fingerprint: str, now: float, minutes: int) -> list[int]:
    """Dense per-minute counts of one group for the last `minutes` minutes, oldest first."""
    return await sidecar.store.groups.series(fingerprint, utc(now), minutes)


async def diagnosis_history(sidecar: Runtime, fingerprint: str, limit: int = 10) -> list[dict[str, Any]]:
    diagnoses = getattr(sidecar.store, "diagnoses", None)
    return await diagnoses.history(fingerprint, limit) if diagnoses is not None else []


# Rollout actions that change what runs: an error group first seen after one of these "began
# during" that stage (a rollback or completion ends the stage, so it is not a "during").
STAGE_ACTIONS = ("start", "promote", "approve", "resume")


async def stage_at(sidecar: Runtime, at: Any) -> dict[str, Any] | None:
    """The rollout stage that was running at `at` (the latest start/promote before it whose run
    had not ended by then), as {rollout, percent, since}; None when no rollout was running."""
    when = v.as_datetime(at)
    if when is None:
        return None
    marks = ", ".join("?" for _ in STAGE_ACTIONS)
    row = await _db(sidecar).fetchone(
        f"SELECT rollout, to_percent, at FROM rollout_events WHERE at <= ? AND action IN ({marks}) "
        "ORDER BY at DESC LIMIT 1", [when, *STAGE_ACTIONS],
    )
    if row is None:
        return None
    ended = await _db(sidecar).fetchone(
        "SELECT at FROM rollout_events WHERE rollout = ? AND at > ? AND at <= ? "
        "AND to_state IN ('rolling_back', 'rolled_back', 'complete', 'paused', 'idle') LIMIT 1",
        [row["rollout"], row["at"], when],
    )
    if ended is not None:
        return None
    return {"rollout": row["rollout"], "percent": row["to_percent"], "since": row["at"]}



# A group "spiked during" a stage when, over the stage's whole hours, it occurred at least
# SPIKE_MIN times and at least SPIKE_FACTOR x as often as over as many hours just before the stage
# (an hour with none counts as one, so 0 -> 10 is a spike). Read from error_hourly (25 h kept), so
# only stages that began within the last day can be judged; candidates are the SPIKE_CANDIDATES
# groups seen most recently since the stage began that existed before it (the new ones "began").
SPIKE_FACTOR = 3.0
SPIKE_MIN = 10
SPIKE_CANDIDATES = 200
SPIKE_HORIZON_HOURS = 24


@dataclass
class Spike:
    group: GroupView
    during: int
    before: int
    hours: int


async def spiked_between(sidecar: Runtime, start: Any, end: Any | None, now: float, limit: int = 10) -> list[Spike]:
    """Groups that existed before `start` and spiked in [start, end) (no end: until now), most
    spiked first; [] when the stage began before the hourly counts' horizon."""
    begin, until = v.as_datetime(start), v.as_datetime(end) if end is not None else None
    if begin is None:
        return []
    first_hour = int(begin.timestamp() // 3600)
    last_hour = int((until.timestamp() if until is not None else now) // 3600)
    if int(now // 3600) - first_hour > SPIKE_HORIZON_HOURS:
        return []
    hours = last_hour - first_hour + 1
    bound = " AND last_occurrence_at >= ?"
    rows = await _db(sidecar).fetchall(
        "SELECT error_hash, title, error_message, level, severity, status, occurrence_count, created_at, "
        f"last_occurrence_at FROM error_investigations WHERE created_at < ?{bound} "
        "ORDER BY last_occurrence_at DESC, error_hash LIMIT ?",
        [begin, begin, SPIKE_CANDIDATES],
    )
    if not rows:
        return []
    counts = await sidecar.store.groups.hourly([r["error_hash"] for r in rows], first_hour - hours - 1, last_hour)
    spikes = []
    for r in rows:
        during = sum(c for h, c in counts[r["error_hash"]] if h >= first_hour)
        before = sum(c for h, c in counts[r["error_hash"]] if h < first_hour)
        if during >= SPIKE_MIN and during >= SPIKE_FACTOR * max(before, 1):
            spikes.append((during / max(before, 1), r, during, before))
    spikes.sort(key=lambda x: -x[0])
    latest = await sidecar.store.groups.latest_messages([r["error_hash"] for _, r, _, _ in spikes[:limit]])
    return [Spike(group_view(r, latest.get(r["error_hash"])), during, before, hours)
            for _, r, during, before in spikes[:limit]]


async def began_between(sidecar: Runtime, start: Any, end: Any | None, limit: int = 10) -> list[GroupView]:
    """Groups first seen in [start, end) (no end: the stage still runs), oldest first."""
    bound = " AND created_at < ?" if end is not None else ""
    rows = await _db(sidecar).fetchall(
        "SELECT error_hash, title, error_message, level, severity, status, occurrence_count, created_at, "
        f"last_occurrence_at FROM error_investigations WHERE created_at >= ?{bound} "
        "ORDER BY created_at LIMIT ?",
        [v.as_datetime(start), *([v.as_datetime(end)] if end is not None else []), limit],
    )
    latest = await sidecar.store.groups.latest_messages([r["error_hash"] for r in rows])
    return [group_view(r, latest.get(r["error_hash"])) for r in rows]
