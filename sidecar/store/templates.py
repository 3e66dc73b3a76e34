"""Learned templates and merges in the store (errors/templates.py explains why they make ids stable).

`error_templates` holds every learned template (group id, bucket, text); `error_merges` maps each
masked form that joined another form's group to that group. Both are append-mostly: a template
row's text may only widen (more `<*>`), and a merge row, once written, is never rewritten (the
primary key is the form, `ON CONFLICT DO NOTHING`), so a fingerprint assigned by one replica is
the one every other replica reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from .database import Database, Executor, Row

_CHUNK = 200
# Key of the advisory lock that serialises template creation between PostgreSQL replicas
# ("tmpl" in ASCII; SQLite's BEGIN IMMEDIATE serialises writers already).
TEMPLATE_LOCK_KEY = 0x746D706C
# (fingerprint, bucket, text) of a new template and the rows other replicas stored meanwhile ->
# the fingerprint of the stored template it is the same event as, or None (errors/learning.py).
SameEvent = Callable[[tuple[str, str, str], list[Row]], str | None]


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

    async def has_groups(self) -> bool:
        """Whether any group row exists (errors/learning.py: a store without one holds no old-version group)."""
        return await self.db.fetchone("SELECT 1 AS one FROM error_investigations LIMIT 1") is not None

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
                            at: datetime, *, after_id: int = 0, same_event: SameEvent | None = None) -> dict[str, str]:
        """Store new/widened templates and new merges in one transaction.

        Returns the merges as stored: for a form another replica merged first, its target wins
        (first writer wins) and the caller adopts it. With `same_event`, template creation is
        serialised between replicas (advisory lock / SQLite's write lock), and a template new to
        the store that is the same event as one another replica stored since `after_id` (the
        caller's last read) is not stored: it becomes a merge into the older one, returned like
        the others. Two replicas that start the same template in the same instant so end with
        one group: the second to commit adopts the first's.
        """
        async with self.db.transaction() as tx:
            redirect: dict[str, str] = {}
            if same_event is not None and templates:
                redirect = await self._same_events(tx, templates, after_id, same_event)
            for fp, bucket, text in templates:
                if fp in redirect:
                    continue
                await tx.execute(
                    "INSERT INTO error_templates (fingerprint, bucket, template, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET template = excluded.template, "
                    "updated_at = excluded.updated_at",
                    (fp, bucket, text, at, at))
                await tx.execute("UPDATE error_investigations SET title = ? WHERE error_hash = ?", (text[:500], fp))
            all_merges = [(src, redirect.get(dst, dst)) for src, dst in merges] + sorted(redirect.items())
            for src, dst in all_merges:
                await tx.execute(
                    "INSERT INTO error_merges (from_hash, into_hash, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (from_hash) DO NOTHING", (src, dst, at))
        return await self.resolve_merges([src for src, _ in all_merges])

    async def _same_events(self, tx: Executor, templates: Sequence[tuple[str, str, str]], after_id: int,
                           same_event: SameEvent) -> dict[str, str]:
        """{new template: the stored template of the same event} for templates not yet stored."""
        if self.db.dialect == "postgres":
            await tx.fetchone("SELECT pg_advisory_xact_lock(?)", (TEMPLATE_LOCK_KEY,))
        fps = [t[0] for t in templates]
        stored: set[str] = set()
        for i in range(0, len(fps), _CHUNK):
            chunk = fps[i:i + _CHUNK]
            rows = await tx.fetchall(
                f"SELECT fingerprint FROM error_templates WHERE fingerprint IN ({', '.join('?' for _ in chunk)})", chunk)
            stored.update(r["fingerprint"] for r in rows)
        new = [t for t in templates if t[0] not in stored]
        if not new:
            return {}
        buckets = sorted({t[1] for t in new})
        others = await tx.fetchall(
            f"SELECT id, fingerprint, bucket, template FROM error_templates WHERE id > ? "
            f"AND bucket IN ({', '.join('?' for _ in buckets)}) ORDER BY id LIMIT 10000", (after_id, *buckets))
        out: dict[str, str] = {}
        for t in new:
            target = same_event(t, others)
            if target is not None and target != t[0]:
                out[t[0]] = target
        return out
