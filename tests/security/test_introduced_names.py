"""A secret-like word that only introduces the assignment: `OTP key=<v>`, `auth: token: <v>`, `pw (password=<v>`,
`credentials: api_key='<v>'`. The outer word is a name with no value of its own; the value belongs to the inner
name. Found by a randomized test (filler that happened to end in `OTP `): the outer match was rejected and the
scanner skipped past the inner assignment. Generated here over introducing words (abbreviations, compounds,
other casings), separators and inner carriers, with the must-keep counterparts of the same shape."""

from __future__ import annotations

import itertools
import random

import pytest

from sidecar.redaction import redact

from .secret_gen import AN, leaked, password, rnd

# Words that announce credentials in prose or in a label; written here from the keyword lists of
# detect-secrets' KeywordDetector and gitleaks' generic rule plus abbreviations, not from the redactor's table.
INTRODUCERS = ["OTP", "otp", "auth", "Auth", "AUTH", "credentials", "Credentials", "creds", "pw", "PWD", "secret",
               "Secret", "token", "Token", "login", "db", "DB", "api", "API", "admin", "root", "basic", "session",
               "pin", "passphrase", "apikey", "x-api-key", "Proxy-Authorization", "oauth", "sso"]
SEPARATORS = [" ", ": ", "=", " - ", " (", " [", "\t", ", ", ": ->", " := "]
INNER = ["key={v}", "password={v}", "token: {v}", "api_key='{v}'", 'secret="{v}"', "pwd={v}", "passwd: {v}",
         "client_secret={v}", "accessToken: {v}", "X-Api-Key: {v}", "PGPASSWORD={v}", "DB_PASS={v}"]


@pytest.mark.parametrize("seed", [1871, 1872])
def test_an_introducer_never_saves_a_value(seed: int) -> None:
    """Whatever the inner assignment alone loses, it loses after any introducer too."""
    r = random.Random(seed)
    cases, alone_redacted = [], 0
    for word, sep, inner in itertools.product(INTRODUCERS, SEPARATORS, INNER):
        value = password(r) if r.random() < 0.5 else rnd(r, AN, r.randrange(10, 24))
        alone = f"2026-12-06 02:00:00,123 ERROR src.storage.supabase_client: {inner.format(v=value)}"
        if leaked(value, redact(alone)):
            continue  # `key=<short>` (a dict key), `token: <one lowercase word>` (prose): not this test's class
        alone_redacted += 1
        cases.append((alone.replace(": ", f": {word}{sep}", 1), value))
    leaks = [redact(text) for text, value in cases if leaked(value, redact(text))]
    assert alone_redacted >= 0.85 * len(INTRODUCERS) * len(SEPARATORS) * len(INNER)
    assert leaks == [], f"{len(leaks)} of {len(cases)} leaked, e.g. {leaks[:3]}"


@pytest.mark.parametrize("text", [
    # an ARN names a secret by its resource type; it is an identifier, not an assignment
    "secret_id: arn:aws:secretsmanager:us-east-1:559317746160:secret:prod/db-SiNyUt",
    "token: token_count=1234 max_tokens=4096",
    "auth: auth_type=bearer scheme=basic",
    "password: password_reset_count=3",
    "credentials: SecretStr('**********')",
    "session: session_id=3f2a9c1e-7b4d-4e8a-9f1c-2d3e4f5a6b7c",
])
def test_an_introducer_before_metadata_changes_nothing(text: str) -> None:
    assert redact(text) == text


# A secret name qualified before its value: `password for user bob is <v>`, `token (expires 3600s): <v>`.
QUALIFIED_NAMES = ["password", "Password", "passwd", "token", "access token", "API key", "secret", "client secret",
                   "refresh_token", "PIN", "passphrase", "DB password"]
QUALIFIERS = ["for user bob", "for tenant acme-eu", "(expires 3600s)", "(rotated)", "of the service account",
              "for db", "(read-only)", "for user 'svc-loader'"]
QUALIFIED_SEPS = [" is ", ": ", " = ", " was "]
PROSE_ENDINGS = ["incorrect", "expired", "too short", "missing", "invalid", "required", "not set", "rotated",
                 "${DB_PASSWORD}", "<redacted>", "None", "wrong", "ok", "revoked", "refreshed"]


@pytest.mark.parametrize("seed", [1881, 1882])
def test_a_qualified_name_loses_its_value(seed: int) -> None:
    r = random.Random(seed)
    cases = []
    for name, qual, sep in itertools.product(QUALIFIED_NAMES, QUALIFIERS, QUALIFIED_SEPS):
        value = password(r) if r.random() < 0.5 else rnd(r, AN, r.randrange(10, 24))
        if leaked(value, redact(f"2026-12-06 02:00:00,123 WARNING src.auth.keys: {name}{sep}{value}")):
            continue  # `token is <one lowercase word>` is prose unqualified too: not this test's class
        cases.append((f"2026-12-06 02:00:00,123 WARNING src.auth.keys: {name} {qual}{sep}{value}", value))
    assert len(cases) >= 0.8 * len(QUALIFIED_NAMES) * len(QUALIFIERS) * len(QUALIFIED_SEPS)
    leaks = [redact(text) for text, value in cases if leaked(value, redact(text))]
    assert leaks == [], f"{len(leaks)} of {len(cases)} leaked, e.g. {leaks[:3]}"


def test_a_qualified_name_before_prose_changes_nothing() -> None:
    texts = [f"2026-12-06 02:00:00,123 WARNING src.auth.keys: {name} {qual}{sep}{end}"
             for name, qual, sep, end in itertools.product(QUALIFIED_NAMES, QUALIFIERS, [" is ", " was "], PROSE_ENDINGS)]
    changed = [(t, redact(t)) for t in texts if redact(t) != t]
    assert changed == [], f"{len(changed)} of {len(texts)} changed, e.g. {changed[:3]}"


@pytest.mark.parametrize("logger", ["src.auth.keys", "app.secrets", "svc.tokens.refresh", "src.security.passwords",
                                    "gateway.apikey_store", "src.auth"])
def test_a_logger_named_after_secrets_does_not_hide_the_assignment_after_it(logger: str) -> None:
    r = random.Random(logger)
    for inner in ["password = {v}", "token: {v}", "api_key={v}", "secret is {v}", "DB_PASSWORD {v}"]:
        value = rnd(r, AN, 18)
        out = redact(f"2026-12-06 02:00:00,123 ERROR {logger}: {inner.format(v=value)}")
        assert not leaked(value, out), out
