"""URL userinfo and curl `-u` with a RANDOM-looking user beside a real password (RFC 3986 3.2.1 `userinfo@host`, RFC
7617 `user-id:password`, curl(1) `-u user:password`): the password goes, and the URL keeps its shape - `scheme://`,
`@host` - whatever judges the user. The entropy fallback marked `//<random user>` as one token and the mark ate the
authority's `//` (`redis:[REDACTED:high_entropy]:[REDACTED:password]@cache`).

Twins: a key in the USER slot beside an empty or dummy password still goes (basicuser.py, CLASSES19 B37); a login
name beside a password stays; a random token after `//` with no scheme before it is marked whole, as before.
Generated per seed from the grammar (schemes, user alphabets, carriers), not from a corpus."""

from __future__ import annotations

import random
import string

import pytest

from sidecar.redaction import redact

SEEDS = range(1800, 1806)
# schemes of RFC 3986 grammar that carry userinfo in the wild: web, datastores, queues, VCS transports
SCHEMES = ("https", "http", "redis", "rediss", "amqp", "amqps", "postgresql", "mongodb+srv", "git+ssh", "ftp", "mqtt",
           "nats", "sftp", "smb", "ldap")
_B64URL = string.ascii_letters + string.digits + "-_"


def _random_user(r: random.Random, alphabets: tuple[str, ...] = (string.ascii_letters + string.digits, _B64URL,
                                                                  "0123456789abcdef")) -> str:
    """A user that reads as generated: alphanumeric, base64url or hex, 20-40 characters, letters and digits both."""
    alphabet = r.choice(alphabets)
    while True:
        u = "".join(r.choice(alphabet) for _ in range(r.randint(20, 40)))
        if any(c.isdigit() for c in u) and any(c.isalpha() for c in u) and u[0].isalnum() and u[-1].isalnum():
            return u


def _password(r: random.Random) -> str:
    return "".join(r.choice(string.ascii_letters + string.digits) for _ in range(r.randint(10, 18))) + r.choice("!#%")


def _host(r: random.Random) -> str:
    return r.choice(("cache", "db.internal", "mq.example.com", "10.0.3.7", "api.vendor.io")) + r.choice(("", ":6379", ":5432"))


def _carry(r: random.Random, url: str) -> str:
    return r.choice((
        "connecting to {u} failed: timeout",
        '{{"level": "error", "upstream": "{u}", "msg": "connection refused"}}',
        "Client(url='{u}', retries=3)",
        "DATABASE_URL={u}",
        "error dialing {u}/v1/items: EOF",
    )).format(u=url)


def _url_case(r: random.Random) -> tuple[str, str, str, str, str]:
    scheme, user, pw, host = r.choice(SCHEMES), _random_user(r), _password(r), _host(r)
    return _carry(r, f"{scheme}://{user}:{pw}@{host}"), scheme, user, pw, host


@pytest.mark.parametrize("seed", SEEDS)
def test_url_with_random_user_loses_password_keeps_scheme_and_host(seed: int) -> None:
    r = random.Random(seed)
    bad = []
    for _ in range(40):
        text, scheme, _user, pw, host = _url_case(r)
        out = redact(text)
        if pw in out or f"{scheme}://" not in out or f"@{host}" not in out:
            bad.append((text, out))
    assert not bad, bad[:3]


@pytest.mark.parametrize("seed", SEEDS)
def test_curl_user_switch_with_random_user_loses_password(seed: int) -> None:
    r = random.Random(seed)
    bad = []
    for _ in range(40):
        user, pw = _random_user(r), _password(r)
        switch = r.choice(("-u ", "--user ", "--user=", "-u="))
        text = f"$ curl -sS {switch}{user}:{pw} https://api.vendor.io/v2/items"
        out = redact(text)
        if pw in out or f"curl -sS {switch}" not in out or "https://api.vendor.io/v2/items" not in out:
            bad.append((text, out))
    assert not bad, bad[:3]


@pytest.mark.parametrize("seed", SEEDS)
def test_twin_key_in_user_slot_with_empty_or_dummy_password_still_goes(seed: int) -> None:
    r = random.Random(seed)
    bad = []
    for _ in range(40):
        key = _random_user(r)
        scheme, host = r.choice(("https", "http")), _host(r)
        text = _carry(r, f"{scheme}://{key}:{r.choice(('', 'X', 'x'))}@{host}")
        out = redact(text)
        if key in out or f"{scheme}://" not in out:
            bad.append((text, out))
    assert not bad, bad[:3]


@pytest.mark.parametrize("seed", SEEDS)
def test_twin_login_name_beside_password_stays(seed: int) -> None:
    r = random.Random(seed)
    bad = []
    for _ in range(40):
        login = r.choice(("admin", "deploy-bot", "svc-payments-prod-01", "gateway", "readonly_user"))
        scheme, pw, host = r.choice(SCHEMES), _password(r), _host(r)
        out = redact(_carry(r, f"{scheme}://{login}:{pw}@{host}"))
        if pw in out or f"{scheme}://{login}:" not in out:
            bad.append(out)
    assert not bad, bad[:3]


@pytest.mark.parametrize("seed", SEEDS)
def test_twin_random_token_after_slashes_without_scheme_marked_whole(seed: int) -> None:
    """`//` not after a scheme (`k=://<t>`: no scheme name before the `:`; `9://<t>`: a scheme starts with a letter)
    is no authority: the token, slashes and all, is marked whole as before."""
    r = random.Random(seed)
    bad = []
    for _ in range(40):
        tok = _random_user(r, (string.ascii_letters + string.digits,))  # (bare hex is kept on purpose: entropy.py)
        head = r.choice(("blob=:", "seen 9:", "k-=:"))
        text = f"{head}//{tok} end"
        out = redact(text)
        if out != f"{head}[REDACTED:high_entropy] end":
            bad.append((text, out))
    assert not bad, bad[:3]
