"""Generated and adversarial inputs: every code of a namespace lands in its own family of rules,
and hostile records (huge, binary, deceptive) get a bounded, honest answer."""

from __future__ import annotations

import pytest
from psycopg import errors as pg_errors

from sidecar.config import ConfigError
from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.model import DiagnosisInput
from sidecar.diagnose.rules import load_rules, parse_rules

RULES = load_rules("rules/diagnoses.yaml")
H = "2025-11-20 10:00:00 "


def _sqlstates() -> list[str]:
    codes = {getattr(getattr(pg_errors, n), "sqlstate", None) for n in dir(pg_errors)}
    return sorted(c for c in codes if isinstance(c, str) and len(c) == 5)


def test_every_sqlstate_from_psycopgs_table_is_a_database_diagnosis():
    codes = _sqlstates()
    assert len(codes) > 200
    # classes 00/01/02 are success, warning and no data (PostgreSQL errcodes appendix), not errors
    for code in [c for c in codes if c[:2] not in ("00", "01", "02")]:
        log = (H + "ERROR src.storage.supabase_client: write failed: "
               f"{{'message': 'something went wrong', 'code': '{code}', 'hint': None, 'details': None}}")
        d = RULES.diagnose(excerpt_to_input(log))
        text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
        assert d.rule.startswith(("class:code.sqlstate", "supabase-")) and code in d.summary, (code, d.rule)
        assert d.category in ("storage", "code", "capacity", "concurrency", "config"), (code, d.category)
        assert "Kimi" not in text and "KIMI" not in text and "?" not in d.summary


@pytest.mark.parametrize("code", [f"{n}" for n in (*range(1000, 1005), *range(1110, 1122), *range(1210, 1215),
                                                     1261, *range(1301, 1306), 1308, 1312)])
def test_every_glm_business_code_is_about_glm_never_kimi(code: str):
    log = (H + "INFO httpx: HTTP Request: POST https://api.z.ai/api/paas/v4/chat/completions \"HTTP/1.1 429\"\n"
           + H + f'ERROR src.providers.glm_chat: GLM chat failed: Error code: 429, with error text '
                 f'{{"error":{{"code":"{code}","message":"x"}}}}')
    d = RULES.diagnose(excerpt_to_input(log))
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert d.rule in ("class:code.glm", f"glm-concurrency-{code}") and "GLM" in d.summary, (code, d.rule)
    assert "Kimi account" not in text and "exceeded_current_quota_error" not in text


@pytest.mark.parametrize("remote_line", [
    "INFO httpx: HTTP Request: POST https://api.moonshot.ai/v1/chat/completions \"HTTP/1.1 200 OK\"",
    "INFO httpx: HTTP Request: GET https://qzvbxkle.supabase.co/rest/v1/messages \"HTTP/2 200 OK\"",
])
def test_a_4_digit_code_is_a_glm_business_code_only_where_the_record_concerns_glm(remote_line: str):
    log = H + remote_line + "\n" + H + "ERROR src.x: failed: {'code': '1113', 'message': 'x'}"
    d = RULES.diagnose(excerpt_to_input(log))
    assert d.rule != "class:code.glm" and "GLM" not in d.summary


def test_hostile_records_get_a_bounded_answer():
    huge = "A" * (10 * 1024 * 1024)
    for message in (huge, "\x00\xff\ufffd" * 1000, "'code': '1113' " * 50_000, "{table} on ? {{}} %s"):
        d = RULES.diagnose(DiagnosisInput(fingerprint="x", message=message, traceback=message))
        assert len(d.summary) <= 240 and all(len(e) < 11 * 1024 * 1024 for e in d.evidence)
        assert len(d.evidence) == len(set(d.evidence)) <= 5


def test_unknown_code_namespace_and_bad_unless_fail_at_load_with_the_field():
    rule = {"id": "r", "diagnosis": {"summary": "s", "root_cause": "r", "suggested_fix": ["f"], "severity": "low",
                                     "category": "code", "confidence": 0.5}}
    with pytest.raises(ConfigError) as info:
        parse_rules({"rules": [{**rule, "match": {"code": {"oracle": "ORA-\\d+"}}}]})
    assert "rules[0].match.code" in info.value.problems[0] and "unknown code namespace" in info.value.problems[0]
    with pytest.raises(ConfigError) as info:
        parse_rules({"rules": [{**rule, "match": {"message": "x", "unless": {"text": "("}}}]})
    assert "rules[0].match.unless.text" in info.value.problems[0]
