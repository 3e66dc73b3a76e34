"""The prompt's surroundings: event time and rate, other samples, same-request lines, nearby groups,
the previous diagnosis and resolution note on a regression - redacted and bounded (real SQLite)."""

from __future__ import annotations

import json

from sidecar.clock import utc
from sidecar.diagnose.context import input_from_store
from sidecar.diagnose.model import Diagnosis
from sidecar.diagnose.prompt import build_prompt
from sidecar.diagnose.surroundings import gather

from .conftest import seed_group

FP = "a" * 32
T0 = 1_763_900_000.0
SECRET = "sk-live-abcdefghijklmnopqrstuvwx1234567890"


async def test_prompt_carries_the_surroundings_redacted(store):
    await seed_group(store, FP, "[req:7f3a9c] Kimi call failed: Error code: 500", at=T0, count=30, regression_count=1,
                     context=["[req:7f3a9c] tool chat started with 3 files", "[req:other1] unrelated line",
                              f"[req:7f3a9c] using key {SECRET}"])
    await store.db.execute("UPDATE error_investigations SET last_occurrence_at = ?, resolution_notes = ? "
                           "WHERE error_hash = ?", (utc(T0 + 600), "rotated the Kimi key; fixed", FP))
    await store.db.execute(
        "INSERT INTO error_samples (error_hash, seen_at, source, file, line, level, logger, message, raw, data) "
        "VALUES (?, ?, 'test', NULL, NULL, 'ERROR', 'src.providers.kimi', ?, ?, ?)",
        (FP, utc(T0 + 60), "[req:99bb01] Kimi call failed: Error code: 502", "x", {}))
    await seed_group(store, "b" * 32, "psycopg_pool.PoolTimeout: couldn't get a connection", at=T0 + 120)
    await seed_group(store, "c" * 32, "far away in time", at=T0 + 7200)
    prev = Diagnosis(summary="Kimi key was revoked", root_cause="r", suggested_fix=["f"], severity="high",
                     confidence=0.8, category="config", source="kimi", model="kimi-k2")
    await store.diagnoses.add(FP, "k", prev, utc(T0 + 10))

    inp = await input_from_store(store, FP)
    assert inp is not None
    assert "99bb01" in inp.message  # the latest sample is the one inserted last
    inp.surroundings = await gather(store, inp)
    s = inp.surroundings
    assert s["event_time"]["per_minute_rate"] == 3.0  # 30 in 10 minutes (event time)
    assert s["other_samples"] == ["[req:7f3a9c] Kimi call failed: Error code: 500"]  # the sample that differs
    assert [g["title"][:17] for g in s["groups_started_nearby"]] == ["psycopg_pool.Pool"]  # not the one 2 h later
    assert s["previous_resolution"] == {"diagnosis": "Kimi key was revoked", "category": "config", "source": "kimi",
                                        "resolution_note": "rotated the Kimi key; fixed"}
    prompt = build_prompt(inp, None)
    user = prompt.messages[1]["content"]
    assert "## Surroundings" in user and "rotated the Kimi key" in user and "psycopg_pool.PoolTimeout" in user
    assert SECRET not in json.dumps(prompt.messages)
    assert len(user) < 40_000


async def test_same_request_lines_are_linked_by_id(store):
    await seed_group(store, FP, "[req:7f3a9c] Kimi call failed", at=T0,
                     context=["[req:7f3a9c] tool chat started", "[req:other1] unrelated", "[req:7f3a9c] sending"])
    inp = await input_from_store(store, FP)
    assert inp is not None
    s = await gather(store, inp)
    assert s["same_request_lines"] == ["[req:7f3a9c] tool chat started", "[req:7f3a9c] sending"]
    assert "previous_resolution" not in s  # not a regression


async def test_recent_changes_rollout_steps_before_first_seen_and_releases(store):
    await seed_group(store, FP, "Kimi call failed: Error code: 500", at=T0)
    for at, action, pct in ((T0 - 7200, "start", 1.0), (T0 - 600, "promote", 10.0), (T0 + 60, "pause", 10.0),
                            (T0 + 3600, "promote", 50.0)):
        await store.db.execute(
            "INSERT INTO rollout_events (rollout, incident, at, action, from_state, to_state, from_percent, "
            "to_percent, actor) VALUES ('async-upload', 1, ?, ?, 'running', 'running', 1, ?, 'controller@a')",
            (utc(at), action, pct))
    await store.db.execute("INSERT INTO error_releases (error_hash, release, count, first_seen) VALUES (?, ?, ?, ?)",
                           (FP, "gateway@2.4.1", 7, utc(T0)))
    inp = await input_from_store(store, FP)
    assert inp is not None
    changes = (await gather(store, inp))["recent_changes"]
    # the promote 10 minutes before and the pause just after; not the start 2 h before, not the step 1 h after
    assert [(c["action"], c["percent"]) for c in changes["rollout_steps"]] == [("promote", "1.0 -> 10.0"),
                                                                                ("pause", "1.0 -> 10.0")]
    assert changes["releases_of_this_group"][0]["release"] == "gateway@2.4.1"
    inp.surroundings = await gather(store, inp)
    assert "gateway@2.4.1" in build_prompt(inp, None).messages[1]["content"]


async def test_no_changes_recorded_gives_no_section(store):
    await seed_group(store, FP, "x happened", at=T0)
    inp = await input_from_store(store, FP)
    assert inp is not None and "recent_changes" not in await gather(store, inp)


async def test_evidence_may_quote_another_sample_of_the_group_but_not_an_invented_line(store):
    from sidecar.diagnose.prompt import parse_answer

    await seed_group(store, FP, "[req:7f3a9c] Kimi call failed: Error code: 502", at=T0)
    await store.db.execute(
        "INSERT INTO error_samples (error_hash, seen_at, source, file, line, level, logger, message, raw, data) "
        "VALUES (?, ?, 'test', NULL, NULL, 'ERROR', 'src.providers.kimi', ?, ?, ?)",
        (FP, utc(T0 - 60), "Kimi call failed:   Error code: 401 invalid_authentication_error", "x", {}))
    inp = await input_from_store(store, FP)
    assert inp is not None
    inp.surroundings = await gather(store, inp)
    prompt = build_prompt(inp, None)
    answer = {"summary": "s", "root_cause": "r", "suggested_fix": ["f"], "severity": "high", "confidence": 0.9,
              "category": "config", "evidence": ["Kimi call failed: Error code: 401 invalid_authentication_error",
                                                 "Kimi call failed: Error code: 403 permission_denied"]}
    d = parse_answer(json.dumps(answer), prompt, model="m")
    assert d.evidence == ["Kimi call failed: Error code: 401 invalid_authentication_error"]  # whitespace-normalised
    assert d.evidence_claimed == 2
