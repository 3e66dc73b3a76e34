"""Near-miss of CLASSES11 C3 (diagnose/schema_reload.py), found by the round-12 review: PGRST204 "Could not find the
'<col>' column of '<table>' in the schema cache" after a migration that added a column of the same NAME to ANOTHER
table (`status`, `created_at`, `tenant_id` exist on many tables). The migration says nothing about `<table>`: the
column is missing there (code, the rule's own answer without that record), not a stale cache (storage).
`_change_before` compares the column's name only; for a column it should also find the error's table in the DDL.

Generated per seed: the column, the two tables, the migration record's wording, the logger."""

from __future__ import annotations

import random

import pytest

from .logged import diagnose, logged


class APIError(Exception):
    """postgrest-py's error class, as its traceback prints it (the message is PostgREST's own JSON error)."""


APIError.__module__ = "postgrest.exceptions"


@pytest.mark.parametrize("seed", range(6))
def test_a_same_named_column_added_to_another_table_is_no_stale_cache(seed: int) -> None:
    r = random.Random(seed)
    col = r.choice(("status", "created_at", "deleted_at", "tenant_id", "priority", "archived"))
    table, other = r.sample(("orders", "users", "tool_events", "jobs", "sessions", "invoices"), 2)
    ddl = f"ALTER TABLE {r.choice(('', 'public.'))}{other} ADD COLUMN {col} {r.choice(('text', 'timestamptz', 'int'))}"
    record = r.choice((f"applied migration {r.randrange(10, 99):04d}_add_{col}.sql: {ddl}",
                       f"migration {r.randrange(10, 99)} applied ({ddl})", f"running: {ddl}; done"))
    message = {"code": "PGRST204", "details": None, "hint": None,
               "message": f"Could not find the '{col}' column of '{table}' in the schema cache"}
    try:
        raise APIError(message)
    except APIError:
        excerpt = logged(r.choice(("src.storage.supabase_client", "src.storage.events", "app.db")),
                         f"update of {table} failed", before=(record,))
    d = diagnose(excerpt)
    assert d.category == "code", (d.rule, d.summary)
