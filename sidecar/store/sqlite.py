"""SQLite backend (the default): WAL mode, one writer connection, a reader connection.

Each aiosqlite connection runs in its own thread, so SQLite never blocks the event loop. WAL
lets the dashboard read while the pipeline writes. Writes are serialised by an asyncio lock:
SQLite has one writer anyway, and the lock keeps one task's transaction from interleaving
with another task's statements on the shared connection.

The file under the connections can be deleted or replaced (an operator's `rm`, a restored
backup moved over it). SQLite keeps writing to the open inode, so everything written after that
is lost at the next start while the tailer's checkpoints moved past it. Before every write and
on every ping the (device, inode) of the path is compared with the one opened: on a mismatch
the write fails with StoreUnavailable (the outage spool keeps the events; without one the
tailer stops advancing) and /readyz names the problem; once that has been reported for
`REOPEN_AFTER` seconds (long enough for a readiness probe and a person to see it), the next attempt
closes the old connections and reopens the path (creating and migrating a new database if it is
gone), and the spooled events go there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

from .base import Params, Row, Store, StoreError, StoreUnavailable, migrate, open_migrated
from .database import Statement, StorePathUnusable

_TS_FORMAT = "%Y-%m-%d %H:%M:%S.%f+00:00"

log = logging.getLogger(__name__)
_T = TypeVar("_T")

REOPEN_AFTER = 10.0  # seconds a deleted/replaced database file is reported before it is reopened


def _to_sql(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or value is None:  # most parameters: passed as they are, tested first
        return value
    if isinstance(value, datetime):
        return _timestamp(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, separators=(",", ":"), default=str)
    return value


def _timestamp(value: datetime) -> str:
    """A time as stored (UTC text). Memoised: a batch passes the same few times once per event."""
    text = _STAMPS.get(value)
    if text is None:
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
        text = aware.astimezone(UTC).strftime(_TS_FORMAT)
        if len(_STAMPS) >= 4096:
            _STAMPS.clear()
        _STAMPS[value] = text
    return text


# Keyed by the datetime itself: equal aware datetimes are the same instant (same text); a naive
# one never equals an aware one, and equal naive ones are read as the same UTC time.
_STAMPS: dict[datetime, str] = {}


def _params(params: Params) -> tuple[Any, ...]:
    return tuple(map(_to_sql, params))


def _parse_ts(raw: bytes) -> datetime:
    text = raw.decode()
    try:
        return datetime.strptime(text, _TS_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        dt = datetime.fromisoformat(text)
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


sqlite3.register_converter("TIMESTAMPTZ", _parse_ts)
sqlite3.register_converter("JSONB", lambda raw: json.loads(raw))
sqlite3.register_converter("BOOLEAN", lambda raw: raw not in (b"0", b""))


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {d[0]: v for d, v in zip(cursor.description, row, strict=False)}


class _Conn:
    """Statement helpers over one aiosqlite connection, translating errors.

    Each helper is ONE call into the connection's thread (a plain function run there on the
    sqlite3 connection): aiosqlite's own cursor API costs a thread round trip for execute, another
    for fetchall and another for close, and a batch of error events made ~25 of them (each a queue
    put, a thread wake-up and a loop callback). `run` does a whole list of statements in one.
    Parameters are converted on the event loop (the memoised time texts are not shared across threads).
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _call(self, fn: Callable[..., _T], *args: Any) -> _T:
        # aiosqlite has no public "run this function in the connection's thread"; `_execute` is how
        # its own methods do it (queued in order with them, so transactions stay in sequence).
        in_thread = cast("Callable[..., Awaitable[_T]]", self.conn._execute)  # untyped in aiosqlite
        try:
            return await in_thread(fn, self.conn._conn, *args)
        except sqlite3.OperationalError as exc:
            raise _translate(exc) from exc

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._call(_execute, sql, _params(params))

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        await self._call(_executemany, sql, [_params(r) for r in rows])

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self._call(_fetch, sql, _params(params), 1)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._call(_fetch, sql, _params(params), None)

    async def run(self, statements: Sequence[Statement]) -> list[list[Row]]:
        """`database.run_statements` in one call into the connection's thread."""
        prepared = [(st.sql, [_params(r) for r in st.params] if st.many else _params(st.params), st.many,
                     st.returning, st.expect) for st in statements]
        return await self._call(_run, prepared)


# The functions below run in the connection's thread (see _Conn._call).

def _execute(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> int:
    cur = db.execute(sql, params)
    try:
        return cur.rowcount
    finally:
        cur.close()


def _executemany(db: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    db.executemany(sql, rows).close()


def _fetch(db: sqlite3.Connection, sql: str, params: tuple[Any, ...], limit: int | None) -> list[Row]:
    # Rows as dicts (what _dict_row makes), with the column names read once per statement:
    # `cursor.description` is a new tuple on every access, and _dict_row read it for every row
    # (a batch's 1,000 RETURNING receipt rows cost more than inserting them).
    cur = db.cursor()
    cur.row_factory = None
    try:
        cur.execute(sql, params)
        # fetchmany(1) leaves the rest of a SELECT unread, as fetchone did.
        rows = cur.fetchall() if limit is None else cur.fetchmany(limit)
        if not rows:
            return []
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=False)) for row in rows]
    finally:
        cur.close()


def _run(db: sqlite3.Connection, prepared: list[tuple[str, Any, bool, bool, int | None]]) -> list[list[Row]]:
    out: list[list[Row]] = []
    for sql, params, many, returning, expect in prepared:
        if many:
            _executemany(db, sql, params)
            out.append([])
            continue
        if returning:
            rows = _fetch(db, sql, params, None)
            out.append(rows)
            if expect is not None and len(rows) != expect:
                break
            continue
        changed = _execute(db, sql, params)
        out.append([])
        if expect is not None and changed != expect:
            break
    return out


def _translate(exc: sqlite3.OperationalError) -> StoreError:
    text = str(exc)
    if any(s in text for s in ("unable to open", "disk I/O error", "database is locked", "readonly", "disk is full")):
        return StoreUnavailable(f"sqlite: {text}")
    return StoreError(f"sqlite: {text}")


class SqliteDatabase:
    dialect = "sqlite"

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, path: str,
                 ident: tuple[int, int] | None = None) -> None:
        self.path = path
        self._w = _Conn(writer)
        self._r = _Conn(reader)
        self._wlock = asyncio.Lock()
        self._rlock = asyncio.Lock()
        self._ident = ident if ident is not None else _file_ident(path)
        self._lost: str | None = None  # set when the file was found deleted/replaced; cleared by reopening
        self._lost_since = 0.0
        self.reopen_after = REOPEN_AFTER
        self._reopen_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str) -> SqliteDatabase:
        if path != ":memory:":
            p = Path(path)
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorePathUnusable(f"cannot create data directory {p.parent}: {exc.strerror}") from None
        opened: list[aiosqlite.Connection] = []
        try:
            writer = await cls._connect(path, opened)
            await writer.execute("PRAGMA journal_mode=WAL")
            await writer.execute("PRAGMA synchronous=NORMAL")
            reader = await cls._connect(path, opened)
        except BaseException as exc:
            # Close what was opened: since aiosqlite 0.22 each connection's worker thread is
            # non-daemon (its changelog), so one left open keeps the process from exiting. A
            # `sidecar run` whose store could not be opened printed its one-line error and then
            # never exited (reproduced: a database locked past busy_timeout, a file that is not a
            # database), which looked like a hang to whoever waited for it (round 14's CI failure).
            for conn in opened:
                with contextlib.suppress(Exception):
                    await conn.close()
            if isinstance(exc, sqlite3.OperationalError):  # locked, unable to open, I/O: may pass
                raise StoreUnavailable(f"cannot open {path}: {exc}") from None
            if isinstance(exc, sqlite3.DatabaseError):  # "file is not a database": will not pass by itself
                raise StoreError(f"cannot open {path}: {exc}") from None
            raise
        return cls(writer, reader, path)

    # -- the file under the connections ---------------------------------------------------------
    def file_problem(self) -> str | None:
        """Why the path no longer names the file the connections write to, or None."""
        if self._ident is None:
            return None
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return f"database file {self.path} was deleted while open"
        except OSError as exc:
            return f"cannot stat database file {self.path}: {exc.strerror}"
        if (st.st_dev, st.st_ino) != self._ident:
            return f"database file {self.path} was replaced while open"
        return None

    async def _guard(self) -> None:
        """Refuse to write into a deleted/replaced file; on the attempt after that, reopen the path."""
        problem = self.file_problem()
        if problem is None:
            return
        if self._lost is None:
            self._lost = problem
            self._lost_since = time.monotonic()
            log.error("store: writes to the database file would be lost, so they stop now and the path is reopened "
                      "later (events wait in the outage spool or in the tailer meanwhile)",
                      extra={"problem": problem, "reopen_after_s": self.reopen_after})
        if time.monotonic() - self._lost_since < self.reopen_after:
            raise StoreUnavailable(f"sqlite: {problem}")
        await self._reopen()

    async def _reopen(self) -> None:
        async with self._reopen_lock:
            if self.file_problem() is None:  # another task reopened it
                return
            async with self._wlock, self._rlock:
                for conn in (self._r.conn, self._w.conn):
                    try:
                        await conn.close()
                    except Exception:  # noqa: BLE001 - the old connection is being dropped anyway
                        pass
                fresh = await SqliteDatabase.open(self.path)
                self._w, self._r, self._ident = fresh._w, fresh._r, fresh._ident
            await migrate(self)
            log.error("store: reopened the database path (what the old file held stays with it)",
                      extra={"path": str(self.path), "after": str(self._lost)})
            self._lost = None

    @staticmethod
    async def _connect(path: str, opened: list[aiosqlite.Connection]) -> aiosqlite.Connection:
        """A configured connection, appended to `opened` as soon as it exists (the caller closes
        it if anything after fails, this function's own PRAGMAs included)."""
        conn = await aiosqlite.connect(path, detect_types=sqlite3.PARSE_DECLTYPES, isolation_level=None)
        opened.append(conn)
        # aiosqlite types row_factory as a class; sqlite3 takes any callable (cursor, row) -> row.
        conn.row_factory = _dict_row  # type: ignore[assignment]
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA foreign_keys=ON")
        return conn

    # Single statements outside a transaction: writes take the writer, SELECTs the reader.
    async def execute(self, sql: str, params: Params = ()) -> int:
        await self._guard()
        async with self._wlock:
            return await self._w.execute(sql, params)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._rlock:
            return await self._r.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._rlock:
            return await self._r.fetchall(sql, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Conn]:
        await self._guard()
        async with self._wlock:
            # IMMEDIATE takes the write lock up front, so two processes on one file serialise
            # instead of failing later with SQLITE_BUSY on upgrade.
            try:
                await self._w.execute("BEGIN IMMEDIATE")
            except BaseException:
                # A task cancelled while awaiting BEGIN: aiosqlite's thread still runs it, so the
                # connection would stay inside a transaction for the next caller. Its queue is in
                # order, so a ROLLBACK sent now runs after the BEGIN (and is a no-op without it).
                with contextlib.suppress(sqlite3.Error, ValueError):
                    await self._w.conn.execute("ROLLBACK")
                raise
            try:
                yield self._w
            except BaseException:
                await self._w.conn.execute("ROLLBACK")
                raise
            else:
                await self._w.execute("COMMIT")

    async def ping(self) -> None:
        await self._guard()  # first sight of a deleted/replaced file: unready; the next ping reopens it
        try:
            await self.fetchone("SELECT 1 AS ok")
        except StoreError:
            raise
        except Exception as exc:  # a closed or broken connection raises ValueError/sqlite3.Error
            raise StoreUnavailable(f"sqlite: {exc}") from exc

    async def migrate(self) -> list[str]:
        return await migrate(self)

    async def close(self) -> None:
        for conn in (self._r.conn, self._w.conn):
            try:
                await conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection must not mask shutdown
                pass


def _file_ident(path: str) -> tuple[int, int] | None:
    if path == ":memory:" or path.startswith("file:"):
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


async def open_sqlite(path: str) -> Store:
    """Open (creating if needed) and migrate the SQLite store at `path`."""
    return await open_migrated(await SqliteDatabase.open(path))
