"""Keyset pagination of the groups list (store.groups.page), on SQLite and a real PostgreSQL.

Generated groups with many ties in every sort key (equal counts, equal last-seen times, equal
severities): following `next_cursor` visits every group exactly once in the order of a plain
ORDER BY; walking back with `prev_cursor` gives the same pages; groups inserted above the reader
do not shift the next page (OFFSET does, shown alongside); a cursor that is not ours is refused.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from sidecar.store.groups import SORTS, Occurrence
from sidecar.store.keyset import BadCursor, encode

T0 = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
LEVELS = ["CRITICAL", "ERROR", "ERROR", "WARNING", "INFO", ""]


def _occs(rng: random.Random, n: int, prefix: str = "fp", start: datetime = T0) -> list[Occurrence]:
    out = []
    for i in range(n):
        fp = f"{prefix}{rng.randrange(10**6):06d}x{i}"
        level = rng.choice(LEVELS)
        at = start + timedelta(seconds=rng.randrange(6))  # few distinct times: many ties
        for k in range(rng.choice([1, 1, 2, 3])):  # few distinct counts: many ties
            out.append(Occurrence(event_key=f"{fp}-{k}", fingerprint=fp, seen_at=at, title=f"failure {i} <*>",
                                  message=f"failure {i}", error_type=None, level=level, logger="src.app",
                                  raw=f"{level} failure {i}"))
    return out


async def _seed(store, n: int, seed: int) -> None:
    rng = random.Random(seed)
    await store.groups.record_batch(_occs(rng, n), at=T0)
    fps = [r["error_hash"] for r in await store.db.fetchall("SELECT error_hash FROM error_investigations")]
    for fp in rng.sample(fps, n // 3):  # what the diagnosis stage writes
        await store.db.execute("UPDATE error_investigations SET severity = ? WHERE error_hash = ?",
                               (rng.choice(["low", "medium", "high", "critical"]), fp))


async def _plain(store, sort: str, where: str = "", params: tuple = ()) -> list[str]:
    rows = await store.db.fetchall(f"SELECT error_hash FROM error_investigations{where} ORDER BY {SORTS[sort]}",
                                   params)
    return [r["error_hash"] for r in rows]


@pytest.mark.parametrize("sort", sorted(SORTS))
async def test_following_cursors_visits_every_group_once_in_order_both_ways(store, sort):
    await _seed(store, 137, seed=len(sort))
    expected = await _plain(store, sort)
    pages: list[list[str]] = []
    page = await store.groups.page(sort=sort, limit=20)
    assert page.prev_cursor is None and page.total == 137
    while True:
        pages.append([r["error_hash"] for r in page.rows])
        if page.next_cursor is None:
            break
        page = await store.groups.page(sort=sort, limit=20, cursor=page.next_cursor)
    assert [fp for p in pages for fp in p] == expected
    assert [len(p) for p in pages] == [20] * 6 + [17]
    # Back from the last page: the same pages in reverse, and no cursor before the first.
    back = [pages[-1]]
    while page.prev_cursor is not None:
        page = await store.groups.page(sort=sort, limit=20, cursor=page.prev_cursor)
        back.append([r["error_hash"] for r in page.rows])
    assert back[::-1] == pages


async def test_filters_hold_across_cursor_pages(store):
    await _seed(store, 90, seed=3)
    await store.db.execute("UPDATE error_investigations SET status = 'resolved' WHERE error_hash LIKE 'fp1%'")
    expected = await _plain(store, "count", " WHERE status IN ('open', 'regressed') AND level = ?", ("ERROR",))
    seen: list[str] = []
    page = await store.groups.page(sort="count", status=["open", "regressed"], level="error", limit=7)
    while True:
        seen.extend(r["error_hash"] for r in page.rows)
        if page.next_cursor is None:
            break
        page = await store.groups.page(sort="count", status=["open", "regressed"], level="error", limit=7,
                                       cursor=page.next_cursor)
    assert seen == expected and page.total == len(expected) > 7


async def test_groups_inserted_above_do_not_shift_the_next_page(store):
    await _seed(store, 60, seed=9)
    first = await store.groups.page(sort="last_seen", limit=25)
    before = await _plain(store, "last_seen")
    # Ten new groups seen later than everything: they sort above page 1.
    await store.groups.record_batch(_occs(random.Random(1), 10, prefix="new", start=T0 + timedelta(hours=1)),
                                    at=T0 + timedelta(hours=1))
    second = await store.groups.page(sort="last_seen", limit=25, cursor=first.next_cursor)
    assert [r["error_hash"] for r in second.rows] == before[25:50]
    offset_rows, _ = await store.groups.list(sort="last_seen", limit=25, offset=25)
    shifted = [r["error_hash"] for r in offset_rows]
    assert set(shifted) & {r["error_hash"] for r in first.rows}, "OFFSET repeats rows the reader saw"


async def test_a_cursor_that_is_not_ours_is_refused(store):
    await _seed(store, 10, seed=1)
    page = await store.groups.page(sort="count", limit=3)
    assert page.next_cursor is not None
    with pytest.raises(BadCursor, match="sort=count"):
        await store.groups.page(sort="last_seen", cursor=page.next_cursor)
    forged = [
        ("count", "x" * 2000), ("count", "not a cursor"), ("count", "a,count"), ("count", "c,count,i1,sfp"),
        ("count", "a,count,i1"), ("count", "a,count,1,sfp"), ("count", "a,count,i1.5,sfp"),
        ("count", "a,count,i" + "9" * 30 + ",sfp"), ("count", "a,count,i1,s"), ("count", "a,count,i1,sa%00b"),
        ("count", "a,count,i1,s%ff%fe"), ("count", "a,count,i1,fp"), ("count", "a,count,i1,sfp,extra"),
        ("last_seen", "a,last_seen,2026-01-01,sfp"), ("last_seen", "a,last_seen,t1e6,sfp"),
        ("last_seen", "a,last_seen,t" + "9" * 19 + ",sfp"),
        ("severity", f"a,severity,i4,t{10**15},sfp,sfp"), ("severity", "a,severity,t1,t1,sfp"),
        ("count", encode("last_seen", [T0, "fp"], backward=False)),
    ]
    for sort, token in forged:
        with pytest.raises(BadCursor):
            await store.groups.page(sort=sort, cursor=token)


async def test_sqlite_seeks_the_sort_index_for_a_cursor_page(sqlite_store):
    from sidecar.store import keyset
    from sidecar.store.groups import SORT_KEYS

    for sort, keys in SORT_KEYS.items():
        values = [T0 if e in keyset.TIMESTAMP_KEYS else ("fp" if e in keyset.TEXT_KEYS else 3) for e, _ in keys]
        params: list = []
        pred = keyset.predicate(keys, values, False, params)
        plan = await sqlite_store.db.fetchall(
            f"EXPLAIN QUERY PLAN SELECT error_hash FROM error_investigations WHERE {pred} ORDER BY {SORTS[sort]} "
            "LIMIT 51", params)
        text = " | ".join(str(r["detail"]) for r in plan)
        print(sort, text)
        assert "TEMP B-TREE" not in text and "INDEX" in text and ("<" in text or ">" in text), (sort, text)


async def test_api_and_page_follow_cursors_and_refuse_forged_ones(start_sidecar):
    import re
    from html import unescape

    import aiohttp

    running = await start_sidecar()
    store = running.sidecar.store
    await store.groups.record_batch(_occs(random.Random(4), 120), at=T0)
    expected = await _plain(store, "last_seen")
    async with aiohttp.ClientSession(running.url) as http:
        seen: list[str] = []
        params: dict[str, str] = {"limit": "50"}
        while True:
            async with http.get("/api/groups", params=params) as r:
                assert r.status == 200
                body = await r.json()
            seen.extend(i["fingerprint"] for i in body["items"])
            if body["next_cursor"] is None:
                break
            params = {"limit": "50", "cursor": body["next_cursor"]}
        assert seen == expected
        for bad in ("garbage", body["prev_cursor"]):
            async with http.get("/api/groups", params={"cursor": bad, "sort": "count"}) as r:
                assert r.status == 400 and "cursor" in (await r.json())["error"]

        # The page's "Older" link carries a cursor; groups arriving meanwhile do not shift page 2.
        async with http.get("/errors") as r:
            html = await r.text()
        older = unescape(re.search(r'<a rel="next" href="([^"]+)"', html).group(1))
        assert "cursor=" in older and "page=2" in older
        await store.groups.record_batch(_occs(random.Random(5), 5, prefix="new", start=T0 + timedelta(hours=1)),
                                        at=T0 + timedelta(hours=1))
        async with http.get(older) as r:
            page2 = await r.text()
        rows = re.findall(r'href="/errors/([^"?#]+)"', page2)
        assert [fp for fp in dict.fromkeys(rows) if fp in expected] == expected[50:100]
        assert "page 2 of 3" in page2
        newer = unescape(re.search(r'<a rel="prev" href="([^"]+)"', page2).group(1))
        assert "cursor" not in newer  # back to page 1 plainly: the new groups show there
        async with http.get("/errors", params={"cursor": "garbage", "page": "7"}) as r:
            assert r.status == 200 and "page 1 of" in await r.text()  # a bad link starts over
