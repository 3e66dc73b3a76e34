"""Near-miss of CLASSES11 C2 (diagnose/id_space.py), found by the round-12 review: 22003 `integer out of range` on an
insert (the table's int4 id space at its end: storage, the class table's answer) while an UNRELATED record before it
carries some large number (an epoch in ms, a byte count of an upload, a file offset). `_computed_overflow` reads any
`key=<n>` beyond the type's range in any context record as the value our code computed for the failing row; only the
failing row's own record (the same table's write) can say that.

Generated per seed: the table, the unrelated record's key and value (beyond 2**31), its wording, the logger."""

from __future__ import annotations

import random

import pytest

from .logged import diagnose, logged


class NumericValueOutOfRange(Exception):
    """psycopg's class for SQLSTATE 22003, as its traceback prints it (no server needed for the text)."""


NumericValueOutOfRange.__module__ = "psycopg.errors"


def _insert(table: str) -> None:
    raise NumericValueOutOfRange("integer out of range")


@pytest.mark.parametrize("seed", range(6))
def test_an_unrelated_large_number_before_does_not_make_it_computed(seed: int) -> None:
    r = random.Random(seed)
    table = r.choice(("tool_events", "request_log", "audit_rows", "usage_events"))
    key = r.choice(("ts_ms", "bytes", "offset", "size_bytes", "elapsed_ns"))
    other = r.choice((f"flushed batch {key}={r.randrange(2**31, 2**41)} rows={r.randrange(10, 99)}",
                      f"upload finished {key}={r.randrange(2**31, 2**40)} in {r.randrange(2, 60)} s",
                      f"metrics snapshot {key}: {r.randrange(2**32, 2**42)}"))
    logger = r.choice(("src.storage.events", "gateway.db", "app.persistence"))
    try:
        _insert(table)
    except NumericValueOutOfRange:
        alone = diagnose(logged(logger, f"insert into {table} failed"))
        beside = diagnose(logged(logger, f"insert into {table} failed", before=(other,)))
    assert beside.category == alone.category, (alone.rule, beside.rule, beside.summary)
