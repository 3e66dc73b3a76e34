"""Rollout state, history, decisions and hook calls (tables from migration 0004_rollouts.sql).

Concurrency model (several replicas may share one store):
- `rollout_state.version` is an optimistic lock: every write says which version it read, and a
  write that finds another version changes nothing (the caller re-reads and re-decides).
- A decision that has side effects (hooks) is a row in `rollout_decisions` keyed by
  (rollout, incident, action); `INSERT ... ON CONFLICT DO NOTHING RETURNING` tells exactly one
  replica that it won. The decision, the state change, its history event and its hook calls are
  written in ONE transaction, so a loser leaves no trace and a winner leaves all of it.
- Hook calls are claimed (claimed_by/claimed_until) before each delivery attempt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..exceptions import SidecarError
from .conflict import StoreConflict
from .database import Database, Executor, Row

STATE_COLUMNS = (
    "state", "stage_index", "percent", "started_at", "stage_started_at", "stage_elapsed",
    "running_since", "incident", "data",
)


def decoded_data(value: Any) -> dict[str, Any]:
    """A state row's `data` as read: a dict (a JSONB column), JSON text (an expression column in
    SQLite, see `get_unless`) or NULL."""
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return dict(value or {})


class LostRace(SidecarError):
    """Another replica changed the rollout first (version moved, or the decision exists)."""


@dataclass(slots=True)
class Decision:
    incident: int
    action: str
    key: str
    decided_by: str
    reasons: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class HookCallRow:
    hook: str
    kind: str
    max_attempts: int
    payload: dict[str, Any]


@dataclass(slots=True)
class Event:
    action: str
    from_state: str | None
    to_state: str | None
    from_stage: int | None
    to_stage: int | None
    from_percent: float | None
    to_percent: float | None
    actor: str
    reasons: list[dict[str, Any]] = field(default_factory=list)


class RolloutRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- state --------------------------------------------------------------------------------

    async def ensure(self, name: str, at: datetime) -> None:
        """Create the idle row for a configured rollout (no-op when it exists)."""
        await self.db.execute(
            "INSERT INTO rollout_state (name, state, data, updated_at) VALUES (?, 'idle', ?, ?) "
            "ON CONFLICT (name) DO NOTHING",
            (name, {}, at),
        )

    async def get(self, name: str) -> Row | None:
        return await self.db.fetchone("SELECT * FROM rollout_state WHERE name = ?", (name,))

    async def get_unless(self, name: str, version: int, updated_at: datetime) -> Row | None:
        """The row, with `data` None when the row still has this `version` and `updated_at`.

        Every write of the row moves its version (the optimistic lock above) and stamps `updated_at`,
        so an unchanged pair means the data read before is still the data: the caller keeps it instead
        of decoding the whole JSON again (the watch reads the row every few seconds, and the data holds
        the rollout page's series, up to 600 points). Both are compared, not the version alone: a
        database replaced under the store starts versions over. The CASE column has no declared
        type, so SQLite hands its JSON over as text (`decoded_data` reads it); PostgreSQL's is jsonb.
        """
        cols = ", ".join(c for c in ("name", "version", "updated_at", *STATE_COLUMNS) if c != "data")
        return await self.db.fetchone(
            f"SELECT {cols}, CASE WHEN version = ? AND updated_at = ? THEN NULL ELSE data END AS data "
            "FROM rollout_state WHERE name = ?",
            (version, updated_at, name),
        )

    async def save_data(self, name: str, version: int, data: dict[str, Any], at: datetime) -> bool:
        """Store evaluation bookkeeping; False when another replica wrote first."""
        changed = await self.db.execute(
            "UPDATE rollout_state SET data = ?, version = version + 1, updated_at = ? "
            "WHERE name = ? AND version = ?",
            (data, at, name, version),
        )
        return changed == 1

    async def commit(
        self,
        name: str,
        version: int,
        changes: dict[str, Any],
        at: datetime,
        event: Event | None = None,
        incident: int = 0,
        decision: Decision | None = None,
        hook_calls: list[HookCallRow] | None = None,
        claim: tuple[str, datetime] | None = None,
    ) -> bool:
        """Apply one transition atomically; False (and nothing written) when another replica won.

        `claim` (replica, until) writes the hook calls already claimed by the deciding replica, so
        the others leave them alone unless that replica dies before delivering (claim expiry).
        """
        claimed_by, claimed_until = claim if claim is not None else (None, None)
        unknown = set(changes) - set(STATE_COLUMNS)
        if unknown:
            raise ValueError(f"not rollout_state columns: {sorted(unknown)}")
        try:
            async with self.db.transaction() as tx:
                if decision is not None:
                    won = await tx.fetchone(
                        "INSERT INTO rollout_decisions (rollout, incident, action, decided_at, decided_by, "
                        "idempotency_key, reasons) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT DO NOTHING RETURNING idempotency_key",
                        (name, decision.incident, decision.action, at, decision.decided_by, decision.key,
                         decision.reasons),
                    )
                    if won is None:
                        raise LostRace(f"decision {decision.key} already made")
                sets = ", ".join(f"{c} = ?" for c in changes)
                updated = await tx.execute(
                    f"UPDATE rollout_state SET {sets}{', ' if sets else ''}version = version + 1, updated_at = ? "
                    "WHERE name = ? AND version = ?",
                    (*changes.values(), at, name, version),
                )
                if updated != 1:
                    raise LostRace(f"rollout {name} changed since version {version}")
                if event is not None:
                    await self._add_event(tx, name, incident, at, event)
                if decision is not None:
                    for call in hook_calls or []:
                        await tx.execute(
                            "INSERT INTO hook_calls (rollout, incident, idempotency_key, hook, kind, action, status, "
                            "attempts, max_attempts, payload, next_attempt_at, claimed_by, claimed_until, "
                            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (idempotency_key, hook) DO NOTHING",
                            (name, decision.incident, decision.key, call.hook, call.kind, decision.action,
                             call.max_attempts, call.payload, at, claimed_by, claimed_until, at, at),
                        )
        except (LostRace, StoreConflict):
            # StoreConflict: a concurrent writer touched these rows (PostgreSQL deadlock or
            # serialization failure, Supabase's optimistic commit). Nothing was written; like a
            # lost race, the controller re-reads the state at its next evaluation.
            return False
        return True

    async def add_event(self, name: str, incident: int, at: datetime, event: Event) -> None:
        async with self.db.transaction() as tx:
            await self._add_event(tx, name, incident, at, event)

    @staticmethod
    async def _add_event(tx: Executor, name: str, incident: int, at: datetime, event: Event) -> None:
        await tx.execute(
            "INSERT INTO rollout_events (rollout, incident, at, action, from_state, to_state, from_stage, "
            "to_stage, from_percent, to_percent, actor, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (name, incident, at, event.action, event.from_state, event.to_state, event.from_stage,
             event.to_stage, event.from_percent, event.to_percent, event.actor, event.reasons),
        )

    # --- history ------------------------------------------------------------------------------

    async def events(self, name: str, limit: int = 100) -> list[Row]:
        """The most recent events, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM rollout_events WHERE rollout = ? ORDER BY id DESC LIMIT ?", (name, limit)
        )
        return list(reversed(rows))

    async def decisions(self, name: str) -> list[Row]:
        return await self.db.fetchall(
            "SELECT * FROM rollout_decisions WHERE rollout = ? ORDER BY decided_at, incident", (name,)
        )

    # --- hook calls ---------------------------------------------------------------------------

    async def hook_calls(self, name: str, limit: int = 100) -> list[Row]:
        rows = await self.db.fetchall(
            "SELECT * FROM hook_calls WHERE rollout = ? ORDER BY id DESC LIMIT ?", (name, limit)
        )
        return list(reversed(rows))

    async def hook_calls_for(self, key: str) -> list[Row]:
        return await self.db.fetchall("SELECT * FROM hook_calls WHERE idempotency_key = ? ORDER BY id", (key,))

    async def due_hook_calls(self, now: datetime, replica: str, limit: int = 50) -> list[Row]:
        """Pending calls whose next attempt is due and that no other replica holds a live claim on."""
        return await self.db.fetchall(
            "SELECT * FROM hook_calls WHERE status = 'pending' AND next_attempt_at <= ? "
            "AND (claimed_until IS NULL OR claimed_until <= ? OR claimed_by = ?) ORDER BY id LIMIT ?",
            (now, now, replica, limit),
        )

    async def next_hook_due(self) -> datetime | None:
        row = await self.db.fetchone(
            "SELECT next_attempt_at FROM hook_calls WHERE status = 'pending' ORDER BY next_attempt_at LIMIT 1"
        )
        return row["next_attempt_at"] if row else None

    async def claim_hook_call(self, call_id: int, replica: str, now: datetime, until: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE hook_calls SET claimed_by = ?, claimed_until = ?, updated_at = ? "
            "WHERE id = ? AND status = 'pending' AND next_attempt_at <= ? "
            "AND (claimed_until IS NULL OR claimed_until <= ? OR claimed_by = ?)",
            (replica, until, now, call_id, now, now, replica),
        )
        return changed == 1

    async def renew_claims(self, replica: str, now: datetime, until: datetime) -> int:
        """Heartbeat: extend every live claim `replica` holds on a pending call. A replica that
        dies stops renewing, so its claims lapse within one short lease and a survivor takes over."""
        return await self.db.execute(
            "UPDATE hook_calls SET claimed_until = ?, updated_at = ? "
            "WHERE claimed_by = ? AND status = 'pending' AND claimed_until > ?",
            (until, now, replica, now),
        )

    async def finish_hook_call(
        self, call_id: int, *, status: str, attempts: int, at: datetime, next_attempt_at: datetime,
        error: str | None, code: int | None,
    ) -> None:
        await self.db.execute(
            "UPDATE hook_calls SET status = ?, attempts = ?, last_error = ?, last_status = ?, "
            "next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL, updated_at = ? WHERE id = ?",
            (status, attempts, error, code, next_attempt_at, at, call_id),
        )

    async def rearm_failed(self, name: str, incident: int, at: datetime) -> int:
        """Give failed hook calls of an incident a new round of attempts (operator retry)."""
        return await self.db.execute(
            "UPDATE hook_calls SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? "
            "WHERE rollout = ? AND incident = ? AND status = 'failed'",
            (at, at, name, incident),
        )
