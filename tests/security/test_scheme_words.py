"""A vendor's own auth-scheme word (`X-Auth: SocureApiKey <key>`, CLASSES20 B39) is read only in a header that carries
a scheme, before a generated credential (sidecar/redaction/schemes.py). Review r18: read after ANY secret name, a
letters-only password holding a secret word (`password: Winter-Password connection refused`) was kept as a "scheme"
and the next word masked instead."""

from __future__ import annotations

import random
import uuid

import pytest

from sidecar.redaction import redact

_WORDS = ("Winter", "Summer", "Blue", "Dragon", "Open", "Master", "Admin", "Super", "Tiger", "Rocket")
_SECRET_WORDS = ("Password", "Secret", "Token", "Key", "Pass", "Passwd", "ApiKey", "Auth")
_AFTER = ("host=db1", "user=bob", "for tenant acme", "retrying", "(rotated)", "ok", "now")
# The password / secret / key family, and auth headers before a value with no credential after it. Left out: `token`
# alone (a lowercase hyphenated word after a bare `token:` is read as prose by the older rules, 8/300 before r18 too)
# and `(Proxy-)Authorization`, whose first word IS the scheme by RFC 9110 11.6.2 grammar (the Authorization rule's).
_VALUE_NAMES = ("password", "db_password", "DB_PASSWORD", "passwd", "api_key", "apiKey", "secret", "client_secret",
                "auth_token", "X-Api-Key", "X-Auth-Token", "X-Auth")


def _letters_password(r: random.Random) -> str:
    v = r.choice(_WORDS) + r.choice(("", "-")) + r.choice(_SECRET_WORDS) + r.choice(("", "-")) + r.choice(_WORDS)
    return v if r.random() < 0.5 else v.lower()


@pytest.mark.parametrize("line, secret, after", [
    ("password: Winter-Password connection refused", "Winter-Password", "connection refused"),
    ("DB_PASSWORD: MasterPassword host=db1", "MasterPassword", "host=db1"),
    ("api_key: OpenSesameKey retrying in 5s", "OpenSesameKey", "retrying in 5s"),
    ("password=hunter-secret next=1", "hunter-secret", "next=1"),
    ("X-Api-Key: SecretToken abc123def456", "SecretToken", "abc123def456"),
])
def test_letters_only_secret_is_the_value_not_a_scheme(line: str, secret: str, after: str) -> None:
    out = redact(line)
    assert secret not in out and after in out, out


def test_generated_letters_only_secrets_never_read_as_scheme() -> None:
    r = random.Random(18)
    wrong = []
    for _ in range(400):
        v, a = _letters_password(r), r.choice(_AFTER)
        line = f"{r.choice(_VALUE_NAMES)}{r.choice((': ', '=', ' = '))}{v} {a}"
        out = redact(line)
        if v in out or a not in out:
            wrong.append(out)
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("name", ["Authorization", "Proxy-Authorization", "X-Auth", "x-api-auth", "X-Auth-Token",
                                  "Api-Authorization"])
@pytest.mark.parametrize("scheme", ["ShippoToken", "SocureApiKey", "Zoho-oauthtoken", "PartnerApiKey"])
def test_vendor_scheme_in_an_auth_header_keeps_the_scheme_and_takes_the_key(name: str, scheme: str) -> None:
    r = random.Random(f"{name}{scheme}")
    for cred in (str(uuid.UUID(int=r.getrandbits(128))), f"{r.getrandbits(128):032x}"):
        out = redact(f"upstream 401: {name}: {scheme} {cred} retrying")
        assert cred not in out and scheme in out and "retrying" in out, out


@pytest.mark.parametrize("line, kept", [
    ("X-Auth: AcmeToken required for tenant acme", "required for tenant acme"),  # no credential after the word
    ("X-Auth-Method: SocureApiKey 3f1c9a2e7b8d4f60a1b2c3d4e5f60718", "SocureApiKey"),  # a metadata name: its value
    ("x-api-auth: none (anonymous access)", "none (anonymous access)"),
])
def test_scheme_word_twins_stay(line: str, kept: str) -> None:
    assert kept in redact(line)
