"""SQLSTATEs whose cause is told by Postgres' own message or whose class misleads (database_codes.py), raised for
real by psycopg against the test PostgreSQL: a DROP with dependents (2BP01: a migration, not a privilege), a prepared
statement whose result type changed (0A000 cached plan), a timestamp in the wrong unit (22008); and 40001's two
causes (a serialization failure between writers vs a hot standby's recovery conflict, in Postgres' own words)."""

from __future__ import annotations

import psycopg
import pytest

from tests.diagnose.logged import diagnose, logged, text_of


def _raised(dsn: str, statements: list[str]) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        try:
            for sql in statements:
                conn.execute(sql)  # type: ignore[call-overload]
        except psycopg.Error:
            return logged("src.storage.postgres_direct", "[MIGRATE] statement failed")
    raise AssertionError("no error")


def test_a_drop_with_dependents_is_the_migrations_order(pg_dsn: str) -> None:
    d = diagnose(_raised(pg_dsn, ["create table uploads (id int, method text)",
                                  "create view upload_v as select method from uploads",
                                  "alter table uploads drop column method"]))
    assert d.category == "code" and "depend" in text_of(d) and "privilege" not in d.summary, (d.rule, d.summary)


def test_a_cached_plan_whose_result_changed_is_code_naming_prepared(pg_dsn: str) -> None:
    d = diagnose(_raised(pg_dsn, ["create table files (id int)", "prepare list_files as select * from files",
                                  "execute list_files", "alter table files add column status text",
                                  "execute list_files"]))
    assert d.category == "code" and "prepared" in text_of(d), (d.rule, d.summary)


def test_a_timestamp_in_microseconds_is_code_naming_the_unit(pg_dsn: str) -> None:
    d = diagnose(_raised(pg_dsn, ["select to_timestamp(1764940000000000::float8 * 1000)"]))
    assert d.category == "code" and "seconds" in text_of(d), (d.rule, d.summary)


@pytest.mark.parametrize(("message", "category"), [
    ("canceling statement due to conflict with recovery", "storage"),
    ("could not serialize access due to concurrent update", "concurrency"),
])
def test_40001_is_split_by_postgres_own_message(message: str, category: str) -> None:
    log = (f"2026-12-06 07:00:00 ERROR src.storage.supabase_client: history read failed: {{'message': '{message}', "
           "'code': '40001', 'hint': None, 'details': None}\nTraceback (most recent call last):\n"
           '  File "/app/src/storage/history.py", line 9, in load\n    return q.execute()\n'
           f"postgrest.exceptions.APIError: {{'message': '{message}', 'code': '40001', 'hint': None, 'details': None}}")
    d = diagnose(log)
    assert d.category == category, (d.rule, d.summary)
    if category == "storage":
        assert "replica" in text_of(d) and "serializ" not in text_of(d).lower()
