"""Rollout hooks are an exit too (issue 18): the operator's free-text reason (often a pasted log line)
and gate reasons reach the webhook receiver and a command hook's environment. Planted secrets of every
class must not arrive; the fields a receiver acts on (idempotency key, flag, percents) must."""

from __future__ import annotations

import json
import sys

from sidecar.config import HookConfig

from ..rollout.conftest import Receiver, make, receiver, rollout_config, traffic  # noqa: F401 - fixtures
from .secret_gen import cases, leaked

NAME = "async-upload"
DUMP_ENV = ("import json, os, sys; "
            "json.dump({k: v for k, v in os.environ.items() if k.startswith('SIDECAR_')}, open(sys.argv[1], 'w'))")


async def test_hook_payloads_carry_no_secret(make, sqlite_store, clock, traffic, receiver: Receiver,  # noqa: F811
                                            tmp_path) -> None:
    planted = [(k, t, s) for k, t, s in cases(1818, per_class=6) if "\n" not in t]
    reason = " | ".join(text for _, text, _ in planted)  # the API cuts at 500 chars; the controller does not
    assert len(planted) >= 15
    out = tmp_path / "env.json"
    hooks = [HookConfig(kind="stage-change", name="flag", url=f"{receiver.url}/stage", secret="s3cret-hook-key"),
             HookConfig(kind="stage-change", name="cmd", command=[sys.executable, "-c", DUMP_ENV, str(out)],
                        timeout=20)]
    c = make([rollout_config(hooks=hooks)], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(NAME, "start", actor="api:oncall", reason=reason)
    await c.tick()
    [req] = receiver.on("/stage")
    body = req.body.decode()
    env = out.read_text()
    stored = json.dumps(await sqlite_store.rollouts.hook_calls(NAME), default=str)
    for where, text in (("webhook body", body), ("command env", env), ("stored hook calls", stored)):
        assert [k for k, _, s in planted if leaked(s, text)] == [], where
    payload = json.loads(body)
    assert payload["idempotency_key"] == f"{NAME}:1:start" and payload["flag"] == "ASYNC_UPLOAD_ROLLOUT"
    assert payload["to_percent"] == 1 and "[REDACTED:" in payload["reasons"][0]["reason"]
