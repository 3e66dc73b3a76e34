"""`StoreConflict`: another writer got there first; re-running the same work at once will succeed.

A subclass of `StoreUnavailable`, so code that already retries or spools unavailable stores
handles it; code that knows better (the outage spool) retries it immediately instead of treating
it as an outage. Raised for PostgreSQL serialization failures and deadlocks (SQLSTATE 40001,
40P01) and for the Supabase backend's commit check (40001).
"""

from __future__ import annotations

from .base import StoreUnavailable


class StoreConflict(StoreUnavailable):
    """A concurrent writer changed the rows this transaction read; retry the transaction."""
