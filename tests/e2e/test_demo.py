"""The demo scenario end to end, at high speed, checked through the HTTP API as a user would."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SPEED = 5.0


def get_json(url: str, token: str | None = None):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except OSError as exc:
            last = exc
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


@pytest.fixture
def demo(tmp_path, free_port):
    proc = subprocess.Popen(
        [sys.executable, "-m", "sidecar", "demo", "--speed", str(SPEED), "--port", str(free_port),
         "--dir", str(tmp_path / "demo"), "--duration", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "SIDECAR_DEMO_TOKEN": "e2e-token"},
    )
    banner = ""
    deadline = time.monotonic() + 30
    while "Press Ctrl-C" not in banner and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        banner += line
    assert "Press Ctrl-C" in banner, f"demo did not start: {banner}{proc.stderr.read() if proc.poll() is not None else ''}"
    urls = dict(re.findall(r"^\s+(dashboard|receiver):\s+(\S+)", banner, re.M))
    yield {"base": urls["dashboard"].rstrip("/"), "received": urls["receiver"], "token": "e2e-token", "proc": proc}
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise


def test_demo_scenario_end_to_end(demo):
    base, token = demo["base"], demo["token"]

    # Groups for the burst of distinct gateway errors, each with a rules diagnosis.
    def groups_with_diagnoses():
        items = get_json(f"{base}/api/groups?limit=100", token)["items"]
        text = " ".join(json.dumps(i) for i in items)
        wanted = ["api.z.ai", "keepalive ping timeout", "PGRST204", "exceeded_current_quota_error"]
        if not all(w in text for w in wanted):
            return None
        details = [get_json(f"{base}/api/groups/{i['fingerprint']}", token) for i in items]
        diagnosed = [d for d in details if (d.get("diagnosis") or {}).get("source") == "rules"]
        return diagnosed if len(diagnosed) >= 4 else None

    diagnosed = wait_for(groups_with_diagnoses, 60, "error groups with rules diagnoses")
    # Categories by the doctrine (diagnose/doctrine.py): Z.ai routing and Kimi quota -> provider, the
    # keepalive timeout -> network, a column missing from the schema cache (PGRST204) -> code.
    categories = {d["diagnosis"]["category"] for d in diagnosed}
    assert {"provider", "network", "code"} <= categories
    pgrst = [d for d in diagnosed if "PGRST204" in (d.get("error_message") or "")]
    assert pgrst and all(d["diagnosis"]["category"] == "code" for d in pgrst)

    # The rollout ramps 1% -> 10%, the canary regresses, and it is rolled back.
    def rolled_back():
        r = get_json(f"{base}/api/rollouts/async-upload", token)
        return r if r.get("state") == "rolled_back" else None

    rollout = wait_for(rolled_back, 90, "the rollback of async-upload")
    percents = [h.get("to_percent") for h in rollout["history"] if h.get("to_percent") is not None]
    assert 1 in percents and 10 in percents, rollout["history"]

    # The hook receiver got exactly one rollback call, signed; chat alerts were delivered.
    received = get_json(demo["received"])
    rollbacks = [r for r in received if r["kind"] == "hook" and r["name"] == "rollback"]
    assert len(rollbacks) == 1, rollbacks
    assert rollbacks[0]["body"]["rollout"] == "async-upload"
    chat = [r for r in received if r["kind"] == "chat"]
    assert chat, "no alert reached the chat receiver"
    deliveries = get_json(f"{base}/api/alerts/deliveries", token)
    assert any(d["status"] == "sent" for d in deliveries["items"])

    # Ctrl-C stops everything cleanly.
    demo["proc"].send_signal(signal.SIGINT)
    assert demo["proc"].wait(timeout=15) == 0
    assert Path(demo["proc"].args[demo["proc"].args.index("--dir") + 1], "data", "sidecar.db").exists()
