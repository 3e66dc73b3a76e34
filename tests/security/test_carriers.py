"""Secrets in every carrier of the taxonomy (tests/security/carrier_gen.py): the real HTTP client libraries'
debug output and reprs against a loopback server, argv, bash's environment dumps, config formats, other
languages' names, multiply escaped JSON, percent/base64 encodings and console-wrapped lines. None may
survive `redact`, written as it is, JSON-escaped or repr-escaped."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from sidecar.redaction import redact

from .carrier_gen import aiohttp_output, http_library_output, loopback, offline_cases, websockets_output
from .secret_gen import leaked

SEEDS = [1851, 1852, 1853, 1854, 1855, 1856]


@pytest.mark.parametrize("seed", SEEDS)
def test_no_secret_survives_in_any_offline_carrier(seed: int) -> None:
    items = offline_cases(seed)
    leaks = [(kind, redact(text)) for kind, text, secret in items if leaked(secret, redact(text))]
    assert len(items) >= 25
    assert leaks == [], Counter(k for k, _ in leaks)


def log_shapes(text: str) -> dict[str, str]:
    """The gateway's log shapes around a planted text: a text log line, a JSON line, Docker json-file records
    (one per line), a traceback's last line."""
    return {
        "text": f"2026-12-05 10:00:00,123 ERROR gateway.upstream: {text}",
        "json": json.dumps({"ts": "2026-12-05T10:00:00.123Z", "level": "error", "message": text}),
        "docker": "\n".join(json.dumps({"log": ln + "\n", "stream": "stderr", "time": "2026-12-05T10:00:00.1Z"})
                            for ln in text.split("\n")),
        "traceback": 'Traceback (most recent call last):\n  File "/app/gw.py", line 10, in run\nRuntimeError: ' + text,
    }


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_no_secret_survives_in_any_carrier_in_any_log_shape(seed: int) -> None:
    leaks = Counter(f"{kind} in {shape}" for kind, text, secret in offline_cases(seed)
                    if not kind.startswith("wrapped")  # planted in these shapes by the generator itself
                    for shape, planted in log_shapes(text).items() if leaked(secret, redact(planted)))
    assert leaks == Counter()


@pytest.mark.parametrize("seed", SEEDS[:3])
async def test_no_secret_survives_in_http_library_output(seed: int) -> None:
    r = random.Random(seed)
    with loopback() as base:
        items = http_library_output(r, base) + await aiohttp_output(r, base) + await websockets_output(r)
    for kind, text, secret in items:
        assert secret in text, f"{kind}: the library did not print the secret, the case tests nothing"
    leaks = [(kind, redact(text)) for kind, text, secret in items if leaked(secret, redact(text))]
    assert leaks == []


def test_a_huge_line_with_a_carrier_at_its_end_and_lone_surrogates() -> None:
    """Bad input: 2 MB of words, then a localized name, an escaped lone surrogate and a wrapped token."""
    r = random.Random(1857)
    words = " ".join("".join(r.choice("abcdefghij") for _ in range(r.randint(2, 9))) for _ in range(300_000))
    tok = "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") for _ in range(44))
    text = (words + ' senha: S3nh4-secreta {"k": "\\ud800"} failed with token ghp_' + tok[:10] + "\n"
            + tok[10:] + " revoked\n\udcff")
    out = redact(text)
    assert "S3nh4-secreta" not in out and tok[10:] not in out and tok[:10] not in out
    assert out.startswith(words[:1000]) and out.endswith(" revoked\n\udcff")


# Oracle's logon `username/password@connect_identifier` (SQL*Plus, RMAN, Data Pump `userid=`, JDBC thin/OCI), and
# the same shape where it is no logon (a package spec, an image digest, a path in prose).
ORACLE_LOGONS = ["jdbc:oracle:thin:{u}/{p}@db.example.com:1521:ORCL", "jdbc:oracle:oci:{u}/{p}@PROD",
                 "sqlplus -s {u}/{p}@//db:1521/ORCLPDB1", "SQL> CONNECT {u}/{p}@ORCL", "expdp userid={u}/{p}@XE dumpfile=x.dmp",
                 "rman target {u}/{p}@prod catalog rc/x@rcat", "sqlldr userid='{u}/{p}@db' control=load.ctl"]


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_an_oracle_logon_loses_its_password(seed: int) -> None:
    r = random.Random(seed)
    for shape in ORACLE_LOGONS:
        user, pw = r.choice(["scott", "system", "app_rw", "C##ops"]), "".join(r.choices("abcdefXYZ0123456789#$_", k=12))
        out = redact(log_shapes(shape.format(u=user, p=pw))["text"])
        assert not leaked(pw, out) and user in out, out


@pytest.mark.parametrize("text", ["docker pull library/nginx@sha256:9b2f0e1c", "npm i @scope/name@1.2.3",
                                  "could not connect upstream/pool@10.0.0.1", "jdbc:oracle:thin:@//db:1521/ORCL"])
def test_a_user_slash_word_at_host_that_is_no_logon_stays(text: str) -> None:
    assert redact(text) == text


# A config statement without `=`: HCL/Ruby/nginx `name "value"`. After an identifier-style name a quoted generated
# word is the value; a quoted phrase or word after a name in prose is not.
@pytest.mark.parametrize("seed", SEEDS[:2])
def test_an_identifier_before_a_quoted_generated_word_loses_it(seed: int) -> None:
    r = random.Random(seed)
    for name in ["apiToken", "api_key", "CLIENT_SECRET", "auth-token", "privateKey", "db_password"]:
        value = "".join(r.choices("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=24))
        out = redact(log_shapes(f'{name} "{value}"')["text"])
        assert not leaked(value, out), out


@pytest.mark.parametrize("text", ['refresh_token "HTTP/2 400 Bad Request"', 'access_token "expired"',
                                  'token_count "1234"', 'apiToken "not yet issued"',
                                  'DETAIL:  Token "NaN" is invalid.'])
def test_a_name_before_a_quoted_phrase_stays(text: str) -> None:
    assert redact(text) == text


# The patterns take any run of blanks where their hints (the words that must occur for a rule to run) were written
# with one space: a tab or two spaces after the command word (Oracle, Redis AUTH), around a qualified name's
# separator or after an ODBC `=` before its `{`, must not turn a rule off.
BLANKS = [" ", "\t", "  ", " \t", "\t "]


@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_blanks_after_the_logon_command_or_around_a_qualifier_keep_the_rule_on(blank: str) -> None:
    pw = "Xk3pQ9zLm2vB7"
    texts = [f"SQL> CONNECT{blank}scott/{pw}@ORCL", f"SQL> CONN{blank}scott/{pw}@ORCL",
             f"exp{blank}scott/{pw}@XE file=x.dmp", f"imp{blank}scott/{pw}@XE file=x.dmp",
             f"password for{blank}bob is {pw}", f"password{blank}of svc = {pw}", f"token (rotated){blank}: {pw}",
             f"token (rotated){blank}= {pw}", f"API key (read-only){blank}is {pw}", f"cmd: AUTH{blank}default {pw}"]
    for text in texts:
        out = redact(f"2026-12-06 02:00:00,123 ERROR src.auth.keys: {text}")
        assert not leaked(pw, out), out
    # an ODBC braced value may hold `;`: only the braced rule takes it whole
    out = redact(f"2026-12-06 02:00:00,123 ERROR src.db: Server=db;UID=sa;PWD={blank}{{Xk3p;{pw}}}")
    assert not leaked(pw, out), out
