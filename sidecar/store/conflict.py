"""`StoreConflict`, and which server error codes (SQLSTATE) mean "retry" rather than "rejected".

`StoreConflict`: another writer got there first; re-running the same work at once will succeed.
A subclass of `StoreUnavailable`, so code that already retries or spools unavailable stores
handles it; code that knows better (the outage spool) retries it immediately instead of treating
it as an outage. Raised for PostgreSQL serialization failures and deadlocks (SQLSTATE 40001,
40P01) and for the Supabase backend's commit check (40001).

`sqlstate_error` is the one classification both server backends use (PostgreSQL reports the
code through psycopg, Supabase through PostgREST), so they cannot drift apart.
"""

from __future__ import annotations

from .database import StoreError, StoreUnavailable

CONFLICT_SQLSTATES = ("40001", "40P01")  # serialization failure, deadlock: lost a race, not an outage
# "Not now" rather than "never": connection exceptions (08), the rest of transaction rollback (40),
# insufficient resources (53: disk full, too many connections), operator intervention (57: admin
# shutdown, starting up, statement timeout), system errors (58), lock not available (55P03).
# psycopg makes other classes OperationalError too (54 program limit exceeded, most of 55):
# retrying those would spool forever, so they are StoreError.
TRANSIENT_SQLSTATES = ("08", "40", "53", "57", "58", "55P03")


class StoreConflict(StoreUnavailable):
    """A concurrent writer changed the rows this transaction read; retry the transaction."""


def sqlstate_error(state: str) -> type[StoreError]:
    """The store exception for a server error with SQLSTATE `state`."""
    if state in CONFLICT_SQLSTATES:
        return StoreConflict
    if state.startswith(TRANSIENT_SQLSTATES):
        return StoreUnavailable
    return StoreError
