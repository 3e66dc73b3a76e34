"""Learned templates and merges in the store (errors/templates.py explains why they make ids stable).

`error_templates` holds every learned template (group id, bucket, text); `error_merges` maps each
masked form that joined another form's group to that group. Both are append-mostly: a template
row's text may only widen (more `<*>`), and a merge row, once written, is never rewritten (the
primary key is the form, `ON CONFLICT DO NOTHING`), so a fingerprint assigned by one replica is
the one every other replica reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .database import Database, Row

_CHUNK = 200


class TemplateStore:
    """Mixed into `GroupRepo` (`store.groups`): template and merge persistence."""

    db: Database

    async def templates_since(self, after_id: int = 0, limit: int = 50_000) -> list[Row]:
        """Templates with `id > after_id`, oldest first (id, fingerprint, bucket, template)."""
        return await self.db.fetchall(
            "SELECT id, fingerprint, bucket, template FROM error_templates WHERE id > ? ORDER BY id LIMIT ?",
            (after_id, limit))

    async def merges(self, limit: int = 200_000) -> list[tuple[str, str]]:
        """(from_hash, into_hash) of every stored merge, oldest first."""
        rows = await self.db.fetchall(
            "SELECT from_hash, into_hash FROM error_merges ORDER BY created_at, from_hash LIMIT ?", (limit,))
        return [(r["from_hash"], r["into_hash"]) for r in rows]

    async def resolve_merges(self, forms: Sequence[str]) -> dict[str, str]:
        """The group each of `forms` was merged into (forms without a merge are left out)."""
        out: dict[str, str] = {}
        for i in range(0, len(forms), _CHUNK):
            chunk = list(forms[i:i + _CHUNK])
            marks = ", ".join("?" for _ in chunk)
            for row in await self.db.fetchall(
                    f"SELECT from_hash, into_hash FROM error_merges WHERE from_hash IN ({marks})", chunk):
                out[row["from_hash"]] = row["into_hash"]
        return out

    async def existing(self, fingerprints: Sequence[str]) -> set[str]:
        """Which of `fingerprints` already have a group row."""
        out: set[str] = set()
        for i in range(0, len(fingerprints), _CHUNK):
            chunk = list(fingerprints[i:i + _CHUNK])
            marks = ", ".join("?" for _ in chunk)
            rows = await self.db.fetchall(
                f"SELECT error_hash FROM error_investigations WHERE error_hash IN ({marks})", chunk)
            out.update(r["error_hash"] for r in rows)
        return out

    async def save_learning(self, templates: Sequence[tuple[str, str, str]], merges: Sequence[tuple[str, str]],
                            at: datetime) -> dict[str, str]:
        """Store new/widened templates and new merges in one transaction.

        Returns the merges as stored: for a form another replica merged first, its target wins
        (first writer wins) and the caller adopts it.
        """
        async with self.db.transaction() as tx:
            for fp, bucket, text in templates:
                await tx.execute(
                    "INSERT INTO error_templates (fingerprint, bucket, template, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET template = excluded.template, "
                    "updated_at = excluded.updated_at",
                    (fp, bucket, text, at, at))
                await tx.execute("UPDATE error_investigations SET title = ? WHERE error_hash = ?", (text[:500], fp))
            for src, dst in merges:
                await tx.execute(
                    "INSERT INTO error_merges (from_hash, into_hash, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (from_hash) DO NOTHING", (src, dst, at))
        return await self.resolve_merges([src for src, _ in merges])
