"""An excerpt of another program's log (here a real PostgreSQL server's own log, default `log_line_prefix = '%m [%p] '`)
is diagnosed from its records as `sidecar run` reads such a file (ingest/sysdialect.py), not refused for having no
gateway header."""

from __future__ import annotations

import random

import psycopg
import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import RULES


@pytest.mark.parametrize("seed", range(3))
def test_a_postgres_server_log_excerpt_is_diagnosed_from_its_error_record(pg_cluster, pg_dsn, seed: int) -> None:
    rng = random.Random(seed)
    table = "missing_" + "".join(rng.choice("abcdefghij") for _ in range(8))
    before = pg_cluster.logfile.read_text(errors="replace")
    with psycopg.connect(pg_dsn, autocommit=True) as conn, pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed, generated identifier
    excerpt = pg_cluster.logfile.read_text(errors="replace")[len(before):]
    assert f'relation "{table}" does not exist' in excerpt  # the server wrote it, with its STATEMENT line
    inp = excerpt_to_input(excerpt)
    assert inp.level == "ERROR" and f'relation "{table}" does not exist' in inp.message
    assert any("STATEMENT:" in ln for ln in inp.traceback.splitlines())  # elog.c's explanation stays with it
    d = RULES.diagnose(inp)
    assert f'relation "{table}" does not exist' in d.summary


def test_an_excerpt_with_no_record_of_any_known_grammar_is_still_refused() -> None:
    with pytest.raises(ValueError, match="no log header line"):
        excerpt_to_input("just some words\nand more words")
