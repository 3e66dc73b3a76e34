"""Tail checkpoints as seen by other replicas and the dashboard (the files are the resume truth)."""

from __future__ import annotations

from datetime import datetime

from .database import Database, Row


class CheckpointRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(self, file_key: str, source: str, path: str, offset: int, line: int,
                   size: int | None, at: datetime) -> None:
        await self.db.execute(
            'INSERT INTO tail_checkpoints (file_key, source, path, "offset", line, size, updated_at) '
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (file_key) DO UPDATE SET "
            'source = excluded.source, path = excluded.path, "offset" = excluded."offset", '
            "line = excluded.line, size = excluded.size, updated_at = excluded.updated_at",
            (file_key, source, path, offset, line, size, at),
        )

    async def all(self) -> list[Row]:
        return await self.db.fetchall(
            'SELECT file_key, source, path, "offset", line, size, updated_at FROM tail_checkpoints ORDER BY path'
        )
