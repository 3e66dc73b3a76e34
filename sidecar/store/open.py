"""Open the configured store backend (sqlite by default)."""

from __future__ import annotations

from ..config import StoreConfig
from .base import Store, StoreError


async def open_store(config: StoreConfig) -> Store:
    if config.backend == "sqlite":
        from .sqlite import open_sqlite

        return await open_sqlite(config.path)
    raise StoreError(f"store backend {config.backend!r} is not available in this build yet")
