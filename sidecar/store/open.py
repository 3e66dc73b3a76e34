"""Open the configured store backend: sqlite (default), postgres, or supabase (HTTPS only)."""

from __future__ import annotations

from ..config import StoreConfig
from .base import Store, StoreError


def _missing(extra: str, exc: ImportError) -> str:
    # The SQLite default installs neither client (pyproject extras), so say how to get the one needed.
    return f"backend {extra!r} needs its client: pip install 'gateway-sidecar[{extra}]' ({exc})"


async def open_store(config: StoreConfig) -> Store:
    """Open and migrate the backend `config.backend` names; StoreError (or StoreUnavailable) if not."""
    if config.backend == "sqlite":
        from .sqlite import open_sqlite

        return await open_sqlite(config.path)
    if config.backend == "postgres":
        if config.dsn is None:
            raise StoreError("store.dsn is required for backend 'postgres'")
        try:
            from .postgres import open_postgres
        except ImportError as exc:
            raise StoreError(_missing("postgres", exc)) from None

        return await open_postgres(config.dsn.get_secret_value(), config.pool_size,
                                   connect_timeout=config.connect_timeout)
    if config.backend == "supabase":
        if not config.supabase_url or config.supabase_key is None:
            raise StoreError("store.supabase_url and store.supabase_key (the service-role key) are required "
                             "for backend 'supabase'")
        try:
            from .supabase import open_supabase
        except ImportError as exc:
            raise StoreError(_missing("supabase", exc)) from None

        return await open_supabase(config.supabase_url, config.supabase_key.get_secret_value(),
                                   connect_timeout=config.connect_timeout)
    raise StoreError(f"unknown store backend {config.backend!r}")
