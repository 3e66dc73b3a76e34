"""`sidecar eval`: every case passes on the rules engine; the Kimi path through the real CLI and SDK."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from sidecar.config import ConfigError
from sidecar.diagnose.evaluate import load_cases, main_eval, run_rules
from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.rules import load_rules
from tests.helpers import START_WITHIN

from .conftest import good

# The third writer's cases (9xx, held-out set 3 until round 4) were scored unseen and are not all met yet: they
# must not fall below the figure reached (a ratchet: raise it when more pass), none may parse to no record,
# and confident-wrong stays <= 1 over the whole set. Every other case was written with the rules and must pass.
THIRD_WRITER_RIGHT = 50


def test_at_least_twenty_cases_and_all_pass_on_rules():
    cases = load_cases("evals/cases")
    assert len(cases) >= 20
    scores = run_rules(cases, load_rules("rules/diagnoses.yaml"))
    assert [(s.case, s.error) for s in scores if s.error is not None] == []
    failed = [(s.case, s.notes) for s in scores if not s.passed and not s.case.startswith("9")]
    assert failed == []
    third = [s for s in scores if s.case.startswith("9")]
    assert sum(s.passed for s in third) >= THIRD_WRITER_RIGHT, [(s.case, s.notes) for s in third if not s.passed]
    assert sum(1 for s in scores if not s.passed and (s.diagnosis.confidence if s.diagnosis else 0) >= 0.6) <= 1
    assert sum(1 for c in cases if c.secrets_planted) >= 4


def test_the_excerpt_parser_reads_every_header_the_ingest_stage_reads():
    """Records are cut as `sidecar run` cuts them: the stdio shim's `HH:MM:SS [LEVEL   ] name:` format too."""
    log = (
        "12:01:07 [INFO    ] scripts.runtime.run_ws_shim: connecting to ws://127.0.0.1:8081\n"
        "12:01:07 [ERROR   ] scripts.runtime.run_ws_shim: daemon connection failed\n"
        "Traceback (most recent call last):\n"
        '  File "/app/x.py", line 5, in f\n'
        "websockets.exceptions.InvalidStatus: server rejected WebSocket connection: HTTP 200\n"
    )
    inp = excerpt_to_input(log)
    assert (inp.level, inp.logger, inp.message) == ("ERROR", "scripts.runtime.run_ws_shim", "daemon connection failed")
    assert inp.exception_type == "websockets.exceptions.InvalidStatus" and len(inp.context) == 1
    for header, level in [("2025-11-01 18:02:44,123 FATAL a.b: m", "CRITICAL"), ("2025-11-01 18:02:44 - a.b - WARN - m",
                          "WARNING"), ("ERROR:a.b:m", "ERROR")]:
        assert excerpt_to_input(header).level == level


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


@pytest.fixture
def met_cases(tmp_path):
    """The cases every rule change must keep passing (all but the third writer's 9xx, see THIRD_WRITER_RIGHT):
    the CLI exits 0 only when every case passes."""
    d = tmp_path / "met"
    d.mkdir()
    for f in Path("evals/cases").glob("*.yaml"):
        if not f.name.startswith("9"):
            shutil.copy(f, d / f.name)
    return d


async def test_cli_eval_runs_rules_and_kimi_without_leaking_planted_secrets(fake_llm, met_cases):
    fake_llm.default = good()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIDECAR_")}
    env.update(MOONSHOT_API_KEY="sk-test-key-not-a-secret-000000",
               SIDECAR_DIAGNOSIS__BASE_URL=fake_llm.base_url, SIDECAR_DIAGNOSIS__TIMEOUT="5",
               SIDECAR_DIAGNOSIS__CALLS_PER_HOUR="1000")  # the default hourly budget (60) is below the case count
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sidecar", "eval", "--cases", str(met_cases),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=os.getcwd(),
    )
    # a bound a loaded machine meets (tests/helpers.START_WITHIN: starts of 40-100 s at load ~24); 60 s failed at
    # load ~33 (review r15): a slow run is no failure of eval, a hung one still fails
    out, err = await asyncio.wait_for(proc.communicate(), START_WITHIN)
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    cases = load_cases(met_cases)
    assert f"rules: accuracy {len(cases)}/{len(cases)} (100%), confident-wrong (>= 0.6) 0" in text
    assert "kimi: " in text  # the canned answer is about PGRST204: most Kimi rows fail, reported only
    assert len(fake_llm.requests) == len(cases)
    bodies = "\n".join(fake_llm.raw_bodies)
    for case in cases:
        for secret in case.secrets_planted:
            assert secret not in bodies
            assert json.dumps(secret)[1:-1] not in bodies


def test_jsonl_is_one_object_per_case_with_the_contract_fields(capsys, met_cases):
    rc = main_eval(argparse.Namespace(config=None, cases=str(met_cases), jsonl=True, summary_only=False))
    lines = capsys.readouterr().out.splitlines()
    cases = load_cases(met_cases)
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


@pytest.mark.parametrize("directory", ["evals/cases-owner", "evals/cases-r18"])
def test_the_taxonomy_written_case_sets_pass_on_rules(directory: str) -> None:
    """Round 18's cases written from the TAXONOMY sections (the owner of a remote's refusal; concurrency and capacity as
    situations; honest unknowns and the user's own input) all pass on the rules. They live beside evals/cases, not in it,
    because the situation model trains on evals/cases: these sets are a few classes each, and counted in they moved the
    model's guesses elsewhere (spent held-out 11 27 -> 26; CLASSES9 G3's CancelledError outcome answered capacity)."""
    cases = load_cases(directory)
    assert len(cases) >= 40
    scores = run_rules(cases, load_rules("rules/diagnoses.yaml"))
    assert [(s.case, s.notes) for s in scores if not s.passed] == []
