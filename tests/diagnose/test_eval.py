"""`sidecar eval`: every case passes on the rules engine; the Kimi path through the real CLI and SDK."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

import pytest

from sidecar.config import ConfigError
from sidecar.diagnose.evaluate import excerpt_to_input, load_cases, main_eval, run_rules
from sidecar.diagnose.rules import load_rules

from .conftest import good


def test_at_least_twenty_cases_and_all_pass_on_rules():
    cases = load_cases("evals/cases")
    assert len(cases) >= 20
    scores = run_rules(cases, load_rules("rules/diagnoses.yaml"))
    failed = [(s.case, s.notes, s.error) for s in scores if not s.passed]
    assert failed == []
    assert sum(1 for c in cases if c.secrets_planted) >= 4


def test_excerpt_parsing_picks_the_error_record_and_its_traceback():
    log = (
        "2025-11-01 18:02:43 INFO x.y: before\n"
        "2025-11-01 18:02:44 ERROR src.daemon.ws.request_router: Tool chat failed\n"
        "Traceback (most recent call last):\n"
        '  File "/app/src/daemon/ws/request_router.py", line 201, in handle_call_tool\n'
        "    import x\n"
        "ModuleNotFoundError: No module named 'x'\n"
        "2025-11-01 18:02:45 INFO x.y: after\n"
    )
    inp = excerpt_to_input(log)
    assert inp.level == "ERROR" and inp.logger == "src.daemon.ws.request_router"
    assert inp.exception_type == "ModuleNotFoundError" and inp.context == ("2025-11-01 18:02:43 INFO x.y: before",)
    assert inp.traceback.endswith("No module named 'x'")


def test_a_failing_rules_case_exits_non_zero(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MOONSHOT_API_KEY", raising=False)
    (tmp_path / "bad.yaml").write_text(
        "id: wrong_expectation\nlog: |\n  2025-10-26 14:03:41 ERROR ws_daemon: sent 1011 (internal error) keepalive ping timeout\n"
        "expected:\n  category: storage\n  severity: {value: high}\n  must_mention: [ping]\n"
    )
    rc = main_eval(argparse.Namespace(config=None, cases=str(tmp_path)))
    out = capsys.readouterr().out
    assert rc == 1 and "category network != storage" in out and "rules: accuracy 0/1" in out


def test_bad_case_file_names_the_field(tmp_path):
    (tmp_path / "x.yaml").write_text("id: x\nlog: 'a'\nexpected: {category: nope, severity: {value: low}}\n")
    with pytest.raises(ConfigError) as info:
        load_cases(tmp_path)
    assert info.value.problems[0].startswith("x.yaml: expected.category:")


async def test_cli_eval_runs_rules_and_kimi_without_leaking_planted_secrets(fake_llm, tmp_path):
    fake_llm.default = good()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIDECAR_")}
    env.update(MOONSHOT_API_KEY="sk-test-key-not-a-secret-000000",
               SIDECAR_DIAGNOSIS__BASE_URL=fake_llm.base_url, SIDECAR_DIAGNOSIS__TIMEOUT="5",
               SIDECAR_DIAGNOSIS__CALLS_PER_HOUR="1000")  # the default hourly budget (60) is below the case count
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sidecar", "eval", "--cases", "evals/cases",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=os.getcwd(),
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    cases = load_cases("evals/cases")
    assert f"rules: accuracy {len(cases)}/{len(cases)} (100%), confident-wrong (>= 0.6) 0" in text
    assert "kimi: " in text  # the canned answer is about PGRST204: most Kimi rows fail, reported only
    assert len(fake_llm.requests) == len(cases)
    bodies = "\n".join(fake_llm.raw_bodies)
    for case in cases:
        for secret in case.secrets_planted:
            assert secret not in bodies
            assert json.dumps(secret)[1:-1] not in bodies


def test_jsonl_is_one_object_per_case_with_the_contract_fields(capsys):
    rc = main_eval(argparse.Namespace(config=None, cases="evals/cases", jsonl=True, summary_only=False))
    lines = capsys.readouterr().out.splitlines()
    cases = load_cases("evals/cases")
    rows = [json.loads(line) for line in lines]
    assert rc == 0 and [r["id"] for r in rows] == [c.id for c in cases]
    for r in rows:
        assert {"id", "passed", "rule", "category", "severity", "confidence", "summary", "root_cause", "checks"} <= set(r)
        assert isinstance(r["passed"], bool) and all(isinstance(v, bool) for v in r["checks"].values())
        assert r["passed"] == all(r["checks"].values())


def test_summary_reports_confident_wrong_and_unknowns_above_the_ceiling(tmp_path, capsys):
    """A wrong answer at high confidence is counted; so is an unknown answered above 0.4."""
    (tmp_path / "a.yaml").write_text(
        "id: a\nlog: |\n  2025-01-01 00:00:00 INFO httpx: HTTP Request: POST https://api.moonshot.ai/v1/chat/completions "
        '"HTTP/1.1 502 Bad Gateway"\n  2025-01-01 00:00:00 ERROR src.providers.kimi_chat: Kimi call failed: Error code: 502 - '
        "{'error': {'message': 'bad gateway', 'type': 'server_error'}}\n"
        "expected: {category: network, severity: {value: critical, tolerance: 1}}\n")
    (tmp_path / "b.yaml").write_text(
        "id: b\nlog: |\n  2025-01-01 00:00:00 ERROR src.x: Planner produced an empty step list\n"
        "expected: {category: unknown, severity: {value: medium, tolerance: 1}}\n")
    main_eval(argparse.Namespace(config=None, cases=str(tmp_path), jsonl=False, summary_only=True))
    out = capsys.readouterr().out
    assert "accuracy 1/2 (50%), confident-wrong (>= 0.6) 1, unknowns above 0.4: 0/1" in out
    assert "a " not in out.split("\n")[0]  # no per-case rows with --summary-only
