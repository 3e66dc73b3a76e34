"""Open the configured store backend: sqlite (default), postgres, or supabase (HTTPS only)."""

from __future__ import annotations

from ..config import StoreConfig
from .base import Store, StoreError


async def open_store(config: StoreConfig) -> Store:
    """Open and migrate the backend `config.backend` names; StoreError (or StoreUnavailable) if not."""
    if config.backend == "sqlite":
        from .sqlite import open_sqlite

        return await open_sqlite(config.path)
    if config.backend == "postgres":
        if config.dsn is None:
            raise StoreError("store.dsn is required for backend 'postgres'")
        from .postgres import open_postgres

        return await open_postgres(config.dsn.get_secret_value(), config.pool_size,
                                   connect_timeout=config.connect_timeout)
    if config.backend == "supabase":
        if not config.supabase_url or config.supabase_key is None:
            raise StoreError("store.supabase_url and store.supabase_key (the service-role key) are required "
                             "for backend 'supabase'")
        from .supabase import open_supabase

        return await open_supabase(config.supabase_url, config.supabase_key.get_secret_value(),
                                   connect_timeout=config.connect_timeout)
    raise StoreError(f"unknown store backend {config.backend!r}")
