"""Command hooks with real subprocesses; the store's decision and claim SQL on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sys

from sidecar.clock import utc
from sidecar.config import HookConfig
from sidecar.rollout.hooks import command_env, encode, run_command
from sidecar.store.rollouts import Decision, Event, HookCallRow

from .conftest import rollout_config

NAME = "async-upload"
DUMP_ENV = ("import json, os, sys; "
            "json.dump({k: v for k, v in os.environ.items() if k.startswith('SIDECAR_')}, open(sys.argv[1], 'w'))")


async def test_command_hook_gets_details_in_env(make, sqlite_store, clock, traffic, tmp_path):
    out = tmp_path / "env.json"
    hook = HookConfig(kind="rollback", name="cmd", command=[sys.executable, "-c", DUMP_ENV, str(out)], timeout=20)
    c = make([rollout_config(hooks=[hook])], sqlite_store, traffic, clock=clock, replica="r1")
    await c.act(NAME, "start")
    traffic.add(50, "async", errors=45)
    clock.advance(10)
    await c.tick()
    env = json.loads(out.read_text())
    assert env["SIDECAR_ROLLOUT"] == NAME and env["SIDECAR_ACTION"] == "rollback"
    assert env["SIDECAR_FROM_PERCENT"] == "1" and env["SIDECAR_TO_PERCENT"] == "0"
    assert env["SIDECAR_FLAG"] == "ASYNC_UPLOAD_ROLLOUT" and env["SIDECAR_KIND"] == "rollback"
    assert env["SIDECAR_IDEMPOTENCY_KEY"] == f"{NAME}:1:rollback"
    payload = json.loads(env["SIDECAR_PAYLOAD"])
    assert payload["idempotency_key"] == env["SIDECAR_IDEMPOTENCY_KEY"] and payload["reasons"]
    [call] = await sqlite_store.rollouts.hook_calls(NAME)
    assert call["status"] == "done" and call["last_status"] == 0
    assert (await c._load(NAME)).state == "rolled_back"


async def test_command_failure_and_timeout_are_reported():
    payload = {"rollout": NAME, "action": "rollback", "idempotency_key": "k"}
    bad = HookConfig(kind="rollback", command=[sys.executable, "-c", "import sys; sys.stderr.write('nope'); sys.exit(3)"])
    result = await run_command(bad, payload)
    assert not result.ok and result.code == 3 and "nope" in (result.error or "")
    slow = HookConfig(kind="rollback", command=[sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    result = await run_command(slow, payload)
    assert not result.ok and "timed out" in (result.error or "")
    missing = HookConfig(kind="rollback", command=["/nonexistent/hook"])
    result = await run_command(missing, payload)
    assert not result.ok and "cannot run" in (result.error or "")


def test_body_encoding_and_env_helpers():
    body = encode({"b": 1, "a": [1, 2]})
    assert body == b'{"a":[1,2],"b":1}'
    env = command_env({"rollout": "r", "from_percent": 10.0, "to_percent": None})
    assert env["SIDECAR_FROM_PERCENT"] == "10" and env["SIDECAR_TO_PERCENT"] == ""


async def test_decisions_are_unique_and_atomic(store, clock):
    """Runs on SQLite and PostgreSQL: the portable SQL behind one-decision-per-incident."""
    repo = store.rollouts
    now = utc(clock.time())
    await repo.ensure(NAME, now)
    row = await repo.get(NAME)
    ev = Event("rollback", "running", "rolling_back", 0, 0, 1.0, 0.0, "a", [{"reason": "x"}])
    calls = [HookCallRow("rb", "rollback", 3, {"k": 1})]
    won = await repo.commit(NAME, row["version"], {"state": "rolling_back", "percent": 0.0}, now, ev, 1,
                            Decision(1, "rollback", f"{NAME}:1:rollback", "a"), calls)
    assert won
    row2 = await repo.get(NAME)
    # A second decision for the same incident loses, even with the fresh version, and writes nothing.
    lost = await repo.commit(NAME, row2["version"], {"state": "rolled_back"}, now, ev, 1,
                             Decision(1, "rollback", f"{NAME}:1:rollback", "b"), calls)
    assert not lost
    # A stale version loses too.
    assert not await repo.commit(NAME, row["version"], {"state": "paused"}, now, ev, 1)
    assert not await repo.save_data(NAME, row["version"], {"x": 1}, now)
    final = await repo.get(NAME)
    assert final["state"] == "rolling_back" and final["version"] == row2["version"]
    assert len(await repo.decisions(NAME)) == 1 and len(await repo.events(NAME)) == 1
    [call] = await repo.hook_calls(NAME)
    assert call["payload"] == {"k": 1} and call["status"] == "pending"
    # Claims: one replica at a time.
    assert await repo.claim_hook_call(call["id"], "a", now, utc(clock.time() + 60))
    assert not await repo.claim_hook_call(call["id"], "b", now, utc(clock.time() + 60))
    assert await repo.due_hook_calls(now, "b") == []
    later = utc(clock.time() + 61)
    assert await repo.claim_hook_call(call["id"], "b", later, utc(clock.time() + 120))  # expired claim
