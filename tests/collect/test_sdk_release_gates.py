"""Rollout gates counting SDK errors per release (metrics source `sdk`), end to end.

The real `sentry-sdk` in a child process posts errors of two releases to a running sidecar whose
rollout (rules/rollouts.yaml syntax, loaded by the real config loader) compares the canary
release's error rate with the baseline release's. Time is the sidecar's ManualClock: the test
moves it, the controller evaluates, the API says what it decided.
"""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sidecar.app import Sidecar
from sidecar.clock import ManualClock
from sidecar.config import load_config
from sidecar.metrics.sdkerrors import SdkErrors

from .conftest import DSN_KEY, SDK_FAILURES, TOKEN, run_client

CANARY, BASELINE = "gateway@2.4.1", "gateway@2.4.0"
NAME = "gateway-release"

ROLLOUTS = textwrap.dedent(f'''
    rollouts:
      - name: {NAME}
        flag: GATEWAY_RELEASE
        interval: 30
        stages:
          - percent: 10
            hold: 60
            gates:
              - &sdk_gate
                name: sdk-errors
                metric: {{source: sdk, function: rate, where: {{release: "{CANARY}", environment: production}}}}
                op: "<="
                threshold: 2.0          # at most twice the baseline release's errors per second
                relative_to: {{source: sdk, function: rate, where: {{release: "{BASELINE}", environment: production}}}}
                baseline: concurrent
                window: 300
          - percent: 50
            hold: 3600
            gates: [*sdk_gate]
''')

# Sends `count` captured exceptions per "release:environment:count" argument, re-initialising the
# SDK for each release as a deployment would; reports the transport's failed deliveries.
CLIENT = SDK_FAILURES + textwrap.dedent('''
    import json, logging, sys
    import sentry_sdk


    logging.getLogger("sentry_sdk.errors").addHandler(Failures())
    for spec in sys.argv[2:]:
        release, environment, count = spec.rsplit(":", 2)
        sentry_sdk.init(dsn=sys.argv[1], release=release, environment=environment, debug=True,
                        default_integrations=False)
        for i in range(int(count)):
            try:
                {"files": {}}["files"]["file_id"]
            except KeyError:
                sentry_sdk.capture_exception()
        sentry_sdk.flush(10)
    print(json.dumps({"failures": failures}))
''')


@pytest.fixture
async def sidecar(tmp_path: Path, free_port: int) -> Any:
    (tmp_path / "rollouts.yaml").write_text(ROLLOUTS)
    (tmp_path / "sidecar.yaml").write_text(textwrap.dedent(f'''
        server: {{read_access: open, host: 127.0.0.1, port: {free_port}, api_token: {TOKEN}}}
        store: {{path: data/sidecar.db}}
        rollouts_file: rollouts.yaml
        metrics: {{window: 900}}
        alerts: {{rules_file: null}}
        diagnosis: {{kimi_enabled: false}}
        collect: {{sentry: {{projects: [{{id: 1, name: gateway, keys: ["{DSN_KEY}"]}}]}}}}
    '''))
    config = load_config(tmp_path / "sidecar.yaml", environ={})
    clock = ManualClock(start=1_795_435_200.0)
    running = Sidecar(config, clock=clock)
    await running.start()
    try:
        yield running, clock, f"http://127.0.0.1:{free_port}"
    finally:
        await running.stop()


async def _rollout(http: aiohttp.ClientSession, base: str) -> dict[str, Any]:
    async with http.get(f"{base}/api/rollouts/{NAME}") as r:
        assert r.status == 200, await r.text()
        body: dict[str, Any] = await r.json()
        return body


async def _send(base: str, *specs: str) -> None:
    dsn = f"http://{DSN_KEY}@{base.removeprefix('http://')}/1"
    result = await run_client(CLIENT, dsn, *specs)
    assert result["failures"] == [], "the SDK's transport reported failed deliveries"


async def _evaluated(sidecar: Sidecar, http: aiohttp.ClientSession, base: str) -> dict[str, Any]:
    """Evaluate now (the controller's own loop may have done it first: either way the API says)."""
    controller = sidecar.stages.rollouts
    assert controller is not None
    await controller.evaluate(NAME, force=True)
    await controller.tick()  # a decided rollback runs its hooks and finishes here
    return await _rollout(http, base)


async def test_a_gate_on_sdk_errors_by_release_promotes_then_rolls_back(sidecar: Any) -> None:
    running, clock, base = sidecar
    hub = running.stages.metrics
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/api/rollouts/{NAME}/start", headers=auth) as r:
            assert r.status == 200, await r.text()

        # Stage 1: canary and baseline equally noisy in production (ratio 1 <= 2). The canary's
        # staging errors would fail the gate if the environment filter were ignored.
        await _send(base, f"{BASELINE}:production:4", f"{CANARY}:production:4", f"{CANARY}:staging:15")
        assert hub.sdk_errors.added == 23
        clock.advance(61)
        detail = await _evaluated(running, http, base)
        assert detail["state"] == "running" and detail["percent"] == 50.0, detail
        promote = detail["history"][-1]
        assert promote["action"] == "promote"
        [gate] = [g for g in promote["reasons"] if g.get("gate") == "sdk-errors"]
        assert gate["verdict"] == "pass" and gate["samples"] == 4 and gate["baseline_samples"] == 4
        assert gate["observed"] == pytest.approx(4 / 300) and gate["baseline"] == pytest.approx(4 / 300)

        # Stage 2, six minutes later (stage 1's errors left the 300 s window): the canary release
        # now reports 12 errors against the baseline's 2 -> 6x > 2x -> rollback.
        clock.advance(360)
        await _send(base, f"{CANARY}:production:12", f"{BASELINE}:production:2")
        detail = await _evaluated(running, http, base)
        assert detail["state"] == "rolled_back" and detail["percent"] == 0.0, detail
        rollback = next(h for h in detail["history"] if h["action"] == "rollback")
        [gate] = rollback["reasons"]
        assert gate["gate"] == "sdk-errors" and gate["verdict"] == "fail"
        assert (gate["samples"], gate["baseline_samples"]) == (12, 2)
        assert gate["observed"] == pytest.approx(12 / 300) and gate["threshold"] == pytest.approx(2 * 2 / 300)
        assert "6.00 x baseline" in gate["reason"]

    # A retried delivery (same event id) is not counted twice.
    assert hub.sdk_errors.repeats == 0 and hub.sdk_errors.added == 23 + 14


def test_sdk_source_counts_a_repeated_event_once_and_refuses_unknown_fields() -> None:
    s = SdkErrors(retention=600)
    assert s.add({"release": CANARY, "level": "ERROR"}, 100.0, "sentry:1:abc")
    assert not s.add({"release": CANARY, "level": "ERROR"}, 101.0, "sentry:1:abc")
    assert s.add({"release": BASELINE}, 102.0, "sentry:1:def")
    m = s.measure("count", {"release": CANARY}, 0.0, 200.0)
    assert (m.value, m.count, m.newest) == (1.0, 1, 200.0)
    none = s.measure("rate", {"release": "gateway@9"}, 0.0, 200.0)
    assert none.value == 0.0 and none.has_data  # no errors is a measurement, not "no data"
    assert s.check({"relase": CANARY}) == [
        "source sdk cannot filter on relase (fields: environment, level, project, release, sdk, service)"]
    # Bounded: the oldest records go first, counted.
    small = SdkErrors(retention=600, max_records=3)
    for i in range(5):
        small.add({"release": CANARY}, float(i), f"id{i}")
    assert len(small.window.records) == 3 and small.window.evicted == 2


async def test_a_typo_in_an_sdk_gate_refuses_the_start(tmp_path: Path, free_port: int) -> None:
    (tmp_path / "rollouts.yaml").write_text(ROLLOUTS.replace("{release:", "{relase:", 1))
    (tmp_path / "sidecar.yaml").write_text(textwrap.dedent(f'''
        server: {{read_access: open, host: 127.0.0.1, port: {free_port}, api_token: {TOKEN}}}
        store: {{path: data/sidecar.db}}
        rollouts_file: rollouts.yaml
        alerts: {{rules_file: null}}
        diagnosis: {{kimi_enabled: false}}
    '''))
    running = Sidecar(load_config(tmp_path / "sidecar.yaml", environ={}), clock=ManualClock())
    await running.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"http://127.0.0.1:{free_port}/api/rollouts/{NAME}/start",
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as r:
                body = await r.text()
        assert r.status == 409 and "cannot filter on relase" in body, body
    finally:
        await running.stop()
    await asyncio.sleep(0)
