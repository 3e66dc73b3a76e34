"""Rules match the situation, not words: near-misses that share words with a known failure get another cause."""

from __future__ import annotations

import re

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.model import DiagnosisInput
from sidecar.diagnose.rules import load_rules, specificity
from sidecar.diagnose.situation import situation

RULES = load_rules("rules/diagnoses.yaml")

GLM_1113 = """\
2025-11-07 09:14:03 INFO httpx: HTTP Request: POST https://api.z.ai/api/paas/v4/chat/completions "HTTP/1.1 429 Too Many Requests"
2025-11-07 09:14:03 ERROR src.providers.glm_chat: GLM chat failed: Error code: 429, with error text {"error":{"code":"1113","message":"Insufficient balance or no resource package. Please recharge."}}
"""
KIMI_QUOTA = """\
2025-11-07 09:14:03 INFO httpx: HTTP Request: POST https://api.moonshot.ai/v1/chat/completions "HTTP/1.1 429 Too Many Requests"
2025-11-07 09:14:03 ERROR src.providers.kimi_chat: Kimi call failed: Error code: 429 - {'error': {'message': 'Your account is suspended due to insufficient balance', 'type': 'exceeded_current_quota_error'}}
"""
UNPACK = """\
2025-11-08 09:00:00 ERROR tools.smart_file_query: smart_file_query failed
Traceback (most recent call last):
  File "/app/tools/smart_file_query.py", line 143, in _resolve
    file_id, name, size = entry
ValueError: not enough values to unpack (expected 3, got 2)
"""
POSTGREST_TIMEOUT = """\
2025-11-08 09:22:00 ERROR src.storage.supabase_client: Failed to save message
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/postgrest/_sync/request_builder.py", line 53, in execute
    r = self.session.request(
  File "/usr/local/lib/python3.11/site-packages/httpx/_transports/default.py", line 118, in map_httpcore_exceptions
    raise mapped_exc(message) from exc
httpx.ReadTimeout: The read operation timed out
"""
KIMI_TIMEOUT = """\
2025-11-08 09:22:00 ERROR src.providers.kimi_chat: Kimi call failed
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/openai/_base_client.py", line 1565, in request
    raise APITimeoutError(request=request) from err
openai.APITimeoutError: Request timed out.
"""
POOL = """\
2025-11-07 14:20:30 ERROR src.storage.pg_pool: Failed to record tool call
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/psycopg_pool/pool_async.py", line 256, in getconn
    raise PoolTimeout(
psycopg_pool.PoolTimeout: couldn't get a connection after 30.00 sec
"""
PATH_GUARD = """\
2025-11-08 09:30:00 WARNING src.security.path_validator: Blocked high risk path access: /etc/shadow
2025-11-08 09:30:00 ERROR tools.chat: Error in chat: File access denied: /etc/shadow
"""
PGRST301 = """\
2025-11-07 12:00:00 ERROR src.storage.supabase_client: Failed to load conversation: {'message': 'JWT expired', 'code': 'PGRST301', 'hint': None, 'details': None}
"""
SQL_57014 = """\
2025-11-07 12:10:39 ERROR src.storage.supabase_client: Failed: {'message': 'canceling statement due to statement timeout', 'code': '57014', 'hint': None, 'details': None}
"""


def diagnose(log: str):  # type: ignore[no-untyped-def]
    return RULES.diagnose(excerpt_to_input(log))


@pytest.mark.parametrize(("log", "rule", "category", "forbidden"), [
    (GLM_1113, "class:code.glm", "provider", r"Kimi account|fail over Kimi traffic to GLM"),
    (KIMI_QUOTA, "kimi-quota-exhausted", "provider", r"Z\.ai|GLM account"),
    (UNPACK, "unpack-count-mismatch", "code", r"semaphore|leak"),
    (POSTGREST_TIMEOUT, "class:timeout.read", "storage", r"KIMI_TIMEOUT_SECS|fail over"),
    (KIMI_TIMEOUT, "class:timeout", "provider", r"Supabase"),
    (POOL, "class:timeout.pool", "capacity", r"KIMI_TIMEOUT_SECS|fail over"),
    (PATH_GUARD, "path-guard-blocked", "config", r"content filter"),
    (PGRST301, "class:code.pgrst", "storage", r"schema|column"),
    (SQL_57014, "class:code.sqlstate", "storage", r"KIMI|provider call"),
], ids=lambda v: v if isinstance(v, str) and "\n" not in v and len(v) < 40 else None)
def test_the_situation_decides_the_cause(log: str, rule: str, category: str, forbidden: str) -> None:
    d = diagnose(log)
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert (d.rule, d.category) == (rule, category)
    assert not re.search(forbidden, text, re.I), text
    assert "?" not in d.summary.replace("?select", "")  # never an unfilled `on ?`
    assert len(d.evidence) == len(set(d.evidence))


def test_code_namespaces_are_told_apart() -> None:
    glm = situation(excerpt_to_input(GLM_1113))
    assert glm.remote == "glm" and glm.code("glm") == ("1113",) and not glm.code("sqlstate")
    db = situation(excerpt_to_input(SQL_57014))
    assert db.remote == "supabase" and db.code("sqlstate") == ("57014",) and not db.code("glm")
    assert situation(excerpt_to_input(PGRST301)).code("pgrst") == ("PGRST301",)
    assert "postgrest" in situation(excerpt_to_input(POSTGREST_TIMEOUT)).components


def test_confidence_follows_the_evidence() -> None:
    """A rule's code with its remote is confident; one kind of evidence alone never is; a code table's answer
    (what the code means, not what this situation needs) stays just below the confident line."""
    assert 0.5 <= diagnose(GLM_1113).confidence < 0.6
    words_only = RULES.diagnose(DiagnosisInput(fingerprint="x", message="not enough values to unpack (expected 3, got 2)"))
    assert words_only.confidence < 0.6
    assert specificity({"words"}) < 0.6 <= specificity({"code", "situation"})
    assert all(specificity({kind}) < 0.6 for kind in ("code", "code_class", "situation", "words", "phrase"))
    assert specificity({"code_class", "situation"}) < specificity({"code", "situation"})


def test_unfilled_template_values_are_dropped_not_shown() -> None:
    from sidecar.diagnose.rules import parse_rules

    rs = parse_rules({"rules": [{"id": "r", "match": {"message": "boom(?: on (?P<table>\\w+))?"},
                                 "diagnosis": {"summary": "Write failed on {table}", "root_cause": "r",
                                               "suggested_fix": ["check '{table}'"], "severity": "low",
                                               "category": "code", "confidence": 0.5}}]})
    d = rs.diagnose(DiagnosisInput(fingerprint="x", message="boom"))
    assert d.summary == "Write failed" and "?" not in d.suggested_fix[0]
    assert rs.diagnose(DiagnosisInput(fingerprint="x", message="boom on users")).summary == "Write failed on users"
