"""The `Database` interface every backend adapts to, its row and error types.

Kept apart from base.py (which builds the `Store` from the repositories): the repositories import
this module and base.py imports them, so the store's imports flow one way, base -> repos -> here.
base.py re-exports every name, so `from sidecar.store.base import Database, StoreError` still works.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ..exceptions import SidecarError

Row = dict[str, Any]
Params = Sequence[Any]


class StoreError(SidecarError):
    """Base class for store failures."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or used right now; the work should be retried or spooled."""


class StorePathUnusable(StoreUnavailable):
    """The database's directory cannot be created (a file in the way, no permission).

    Still unavailable to a running store (its writes wait in the spool while an operator mends the path),
    but nothing that passes by itself: start-up fails at once instead of waiting (app.Sidecar._open_store).
    """


class MigrationError(StoreError):
    """A migration failed; the store refuses to start on a half-migrated schema."""


class Executor(Protocol):
    """What a transaction and the database both offer."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a batch given to `run_statements`.

    `many`: `params` is a sequence of parameter rows (executemany). `returning`: its rows are
    fetched. `expect`: the run stops after this statement unless it returned exactly that many
    rows, or without `returning` changed that many (its rowcount): a caller that guessed the
    outcome, e.g. "every receipt is new", continues by itself.
    """

    sql: str
    params: Params = ()
    many: bool = False
    returning: bool = False
    expect: int | None = None


@runtime_checkable
class BatchRunner(Protocol):
    """An executor that runs a list of statements in one go (SQLite: one call into its thread)."""

    async def run(self, statements: Sequence[Statement]) -> list[list[Row]]: ...


async def run_statements(tx: Executor, statements: Sequence[Statement]) -> list[list[Row]]:
    """Run `statements` in order on `tx`; return each run statement's rows ([] unless `returning`).

    The result is shorter than `statements` when a statement's `expect` was not met (it is the last
    one run). Executors without a batch path (PostgreSQL, Supabase) run them one by one.
    """
    if isinstance(tx, BatchRunner):
        return await tx.run(statements)
    out: list[list[Row]] = []
    for st in statements:
        if st.many:
            await tx.executemany(st.sql, st.params)
            out.append([])
        elif st.returning:
            rows = await tx.fetchall(st.sql, st.params)
            out.append(rows)
            if st.expect is not None and len(rows) != st.expect:
                break
        else:
            changed = await tx.execute(st.sql, st.params)
            out.append([])
            if st.expect is not None and changed != st.expect:
                break
    return out


class Database(Executor, Protocol):
    dialect: str  # "sqlite" | "postgres"

    def transaction(self) -> AbstractAsyncContextManager[Executor]:
        """A write transaction; commits on exit, rolls back on an exception."""

    async def ping(self) -> None:
        """Raise StoreUnavailable when the database cannot answer."""

    async def migrate(self) -> list[str]:
        """Bring the schema up to date (safely, also when several replicas start at once)."""

    async def close(self) -> None: ...
