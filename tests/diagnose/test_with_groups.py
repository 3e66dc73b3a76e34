"""With the real errors stage in front: ErrorEvents -> groups (store + bus) -> diagnosis -> Kimi, once."""

from __future__ import annotations

import asyncio
import json

from sidecar.bus import Bus
from sidecar.diagnose.kimi import KimiClient
from sidecar.diagnose.rules import load_rules
from sidecar.diagnose.service import DiagnosisService
from sidecar.errors.groups import GroupRecorder
from sidecar.ingest.record import ErrorEvent, ExceptionInfo, Frame
from sidecar.telemetry import Telemetry

from .conftest import good, llm_config

SECRET = "sk-LIVEplanted0123456789abcdefghijklmnopqrstuv"


def _event(i: int) -> ErrorEvent:
    header = ("2025-11-03 16:55:41 ERROR src.providers.kimi_chat: Kimi call failed for "
              f"request {i:08d}-7a5d-4e2f-9b1a-0c3d4e5f6a7b with key {SECRET}")
    exc_line = ("openai.RateLimitError: Error code: 429 - {'error': {'message': 'Your account is suspended due to "
                "insufficient balance', 'type': 'exceeded_current_quota_error'}}")
    raw = "\n".join([header, "Traceback (most recent call last):",
                     '  File "/app/src/providers/kimi_chat.py", line 142, in chat_completions_create',
                     "    resp = await client.chat.completions.create(**payload)", exc_line])
    frames = (Frame("/app/src/providers/kimi_chat.py", 142, "chat_completions_create"),)
    exc_msg = exc_line.split(": ", 1)[1]
    return ErrorEvent(
        source="ws_daemon", file="/app/logs/ws_daemon.log", line=10 + 5 * i, offset=1000 * i,
        end_offset=1000 * i + len(raw), timestamp=None, level="ERROR", logger="src.providers.kimi_chat",
        message=header.split(": ", 1)[1], raw=raw, exception_type="openai.RateLimitError",
        exception_message=exc_msg, frames=frames,
        chain=(ExceptionInfo("openai.RateLimitError", exc_msg, frames),),
        context=("2025-11-03 16:55:40 INFO tools.chat: Using model: kimi-k2-0905-preview via kimi provider",),
    )


async def test_thousand_events_through_the_errors_stage_make_one_llm_request(sqlite_store, clock, fake_llm):
    fake_llm.default = good()
    bus = Bus()
    telemetry = Telemetry()
    groups = GroupRecorder(sqlite_store, bus, clock, telemetry)
    config = llm_config(fake_llm.base_url)
    svc = DiagnosisService(config=config, store=sqlite_store, bus=bus, clock=clock,
                           rules=load_rules("rules/diagnoses.yaml"), llm=KimiClient(config, clock, telemetry),
                           telemetry=telemetry)
    await svc.start()
    events = [_event(i) for i in range(1000)]
    await asyncio.gather(*(groups.record(events[i:i + 100]) for i in range(0, 1000, 100)))
    fps = {r["error_hash"] for r in await sqlite_store.db.fetchall("SELECT error_hash FROM error_investigations")}
    assert len(fps) == 1
    fp = fps.pop()
    for _ in range(1000):
        claim = await sqlite_store.diagnoses.claim(fp)
        if claim is not None and claim["state"] == "done":
            break
        await asyncio.sleep(0.01)
    await svc.stop()
    assert len(fake_llm.requests) == 1
    assert SECRET not in fake_llm.raw_bodies[0]
    user = json.loads(fake_llm.raw_bodies[0])["messages"][1]["content"]
    assert "kimi-quota-exhausted" in user  # the rules hint
    assert "exceeded_current_quota_error" in user and "Using model: kimi-k2-0905-preview" in user
    group = await sqlite_store.diagnoses.group(fp)
    # The canned Kimi answer is about PGRST204 and quotes nothing from this log: it is kept beside
    # the rules' answer, which stays primary and names the disagreement.
    assert group["diagnosis_source"] == "rules"
    assert group["investigation_result"]["rule"] == "kimi-quota-exhausted"
    assert group["investigation_result"]["disagreement"].startswith("Kimi disagrees: storage")
    history = await sqlite_store.diagnoses.history(fp)
    assert {h["source"] for h in history} == {"rules", "kimi"}
    assert history[-1]["rule"] == "kimi-quota-exhausted" and history[-1]["source"] == "rules"
