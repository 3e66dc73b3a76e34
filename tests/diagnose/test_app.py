"""The diagnosis stage wired into the running sidecar: bus -> diagnosis -> store, and /readyz on quota."""

from __future__ import annotations

import asyncio

import aiohttp

from sidecar.app import Sidecar
from sidecar.bus import GROUP_NEW
from sidecar.config import Config

from ..conftest import find_free_port
from .conftest import error, seed_group

FP = "abcdefabcdefabcdefabcdefabcdef12"


async def test_quota_exhaustion_shows_on_status_and_the_sidecar_stays_ready(tmp_path, fake_llm, clock):
    free_port = find_free_port()  # the fake LLM holds the `free_port` fixture's port
    fake_llm.then(error(429, "exceeded_current_quota_error", "insufficient balance"))
    config = Config.model_validate({
        "server": {"host": "127.0.0.1", "port": free_port, "api_token": "tok", "read_access": "open"},
        "store": {"path": str(tmp_path / "sidecar.db")},
        "diagnosis": {"base_url": fake_llm.base_url, "api_key": "sk-test-key-not-a-secret-000000",
                      "quota_cooldown": 3600},
        "rollouts_file": None, "alerts": {"rules_file": None},
    })
    sidecar = Sidecar(config, clock=clock)
    await sidecar.start()
    try:
        diagnosis = sidecar.stages.diagnosis
        assert diagnosis is not None and diagnosis.llm is not None
        await seed_group(sidecar.store, FP, "Failed to release global semaphore: BoundedSemaphore released too many times")
        sidecar.bus.publish(GROUP_NEW, clock.time(), fingerprint=FP, count=1, level="ERROR")
        for _ in range(500):
            claim = await sidecar.store.diagnoses.claim(FP)
            if claim is not None and claim["state"] == "failed":
                break
            await asyncio.sleep(0.01)
        assert claim is not None and claim["outcome"] == "quota"
        group = await sidecar.store.diagnoses.group(FP)
        assert group["diagnosis_source"] == "rules" and group["category"] == "concurrency"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{sidecar.url}/readyz") as resp:
                assert resp.status == 200, await resp.text()  # Kimi's balance is not our readiness
            async with http.get(f"{sidecar.url}/api/status") as resp:
                body = await resp.json()
            assert body["ready"] is True
            assert any("LLM circuit open (quota exhausted" in p for p in body["degraded"]["diagnosis"]), body
            async with http.get(f"{sidecar.url}/metrics") as resp:
                metrics = await resp.text()
            assert "sidecar_llm_circuit_open 1.0" in metrics
            assert 'sidecar_diagnoses_total{outcome="quota",source="kimi"} 1.0' in metrics
            assert 'sidecar_degraded{stage="diagnosis"} 1.0' in metrics
    finally:
        await sidecar.stop()


async def test_a_bad_rules_file_fails_the_start(tmp_path, clock):
    import pytest

    from sidecar.config import ConfigError

    bad = tmp_path / "diagnoses.yaml"
    bad.write_text("rules:\n  - id: x\n    match: {message: '(unclosed'}\n")
    config = Config.model_validate({
        "server": {"host": "127.0.0.1", "port": find_free_port()},
        "store": {"path": str(tmp_path / "sidecar.db")},
        "diagnosis": {"rules_file": str(bad)}, "rollouts_file": None, "alerts": {"rules_file": None},
    })
    sidecar = Sidecar(config, clock=clock)
    with pytest.raises(ConfigError) as info:
        await sidecar.start(serve=False)
    await sidecar.stop()
    assert "rules[0].match.message: not a valid regular expression" in info.value.problems[0]
