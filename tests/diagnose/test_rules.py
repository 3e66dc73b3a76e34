"""The rules engine: shipped rules for the gateway's known failure modes, and start-up validation."""

from __future__ import annotations

import pytest

from sidecar.checks import check_all
from sidecar.config import ConfigError
from sidecar.diagnose.model import DiagnosisInput
from sidecar.diagnose.rules import load_rules, parse_rules

RULES = load_rules("rules/diagnoses.yaml")

KNOWN = [
    ("sent 1011 (internal error) keepalive ping timeout; no close frame received", None, "ws-keepalive-ping-timeout", "network"),
    ("socket.send() raised exception.", None, "asyncio-socket-send-raised", "network"),
    ("Failed to release global semaphore: BoundedSemaphore released too many times", None, "semaphore-released-too-many", "concurrency"),
    ("SEMAPHORE HEALTH: Global semaphore leak: expected 5, got 4", None, "semaphore-leak", "concurrency"),
    ("{'message': \"Could not find the 'upload_method' column of 'provider_file_uploads' in the schema cache\", 'code': 'PGRST204'}",
     None, "supabase-missing-column-pgrst204", "code"),
    ("{'code': 'PGRST205', 'message': \"Could not find the table 'public.x' in the schema cache\"}", None, "supabase-missing-table-pgrst205", "code"),
    ("duplicate key value violates unique constraint \"conversation_files_pkey\"", None, "supabase-unique-violation-23505", "storage"),
    ("{'message': 'ON CONFLICT DO UPDATE command cannot affect row a second time', 'code': '21000'}", None, "supabase-upsert-same-row-21000", "code"),
    ("Error code: 429 - {'error': {'message': 'insufficient balance', 'type': 'exceeded_current_quota_error'}}", "openai.RateLimitError", "kimi-quota-exhausted", "provider"),
    ('Error code: 429, with error text {"error":{"code":"1302","message":"High concurrency usage of this API"}}', None, "glm-concurrency-1302", "provider"),
    ("Upload failed with both providers. Primary: kimi upload returned no file ID, Fallback: glm upload returned no file ID", None, "kimi-upload-no-file-id", "provider"),
    ("Error code: 400 - {'error': {'message': 'Invalid request: unknown tool type: web_search, currently only function and plugin are supported'}}", None, "provider-unknown-tool-type", "code"),
    ("Kimi chat timed out at 180 s on the first complex query", None, "provider-timeout-long", "provider"),
    ("Request timed out. POST https://api.moonshot.ai/v1/chat/completions", "openai.APITimeoutError", "class:timeout", "provider"),
    ("Retrying request to /chat/completions in 0.447355 seconds", None, "openai-sdk-retrying", "provider"),
    ("No provider for model kimi-k2-thinking", None, "model-not-available", "config"),
    ("Connection closed for 172.18.0.1:36952: no close frame received or sent", None, "ws-no-close-frame", "network"),
    ("GLM streaming exceeded timeout of 300s (elapsed: 317s).", None, "glm-stream-timeout", "provider"),
]


@pytest.mark.parametrize(("message", "exc", "rule", "category"), KNOWN, ids=[k[2] for k in KNOWN])
def test_every_known_failure_mode_has_a_rule(message, exc, rule, category):
    d = RULES.diagnose(DiagnosisInput(fingerprint="x", message=message, exception_type=exc, traceback=message))
    assert d.rule == rule and d.category == category and d.source == "rules"
    # message-only inputs (no logger, traceback or remote) earn word evidence only: never confident
    assert d.suggested_fix and 0.3 < d.confidence < 0.6
    assert d.evidence and all(e in message for e in d.evidence)


def test_template_fields_fill_from_named_groups():
    msg = "{'message': \"Could not find the 'upload_method' column of 'provider_file_uploads' in the schema cache\", 'code': 'PGRST204'}"
    d = RULES.diagnose(DiagnosisInput(fingerprint="x", message=msg))
    assert "upload_method" in d.summary and "provider_file_uploads" in d.summary
    assert "ALTER TABLE provider_file_uploads ADD COLUMN upload_method TEXT;" in d.suggested_fix[0]


def test_routing_rule_relates_context_lines():
    inp = DiagnosisInput(
        fingerprint="x", logger="src.providers.glm_chat",
        message='GLM chat failed: Error code: 400, with error text {"error":{"code":"1211","message":"Unknown Model"}}',
        context=('chat.completions.create payload (sanitized): {"model": "kimi-k2-0905-preview"}',
                 'HTTP Request: POST https://api.z.ai/api/paas/v4/chat/completions "HTTP/1.1 400 Bad Request"'),
    )
    assert RULES.diagnose(inp).rule == "kimi-model-routed-to-zai-context"
    # the same context with an unrelated error does not blame routing
    for message, rule in [
        ("Failed to release global semaphore: BoundedSemaphore released too many times", "semaphore-released-too-many"),
        ('Error code: 429, with error text {"error":{"code":"1302","message":"High concurrency usage of this API"}}',
         "glm-concurrency-1302"),
        ("Upload failed with both providers. Primary: kimi upload returned no file ID, Fallback: glm upload "
         "returned no file ID", "kimi-upload-no-file-id"),
    ]:
        inp.message = message
        assert RULES.diagnose(inp).rule == rule
    # said in the record itself
    record = "Provider routing error: model kimi-k2-0905-preview sent to https://api.z.ai/api/paas/v4/chat/completions"
    d = RULES.diagnose(DiagnosisInput(fingerprint="x", message=record))
    assert d.rule == "kimi-model-routed-to-zai" and d.category == "config"


def test_line_numbers_are_not_error_codes():
    tb = 'Traceback (most recent call last):\n  File "/app/src/x.py", line 1302, in f\nKeyError: \'k\''
    d = RULES.diagnose(DiagnosisInput(fingerprint="x", message="boom", exception_type="KeyError", traceback=tb))
    assert d.rule == "catch-all"  # a bare KeyError in app code is an honest unknown, not GLM code 1302


def test_catch_all_is_honest():
    d = RULES.diagnose(DiagnosisInput(fingerprint="x", message="Planner produced an empty step list", level="ERROR",
                                      logger="src.workflow.planner"))
    assert d.rule == "catch-all" and d.category == "unknown" and d.confidence <= 0.4
    assert d.severity == "medium" and "src.workflow.planner" in d.summary


def test_level_filter():
    rs = parse_rules({"rules": [{"id": "only-critical", "match": {"level": ["critical"], "message": "x"},
                                 "diagnosis": {"summary": "s", "root_cause": "r", "suggested_fix": ["f"],
                                               "severity": "low", "category": "code", "confidence": 0.5}}]})
    assert rs.diagnose(DiagnosisInput(fingerprint="a", message="x", level="ERROR")).rule == "catch-all"
    assert rs.diagnose(DiagnosisInput(fingerprint="a", message="x", level="CRITICAL")).rule == "only-critical"


BAD = """
version: 1
rules:
  - id: ok-rule
    match: {message: 'fine'}
    diagnosis: {summary: s, root_cause: r, suggested_fix: [f], severity: low, category: code, confidence: 0.5}
  - id: bad-regex
    match: {message: '(unclosed'}
    diagnosis: {summary: s, root_cause: r, suggested_fix: [f], severity: low, category: code, confidence: 0.5}
  - id: bad-fields
    match: {mesage: 'typo'}
    diagnosis: {summary: s, root_cause: r, suggested_fix: [f], severity: urgent, category: code, confidence: 1.5}
  - id: bad-template
    match: {message: 'x (?P<col>\\w+)'}
    diagnosis: {summary: 'missing {column}', root_cause: r, suggested_fix: [f], severity: low, category: code, confidence: 0.5}
"""


def test_bad_rules_file_fails_with_field_paths(tmp_path):
    path = tmp_path / "diagnoses.yaml"
    path.write_text(BAD)
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    problems = "\n".join(info.value.problems)
    assert "rules[1].match.message: not a valid regular expression" in problems
    assert "rules[2].match.mesage: unknown key" in problems
    assert "rules[2].diagnosis.severity:" in problems
    assert "rules[2].diagnosis.confidence:" in problems
    assert "rules[3]" in problems and "unknown template field(s) ['column']" in problems
    assert "rules[0]" not in problems


def test_duplicate_ids_and_invalid_yaml(tmp_path):
    rule = {"id": "a", "match": {"message": "x"}, "diagnosis": {"summary": "s", "root_cause": "r", "suggested_fix": ["f"],
                                                                "severity": "low", "category": "code", "confidence": 0.5}}
    with pytest.raises(ConfigError) as info:
        parse_rules({"rules": [rule, rule]})
    assert info.value.problems == ["rules[1].id: duplicate rule id 'a' (first at rules[0])"]
    path = tmp_path / "broken.yaml"
    path.write_text("rules: [\n  - id: x\n")
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert "invalid YAML" in info.value.problems[0]


def test_sidecar_check_reports_the_rules_file(tmp_path, monkeypatch):
    bad = tmp_path / "diagnoses.yaml"
    bad.write_text(BAD)
    cfg = tmp_path / "sidecar.yaml"
    cfg.write_text(f"diagnosis:\n  rules_file: {bad}\n")
    monkeypatch.delenv("MOONSHOT_API_KEY", raising=False)
    problems = check_all(str(cfg))
    assert any(p.startswith(f"{bad}: rules[1].match.message") for p in problems)
    cfg.write_text("diagnosis:\n  rules_file: rules/diagnoses.yaml\nalerts:\n  rules_file: null\n")
    assert check_all(str(cfg)) == []


def test_rules_diagnosis_carries_no_secret():
    msg = "No provider for model kimi-k2-thinking (api_key=sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD)"
    d = RULES.diagnose(DiagnosisInput(fingerprint="x", message=msg))
    assert d.rule == "model-not-available"
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix, *d.evidence])
    assert "sk-abcdefghijklmnopqrstuvwxyz" not in text and "[REDACTED:" in text
