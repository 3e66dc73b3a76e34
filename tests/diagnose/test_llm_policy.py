"""Rules answer first and at once; Kimi's answer is primary only when grounded and as confident;
a hanging LLM costs bounded time and a later healthy one still answers (a real local
OpenAI-compatible server, the real openai SDK, a real SQLite store)."""

from __future__ import annotations

import asyncio
import time

from sidecar.bus import GROUP_NEW, Bus, BusEvent
from sidecar.diagnose.kimi import KimiClient
from sidecar.diagnose.model import Diagnosis
from sidecar.diagnose.primary import choose, grounded
from sidecar.diagnose.rules import load_rules
from sidecar.diagnose.service import DiagnosisService
from sidecar.telemetry import Telemetry

from .conftest import GOOD_ANSWER, good, llm_config, seed_group

RULES = load_rules("rules/diagnoses.yaml")
GLM_1113 = ('GLM chat failed: Error code: 429, with error text {"error":{"code":"1113",'
            '"message":"Insufficient balance or no resource package. Please recharge."}}')
GROUNDED = {**GOOD_ANSWER, "summary": "GLM account out of balance", "category": "provider", "confidence": 0.97,
            "evidence": ['{"error":{"code":"1113","message":"Insufficient balance or no resource package. Please recharge."}}']}
UNGROUNDED = {**GOOD_ANSWER, "summary": "Kimi balance exhausted", "category": "provider", "confidence": 0.99,
              "evidence": ["Kimi account suspended due to insufficient balance"]}
LOW = {**GROUNDED, "summary": "maybe a network blip", "category": "network", "confidence": 0.42}


def fp(i: int) -> str:
    return f"{i:032x}"


def svc_for(store, clock, cfg) -> DiagnosisService:  # type: ignore[no-untyped-def]
    telemetry = Telemetry()
    return DiagnosisService(config=cfg, store=store, bus=Bus(), clock=clock, rules=RULES,
                            llm=KimiClient(cfg, clock, telemetry), telemetry=telemetry, owner="a")


async def diagnose_one(store, clock, fake_llm, answer) -> dict:  # type: ignore[no-untyped-def]
    fake_llm.then(good(answer))
    await seed_group(store, fp(1), GLM_1113, logger="src.providers.glm_chat")
    svc = svc_for(store, clock, llm_config(fake_llm.base_url))
    await svc.on_event(BusEvent(kind=GROUP_NEW, at=0.0, data={"fingerprint": fp(1), "count": 1, "level": "ERROR"}))
    f, stale = svc.queue.get_nowait()
    await svc.run(f, stale_attempts=stale)
    await svc.stop()
    group = await store.diagnoses.group(fp(1))
    history = await store.diagnoses.history(fp(1))
    return {"group": group, "sources": sorted(h["source"] for h in history)}


async def test_grounded_confident_kimi_answer_becomes_primary(sqlite_store, rclock, fake_llm):
    out = await diagnose_one(sqlite_store, rclock, fake_llm, GROUNDED)
    assert out["group"]["diagnosis_source"] == "kimi" and out["sources"] == ["kimi", "rules"]
    assert out["group"]["investigation_result"]["disagreement"] is None  # both say provider


async def test_ungrounded_kimi_answer_is_kept_beside_the_rules(sqlite_store, rclock, fake_llm):
    out = await diagnose_one(sqlite_store, rclock, fake_llm, UNGROUNDED)
    result = out["group"]["investigation_result"]
    assert out["group"]["diagnosis_source"] == "rules" and result["rule"] == "class:code.glm"
    assert out["sources"] == ["kimi", "rules"]  # both stored; the API/page history shows both


async def test_less_confident_kimi_answer_stays_second_and_the_disagreement_is_shown(sqlite_store, rclock, fake_llm):
    out = await diagnose_one(sqlite_store, rclock, fake_llm, LOW)
    result = out["group"]["investigation_result"]
    assert out["group"]["diagnosis_source"] == "rules"
    assert result["disagreement"].startswith("Kimi disagrees: network at confidence 0.42")


async def test_hanging_llm_every_group_gets_its_rules_diagnosis_at_once_and_recovers(sqlite_store, clock, fake_llm):
    fake_llm.hold = asyncio.Event()  # the server accepts requests and never answers
    fake_llm.default = good(GROUNDED)
    n = 12
    for i in range(n):
        await seed_group(sqlite_store, fp(i), GLM_1113 + f" #{i}",
                         logger="src.providers.glm_chat")
    cfg = llm_config(fake_llm.base_url, timeout=30.0, group_deadline=1.0, concurrency=2, retry_interval=30)
    svc = svc_for(sqlite_store, clock, cfg)
    await svc.start()
    started = time.monotonic()
    for i in range(n):
        svc.bus.publish(GROUP_NEW, clock.time(), fingerprint=fp(i), count=1, level="ERROR")

    async def all_have_rules() -> bool:
        rows = await sqlite_store.db.fetchall(
            "SELECT diagnosis_source FROM error_investigations WHERE diagnosis_source IS NOT NULL")
        return len(rows) == n

    # Bounds here are time-outs for a loaded CI host, not performance figures: whether rules wait behind
    # the LLM is decided by test_rules_answer_while_every_llm_call_is_still_hanging below.
    while not await all_have_rules():
        assert time.monotonic() - started < 60.0, "rules diagnoses waited behind the hanging LLM"
        await asyncio.sleep(0.02)
    # the per-group deadline releases the claims and the circuit opens: no worker is held for long
    while not svc.llm.breaker.is_open():  # type: ignore[union-attr]
        assert time.monotonic() - started < 60.0, "the circuit did not open on a hanging LLM"
        await asyncio.sleep(0.02)
    failed = await sqlite_store.db.fetchall("SELECT state, outcome FROM diagnosis_claims WHERE state = 'failed'")
    assert failed and all(r["outcome"] in ("deadline", "unavailable") for r in failed)
    assert "timeouts in a row" in (svc.llm.breaker.reason or "")  # type: ignore[union-attr]
    assert len(fake_llm.requests) <= cfg.concurrency * cfg.timeouts_to_open  # then nothing more was sent
    await svc.stop()

    # the server recovers; after the cooldown a later service (or sweep) still gets Kimi's answers
    fake_llm.hold.set()
    fake_llm.hold = None
    clock.advance(cfg.breaker_cooldown + cfg.retry_interval + 1)
    svc2 = svc_for(sqlite_store, clock, cfg)
    assert await svc2.sweep_once() > 0
    f, stale = svc2.queue.get_nowait()
    diag = await svc2.run(f, stale_attempts=stale)
    await svc2.stop()
    assert diag is not None and diag.source == "kimi"


async def test_rules_answer_while_every_llm_call_is_still_hanging(sqlite_store, clock, fake_llm):
    """Every group's rules diagnosis is stored while all LLM calls are still open (deadline 600 s).

    If rules waited behind the LLM queue, no group past the first `concurrency` could be answered before
    a deadline or a circuit opened, and neither can happen here: so this fails on such a design whatever
    the host's load, without measuring time.
    """
    fake_llm.hold = asyncio.Event()  # accepts requests and never answers
    n = 8
    for i in range(n):
        await seed_group(sqlite_store, fp(i), GLM_1113 + f" #{i}", logger="src.providers.glm_chat")
    cfg = llm_config(fake_llm.base_url, timeout=600.0, group_deadline=600.0, concurrency=1, retry_interval=30)
    svc = svc_for(sqlite_store, clock, cfg)
    await svc.start()
    try:
        for i in range(n):
            svc.bus.publish(GROUP_NEW, clock.time(), fingerprint=fp(i), count=1, level="ERROR")
        started = time.monotonic()
        while True:
            rows = await sqlite_store.db.fetchall(
                "SELECT error_hash, diagnosis_source FROM error_investigations WHERE diagnosis_source IS NOT NULL")
            if len(rows) == n:
                break
            assert time.monotonic() - started < 120.0, f"only {len(rows)} of {n} groups got the rules' answer"
            await asyncio.sleep(0.02)
        assert {r["diagnosis_source"] for r in rows} == {"rules"}
        assert not svc.llm.breaker.is_open()  # type: ignore[union-attr]
        assert fake_llm.requests, "the LLM was asked (and is still hanging)"
    finally:
        fake_llm.hold.set()
        await svc.stop()


def _d(source: str, category: str, confidence: float, evidence: list[str], claimed: int | None = None) -> Diagnosis:
    return Diagnosis(summary=f"{source} says {category}", root_cause="r", suggested_fix=["f"], severity="high",
                     confidence=confidence, category=category, evidence=evidence, source=source,  # type: ignore[arg-type]
                     evidence_claimed=claimed)


def test_choice_is_a_pure_function_of_grounding_and_confidence():
    rules = _d("rules", "storage", 0.85, ["PGRST204"])
    assert not grounded(_d("kimi", "storage", 0.9, [], claimed=3))
    assert not grounded(_d("kimi", "storage", 0.9, ["a line"], claimed=3))  # 2 of 3 quotes made up
    assert grounded(_d("kimi", "storage", 0.9, ["a line", "b line"], claimed=3))
    assert choose(rules, _d("kimi", "storage", 0.9, ["x"], claimed=1)).primary.source == "kimi"
    low = choose(rules, _d("kimi", "network", 0.42, ["x"], claimed=1))
    assert low.primary.source == "rules" and low.disagree and "0.42" in (low.primary.disagreement or "")
    assert choose(rules, _d("kimi", "storage", 0.99, [], claimed=2)).primary.source == "rules"


async def _read_both(store, clock):  # type: ignore[no-untyped-def]
    """The group through the real web app: the API's `answers`, the history endpoint's and the page."""
    from .test_api import _client

    client = await _client(store, clock)
    try:
        group = await (await client.get(f"/api/groups/{fp(1)}")).json()
        hist = await (await client.get(f"/api/groups/{fp(1)}/diagnoses")).json()
        page = await (await client.get(f"/errors/{fp(1)}")).text()
    finally:
        await client.close()
    assert group["answers"] == hist["answers"]
    return group["answers"], page


async def test_api_and_page_show_both_answers_which_is_primary_and_why(sqlite_store, rclock, fake_llm):
    await diagnose_one(sqlite_store, rclock, fake_llm, LOW)
    answers, page = await _read_both(sqlite_store, rclock)
    assert answers["primary"] == "rules" and answers["disagree"] is True
    assert answers["reason"] == f"the LLM answer is less confident (0.42 < {answers['rules']['confidence']:.2f})"
    assert answers["rules"]["rule"] == "class:code.glm" and answers["llm"]["category"] == "network"
    assert 'id="answers"' in page and "The rules and Kimi disagree" in page
    assert "maybe a network blip" in page and "the LLM answer is less confident" in page


async def test_api_names_an_ungrounded_answer_as_the_reason(sqlite_store, rclock, fake_llm):
    await diagnose_one(sqlite_store, rclock, fake_llm, UNGROUNDED)
    answers, page = await _read_both(sqlite_store, rclock)
    assert answers["primary"] == "rules" and answers["grounded"] is False and answers["disagree"] is False
    assert answers["reason"] == "the LLM answer quotes no line found in the log"
    assert "Kimi balance exhausted" in page and "not grounded in the log" in page


async def test_api_names_a_grounded_confident_answer_as_primary(sqlite_store, rclock, fake_llm):
    await diagnose_one(sqlite_store, rclock, fake_llm, GROUNDED)
    answers, page = await _read_both(sqlite_store, rclock)
    assert answers["primary"] == "kimi" and answers["grounded"] is True
    assert answers["reason"] == "grounded and at least as confident as the rules"
    assert answers["rules"]["source"] == "rules" and answers["llm"]["summary"] == "GLM account out of balance"
    assert "Shown first: <strong>Kimi</strong>" in page


def test_answers_view_without_an_llm_answer_and_with_a_bad_row():
    from sidecar.diagnose.primary import NO_LLM_ANSWER, answers

    assert answers([]) is None
    rules = _d("rules", "storage", 0.85, ["PGRST204"])
    rows = [{"source": "kimi", "result": {"summary": "written by an older version"}},
            {"source": "rules", "result": rules.to_json()}]
    view = answers(rows)
    assert view is not None and view["primary"] == "rules" and view["reason"] == NO_LLM_ANSWER and view["llm"] is None


OTHER_CAUSE = {**GROUNDED, "summary": "GLM rate limit, not the balance", "confidence": 0.5, "hint_verdict": "Disagree"}


async def test_same_category_but_another_cause_is_shown_as_a_disagreement(sqlite_store, rclock, fake_llm):
    out = await diagnose_one(sqlite_store, rclock, fake_llm, OTHER_CAUSE)
    result = out["group"]["investigation_result"]
    assert out["group"]["diagnosis_source"] == "rules"
    assert result["disagreement"].startswith("Kimi disagrees: another cause (provider) at confidence 0.50")
    answers, page = await _read_both(sqlite_store, rclock)
    assert answers["disagree"] is True and answers["llm"]["hint_verdict"] == "disagree"
    assert "The rules and Kimi disagree" in page and "GLM rate limit, not the balance" in page


async def test_an_unrecognised_hint_verdict_is_not_said_and_costs_no_repair_call(sqlite_store, rclock, fake_llm):
    out = await diagnose_one(sqlite_store, rclock, fake_llm, {**GROUNDED, "hint_verdict": "partly?"})
    assert out["group"]["diagnosis_source"] == "kimi" and len(fake_llm.requests) == 1
    assert out["group"]["investigation_result"]["hint_verdict"] is None
    assert out["group"]["investigation_result"]["disagreement"] is None


def test_a_cause_verdict_against_the_catch_all_is_no_disagreement():
    catch_all = _d("rules", "unknown", 0.3, [])
    catch_all = catch_all.model_copy(update={"rule": "catch-all"})
    llm = _d("kimi", "unknown", 0.2, ["x"], claimed=1).model_copy(update={"hint_verdict": "disagree"})
    assert not choose(catch_all, llm).disagree
    specific = catch_all.model_copy(update={"rule": "glm-account-balance-111x"})
    assert choose(specific, llm).disagree


async def test_the_other_answer_is_escaped_on_the_page(sqlite_store, rclock, fake_llm):
    hostile = {**LOW, "summary": "<script>alert(1)</script>", "root_cause": "<img src=x onerror=alert(2)>"}
    await diagnose_one(sqlite_store, rclock, fake_llm, hostile)
    answers, page = await _read_both(sqlite_store, rclock)
    assert answers["llm"]["summary"] == "<script>alert(1)</script>"  # the API returns the data as JSON
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
