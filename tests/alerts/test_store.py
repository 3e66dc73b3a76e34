"""The alerts repository on both backends (SQLite and PostgreSQL): outbox, group state, silences."""

from __future__ import annotations

from sidecar.clock import utc
from sidecar.store.base import Store

T = 1_763_900_000.0


async def test_outbox_lifecycle(store: Store) -> None:
    repo = store.alerts
    a = await repo.enqueue(receiver="slack", channel="slack", route="r", group_key="g1", payload={"text": "x"},
                           summary="one", alert_count=1, now=utc(T))
    b = await repo.enqueue(receiver="am", channel="alertmanager", route=None, group_key="am:am",
                           payload=[{"labels": {"a": "1"}}], summary="am", alert_count=1, now=utc(T),
                           coalesce_key="am:am")
    # A newer Alertmanager payload replaces the still-pending one instead of queueing behind it.
    b2 = await repo.enqueue(receiver="am", channel="alertmanager", route=None, group_key="am:am",
                            payload=[{"labels": {"a": "2"}}], summary="am2", alert_count=1, now=utc(T + 1),
                            coalesce_key="am:am")
    assert b2 == b
    due = await repo.due(utc(T))
    assert [r["id"] for r in due] == [a, b]
    assert due[1]["payload"] == [{"labels": {"a": "2"}}] and due[0]["payload"] == {"text": "x"}
    assert await repo.next_pending_at() == utc(T)

    # Two replicas racing for one due delivery: exactly one gets it; the lease hides it meanwhile.
    assert await repo.claim(a, attempts=0, now=utc(T), lease_until=utc(T + 40)) is True
    assert await repo.claim(a, attempts=0, now=utc(T), lease_until=utc(T + 40)) is False
    assert [r["id"] for r in await repo.due(utc(T + 39))] == [b]
    await repo.mark_retry(a, attempts=1, next_attempt_at=utc(T + 30), error="HTTP 500", http_status=500,
                          now=utc(T))
    assert await repo.claim(a, attempts=0, now=utc(T + 30), lease_until=utc(T + 70)) is False  # stale read
    assert [r["id"] for r in await repo.due(utc(T + 29))] == [b]
    await repo.mark_sent(b, attempts=1, http_status=200, now=utc(T + 1))
    assert await repo.next_pending_at() == utc(T + 30)
    await repo.mark_failed(a, attempts=2, error="timeout", http_status=None, retryable=True, now=utc(T + 30))
    assert await repo.due(utc(T + 100)) == []
    assert await repo.counts() == {"sent": 1, "failed": 1}

    assert await repo.requeue_failed(since=utc(T - 10), now=utc(T + 200)) == 1
    (row,) = await repo.due(utc(T + 200))
    assert row["id"] == a and row["attempts"] == 0 and row["retryable"] is True
    await repo.mark_failed(a, attempts=1, error="HTTP 400", http_status=400, retryable=False, now=utc(T + 201))
    assert await repo.requeue_failed(since=utc(T - 10), now=utc(T + 300)) == 0

    recent = await repo.recent(limit=10)
    assert [r["id"] for r in recent] == [b, a] and "payload" not in recent[0]
    assert (await repo.recent(limit=10, status="failed"))[0]["last_error"] == "HTTP 400"
    assert await repo.prune(utc(T + 1000)) == 2
    assert await repo.recent() == []


async def test_group_state_and_silences(store: Store) -> None:
    repo = store.alerts
    await repo.save_groups([("g1", "r", {"alerts": [{"key": "k"}]}), ("g2", "r", {"alerts": []})], [], utc(T))
    await repo.save_groups([("g1", "r", {"alerts": [{"key": "k2"}]})], ["g2"], utc(T + 1))
    (row,) = await repo.load_groups()
    assert row["group_key"] == "g1" and row["state"] == {"alerts": [{"key": "k2"}]}

    s = await repo.add_silence(silence_id="s1", matchers=[{"name": "logger", "value": "x", "op": "="}],
                               starts_at=utc(T), ends_at=utc(T + 3600), created_by="me", comment="c", now=utc(T))
    assert s["matchers"] == [{"name": "logger", "value": "x", "op": "="}] and s["ends_at"] == utc(T + 3600)
    assert [r["id"] for r in await repo.silences(utc(T + 10))] == ["s1"]
    assert await repo.expire_silence("s1", utc(T + 20)) is True
    assert await repo.expire_silence("s1", utc(T + 30)) is False
    assert await repo.silences(utc(T + 30)) == []
    assert [r["id"] for r in await repo.silences(utc(T + 30), include_expired=True)] == ["s1"]


async def test_a_payload_enqueued_while_the_last_one_is_on_the_wire_is_sent_after_it(store: Store) -> None:
    """Alertmanager posts are coalesced by key; a resolve that arrives while the firing post is
    being sent must not be folded into the row being sent (it would be marked sent, never sent)."""
    repo = store.alerts
    am = dict(receiver="am", channel="alertmanager", route=None, group_key="am:am", summary="am", alert_count=1,
              coalesce_key="am:am")
    firing = await repo.enqueue(payload=[{"status": "firing"}], now=utc(T), **am)
    assert await repo.claim(firing, attempts=0, now=utc(T), lease_until=utc(T + 40)) is True
    resolved = await repo.enqueue(payload=[{"status": "resolved"}], now=utc(T + 1), **am)
    assert resolved != firing
    await repo.mark_sent(firing, attempts=1, http_status=200, now=utc(T + 2))
    (due,) = await repo.due(utc(T + 2))
    assert due["id"] == resolved and due["payload"] == [{"status": "resolved"}]

    # A later payload still replaces the pending (not yet claimed) one, as before.
    again = await repo.enqueue(payload=[{"status": "firing", "n": 2}], now=utc(T + 3), **am)
    assert again == resolved

    # The attempt fails and is retried: the row takes its slot back, so the next payload replaces it.
    assert await repo.claim(again, attempts=0, now=utc(T + 3), lease_until=utc(T + 43)) is True
    await repo.mark_retry(again, attempts=1, next_attempt_at=utc(T + 10), error="HTTP 503", http_status=503,
                          now=utc(T + 4), coalesce_key="am:am")
    assert await repo.enqueue(payload=[{"status": "resolved", "n": 3}], now=utc(T + 5), **am) == again

    # ...unless a newer payload took the slot while it was on the wire: the stale row goes.
    assert await repo.claim(again, attempts=1, now=utc(T + 10), lease_until=utc(T + 50)) is True
    newest = await repo.enqueue(payload=[{"status": "firing", "n": 4}], now=utc(T + 11), **am)
    await repo.mark_retry(again, attempts=2, next_attempt_at=utc(T + 20), error="HTTP 503", http_status=503,
                          now=utc(T + 12), coalesce_key="am:am")
    assert [r["id"] for r in await repo.due(utc(T + 100))] == [newest]

    # A process that died mid-send leaves a claimed row whose lease runs out; if a newer payload
    # exists by then, the stale one is dropped at its next claim instead of being sent after it.
    assert await repo.claim(newest, attempts=0, now=utc(T + 100), lease_until=utc(T + 140)) is True
    latest = await repo.enqueue(payload=[{"status": "resolved", "n": 5}], now=utc(T + 101), **am)
    assert await repo.claim(newest, attempts=0, now=utc(T + 141), lease_until=utc(T + 181)) is False
    assert [r["id"] for r in await repo.due(utc(T + 200))] == [latest]
