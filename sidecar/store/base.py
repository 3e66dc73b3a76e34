"""The store interface: a `Database` adapter (database.py) and the `Store` that holds the domain repositories.

Why an adapter and not one class per backend: the domain SQL (groups, diagnoses, rollouts,
alerts) is written once in the portable subset that SQLite >= 3.35 and PostgreSQL share
(`ON CONFLICT ... DO UPDATE`, `RETURNING`, `?` placeholders translated by the adapter), so
SQLite and PostgreSQL cannot drift apart. Each backend only converts values and runs statements.

Value conventions across backends: timestamps are aware UTC `datetime`s (declared
`TIMESTAMPTZ`), JSON columns (`JSONB`) take and return dicts/lists, `BOOLEAN` returns bool.
Values computed in a query (`MAX(ts)`) lose the declared type on SQLite: select stored columns.
"""

from __future__ import annotations

import re
from functools import cached_property
from importlib import resources
from typing import TYPE_CHECKING

from .database import Database, Executor, MigrationError, Params, Row, StoreError, StoreUnavailable

if TYPE_CHECKING:
    from .alerts import AlertRepo
    from .checkpoints import CheckpointRepo
    from .diagnoses import DiagnosisRepo
    from .groups import GroupRepo
    from .rollouts import RolloutRepo

__all__ = ["Database", "Executor", "MigrationError", "Params", "Row", "Store", "StoreError", "StoreUnavailable",
           "migrate", "migration_files", "open_migrated", "render_migration"]

# --- migrations ---------------------------------------------------------------------------------

# Tokens let one migration file serve both dialects; everything else is plain portable SQL.
DIALECT_TOKENS = {
    "sqlite": {"@SERIAL_PK@": "INTEGER PRIMARY KEY AUTOINCREMENT", "@BIGINT@": "INTEGER"},
    "postgres": {"@SERIAL_PK@": "BIGSERIAL PRIMARY KEY", "@BIGINT@": "BIGINT"},
}
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[str, str]]:
    """(version, sql) pairs from sidecar/store/migrations, in version order."""
    out = []
    for entry in resources.files("sidecar.store").joinpath("migrations").iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            out.append((entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    return sorted(out)


def render_migration(sql: str, dialect: str) -> list[str]:
    """Substitute dialect tokens and split into statements (one per `;` at a line end).

    A statement starting with `@SQLITE@` or `@POSTGRES@` is for that dialect only (SQLite's FTS5
    and PostgreSQL's pg_trgm have no portable spelling); the marker is removed."""
    for token, value in DIALECT_TOKENS[dialect].items():
        sql = sql.replace(token, value)
    lines = [ln for ln in sql.splitlines() if not ln.lstrip().startswith("--")]
    statements = re.split(r";\s*(?:\n|$)", "\n".join(lines))
    out = []
    for statement in (s.strip() for s in statements if s.strip()):
        marker = re.match(r"@(SQLITE|POSTGRES)@\s*", statement)
        if marker is not None:
            if marker.group(1).lower() != dialect:
                continue
            statement = statement[marker.end():]
        out.append(statement)
    return out


async def migrate(db: Database) -> list[str]:
    """Apply every migration not yet recorded in `schema_migrations`; return the versions applied.

    Each migration runs in its own transaction with its bookkeeping row, so a crash leaves the
    schema at a version boundary. Re-running is a no-op.
    """
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    applied = {r["version"] for r in await db.fetchall("SELECT version FROM schema_migrations")}
    done = []
    for version, sql in migration_files():
        if version in applied:
            continue
        try:
            async with db.transaction() as tx:
                # Under concurrent start-up (several replicas on one PostgreSQL) another process
                # may have applied it between our read and this transaction: re-check inside.
                if await tx.fetchone("SELECT version FROM schema_migrations WHERE version = ?", (version,)):
                    continue
                for statement in render_migration(sql, db.dialect):
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)",
                    (version,),
                )
        except StoreUnavailable:
            raise
        except Exception as exc:
            raise MigrationError(f"migration {version} failed: {exc}") from exc
        done.append(version)
    return done


# --- the store ----------------------------------------------------------------------------------


class Store:
    """An open, migrated database and the domain repositories built on it.

    Stages reach their tables through a repository property (`store.groups`, `store.rollouts`,
    ...), each defined in its own module of this package.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    @cached_property
    def checkpoints(self) -> CheckpointRepo:
        from .checkpoints import CheckpointRepo

        return CheckpointRepo(self.db)

    @cached_property
    def groups(self) -> GroupRepo:
        from .groups import GroupRepo

        return GroupRepo(self.db)

    @cached_property
    def diagnoses(self) -> DiagnosisRepo:
        from .diagnoses import DiagnosisRepo

        return DiagnosisRepo(self.db)

    @cached_property
    def rollouts(self) -> RolloutRepo:
        from .rollouts import RolloutRepo

        return RolloutRepo(self.db)

    @cached_property
    def alerts(self) -> AlertRepo:
        from .alerts import AlertRepo

        return AlertRepo(self.db)

    async def ping(self) -> None:
        await self.db.ping()

    async def close(self) -> None:
        await self.db.close()


async def open_migrated(db: Database) -> Store:
    """`Store(db)` once its schema is up to date; `db` is closed if migrating fails."""
    try:
        await db.migrate()
    except BaseException:
        await db.close()
        raise
    return Store(db)
