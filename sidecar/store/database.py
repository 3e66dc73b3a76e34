"""The `Database` interface every backend adapts to, its row and error types.

Kept apart from base.py (which builds the `Store` from the repositories): the repositories import
this module and base.py imports them, so the store's imports flow one way, base -> repos -> here.
base.py re-exports every name, so `from sidecar.store.base import Database, StoreError` still works.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from ..exceptions import SidecarError

Row = dict[str, Any]
Params = Sequence[Any]


class StoreError(SidecarError):
    """Base class for store failures."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or used right now; the work should be retried or spooled."""


class MigrationError(StoreError):
    """A migration failed; the store refuses to start on a half-migrated schema."""


class Executor(Protocol):
    """What a transaction and the database both offer."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...


class Database(Executor, Protocol):
    dialect: str  # "sqlite" | "postgres"

    def transaction(self) -> AbstractAsyncContextManager[Executor]:
        """A write transaction; commits on exit, rolls back on an exception."""

    async def ping(self) -> None:
        """Raise StoreUnavailable when the database cannot answer."""

    async def migrate(self) -> list[str]:
        """Bring the schema up to date (safely, also when several replicas start at once)."""

    async def close(self) -> None: ...
