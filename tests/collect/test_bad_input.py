"""Hostile and broken requests to the collection endpoints: a clear 4xx, nothing stored, still healthy."""

from __future__ import annotations

import gzip
import json
import zlib

import aiohttp
import pytest

from .conftest import DSN_KEY, Running

AUTH = {"X-Sentry-Auth": f"Sentry sentry_key={DSN_KEY}, sentry_version=7, sentry_client=test/1.0"}
EVENT = {"event_id": "a" * 32, "level": "error", "platform": "python",
         "exception": {"values": [{"type": "KeyError", "value": "'file_id'", "module": "builtins",
                                   "stacktrace": {"frames": [{"filename": "src/x.py", "abs_path": "/app/src/x.py",
                                                              "function": "upload", "lineno": 3, "in_app": True,
                                                              "context_line": "    return files['file_id']"}]}}]}}


def envelope(*events: dict) -> bytes:
    parts = [json.dumps({"event_id": events[0]["event_id"] if events else None}).encode()]
    for e in events:
        payload = json.dumps(e).encode()
        parts += [json.dumps({"type": "event", "length": len(payload)}).encode(), payload]
    return b"\n".join(parts) + b"\n"


CASES = [
    ("not json at all", b"\xff\xfe garbage", {}, 400),
    ("item header without type", b'{}\n{"length": 2}\n{}\n', {}, 400),
    ("length past the end", b'{}\n{"type": "event", "length": 9999}\n{}\n', {}, 400),
    ("event not an object", b'{}\n{"type": "event"}\n[1, 2]\n', {}, 400),
    ("truncated gzip", gzip.compress(envelope(EVENT))[:40], {"Content-Encoding": "gzip"}, 400),
    ("unknown encoding", envelope(EVENT), {"Content-Encoding": "zstd"}, 415),
    ("gzip bomb", gzip.compress(b"{" + b" " * (64 * 1024 * 1024)), {"Content-Encoding": "gzip"}, 413),
    ("deflate bomb", zlib.compress(b"0" * (64 * 1024 * 1024)), {"Content-Encoding": "deflate"}, 413),
    ("huge body", b"x" * (3 * 1024 * 1024), {}, 413),
]


@pytest.mark.parametrize("what,body,headers,status", CASES, ids=[c[0] for c in CASES])
async def test_malformed_envelopes_are_refused_and_nothing_is_stored(running: Running, what, body, headers, status):
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{running.base}/api/1/envelope/", data=body, headers={**AUTH, **headers}) as r:
            assert r.status == status, (what, await r.text())
            assert "detail" in await r.json()
        async with http.get(f"{running.base}/healthz") as r:
            assert r.status == 200
    assert await running.groups() == []


@pytest.mark.parametrize("path,headers,status", [
    ("/api/1/envelope/", {}, 401),
    ("/api/1/envelope/", {"X-Sentry-Auth": "Sentry sentry_key=not-the-key, sentry_version=7"}, 403),
    ("/api/2/envelope/", AUTH, 403),
    ("/api/x%00/envelope/", AUTH, 404),
    ("/api/1/store/", {"X-Sentry-Auth": "Sentry sentry_key=wrong"}, 403),
])
async def test_wrong_keys_and_projects(running: Running, path, headers, status):
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{running.base}{path}", data=envelope(EVENT), headers=headers) as r:
            assert r.status == status, await r.text()
    assert await running.groups() == []


async def test_key_in_query_string_and_legacy_store_endpoint_work(running: Running):
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{running.base}/api/1/store/?sentry_key={DSN_KEY}", json=EVENT) as r:
            assert r.status == 200 and (await r.json())["id"] == EVENT["event_id"]
        # The SDK retries the same event after a timeout: it counts once (event_id is its receipt).
        async with http.post(f"{running.base}/api/1/envelope/", data=gzip.compress(envelope(EVENT)),
                             headers={**AUTH, "Content-Encoding": "gzip"}) as r:
            assert r.status == 200
    [group] = await running.wait_groups(1, count=1)
    assert int(group["occurrence_count"]) == 1 and group["error_type"] == "KeyError"


@pytest.mark.parametrize("running", [{"sentry": {"projects": [{"id": 1, "keys": [DSN_KEY], "events_per_second": 1}]}}],
                         indirect=True)
async def test_over_the_rate_the_sdk_is_told_when_to_come_back(running: Running):
    events = [{**EVENT, "event_id": f"{i:032x}"} for i in range(12)]
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{running.base}/api/1/envelope/", data=envelope(*events[:10]), headers=AUTH) as r:
            assert r.status == 200  # a burst up to 10 is allowed
        async with http.post(f"{running.base}/api/1/envelope/", data=envelope(*events[10:]), headers=AUTH) as r:
            assert r.status == 429
            assert int(r.headers["Retry-After"]) >= 1
            assert r.headers["X-Sentry-Rate-Limits"].endswith(":error;default:key")
    [group] = await running.wait_groups(1, count=10)
    assert int(group["occurrence_count"]) == 10  # the refused two are the SDK's to retry, not lost here


def _item(kind: str, payload: dict) -> list[bytes]:
    body = json.dumps(payload).encode()
    return [json.dumps({"type": kind, "length": len(body)}).encode(), body]


async def test_other_item_types_are_acknowledged_and_dropped_not_stored(running: Running):
    """What the real SDK sends beside events (develop.sentry.dev/sdk/envelopes/#data-model): a 200
    for the whole envelope, the event stored, the rest counted as dropped, client reports read."""
    parts = [json.dumps({"event_id": EVENT["event_id"]}).encode()]
    parts += _item("transaction", {"type": "transaction", "transaction": "/upload", "spans": []})
    parts += _item("session", {"sid": "s1", "status": "ok", "init": True})
    parts += _item("sessions", {"aggregates": [{"started": "2026-11-23T06:00:00Z", "exited": 3}]})
    parts += _item("client_report", {"discarded_events": [{"reason": "queue_overflow", "category": "error",
                                                           "quantity": 4}]})
    parts += _item("event", EVENT)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{running.base}/api/1/envelope/", data=b"\n".join(parts) + b"\n", headers=AUTH) as r:
            assert r.status == 200, await r.text()
    [group] = await running.wait_groups(1, count=1)
    assert group["error_type"] == "KeyError"
    stats = running.sidecar.stages.collect.stats
    assert {k: stats.dropped_items.get(k) for k in ("transaction", "session", "sessions")} == {
        "transaction": 1, "session": 1, "sessions": 1}
    assert stats.client_discarded == 4 and stats.accepted == 1


@pytest.mark.parametrize("running", [{"sentry": {"projects": [{"id": 1, "keys": [DSN_KEY], "events_per_hour": 3}]}}],
                         indirect=True)
async def test_a_project_over_its_hourly_quota_is_told_to_come_back(running: Running):
    events = [{**EVENT, "event_id": f"{i:032x}"} for i in range(4)]
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{running.base}/api/1/envelope/", data=envelope(*events[:3]), headers=AUTH) as r:
            assert r.status == 200
        async with http.post(f"{running.base}/api/1/envelope/", data=envelope(events[3]), headers=AUTH) as r:
            assert r.status == 429 and int(r.headers["Retry-After"]) >= 1
            assert "X-Sentry-Rate-Limits" in r.headers
    [group] = await running.wait_groups(1, count=3)
    assert int(group["occurrence_count"]) == 3
    assert running.sidecar.stages.collect.stats.refused.get("rate_limited") == 1


@pytest.mark.parametrize("running", [{"accept_timeout": 0.3}], indirect=True)
async def test_a_saturated_store_answers_429_and_the_retry_counts_once(running: Running):
    """Another writer holds SQLite's write lock: the envelope cannot be stored within accept_timeout,
    so the SDK is told to come back (429, Retry-After, X-Sentry-Rate-Limits) instead of the event
    being dropped; the delivery already under way completes once the lock is gone, and the SDK's
    retry of the same event_id counts nothing more."""
    import asyncio
    import sqlite3

    db = sqlite3.connect(running.tmp / "data" / "sidecar.db", isolation_level=None, timeout=5)
    db.execute("BEGIN IMMEDIATE")  # a long write transaction from outside: the store is saturated
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{running.base}/api/1/envelope/", data=envelope(EVENT), headers=AUTH) as r:
                assert r.status == 429, await r.text()
                assert int(r.headers["Retry-After"]) >= 1 and "X-Sentry-Rate-Limits" in r.headers
            async with http.get(f"{running.base}/healthz") as r:
                assert r.status == 200
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert running.sidecar.stages.collect.stats.refused.get("saturated") == 1
    async with aiohttp.ClientSession() as http:
        for _ in range(100):  # the retry, as the SDK does after Retry-After
            async with http.post(f"{running.base}/api/1/envelope/", data=envelope(EVENT), headers=AUTH) as r:
                if r.status == 200:
                    break
            await asyncio.sleep(0.1)
        assert r.status == 200
    [group] = await running.wait_groups(1, count=1)
    assert int(group["occurrence_count"]) == 1
