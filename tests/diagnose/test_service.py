"""The diagnosis stage end to end: bus events -> trigger -> claim -> rules + Kimi -> store + diagnosis.ready."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sidecar.bus import (
    DIAGNOSIS_LLM_PAUSED,
    DIAGNOSIS_READY,
    GROUP_NEW,
    GROUP_REGRESSED,
    GROUP_UPDATED,
    Bus,
    BusEvent,
)
from sidecar.config import DiagnosisConfig
from sidecar.diagnose.kimi import KimiClient
from sidecar.diagnose.rules import load_rules
from sidecar.diagnose.service import DiagnosisService
from sidecar.store.sqlite import open_sqlite
from sidecar.telemetry import Telemetry

from .conftest import error, good, llm_config, seed_group

FP = "0123456789abcdef0123456789abcdef"
PGRST = ("Failed to record upload: {'message': \"Could not find the 'upload_method' column of "
         "'provider_file_uploads' in the schema cache\", 'code': 'PGRST204'}")
RULES = load_rules("rules/diagnoses.yaml")


def service(store, clock, *, llm_cfg: DiagnosisConfig | None = None, bus: Bus | None = None,
            owner: str = "replica-a", **cfg) -> DiagnosisService:
    config = llm_cfg or DiagnosisConfig(**cfg)
    llm = KimiClient(config, clock, Telemetry()) if llm_cfg is not None else None
    return DiagnosisService(config=config, store=store, bus=bus or Bus(), clock=clock, rules=RULES, llm=llm,
                            telemetry=Telemetry(), owner=owner)


async def until(cond: Callable[[], object], limit: float = 10.0) -> None:
    """Wait for background tasks to reach a state (not for a time window: the clock is manual)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not await _value(cond()):
        assert loop.time() < end, "condition not reached"
        await asyncio.sleep(0.01)


async def _value(v: object) -> object:
    return await v if asyncio.iscoroutine(v) else v


def ev(kind: str, count: int = 1, level: str = "ERROR", fp: str = FP, **kw) -> BusEvent:
    return BusEvent(kind=kind, at=0.0, data={"fingerprint": fp, "count": count, "level": level, **kw})


async def claim_state(store, fp: str = FP):
    row = await store.diagnoses.claim(fp)
    return row["state"] if row else None


async def test_rules_only_every_new_group_gets_a_stored_diagnosis(sqlite_store, clock):
    # services that run their sweeper use the ManualClock: its sleep waits until the test moves time
    bus = Bus()
    ready = bus.subscribe({DIAGNOSIS_READY})
    await seed_group(sqlite_store, FP, PGRST, logger="src.storage.supabase_client")
    svc = service(sqlite_store, clock, bus=bus)
    await svc.start()
    bus.publish(GROUP_NEW, clock.time(), fingerprint=FP, count=1, level="ERROR")
    await until(lambda: claim_state(sqlite_store))
    await until(lambda: _is(claim_state(sqlite_store), "done"))
    await svc.stop()
    group = await sqlite_store.diagnoses.group(FP)
    assert group["diagnosis_source"] == "rules" and group["category"] == "code" and group["severity"] == "high"
    assert group["investigation_result"]["rule"] == "supabase-missing-column-pgrst204"
    row = await sqlite_store.db.fetchone(
        "SELECT fix_recommendation, model_used, investigation_duration_ms FROM error_investigations WHERE error_hash = ?",
        (FP,))
    assert any("ALTER TABLE provider_file_uploads ADD COLUMN upload_method" in s for s in row["fix_recommendation"])
    assert row["model_used"] == "rules" and row["investigation_duration_ms"] is not None
    event = ready.queue.get_nowait()
    assert event.data["fingerprint"] == FP and event.data["source"] == "rules"
    assert set(event.data) >= {"summary", "severity", "category", "confidence", "root_cause", "suggested_fix"}
    assert event.data["logger"] == "src.storage.supabase_client"


async def _is(coro, value) -> bool:
    return (await coro) == value


async def test_thousand_events_of_one_group_make_one_request(sqlite_store, clock, fake_llm):
    fake_llm.default = good()
    bus = Bus()
    await seed_group(sqlite_store, FP, PGRST)
    svc = service(sqlite_store, clock, llm_cfg=llm_config(fake_llm.base_url), bus=bus)
    await svc.start()
    bus.publish(GROUP_NEW, clock.time(), fingerprint=FP, count=1, level="ERROR")
    for i in range(2, 1001):
        bus.publish(GROUP_UPDATED, clock.time(), fingerprint=FP, count=i, level="ERROR")
    await until(lambda: _is(claim_state(sqlite_store), "done"))
    # and a direct concurrent burst through the method the app can call
    await asyncio.gather(*(svc.on_event(ev(GROUP_UPDATED, count=1000 + i)) for i in range(1000)))
    await svc.stop()
    assert len(fake_llm.requests) == 1
    group = await sqlite_store.diagnoses.group(FP)
    assert group["diagnosis_source"] == "kimi"
    history = await sqlite_store.diagnoses.history(FP)
    assert [h["source"] for h in history] == ["kimi", "rules"]
    assert history[0]["cache_key"] == f"{FP}:kimi-k2-turbo-preview:diagnose-v4"


async def test_callers_that_find_nothing_stored_store_the_rules_answer_once(sqlite_store, clock):
    """The GROUP_NEW handler and a claim both ask for the rules' answer before either has read the group: the
    history holds one `rules` row (CI, round 14: a second one whenever the second caller came in while the first
    was still reading the group from the store)."""
    await seed_group(sqlite_store, FP, PGRST)
    svc = service(sqlite_store, clock)
    answers = await asyncio.gather(*(svc.runner.answer_with_rules(FP) for _ in range(3)))
    assert sum(a is not None for a in answers) == 1
    history = await sqlite_store.diagnoses.history(FP)
    assert [h["source"] for h in history] == ["rules"]


async def test_two_replicas_sharing_a_store_make_one_request(tmp_path, clock, fake_llm):
    fake_llm.default = good()
    fake_llm.hold = asyncio.Event()  # keep the first call open while the other replica sees the events
    path = str(tmp_path / "shared.db")
    store_a, store_b = await open_sqlite(path), await open_sqlite(path)
    await seed_group(store_a, FP, PGRST)
    a = service(store_a, clock, llm_cfg=llm_config(fake_llm.base_url), owner="replica-a")
    b = service(store_b, clock, llm_cfg=llm_config(fake_llm.base_url), owner="replica-b")
    await a.start()
    await b.start()
    burst = [ev(GROUP_NEW)] + [ev(GROUP_UPDATED, count=i) for i in range(2, 500)]
    await asyncio.gather(*(a.on_event(e) for e in burst), *(b.on_event(e) for e in burst))
    await until(lambda: len(fake_llm.requests) == 1)
    fake_llm.hold.set()
    await until(lambda: _is(claim_state(store_a), "done"))
    await a.sweep_once()
    await b.sweep_once()
    await a.stop()
    await b.stop()
    await store_a.close()
    await store_b.close()
    assert len(fake_llm.requests) == 1


async def test_llm_down_rules_stored_now_and_retried_from_durable_state(sqlite_store, rclock, fake_llm):
    fake_llm.then(error(500, "server_error"), error(500, "server_error"), error(500, "server_error"))
    await seed_group(sqlite_store, FP, PGRST)
    svc = service(sqlite_store, rclock, llm_cfg=llm_config(fake_llm.base_url, retry_interval=30))
    await svc.on_event(ev(GROUP_NEW))
    fp, stale = svc.queue.get_nowait()
    await svc.run(fp, stale_attempts=stale)
    svc._inflight.discard(fp)
    claim = await sqlite_store.diagnoses.claim(FP)
    assert claim["state"] == "failed" and "HTTP 500" in claim["last_error"] and claim["next_attempt_at"] is not None
    group = await sqlite_store.diagnoses.group(FP)
    assert group["diagnosis_source"] == "rules"  # there is always something
    # not due yet
    assert await svc.sweep_once() == 0
    # a "restart": a new service on the same store finds the work once it is due
    fake_llm.then(good())
    svc2 = service(sqlite_store, rclock, llm_cfg=llm_config(fake_llm.base_url, retry_interval=30), owner="restarted")
    rclock.advance(31)
    assert await svc2.sweep_once() == 1
    fp, stale = svc2.queue.get_nowait()
    diag = await svc2.run(fp, stale_attempts=stale)
    assert diag is not None and diag.source == "kimi"
    assert (await sqlite_store.diagnoses.claim(FP))["state"] == "done"
    assert (await sqlite_store.diagnoses.group(FP))["diagnosis_source"] == "kimi"
    # the rules diagnosis was not stored twice
    assert [h["source"] for h in await sqlite_store.diagnoses.history(FP)] == ["kimi", "rules"]
    await svc.stop()
    await svc2.stop()


async def test_quota_pauses_llm_and_says_so(sqlite_store, rclock, fake_llm):
    fake_llm.then(error(429, "exceeded_current_quota_error", "insufficient balance"))
    await seed_group(sqlite_store, FP, PGRST)
    await seed_group(sqlite_store, "b" * 32, "kimi upload returned no file ID")
    bus = Bus()
    paused = bus.subscribe({DIAGNOSIS_LLM_PAUSED})
    svc = service(sqlite_store, rclock, llm_cfg=llm_config(fake_llm.base_url, quota_cooldown=3600), bus=bus)
    await svc.on_event(ev(GROUP_NEW))
    fp, _ = svc.queue.get_nowait()
    await svc.run(fp)
    claim = await sqlite_store.diagnoses.claim(FP)
    assert claim["outcome"] == "quota"
    assert (claim["next_attempt_at"].timestamp() - rclock.time()) >= 3600
    assert any("circuit open" in p and "quota" in p for p in svc.degraded())
    assert len(fake_llm.requests) == 1
    # a second group meanwhile: nothing sent, deferred until the circuit closes, announced only once
    await svc.on_event(ev(GROUP_NEW, fp="b" * 32))
    await svc.run(svc.queue.get_nowait()[0])
    assert len(fake_llm.requests) == 1
    claim_b = await sqlite_store.diagnoses.claim("b" * 32)
    assert claim_b["state"] == "failed" and "circuit open" in claim_b["last_error"]
    assert (claim_b["next_attempt_at"].timestamp() - rclock.time()) >= 3599
    event = paused.queue.get_nowait()
    assert event.data["quota"] is True and "quota" in event.data["reason"]
    assert paused.queue.empty()
    await svc.stop()


async def test_warning_needs_min_occurrences_within_the_window(sqlite_store, rclock):
    await seed_group(sqlite_store, FP, "SEMAPHORE HEALTH: Global semaphore leak: expected 5, got 4", level="WARNING")
    svc = service(sqlite_store, rclock, min_occurrences={"ERROR": 1, "WARNING": 5}, occurrence_window=600)
    await svc.on_event(ev(GROUP_NEW, count=1, level="WARNING"))
    for c in (2, 3):
        await svc.on_event(ev(GROUP_UPDATED, count=c, level="WARNING"))
    rclock.advance(601)  # the first three fall out of the window
    for c in (4, 5, 6):
        await svc.on_event(ev(GROUP_UPDATED, count=c, level="WARNING"))
    assert await claim_state(sqlite_store) is None
    for c in (7, 8):
        await svc.on_event(ev(GROUP_UPDATED, count=c, level="WARNING"))
    assert await claim_state(sqlite_store) == "pending"
    await svc.stop()


async def test_regression_is_diagnosed_again_once(sqlite_store, rclock):
    await seed_group(sqlite_store, FP, PGRST)
    svc = service(sqlite_store, rclock)
    await svc.on_event(ev(GROUP_NEW))
    await svc.run(svc.queue.get_nowait()[0])
    svc._inflight.clear()
    await svc.on_event(ev(GROUP_UPDATED, count=2))
    assert svc.queue.empty()
    await svc.on_event(ev(GROUP_REGRESSED, count=3, regression_count=1))
    await svc.on_event(ev(GROUP_REGRESSED, count=3, regression_count=1))
    assert svc.queue.qsize() == 1
    await svc.run(svc.queue.get_nowait()[0])
    claim = await sqlite_store.diagnoses.claim(FP)
    assert claim["state"] == "done" and claim["generation"] == 1 and claim["reason"] == "regressed"
    assert len(await sqlite_store.diagnoses.history(FP)) == 2
    await svc.stop()


async def test_manual_rerun_and_unknown_group(sqlite_store, rclock):
    from sidecar.diagnose.service import GroupNotFound

    await seed_group(sqlite_store, FP, "sent 1011 (internal error) keepalive ping timeout; no close frame received",
                     logger="ws_daemon")
    svc = service(sqlite_store, rclock)
    state, diag = await svc.rerun(FP)
    assert state == "done" and diag.rule == "ws-keepalive-ping-timeout"
    state, diag = await svc.rerun(FP)
    assert state == "done"
    try:
        await svc.rerun("f" * 32)
        raise AssertionError("expected GroupNotFound")
    except GroupNotFound:
        pass
    await svc.stop()


async def test_context_lines_read_from_the_file_when_not_stored(sqlite_store, rclock, fake_llm, tmp_path):
    log = tmp_path / "ws_daemon.log"
    lines = [f"2025-11-03 16:55:{i:02d} INFO tools.chat: step {i}" for i in range(30)]
    lines.append("2025-11-03 16:56:00 ERROR tools.chat: kimi upload returned no file ID")
    log.write_text("\n".join(lines) + "\n")
    await seed_group(sqlite_store, FP, "kimi upload returned no file ID", file=str(log), line=31)
    fake_llm.then(good())
    svc = service(sqlite_store, rclock, llm_cfg=llm_config(fake_llm.base_url, context_lines=5))
    await svc.rerun(FP)
    await svc.stop()
    user = fake_llm.requests[0]["messages"][1]["content"]
    assert "step 29" in user and "step 25" in user and "step 24" not in user
    assert "kimi-upload-no-file-id" in user


async def test_cached_llm_diagnosis_is_reused_for_the_same_model_and_prompt(sqlite_store, rclock, fake_llm):
    fake_llm.then(good())
    await seed_group(sqlite_store, FP, PGRST)
    svc = service(sqlite_store, rclock, llm_cfg=llm_config(fake_llm.base_url))
    await svc.on_event(ev(GROUP_NEW))
    assert (await svc.run(svc.queue.get_nowait()[0])).source == "kimi"
    # the claim is lost (e.g. a table cleaned by hand): the same fingerprint, model and prompt hit the cache
    await sqlite_store.db.execute("DELETE FROM diagnosis_claims WHERE error_hash = ?", (FP,))
    svc2 = service(sqlite_store, rclock, llm_cfg=llm_config(fake_llm.base_url), owner="b")
    await svc2.on_event(ev(GROUP_NEW))
    diag = await svc2.run(svc2.queue.get_nowait()[0])
    assert diag.source == "kimi" and len(fake_llm.requests) == 1
    assert (await sqlite_store.diagnoses.claim(FP))["outcome"] == "cached"
    # another model is another cache key: asked again
    await sqlite_store.db.execute("DELETE FROM diagnosis_claims WHERE error_hash = ?", (FP,))
    fake_llm.then(good())
    svc3 = service(sqlite_store, rclock, llm_cfg=llm_config(fake_llm.base_url, model="kimi-k2-0905-preview"), owner="c")
    await svc3.on_event(ev(GROUP_NEW))
    await svc3.run(svc3.queue.get_nowait()[0])
    assert len(fake_llm.requests) == 2 and fake_llm.requests[1]["model"] == "kimi-k2-0905-preview"
    for s in (svc, svc2, svc3):
        await s.stop()


async def test_running_service_retries_failed_work_when_the_clock_says_so(sqlite_store, clock, fake_llm):
    fake_llm.then(error(503, "engine_overloaded_error"), good())
    await seed_group(sqlite_store, FP, PGRST)
    bus = Bus()
    svc = service(sqlite_store, clock, bus=bus,
                  llm_cfg=llm_config(fake_llm.base_url, max_retries=0, retry_interval=30))
    await svc.start()
    bus.publish(GROUP_NEW, clock.time(), fingerprint=FP, count=1, level="ERROR")
    await until(lambda: _is(claim_state(sqlite_store), "failed"))
    assert len(fake_llm.requests) == 1
    clock.advance(29)
    await asyncio.sleep(0.05)
    assert len(fake_llm.requests) == 1  # not due yet
    clock.advance(2)
    await until(lambda: _is(claim_state(sqlite_store), "done"))
    await svc.stop()
    assert len(fake_llm.requests) == 2
    assert (await sqlite_store.diagnoses.group(FP))["diagnosis_source"] == "kimi"


async def test_groups_diagnosed_by_rules_are_upgraded_once_a_key_is_configured(sqlite_store, rclock, fake_llm):
    fake_llm.default = good()
    await seed_group(sqlite_store, FP, PGRST)
    rules_only = service(sqlite_store, rclock)
    await rules_only.on_event(ev(GROUP_NEW))
    await rules_only.run(rules_only.queue.get_nowait()[0])
    assert (await sqlite_store.diagnoses.claim(FP))["cache_key"] == f"{FP}:rules"
    # restarted with a key: the next sign of life of the group brings the LLM diagnosis, once
    with_kimi = service(sqlite_store, rclock, llm_cfg=llm_config(fake_llm.base_url), owner="upgraded")
    for c in range(2, 50):
        await with_kimi.on_event(ev(GROUP_UPDATED, count=c))
    assert with_kimi.queue.qsize() == 1
    await with_kimi.run(with_kimi.queue.get_nowait()[0])
    with_kimi._inflight.clear()
    await with_kimi.on_event(ev(GROUP_UPDATED, count=51))
    assert with_kimi.queue.empty() and len(fake_llm.requests) == 1
    assert (await sqlite_store.diagnoses.group(FP))["diagnosis_source"] == "kimi"
    for svc in (rules_only, with_kimi):
        await svc.stop()


async def test_work_of_a_dead_replica_is_taken_over_after_its_lease(sqlite_store, rclock):
    await seed_group(sqlite_store, FP, PGRST)
    repo = sqlite_store.diagnoses
    from sidecar.clock import utc

    assert await repo.claim_pending(FP, "dead-replica", "new", 0, utc(rclock.time()))
    assert await repo.take(FP, "dead-replica", utc(rclock.time())) is not None  # ...and then it died
    svc = service(sqlite_store, rclock, owner="survivor")
    assert await svc.sweep_once() == 0  # still within the lease
    rclock.advance(svc._lease() + 1)
    assert await svc.sweep_once() == 1
    fp, stale = svc.queue.get_nowait()
    assert stale == 1
    diag = await svc.run(fp, stale_attempts=stale)
    assert diag is not None and diag.rule == "supabase-missing-column-pgrst204"
    claim = await repo.claim(FP)
    assert claim["state"] == "done" and claim["claimed_by"] == "survivor"
    await svc.stop()


async def test_an_event_before_its_group_row_is_retried_later(sqlite_store, rclock):
    svc = service(sqlite_store, rclock, retry_interval=30)
    await svc.on_event(ev(GROUP_NEW))
    assert await svc.run(svc.queue.get_nowait()[0]) is None
    svc._inflight.clear()
    claim = await sqlite_store.diagnoses.claim(FP)
    assert claim["state"] == "failed" and claim["outcome"] == "no_group"
    await seed_group(sqlite_store, FP, PGRST)  # the errors stage catches up
    rclock.advance(30)
    assert await svc.sweep_once() == 1
    diag = await svc.run(svc.queue.get_nowait()[0])
    assert diag is not None and diag.rule == "supabase-missing-column-pgrst204"
    assert (await sqlite_store.diagnoses.group(FP))["diagnosis_source"] == "rules"
    await svc.stop()


async def test_a_restart_does_not_reset_the_llm_budgets(sqlite_store, clock, fake_llm):
    """Two Kimi calls against a budget of 2/hour: a restarted service has none left until the hour ends."""
    fake_llm.default = good()
    cfg = llm_config(fake_llm.base_url, calls_per_hour=2)
    fps = [f"{i:032x}" for i in (1, 2)]
    bus = Bus()
    svc = service(sqlite_store, clock, llm_cfg=cfg, bus=bus)
    await svc.start()
    for fp in fps:
        await seed_group(sqlite_store, fp, PGRST)
        bus.publish(GROUP_NEW, clock.time(), fingerprint=fp, count=1, level="ERROR")
    for fp in fps:
        await until(lambda fp=fp: _is(claim_state(sqlite_store, fp), "done"))
    await svc.stop()
    assert len(fake_llm.requests) == 2

    restarted = service(sqlite_store, clock, llm_cfg=cfg, bus=Bus())
    await restarted.start()
    try:
        assert restarted.llm.calls.remaining() == 0
        assert restarted.llm.tokens.used > 0
        clock.advance(3601)
        assert restarted.llm.calls.remaining() == 2
    finally:
        await restarted.stop()
