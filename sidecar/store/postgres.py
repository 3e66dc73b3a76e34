"""PostgreSQL backend: psycopg 3 async with a connection pool, same interface and migrations as SQLite.

This is how a fleet of gateway replicas (each with its own sidecar) shares one set of groups,
diagnoses and rollout state. The domain SQL is portable (`?` placeholders, ON CONFLICT,
RETURNING), so this module only translates placeholders and values and maps errors:

- `?` becomes `%s`; a literal `%` becomes `%%` (psycopg reads `%` everywhere in a query that
  has parameters). `?` inside quoted text, quoted identifiers or comments is left alone.
- dicts/lists (and tuples, as on SQLite) are sent as `Jsonb`; rows come back as dicts.
- TIMESTAMPTZ values are returned in UTC whatever the session time zone is (a loader, not a
  `SET TIME ZONE`: a session setting does not survive a transaction-mode pooler).
- NUMERIC results (PostgreSQL's type for `SUM(bigint)`, `AVG(...)`) come back as int when
  integral, else float, which is what SQLite returns for the same query. Decimal would
  make portable code like `row["n"] + 1` behave differently per backend.
- Connection failures and transient server states (refused, reset, pool timeout, admin
  shutdown, disk full, too many connections) raise `StoreUnavailable`; lost write races
  (serialization failure, deadlock) raise its subclass `StoreConflict`; everything else the
  database rejects raises `StoreError` with the server's message.

Supabase: both the direct connection string and the pooled one (Supavisor/pgbouncer in
transaction mode) work. Prepared statements are disabled (`prepare_threshold=None`) because a
transaction-mode pooler hands each transaction to a different server session, where a named
prepared statement from an earlier one does not exist. For the same reason no session state
is relied on: the migration lock is a transaction-scoped advisory lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.datetime import TimestamptzLoader
from psycopg.types.json import Jsonb
from psycopg.types.numeric import NumericLoader
from psycopg_pool import AsyncConnectionPool

from .base import Params, Row, Store, StoreError, StoreUnavailable, migrate, open_migrated
from .conflict import StoreConflict, sqlstate_error
from .sqltext import replace_placeholders

log = logging.getLogger(__name__)

# Key of the advisory lock that serialises migrations of replicas starting together
# (an arbitrary constant: "sidecar" in ASCII, fits a bigint).
MIGRATION_LOCK_KEY = 0x73696465636172
PING_TIMEOUT = 2.0


@lru_cache(maxsize=1024)
def translate_sql(sql: str) -> str:
    """`?` placeholders -> `%s`, `%` -> `%%` (psycopg reads `%` everywhere, even in quoted text).

    `?` inside quoted text, quoted identifiers and comments is left alone (sqltext.py).
    """
    return replace_placeholders(sql, lambda _: "%s", double_percent=True)


def _to_pg(value: Any) -> Any:
    if isinstance(value, dict | list):
        return Jsonb(value)
    if isinstance(value, tuple):
        return Jsonb(list(value))
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # the store's convention: naive means UTC
    return value


def _params(params: Params) -> tuple[Any, ...]:
    return tuple(_to_pg(p) for p in params)


class _UtcTimestamptzLoader(TimestamptzLoader):
    def load(self, data: Any) -> datetime:
        return super().load(data).astimezone(UTC)


class _PortableNumericLoader(NumericLoader):
    def load(self, data: Any) -> Any:
        value = super().load(data)
        if isinstance(value, Decimal):
            if value == value.to_integral_value():
                return int(value)
            return float(value)
        return value


def _translate(exc: psycopg.Error) -> StoreError:
    """The store exception for a psycopg error (classes shared with Supabase: conflict.py)."""
    state = exc.sqlstate
    if state is None:  # no answer from a server: refused, reset, pool timeout, closed connection
        cls = StoreUnavailable if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) else StoreError
    else:
        cls = sqlstate_error(state)
    return cls(f"postgres: {_first_line(exc)}")


def _cancelling() -> bool:
    """Whether this task is being cancelled. psycopg answers a cancelled statement with an error of its own
    (QueryCanceled, a closed connection); translated to a StoreError, a loop that retries store errors
    swallowed the cancel and `stop()` waited forever (alerts' scheduler, seen as a 1-in-4 hang under load)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except psycopg.Error as exc:
        if _cancelling():
            raise asyncio.CancelledError from exc
        raise _translate(exc) from exc


class _PgConn:
    """Statement helpers over one connection (in a transaction or not), raising store errors."""

    def __init__(self, conn: AsyncConnection[Row]) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        with _translated():
            cur = await self.conn.execute(translate_sql(sql), _params(params))
            return cur.rowcount

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        with _translated():
            async with self.conn.cursor() as cur:
                await cur.executemany(translate_sql(sql), [_params(r) for r in rows])

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        with _translated():
            cur = await self.conn.execute(translate_sql(sql), _params(params))
            return await cur.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        with _translated():
            cur = await self.conn.execute(translate_sql(sql), _params(params))
            return await cur.fetchall()


async def _configure(conn: AsyncConnection[Any]) -> None:
    conn.adapters.register_loader("timestamptz", _UtcTimestamptzLoader)
    conn.adapters.register_loader("numeric", _PortableNumericLoader)


class PostgresDatabase:
    """A `Database` over an `AsyncConnectionPool` (autocommit; explicit transactions)."""

    dialect = "postgres"

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Row]]) -> None:
        self._pool = pool
        # Set after a connection-level failure: idle pooled connections may be dead (the server
        # restarted), so the next operation first asks the pool to check and replace them
        # instead of failing once per stale connection.
        self._suspect = False

    @classmethod
    async def open(cls, dsn: str, pool_size: int = 5, *, connect_timeout: float = 10.0) -> PostgresDatabase:
        """Open a pool on `dsn` and wait for one working connection (StoreUnavailable if none)."""
        # The row_factory in kwargs makes every connection an AsyncConnection[Row]; the pool cannot
        # infer that from a kwargs dict, so the class is told (psycopg_pool docs, "Generic types").
        pool = AsyncConnectionPool[AsyncConnection[Row]](
            dsn,
            min_size=1,
            max_size=max(1, pool_size),
            open=False,
            timeout=connect_timeout,  # how long an operation waits for a connection before StoreUnavailable
            # Background reconnection backs off exponentially without a cap: with no limit, recovery
            # after an outage of T seconds waited up to ~T more (measured: 8 s after a 20 s outage).
            # A short limit ends that loop; later operations then connect on demand, paced by the
            # caller's own retry (the spool's backoff), and recovery is immediate.
            reconnect_timeout=max(1.0, connect_timeout),
            kwargs={"autocommit": True, "prepare_threshold": None, "row_factory": dict_row,
                    "connect_timeout": max(1, int(connect_timeout))},
            configure=_configure,
            name="sidecar-store",
        )
        try:
            await pool.open(wait=True, timeout=connect_timeout)
        except psycopg.Error as exc:
            await pool.close()
            raise StoreUnavailable(f"postgres: cannot connect: {_first_line(exc)}") from None
        return cls(pool)

    @asynccontextmanager
    async def _connection(self, wait: float | None = None) -> AsyncIterator[AsyncConnection[Row]]:
        if self._suspect:
            self._suspect = False
            try:
                await self._pool.check()
            except Exception:  # noqa: BLE001 - a failed check is reported by the operation itself
                pass
        try:
            async with self._pool.connection(timeout=wait) as conn:
                yield conn
        except psycopg.Error as exc:
            if _cancelling():
                raise asyncio.CancelledError from exc
            error = _translate(exc)
            self._note(error)
            raise error from exc
        except StoreUnavailable as exc:  # a statement's error, translated by _PgConn
            self._note(exc)
            raise

    def _note(self, error: StoreError) -> None:
        # An outage may have left dead idle connections; a lost race says nothing about them.
        if isinstance(error, StoreUnavailable) and not isinstance(error, StoreConflict):
            self._suspect = True

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._connection() as conn:
            return await _PgConn(conn).execute(sql, params)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._connection() as conn:
            return await _PgConn(conn).fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._connection() as conn:
            return await _PgConn(conn).fetchall(sql, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PgConn]:
        async with self._connection() as conn, conn.transaction():
            yield _PgConn(conn)

    async def ping(self) -> None:
        # Short: /readyz must answer quickly while the database is away (the pool keeps
        # reconnecting in the background; operations wait the full connect timeout).
        async with self._connection(wait=PING_TIMEOUT) as conn:
            await _PgConn(conn).fetchone("SELECT 1 AS ok")

    async def close(self) -> None:
        try:
            await self._pool.close(timeout=2.0)
        except Exception:  # noqa: BLE001 - closing a broken pool must not mask shutdown
            pass

    async def migrate(self) -> list[str]:
        """Run `base.migrate` with every replica serialised on one advisory lock.

        All pending migrations run in ONE outer transaction holding `pg_advisory_xact_lock`:
        a second replica starting at the same moment waits, then finds the versions recorded
        and does nothing. PostgreSQL DDL is transactional, so this stays all-or-nothing; the
        per-migration transactions of `migrate()` become savepoints. A transaction-scoped lock
        (not `pg_advisory_lock`) is what works through a transaction-mode pooler.
        """
        async with self._connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
            return await migrate(_SingleConnection(conn))


class _SingleConnection(_PgConn):
    """A `Database` view of one connection already inside a transaction (nested = savepoints)."""

    dialect = "postgres"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PgConn]:
        async with self.conn.transaction():
            yield self

    async def ping(self) -> None:
        await self.fetchone("SELECT 1 AS ok")

    async def migrate(self) -> list[str]:
        return await migrate(self)

    async def close(self) -> None:
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def open_postgres(dsn: str, pool_size: int = 5, *, connect_timeout: float = 10.0) -> Store:
    """Open, migrate (under the advisory lock) and return the PostgreSQL store at `dsn`."""
    return await open_migrated(await PostgresDatabase.open(dsn, pool_size, connect_timeout=connect_timeout))
