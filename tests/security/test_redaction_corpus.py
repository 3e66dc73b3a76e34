"""The redactor on a generated corpus (>= 60 kinds and spellings, four shapes each) and on the eval
cases, where it must not hide what a diagnosis needs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sidecar.redaction import is_secret_name, redact, redact_obj

from .corpus import case_writer_corpus, generated, must_keep, shapes

CORPUS = generated()
EVALS = Path(__file__).resolve().parents[2] / "evals" / "cases"


def test_corpus_is_wide_enough():
    assert len({k.split(":")[0] if not k.startswith("name:") else k for k, _, _ in CORPUS}) >= 60


@pytest.mark.parametrize(("kind", "text", "secret"), CORPUS, ids=[c[0] for c in CORPUS])
def test_every_kind_in_every_shape_is_redacted(kind, text, secret):
    for shape, planted in shapes(text).items():
        out = redact(planted)
        assert secret not in out, f"{kind} leaked in {shape}: {out!r}"
        assert "[REDACTED:" in out


def test_case_writer_dev_corpus():
    assert case_writer_corpus("corpus_dev.yaml"), "tests/data/secrets/corpus_dev.yaml is missing or empty"
    leaked = [(k, redact(t)) for k, t, s in case_writer_corpus("corpus_dev.yaml") if s in redact(t)]
    assert leaked == []


KEEP = [
    "token expired", "invalid api key provided", "password authentication failed for user app",
    "duplicate key value violates unique constraint", "max_tokens=1000 model=gpt-4o-mini-2024-07-18",
    "openai.AuthenticationError: Error code: 401 - {'error': {'code': 'invalid_api_key'}}",
    "api.moonshot.ai:443 ConnectionRefusedError [Errno 111] Connection refused",
    "request 9f8a7b6c-1234-4abc-9def-0123456789ab trace 4bf92f3577b34da6a3ce929d0e0e4736",
    "KeyError: 'user_id'", "TokenExpiredError: Signature has expired", "token_count=512 prompt_tokens=100",
    "File \"/usr/lib/python3.11/site-packages/aiohttp/client.py\", line 1187, in _request",
    "kimi-k2-0905-preview returned 429 rate_limit_reached_error", "auth_type=bearer",
]


@pytest.mark.parametrize("text", KEEP)
def test_what_a_diagnosis_needs_stays(text):
    assert redact(text) == text


def test_false_redaction_on_eval_cases_is_only_planted_secrets():
    """Every redaction in evals/cases/ is one of the secrets planted there on purpose."""
    redacted_lines = []
    total = 0
    for f in sorted(EVALS.glob("*.yaml")):
        for line in str(yaml.safe_load(f.read_text()).get("log", "")).splitlines():
            total += 1
            if redact(line) != line:
                redacted_lines.append(line)
    planted = ("planted", "eyJ", "@exai.example.com")
    false = [ln for ln in redacted_lines if not any(p in ln for p in planted)]
    assert total > 50
    assert false == []


def test_secret_names_generalise():
    for n in ["DB_PASS", "PGPASSWORD", "clientSecret", "x-api-key", "AccountKey", "authToken", "SECRET_KEY_BASE"]:
        assert is_secret_name(n), n
    for n in ["max_tokens", "token_count", "KeyError", "auth_type", "monkey", "bypass", "primary", "keyboard"]:
        assert not is_secret_name(n), n


def test_redact_obj_by_key():
    out = redact_obj({"clientSecret": "abc", "max_tokens": 100, "pin": 1234, "nested": [{"DB_PASS": "x1"}]})
    assert out == {"clientSecret": "[REDACTED:secret]", "max_tokens": 100, "pin": "[REDACTED:secret]",
                   "nested": [{"DB_PASS": "[REDACTED:secret]"}]}


def test_case_writer_must_keep_survives():
    assert must_keep(), "tests/data/secrets/must_keep.yaml is missing or empty"
    lost = [(text, redact(line)) for text, line in must_keep() if text not in redact(line)]
    assert lost == []


HELDOUT_CEILING = {"corpus_heldout.yaml": 2, "corpus_heldout2.yaml": 0, "corpus_heldout3.yaml": 2}


@pytest.mark.parametrize("name", sorted(HELDOUT_CEILING))
def test_case_writer_heldout_corpus_aggregate(name: str) -> None:
    """Held-out (not read by the redactor's author): only the aggregate is reported, never the cases.

    Round 2 (2026-12-05), measured with `python -m tests.security.heldout`: corpus_heldout 2 of 176
    plantings leaked (round 1: 3), corpus_heldout2 2 of 202 (1 of 64 kinds; round 1's redactor: 15).
    Round 4 (2026-12-06 00:01, same command): corpus_heldout 2 of 176, corpus_heldout2 0 of 202,
    corpus_heldout3 2 of 184 (the round's start: 11 of 184). This guards against regressions."""
    items = case_writer_corpus(name)
    assert items, f"tests/data/secrets/{name} is missing or empty (the held-out corpus must be in the tree)"
    leaked = sum(1 for _, text, secret in items if secret in redact(text))
    assert leaked <= HELDOUT_CEILING[name], f"{leaked} of {len(items)} held-out plantings leaked"


@pytest.mark.parametrize("name", ["must_keep_heldout2.yaml", "must_keep_heldout3.yaml"])
def test_case_writer_must_keep_heldout_aggregate(name: str) -> None:
    """Held-out false-redaction checks (not read by the redactor's author): a count only.

    Measured 2026-12-05: set 2 1 of 26 lost (round 1's redactor: 4); round 4 (2026-12-06 00:01) after the
    must-keep taxonomy (sidecar/redaction/keep.py): set 2 0 of 26, set 3 0 of 32 (the round's start: 11 of 32)."""
    items = must_keep(name)
    assert items, f"tests/data/secrets/{name} is missing or empty"
    lost = sum(1 for text, line in items if text not in redact(line))
    assert lost == 0, f"{lost} of {len(items)} held-out must-keep strings were redacted"
