"""Severity as the list shows and sorts it: the diagnosis' severity, else the level's class.

On both real backends: the SQL rank the sort and its index use agrees with sidecar.severity for
every (severity, level) pair, including case variants and junk; `sort=severity` orders most severe
first, then last seen, and pages without repeats; SQLite walks the index instead of sorting.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from importlib import resources

from sidecar import severity
from sidecar.store.groups import Occurrence

T0 = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
SEVERITIES = [None, "", "low", "medium", "high", "critical", "CRITICAL", "High", "bogus", "crıtıcal", " critical"]
LEVELS = [None, "", " ", "CRITICAL", "FATAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG", "critical", "warn", "ERRORS",
          "ſ", "x" * 40, "ERR", "severe", "Crit", "EMERG", "emergency", "ALERT", "exception", "NOTICE", "TRACE",
          "ERROR ", "ıNFO"]


def test_python_severity_follows_the_diagnosis_then_the_level():
    assert severity.effective("critical", "WARNING") == "critical"
    assert severity.effective(None, "CRITICAL") == "critical"
    assert severity.effective("", "ERROR") == "error"
    assert severity.effective("bogus", "WARNING") == "warning"
    assert severity.effective(None, "DEBUG") == "info"
    assert severity.rank("critical") > severity.rank("high") > severity.rank("error") > severity.rank("warning")
    assert severity.rank("error") == severity.rank("medium") and severity.rank("warning") == severity.rank("low")
    # No level at all: an error (groups exist only for detected errors; the recorder stores ERROR).
    assert severity.effective(None, None) == severity.effective(None, "") == "error"
    assert severity.effective("high", None) == "high"


def test_level_classes_agree_with_the_grouping_table():
    """One taxonomy of level spellings: every spelling grouping classes (errors.fingerprint) gets the
    same class here (grouping's debug/info/notice classes are 'info' on the severity ladder)."""
    from sidecar.errors import fingerprint

    table = fingerprint._LEVEL_CLASSES
    for spelling, cls in table.items():
        for variant in (spelling, spelling.lower(), spelling.title()):
            expected = cls if cls in ("critical", "error", "warning") else "info"
            assert severity.level_class(variant) == expected, variant
    assert fingerprint.level_class(None) == severity.level_class(None) == "error"
    assert fingerprint.level_class("") == severity.level_class("") == "error"


def test_the_migration_indexes_exactly_the_expression_the_sort_uses():
    sql = resources.files("sidecar.store").joinpath("migrations/0018_errors_severity_missing_level.sql").read_text()
    assert sql.count(severity.SQL_RANK) == 2
    # Later migrations must not index an older rank expression under another name.
    folder = resources.files("sidecar.store").joinpath("migrations")
    later = sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql") and f.name > "0018")
    for name in later:
        text = folder.joinpath(name).read_text()
        assert "WHEN LOWER(severity)" not in text or severity.SQL_RANK in text, name


async def test_sql_rank_agrees_with_python_for_every_pair(store):
    pairs = list(itertools.product(SEVERITIES, LEVELS))
    for sev, level in pairs:
        row = await store.db.fetchone(
            f"SELECT {severity.SQL_RANK} AS r FROM (SELECT CAST(? AS TEXT) AS severity, CAST(? AS TEXT) AS level) t",
            (sev, level),
        )
        assert row is not None
        assert int(row["r"]) == severity.rank(severity.effective(sev, level)), (sev, level)


def _occ(i: int, level: str, at: datetime) -> Occurrence:
    return Occurrence(event_key=f"k{i}", fingerprint=f"fp{i:04d}", seen_at=at, title=f"t{i} <*>", message=f"m{i}",
                      error_type=None, level=level, logger="src.app", raw=f"{level} m{i}")


async def test_sort_by_severity_is_most_severe_first_then_last_seen_on_every_page(store):
    rng = random.Random(21)
    repo = store.groups
    n = 157
    occs = [_occ(i, rng.choice(["CRITICAL", "ERROR", "WARNING", "INFO"]), T0 + timedelta(seconds=rng.randrange(5000)))
            for i in range(n)]
    await repo.record_batch(occs, at=T0)
    diagnosed = {}
    for o in rng.sample(occs, 60):  # what the diagnosis stage writes (store/diagnoses.py sets this column)
        diagnosed[o.fingerprint] = rng.choice(["low", "medium", "high", "critical"])
        await store.db.execute("UPDATE error_investigations SET severity = ? WHERE error_hash = ?",
                               (diagnosed[o.fingerprint], o.fingerprint))
    seen: list[str] = []
    for page in range(4):
        rows, total = await repo.list(sort="severity", limit=50, offset=page * 50)
        assert total == n
        seen.extend(r["error_hash"] for r in rows)
    assert len(seen) == n == len(set(seen))  # every group once across the pages
    by_fp = {o.fingerprint: o for o in occs}

    def key(fp: str) -> tuple[int, float, str]:
        o = by_fp[fp]
        return (-severity.rank(severity.effective(diagnosed.get(fp), o.level)), -o.seen_at.timestamp(), fp)

    assert seen == sorted(seen, key=key)
    # Filtered by status the same order holds (the second index of migration 0018).
    rows, _ = await repo.list(status=["open", "regressed"], sort="severity", limit=n)
    assert [r["error_hash"] for r in rows] == seen


async def test_sqlite_walks_the_severity_index_instead_of_sorting(sqlite_store):
    from sidecar.store.groups import SORTS

    for where in ("", " WHERE status IN ('open')"):
        plan = await sqlite_store.db.fetchall(
            f"EXPLAIN QUERY PLAN SELECT error_hash FROM error_investigations{where} ORDER BY {SORTS['severity']} "
            "LIMIT 50"
        )
        text = " | ".join(str(r["detail"]) for r in plan)
        assert "TEMP B-TREE" not in text and "idx_ei_" in text and "sev" in text, text


async def test_a_deep_page_is_the_same_rows_as_a_plain_offset(store):
    from sidecar.store.groups import DEFERRED_JOIN_OFFSET, SORTS

    rng = random.Random(5)
    n = DEFERRED_JOIN_OFFSET + 100
    occs = [_occ(i, rng.choice(["CRITICAL", "ERROR", "WARNING"]), T0 + timedelta(seconds=rng.randrange(50)))
            for i in range(n)]
    await store.groups.record_batch(occs, at=T0)
    offset = DEFERRED_JOIN_OFFSET + 40
    for sort in ("last_seen", "count", "first_seen", "severity"):
        deferred = [r["error_hash"] for r in (await store.groups.list(sort=sort, limit=20, offset=offset))[0]]
        plain = [r["error_hash"] for r in await store.db.fetchall(
            f"SELECT error_hash FROM error_investigations ORDER BY {SORTS[sort]} LIMIT 20 OFFSET ?", (offset,))]
        assert deferred == plain and len(plain) == 20, sort


async def test_a_group_without_a_level_is_an_error_on_the_page_the_api_and_the_alert(start_sidecar):
    """Another writer left a group without a level: the list, the API, the sort and the alert all say
    'error' (before: the alert said error, the dashboard info)."""
    import aiohttp

    from sidecar.alerts.events import EventMapper
    from sidecar.bus import BusEvent

    running = await start_sidecar()
    store = running.sidecar.store
    at = datetime.fromtimestamp(running.clock.time(), UTC)
    await store.groups.record_batch([_occ(1, "ERROR", at), _occ(2, "INFO", at + timedelta(seconds=1)),
                                     _occ(3, "ERROR", at - timedelta(seconds=5))], at=at)
    await store.db.execute("UPDATE error_investigations SET level = NULL WHERE error_hash = 'fp0003'")
    async with aiohttp.ClientSession(running.url) as http:
        async with http.get("/api/groups", params={"sort": "severity"}) as resp:
            items = (await resp.json())["items"]
        async with http.get("/errors", params={"sort": "severity"}) as resp:
            html = await resp.text()
    by_fp = {i["fingerprint"]: i for i in items}
    assert by_fp["fp0003"]["effective_severity"] == "error"
    # Sorted with the ERROR group (rank 2, older last seen), above the INFO one.
    assert [i["fingerprint"] for i in items] == ["fp0001", "fp0003", "fp0002"]
    row_html = html[html.index("fp0003"):]
    row_html = row_html[: row_html.index("</tr>")]
    assert 'class="severity"' in row_html and ">error<" in row_html and ">info<" not in row_html
    row = await store.db.fetchone("SELECT level FROM error_investigations WHERE error_hash = 'fp0003'")
    alert = EventMapper("http://sidecar", redact=str).map(
        BusEvent(kind="group.new", at=running.clock.time(), data={"fingerprint": "fp0003", "level": row["level"]}))
    (built,) = [*alert.fire, *([alert.hold] if alert.hold else [])]
    assert built.labels["severity"] == "error"
