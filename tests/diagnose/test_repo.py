"""DiagnosisRepo on SQLite and PostgreSQL: portable SQL, atomic claims, durable retry queries."""

from __future__ import annotations

import asyncio

from sidecar.clock import utc
from sidecar.diagnose.model import Diagnosis

from .conftest import GOOD_ANSWER, good, llm_config, seed_group

FP = "1234567890abcdef1234567890abcdef"
T0 = 1_763_900_000.0


def _diag(source: str = "rules", **kw) -> Diagnosis:
    values = dict(summary="s", root_cause="r", suggested_fix=["step one", "step two"], severity="high",
                  confidence=0.8, category="storage", source=source, model="rules" if source == "rules" else "kimi-x")
    values.update(kw)
    return Diagnosis(**values)


async def test_claims_are_single_flight_and_durable(store):
    repo = store.diagnoses
    at = utc(T0)
    assert await repo.claim_pending(FP, "a", "new", 0, at)
    assert not await repo.claim_pending(FP, "b", "new", 0, at)
    # many takers at once: exactly one gets the claim
    taken = await asyncio.gather(*(repo.take(FP, f"w{i}", at) for i in range(8)))
    winners = [t for t in taken if t is not None]
    assert len(winners) == 1 and winners[0]["attempts"] == 1 and winners[0]["state"] == "running"
    owner = winners[0]["claimed_by"]
    assert not await repo.finish(FP, "someone-else", at, state="done", outcome="kimi")
    assert await repo.finish(FP, owner, at, state="failed", outcome="unavailable", last_error="HTTP 500",
                             next_attempt_at=utc(T0 + 60))
    assert await repo.due(utc(T0 + 59), utc(T0 - 600)) == []
    due = await repo.due(utc(T0 + 60), utc(T0 - 600))
    assert [d["error_hash"] for d in due] == [FP] and due[0]["last_error"] == "HTTP 500"
    again = await repo.take(FP, "c", utc(T0 + 60))
    assert again is not None and again["attempts"] == 2
    # an abandoned running claim is due once its lease has passed, and only one taker wins it
    assert await repo.due(utc(T0 + 61), utc(T0 + 59)) == []
    stale = await repo.due(utc(T0 + 1000), utc(T0 + 900))
    assert [s["state"] for s in stale] == ["running"]
    takers = await asyncio.gather(*(repo.take(FP, f"s{i}", utc(T0 + 1000), stale_attempts=2,
                                              stale_before=utc(T0 + 900)) for i in range(4)))
    assert sum(t is not None for t in takers) == 1
    owner = next(t for t in takers if t is not None)["claimed_by"]
    assert await repo.finish(FP, owner, utc(T0 + 1001), state="done", outcome="kimi", cache_key="k1")
    claim = await repo.claim(FP)
    assert claim["state"] == "done" and claim["cache_key"] == "k1" and claim["next_attempt_at"] is None
    # reopen for a regression: optimistic on attempts, one winner
    reopened = await asyncio.gather(*(repo.reopen(FP, f"r{i}", "regressed", 1, utc(T0 + 2000), expect_attempts=3)
                                      for i in range(4)))
    assert sum(reopened) == 1
    claim = await repo.claim(FP)
    assert claim["state"] == "pending" and claim["generation"] == 1 and claim["attempts"] == 0
    assert await repo.counts() == {"pending": 1}


async def test_history_current_and_cache(store):
    repo = store.diagnoses
    await seed_group(store, FP, "x")
    rules = _diag()
    assert await repo.set_current(FP, rules, utc(T0), replace_llm=False)
    await repo.add(FP, f"{FP}:rules", rules, utc(T0))
    kimi = _diag("kimi", summary="from kimi", tokens={"input": 10, "output": 5}, prompt_version="diagnose-v1")
    await repo.add(FP, f"{FP}:kimi-x:diagnose-v1", kimi, utc(T0 + 1))
    assert await repo.set_current(FP, kimi, utc(T0 + 1))
    # a later rules diagnosis does not replace the LLM's
    assert not await repo.set_current(FP, _diag(summary="rules again"), utc(T0 + 2), replace_llm=False)
    group = await repo.group(FP)
    assert group["diagnosis_source"] == "kimi" and group["investigation_result"]["summary"] == "from kimi"
    assert group["diagnosed_at"] == utc(T0 + 1)
    row = await store.db.fetchone("SELECT fix_recommendation, model_used FROM error_investigations WHERE error_hash = ?",
                                  (FP,))
    assert row["fix_recommendation"] == ["step one", "step two"] and row["model_used"] == "kimi-x"
    hist = await repo.history(FP)
    assert [h["source"] for h in hist] == ["kimi", "rules"] and hist[0]["tokens_in"] == 10
    cached = await repo.cached(f"{FP}:kimi-x:diagnose-v1")
    assert cached is not None and Diagnosis.model_validate(cached["result"]).summary == "from kimi"
    assert await repo.cached(f"{FP}:kimi-x:diagnose-v2") is None
    assert not await repo.set_current("unknown", kimi, utc(T0))


async def test_two_replicas_on_postgresql_make_one_llm_request(pg_dsn, clock, fake_llm):
    """Two sidecars, each with its own connection pool to one PostgreSQL, see the same burst."""
    from sidecar.bus import GROUP_NEW, GROUP_UPDATED, BusEvent
    from sidecar.store.postgres import open_postgres

    from .test_service import service

    fake_llm.default = good({**GOOD_ANSWER, "evidence": ["kimi upload returned no file ID"]})  # grounded
    fake_llm.hold = asyncio.Event()
    store_a = await open_postgres(pg_dsn, pool_size=4, connect_timeout=5.0)
    store_b = await open_postgres(pg_dsn, pool_size=4, connect_timeout=5.0)
    try:
        await seed_group(store_a, FP, "kimi upload returned no file ID")
        a = service(store_a, clock, llm_cfg=llm_config(fake_llm.base_url), owner="pg-a")
        b = service(store_b, clock, llm_cfg=llm_config(fake_llm.base_url), owner="pg-b")
        await a.start()
        await b.start()
        burst = [BusEvent(GROUP_NEW, 0.0, {"fingerprint": FP, "count": 1, "level": "ERROR"})] + [
            BusEvent(GROUP_UPDATED, 0.0, {"fingerprint": FP, "count": i, "level": "ERROR"}) for i in range(2, 300)]
        await asyncio.gather(*(a.on_event(e) for e in burst), *(b.on_event(e) for e in burst))
        for _ in range(500):
            if fake_llm.requests:
                break
            await asyncio.sleep(0.01)
        fake_llm.hold.set()
        for _ in range(500):
            claim = await store_a.diagnoses.claim(FP)
            if claim and claim["state"] == "done":
                break
            await asyncio.sleep(0.01)
        await a.stop()
        await b.stop()
        assert len(fake_llm.requests) == 1
        assert (await store_b.diagnoses.group(FP))["diagnosis_source"] == "kimi"
    finally:
        await store_a.close()
        await store_b.close()
