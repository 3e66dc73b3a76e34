"""Two origin shapes held-out 7 showed the value-origin reader missed (origin.py), generated over seeds.

- a relation between two parameters a library checks ("max_size must be greater or equal than min_size", raised
  for real by psycopg_pool) whose words are those of two settings a config record printed -> config; one setting
  alone, or settings whose words the parameters do not share, stay with the library's own answer (code);
- a value with a space ("30 secs") that a setting holds and that a real PostgreSQL refuses as a data exception
  (SQLSTATE class 22, the value the gateway sent) -> config; the same refusal of a value no record names stays code.
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import psycopg
import psycopg_pool
import pytest

from .logged import diagnose, logged, text_of

SEEDS = range(5)
PREFIXES = ["DB_POOL", "PG", "SUPABASE_DB", "STORE_POOL", "CACHE_DB"]


def _line(text: str) -> str:
    return f"2026-12-06 07:00:00 INFO src.core.env_config: {text}"


def _pool_sizes(lo: int, hi: int) -> str:
    try:
        psycopg_pool.ConnectionPool("dbname=x", min_size=lo, max_size=hi, open=False)
    except ValueError:
        return logged("src.daemon.ws_server", "startup failed: cannot build the pool")
    raise AssertionError("psycopg_pool accepted min_size > max_size")


@pytest.mark.parametrize("seed", SEEDS)
def test_two_settings_in_a_relation_the_library_refused_are_config(seed: int) -> None:
    rng = random.Random(seed)
    prefix, lo, hi = rng.choice(PREFIXES), rng.randint(10, 40), rng.randint(2, 9)
    pair = [f"{prefix}_MIN={lo}", f"{prefix}_MAX={hi}"]
    rng.shuffle(pair)
    before = _line(f"database: {', '.join(pair)} (from .env.docker)")
    d = diagnose("\n".join([before, _pool_sizes(lo, hi)]))
    assert d.category == "config" and d.confidence <= 0.5 and prefix in text_of(d), (before, d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_one_setting_or_unrelated_settings_leave_the_librarys_answer(seed: int) -> None:
    rng = random.Random(seed)
    prefix, lo, hi = rng.choice(PREFIXES), rng.randint(10, 40), rng.randint(2, 9)
    for text in (f"database: {prefix}_MAX={hi} (from .env.docker)",
                 f"database: {prefix}_TIMEOUT=30, {prefix}_RETRIES=4, KIMI_MODEL_NAME=kimi-k2"):
        d = diagnose("\n".join([_line(text), _pool_sizes(lo, hi)]))
        assert d.category == "code", (text, d.rule, d.summary)


UNITS = ["30 secs", "5 minutes", "2 hrs", "250 msec"]


def _refused(dsn: str, value: str, before: str) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        try:
            conn.execute(f"SET statement_timeout = '{value}'")
        except psycopg.errors.InvalidParameterValue:
            return "\n".join([before, logged("src.storage.pg_pool", "pool connection setup failed, connection discarded")])
    raise AssertionError(f"PostgreSQL accepted {value!r}")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_settings_value_postgres_refuses_as_data_is_config(pg_dsn: str, seed: int) -> None:
    rng = random.Random(seed)
    value, name = rng.choice(UNITS), f"{rng.choice(PREFIXES)}_STATEMENT_TIMEOUT"
    before = _line(f"database: {rng.choice(PREFIXES)}_IDLE_TX_TIMEOUT=60s, {name}={value} (.env.docker)")
    d = diagnose(_refused(pg_dsn, value, before))
    assert d.category == "config" and d.confidence <= 0.5 and name in text_of(d), (before, d.rule, d.summary)
    # the same refusal with no record holding the value: the code table's answer (a value the gateway sent)
    d = diagnose(_refused(pg_dsn, value, _line("database: pool ready (size=10)")))
    assert d.category == "code", (d.rule, d.summary)


# the statement as the gateway writes it: a literal variable name (a module written to disk, so CPython's traceback
# prints its source line)
READERS = ['int(os.environ.get("{name}", "2"))', "float(os.getenv('{name}') or '0')", 'int(os.environ["{name}"])']
BAD = ["3   # was 2, see INC-88", "30s", "1,5", "ten", "0x1F"]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_failing_statement_reading_an_env_variable_names_it(seed: int, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The statement that raised converts os.environ's value: the answer is config and says WHICH setting."""
    rng = random.Random(seed)
    name = f"{rng.choice(PREFIXES)}_{rng.choice(['MAX_RETRIES', 'WORKERS', 'RATIO', 'BATCH'])}"
    monkeypatch.setenv(name, rng.choice(BAD))
    statement = rng.choice(READERS).format(name=name)
    source = tmp_path / f"env_config_{seed}.py"
    source.write_text(f"import os\n\n\ndef read() -> object:\n    return {statement}\n")
    spec = importlib.util.spec_from_file_location(source.stem, source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        module.read()
    except ValueError:
        excerpt = logged("src.core.env_config", "invalid settings: cannot start")
    else:
        raise AssertionError(f"{statement} accepted the value")
    d = diagnose(excerpt)
    assert d.category == "config" and d.confidence <= 0.75 and name in d.summary, (statement, d.rule, d.summary)
