"""A name on one line and its value on the next (YAML block scalars, Kubernetes env name/value, PEM
blocks) is one secret: exits that show a record line by line must redact the record first."""

from __future__ import annotations

import json

from sidecar.diagnose.model import DiagnosisInput
from sidecar.diagnose.prompt import build_prompt

CONTEXT = ("2026-12-05 10:00:00 INFO app.config: loaded:", "  smtp_password: |", "    Hx7pQ2mZ9vKqa",
           "  env:", "  - name: DB_PASSWORD", "    value: Zq81mWpaLk", "-----BEGIN RSA PRIVATE KEY-----",
           "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw",
           "-----END RSA PRIVATE KEY-----", "2026-12-05 10:00:01 INFO app.worker: next line kept")


def test_prompt_context_redacts_secrets_split_over_lines() -> None:
    inp = DiagnosisInput(fingerprint="x" * 32, message="ERROR app.worker: boom", traceback="boom", context=CONTEXT)
    text = json.dumps(build_prompt(inp, context_lines=20).messages)
    for secret in ("Hx7pQ2mZ9vKqa", "Zq81mWpaLk", "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo"):
        assert secret not in text
    assert "next line kept" in text and "DB_PASSWORD" in text
