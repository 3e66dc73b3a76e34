"""`sidecar replay`: the real CLI in a subprocess, and the same events as the tailer on the same file."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import Harness, make_config, wait_for
from .test_formats import FMT1, gateway_log, log_text


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sidecar", "replay", *args], capture_output=True, text=True,
                          timeout=60, cwd=cwd)


async def test_replay_jsonl_matches_what_run_detects(tmp_path, harness: Harness):
    path = tmp_path / "gateway.log"
    path.write_bytes(log_text(FMT1, None, gateway_log) * 3)
    res = run_cli(str(path), "--jsonl", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(rows) == 15
    for r in rows:
        assert {"file", "line", "fingerprint", "level", "logger", "exception_type", "message"} <= set(r)
        assert r["file"] == str(path) and r["fingerprint"]
    assert [r["line"] for r in rows] == sorted(r["line"] for r in rows)
    assert rows[0]["exception_type"] == "ValueError" and rows[4]["exception_type"] is None

    ing = await harness.start(make_config(tmp_path, [str(path)]))
    await harness.wait_events(15)
    await wait_for(lambda: not ing.files[0].parser.pending(), clock=harness.clock)
    live = [(e.file, e.line, e.level, e.logger, e.exception_type, e.message) for e in harness.sink.events]
    assert live == [(r["file"], r["line"], r["level"], r["logger"], r["exception_type"], r["message"]) for r in rows]
    from sidecar.errors.fingerprint import fingerprint_event

    assert [fingerprint_event(e) for e in harness.sink.events] == [r["fingerprint"] for r in rows]


def test_replay_summary_and_incomplete_last_line(tmp_path):
    path = tmp_path / "a.log"
    path.write_bytes(log_text(FMT1, None, gateway_log) + b"2025-11-03 17:00:04 ERROR x: no newline yet")
    res = run_cli(str(path), "--format", "text", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("5 error events in 1 file(s)")
    assert "ValueError" in res.stdout and "by level" in res.stdout
    assert "incomplete last line" in res.stderr


def test_replay_missing_file_is_an_error(tmp_path):
    res = run_cli(str(tmp_path / "nope.log"), "--jsonl", cwd=tmp_path)
    assert res.returncode == 1 and "no such file" in res.stderr
