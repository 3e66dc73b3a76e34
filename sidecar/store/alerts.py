"""Alerting tables: the delivery outbox, aggregation group state, and silences.

Times are aware UTC datetimes in and out (the caller converts from its clock with `utc()`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .database import Database, Row

_DELIVERY_COLUMNS = (
    "id, receiver, channel, route, group_key, coalesce_key, summary, alert_count, status, retryable, attempts, "
    "last_error, http_status, next_attempt_at, created_at, updated_at, sent_at"
)

# A claimed delivery (coalesce_key given up) whose coalescing slot a newer pending row has taken.
_SUPERSEDED = (
    "(coalesce_key IS NULL AND EXISTS (SELECT 1 FROM alert_deliveries AS newer WHERE "
    "newer.coalesce_key = alert_deliveries.group_key AND newer.receiver = alert_deliveries.receiver "
    "AND newer.status = 'pending' AND newer.id > alert_deliveries.id))"
)


class AlertRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- deliveries (outbox) ----------------------------------------------------------------

    async def enqueue(self, *, receiver: str, channel: str, route: str | None, group_key: str, payload: Any,
                      summary: str, alert_count: int, now: datetime, coalesce_key: str | None = None) -> int:
        """Add a pending delivery (or replace the payload of a pending one with the same coalesce_key)."""
        async with self.db.transaction() as tx:
            if coalesce_key is not None:
                row = await tx.fetchone(
                    "SELECT id FROM alert_deliveries WHERE coalesce_key = ? AND status = 'pending' "
                    "ORDER BY id DESC LIMIT 1", (coalesce_key,))
                if row is not None:
                    await tx.execute(
                        "UPDATE alert_deliveries SET payload = ?, summary = ?, alert_count = ?, updated_at = ? "
                        "WHERE id = ?", (payload, summary, alert_count, now, row["id"]))
                    return int(row["id"])
            row = await tx.fetchone(
                "INSERT INTO alert_deliveries (receiver, channel, route, group_key, coalesce_key, summary, "
                "alert_count, status, retryable, attempts, payload, next_attempt_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?, ?, ?) RETURNING id",
                (receiver, channel, route, group_key, coalesce_key, summary, alert_count, True, payload, now, now, now),
            )
            assert row is not None
            return int(row["id"])

    async def get(self, delivery_id: int, with_payload: bool = True) -> Row | None:
        cols = _DELIVERY_COLUMNS + (", payload" if with_payload else "")
        return await self.db.fetchone(f"SELECT {cols} FROM alert_deliveries WHERE id = ?", (delivery_id,))

    async def due(self, now: datetime, limit: int = 100) -> list[Row]:
        return await self.db.fetchall(
            f"SELECT {_DELIVERY_COLUMNS}, payload FROM alert_deliveries "
            "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            (now, limit),
        )

    async def next_pending_at(self) -> datetime | None:
        row = await self.db.fetchone(
            "SELECT next_attempt_at FROM alert_deliveries WHERE status = 'pending' ORDER BY next_attempt_at LIMIT 1")
        return row["next_attempt_at"] if row else None

    async def claim(self, delivery_id: int, *, attempts: int, now: datetime, lease_until: datetime) -> bool:
        """Take a due delivery for one attempt. The lease (next_attempt_at moved to `lease_until`)
        keeps another replica, or a stale read, from sending it at the same time; if this process
        dies mid-send the lease runs out and the delivery is due again.

        A claimed delivery leaves its coalescing slot (coalesce_key set to NULL): a newer payload
        enqueued while this one is on the wire becomes a new row instead of rewriting this one,
        which the sender would then mark sent without ever sending it (an Alertmanager resolve
        was lost that way). A claimed row whose slot a newer row took meanwhile (this process died
        mid-send, the lease ran out) is stale: it is deleted instead of sent after the newer one."""
        # One statement in the usual case (a round trip matters on Supabase); the stale row is
        # looked for again only when the claim did not take.
        claimed = await self.db.execute(
            "UPDATE alert_deliveries SET next_attempt_at = ?, coalesce_key = NULL, updated_at = ? "
            "WHERE id = ? AND status = 'pending' AND attempts = ? AND next_attempt_at <= ? AND NOT " + _SUPERSEDED,
            (lease_until, now, delivery_id, attempts, now))
        if claimed == 1:
            return True
        await self.db.execute(
            "DELETE FROM alert_deliveries WHERE id = ? AND status = 'pending' AND " + _SUPERSEDED, (delivery_id,))
        return False

    async def mark_sent(self, delivery_id: int, *, attempts: int, http_status: int | None, now: datetime) -> None:
        await self.db.execute(
            "UPDATE alert_deliveries SET status = 'sent', attempts = ?, http_status = ?, last_error = NULL, "
            "sent_at = ?, updated_at = ? WHERE id = ?", (attempts, http_status, now, now, delivery_id))

    async def mark_retry(self, delivery_id: int, *, attempts: int, next_attempt_at: datetime, error: str,
                         http_status: int | None, now: datetime, coalesce_key: str | None = None) -> None:
        """Schedule another attempt. `coalesce_key`: the slot the delivery held before it was claimed;
        it takes the slot back, unless a newer payload took it meanwhile: then this one is stale
        and is deleted (the newer row carries the whole state)."""
        async with self.db.transaction() as tx:
            if coalesce_key is not None and await tx.fetchone(
                    "SELECT id FROM alert_deliveries WHERE coalesce_key = ? AND status = 'pending' AND id <> ? "
                    "LIMIT 1", (coalesce_key, delivery_id)) is not None:
                await tx.execute("DELETE FROM alert_deliveries WHERE id = ?", (delivery_id,))
                return
            await tx.execute(
                "UPDATE alert_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ?, http_status = ?, "
                "coalesce_key = COALESCE(?, coalesce_key), updated_at = ? WHERE id = ?",
                (attempts, next_attempt_at, error, http_status, coalesce_key, now, delivery_id))

    async def mark_failed(self, delivery_id: int, *, attempts: int, error: str, http_status: int | None,
                          retryable: bool, now: datetime) -> None:
        await self.db.execute(
            "UPDATE alert_deliveries SET status = 'failed', attempts = ?, last_error = ?, http_status = ?, "
            "retryable = ?, updated_at = ? WHERE id = ?", (attempts, error, http_status, retryable, now, delivery_id))

    async def requeue_failed(self, *, since: datetime, now: datetime) -> int:
        """At start: deliveries that ran out of attempts on a transient error get another round."""
        return await self.db.execute(
            "UPDATE alert_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? "
            "WHERE status = 'failed' AND retryable = ? AND created_at >= ?", (now, now, True, since))

    async def recent(self, limit: int = 100, status: str | None = None, with_payload: bool = False) -> list[Row]:
        cols = _DELIVERY_COLUMNS + (", payload" if with_payload else "")
        if status:
            return await self.db.fetchall(
                f"SELECT {cols} FROM alert_deliveries WHERE status = ? ORDER BY id DESC LIMIT ?", (status, limit))
        return await self.db.fetchall(f"SELECT {cols} FROM alert_deliveries ORDER BY id DESC LIMIT ?", (limit,))

    async def counts(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT status, COUNT(*) AS n FROM alert_deliveries GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}

    async def prune(self, before: datetime) -> int:
        return await self.db.execute(
            "DELETE FROM alert_deliveries WHERE status <> 'pending' AND updated_at < ?", (before,))

    # --- aggregation groups -----------------------------------------------------------------

    async def save_groups(self, groups: list[tuple[str, str, dict[str, Any]]], deleted: list[str],
                          now: datetime) -> None:
        if not groups and not deleted:
            return
        async with self.db.transaction() as tx:
            for key, route, state in groups:
                await tx.execute(
                    "INSERT INTO alert_groups (group_key, route, state, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (group_key) DO UPDATE SET route = excluded.route, state = excluded.state, "
                    "updated_at = excluded.updated_at", (key, route, state, now))
            for key in deleted:
                await tx.execute("DELETE FROM alert_groups WHERE group_key = ?", (key,))

    async def load_groups(self) -> list[Row]:
        return await self.db.fetchall("SELECT group_key, route, state, updated_at FROM alert_groups")

    # --- silences ---------------------------------------------------------------------------

    async def add_silence(self, *, silence_id: str, matchers: list[dict[str, Any]], starts_at: datetime,
                          ends_at: datetime, created_by: str | None, comment: str | None, now: datetime) -> Row:
        await self.db.execute(
            "INSERT INTO alert_silences (id, matchers, starts_at, ends_at, created_by, comment, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (silence_id, matchers, starts_at, ends_at, created_by, comment, now))
        row = await self.get_silence(silence_id)
        assert row is not None
        return row

    async def get_silence(self, silence_id: str) -> Row | None:
        return await self.db.fetchone(
            "SELECT id, matchers, starts_at, ends_at, created_by, comment, created_at FROM alert_silences "
            "WHERE id = ?", (silence_id,))

    async def silences(self, now: datetime, include_expired: bool = False, limit: int = 200) -> list[Row]:
        if include_expired:
            return await self.db.fetchall(
                "SELECT id, matchers, starts_at, ends_at, created_by, comment, created_at FROM alert_silences "
                "ORDER BY ends_at DESC LIMIT ?", (limit,))
        return await self.db.fetchall(
            "SELECT id, matchers, starts_at, ends_at, created_by, comment, created_at FROM alert_silences "
            "WHERE ends_at > ? ORDER BY ends_at LIMIT ?", (now, limit))

    async def expire_silence(self, silence_id: str, now: datetime) -> bool:
        """End a silence now; False when it does not exist or has already ended."""
        return await self.db.execute(
            "UPDATE alert_silences SET ends_at = ? WHERE id = ? AND ends_at > ?", (now, silence_id, now)) > 0
