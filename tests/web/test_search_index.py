"""Group search (?q=) through the indexes of migration 0016, on SQLite (FTS5 trigram) and
PostgreSQL (pg_trgm): the same answers as a plain case-insensitive substring test over title,
message, exception type and logger, for generated data and adversarial queries (quotes, LIKE
wildcards, FTS5 operators, backslashes, short queries, the fingerprint itself)."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime, timedelta

from sidecar.store.base import render_migration
from sidecar.store.groups import Occurrence

T0 = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
ALPHABET = string.ascii_letters + string.digits + " ._-:/'\"%\\*()^+[]{}<>=~,;"
ADVERSARIAL = ['"', '""', "%", "_", "\\", "*", "NEAR", "a OR b", "AND", "NOT x", "^ab", "ab*", "(ab)", "x:y",
               "col:val", "'--", "%_%", "{title}", "Err", "ERR", "error", "e", "er"]


def _occ(i: int, rng: random.Random) -> Occurrence:
    def word(n: int) -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(n))

    return Occurrence(event_key=f"s{i}", fingerprint=f"fp{i:05d}", seen_at=T0 + timedelta(seconds=i),
                      title=f"{word(8)} Error {word(6)}", message=f"{word(12)}", error_type=rng.choice([None, word(7)]),
                      level="ERROR", logger=rng.choice([None, f"src.{word(5)}"]), raw="x")


def expected(occs: list[Occurrence], q: str) -> set[str]:
    lq = q.lower()
    return {o.fingerprint for o in occs
            if any(lq in (f or "").lower() for f in (o.title, o.message, o.error_type, o.logger))
            or o.fingerprint == q}


async def test_search_matches_a_substring_scan_on_both_backends(store):
    rng = random.Random(2116)
    occs = [_occ(i, rng) for i in range(400)]
    await store.groups.record_batch(occs, at=T0)
    queries = list(ADVERSARIAL) + ["fp00042"]
    for o in rng.sample(occs, 60):  # substrings that exist, of every length from 1 to 9
        field = rng.choice([o.title, o.message, o.error_type or o.title, o.logger or o.message])
        start = rng.randrange(len(field))
        queries.append(field[start:start + rng.randint(1, 9)])
    for q in queries:
        if not q.strip():
            continue
        rows, total = await store.groups.list(q=q, limit=500)
        assert {r["error_hash"] for r in rows} == expected(occs, q), q
        assert total == len(rows), q


async def test_a_new_title_is_searchable_and_the_old_one_is_not(store):
    occ = _occ(1, random.Random(1))
    await store.groups.record_batch([occ], at=T0)
    await store.db.execute("UPDATE error_investigations SET title = ? WHERE error_hash = ?",
                           ("Kimi quota exhausted", occ.fingerprint))
    assert [r["error_hash"] for r in (await store.groups.list(q="quota exh"))[0]] == [occ.fingerprint]
    renamed = Occurrence(**{**{f: getattr(occ, f) for f in occ.__slots__}, "title": "Kimi quota exhausted"})
    old = occ.title[:8]
    assert {r["error_hash"] for r in (await store.groups.list(q=old))[0]} == expected([renamed], old)


def test_dialect_only_statements_go_to_their_dialect():
    sql = "CREATE TABLE a (x INT);\n@SQLITE@ CREATE VIRTUAL TABLE s USING fts5(x);\n@POSTGRES@ CREATE EXTENSION pg_trgm;\n"
    assert render_migration(sql, "sqlite") == ["CREATE TABLE a (x INT)", "CREATE VIRTUAL TABLE s USING fts5(x)"]
    assert render_migration(sql, "postgres") == ["CREATE TABLE a (x INT)", "CREATE EXTENSION pg_trgm"]


async def test_sqlite_search_uses_the_fts_index(sqlite_store):
    plan = await sqlite_store.db.fetchall(
        "EXPLAIN QUERY PLAN SELECT error_hash FROM error_investigations WHERE "
        "(rowid IN (SELECT rowid FROM error_search WHERE error_search MATCH ?) OR error_hash = ?)",
        ('"quota"', "quota"),
    )
    text = " | ".join(str(r["detail"]) for r in plan)
    assert "VIRTUAL TABLE INDEX" in text, text


async def test_postgres_has_the_trigram_indexes(pg_store):
    rows = await pg_store.db.fetchall("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'idx_ei_%_trgm'")
    assert sorted(r["indexname"] for r in rows) == ["idx_ei_logger_trgm", "idx_ei_message_trgm",
                                                    "idx_ei_title_trgm", "idx_ei_type_trgm"]
