"""Datastore credential syntaxes (sidecar/redaction/datastores.py), generated over carriers: Redis ACL `>pw` / `<pw>`
rules (ACL SETUSER as a log line, an argument list, MONITOR's quoted echo, a users.acl line), PgBouncer auth_file
`"user" "password"` lines, libpq's `missing "=" after "<word>" in connection info string`; each with kept
counterparts of the same shape (hashes, key patterns, command categories, libpq keywords, log fields in quotes)."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from sidecar.redaction import redact
from sidecar.redaction.textstats import password_like

from .secret_gen import password, rnd


def _carried(r: random.Random, line: str) -> list[str]:
    return [line, json.dumps({"log": line + "\n", "stream": "stdout"}),
            json.dumps({"level": "error", "message": "failed", "error": line}),
            f"Traceback (most recent call last):\n  File \"/app/x.py\", line {r.randint(1, 99)}, in f\nValueError: {line}"]


def _user(r: random.Random) -> str:
    return r.choice(["sidecar", "worker", "app_rw", "authenticator", "alice", "svc-gateway", "default"])


@pytest.mark.parametrize("seed", range(8))
def test_redis_acl_passwords_go_rules_and_hashes_stay(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(6):
        pw, user = password(r), _user(r)
        op = r.choice([">", ">", "<"])
        digest = hashlib.sha256(pw.encode()).hexdigest()
        rules = [r.choice(["on", "reset on", "on resetpass"]), f"{op}{pw}", f"#{digest}", "~cache:*", "+@read",
                 "-@dangerous"]
        r.shuffle(rules[1:])
        spellings = [
            f"ACL SETUSER {user} " + " ".join(rules),
            f"acl setuser {user} " + " ".join(rules),
            json.dumps({"command": ["ACL", "SETUSER", user, *rules]}),
            "await r.execute_command(" + ", ".join(repr(a) for a in ["ACL", "SETUSER", user, *rules]) + ")",
            f'1733460271.118804 [0 172.18.0.5:51234] "ACL" "SETUSER" "{user}" ' + " ".join(f'"{a}"' for a in rules),
            f"user {user} " + " ".join(rules),
        ]
        for s in spellings:
            for text in _carried(r, s):
                out = redact(text)
                assert pw not in out and json.dumps(pw)[1:-1] not in out, text
                assert digest in out and "~cache:*" in out and "+@read" in out, out
        kept = f"ACL SETUSER {user} on nopass ~* &* +@all -@dangerous"
        assert redact(kept) == kept


@pytest.mark.parametrize("seed", range(8))
def test_pgbouncer_userlist_passwords_and_verifiers_go_quoted_fields_stay(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(6):
        pw, user = password(r), _user(r)
        while not password_like(pw):  # the pair names nothing: a value that reads as a word is left (datastores.py)
            pw = password(r)
        md5 = "md5" + hashlib.md5((pw + user).encode()).hexdigest()
        line = f'"{user}" "{pw}"' + r.choice(["", " # rotated", ' ""'])
        spellings = [line, f"userlist.txt line {r.randint(1, 40)}: {line}",
                     json.dumps({"message": "auth file", "lines": [f'"pgbouncer" "{md5}"', line]}),
                     f"ValueError: too many values to unpack (expected 2) in line '{line}'"]
        for s in spellings:
            for text in _carried(r, s):
                out = redact(text)
                assert pw not in out and json.dumps(pw)[1:-1] not in out, text
                # round 9: the md5 verifier goes too (it replays against PgBouncer like the password; formats.py)
                assert md5 not in out, text
        kept = [f'"{user}" "{r.choice(["admin", "readonly", "pgbouncer"])}"',
                f'10.0.0.{r.randint(1, 254)} - - [06/Dec/2026:04:45:06 +0000] "GET /v1/models HTTP/1.1" 200 '
                f'{r.randint(100, 9999)} "-" "curl/8.{r.randint(0, 9)}.0"',
                '"level" "warning" "logger" "src.db.bouncer"']
        for k in kept:
            assert redact(k) == k


@pytest.mark.parametrize("seed", range(8))
def test_libpq_missing_equals_word_goes_keywords_stay(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(6):
        word = r.choice([password(r), rnd(r, "abcdefghijklmnopqrstuvwxyz0123456789", 12), "Winter2026!x"])
        msg = f'missing "=" after "{word}" in connection info string'
        spellings = [msg, f"psycopg.ProgrammingError: {msg}", f"invalid dsn: {msg}",
                     f"psycopg_pool.PoolTimeout: pool initialization incomplete after 30.0 sec (last error: {msg})"]
        for s in spellings:
            for text in _carried(r, s):
                out = redact(text)
                assert f'"{word}"' not in out and f'\\"{word}\\"' not in out, text
        kw = r.choice(["host", "sslmode", "dbname", "port", "application_name"])
        kept = f'psycopg.ProgrammingError: missing "=" after "{kw}" in connection info string'
        assert redact(kept) == kept


@pytest.mark.parametrize("seed", range(6))
def test_redis_masterauth_goes_prose_and_placeholders_stay(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(6):
        pw = password(r)
        while not password_like(pw):  # `NAME value` with a blank: the value must read as one (names.py)
            pw = password(r)
        for line in (f"CONFIG SET masterauth {pw}", f"config set masterauth {pw}", f"masterauth {pw}",
                     f'masterauth "{pw}"', json.dumps({"masterauth": pw}),
                     f'1733460271.118804 [0 127.0.0.1:5] "config" "set" "masterauth" "{pw}"'):
            for text in _carried(r, line):
                out = redact(text)
                assert pw not in out and json.dumps(pw)[1:-1] not in out, text
    for kept in ("masterauth is not set", "# masterauth <master-password>", "masterauth ${REDIS_PASSWORD}"):
        assert redact(kept) == kept


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_pair_of_a_userlist_line_is_redacted(seed: int) -> None:
    """PgBouncer userlist pairs written on one line (`"bob" "pw1" "carol" "pw2"`): round 15's MONITOR twin skipped
    every pair after the first quoted element, keeping the second password (re-read r15); a Redis MONITOR echo
    (`<time> [<db> <addr>] "HELLO" "3" "SETNAME" "<name>"`) keeps its names."""
    import random
    import string

    from sidecar.redaction import redact

    rnd = random.Random(f"userlist-pairs-{seed}")
    users = [rnd.choice(["bob", "carol", "svc_reader", "app.writer", "pgbouncer"]) + str(i) for i in range(rnd.randint(2, 4))]
    # generated credentials (letters, digits in them): what password_like keeps apart from a plain word
    pws = ["".join(rnd.choice(string.ascii_letters) for _ in range(rnd.randint(5, 9))) + str(rnd.randint(10, 9999))
           + "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(rnd.randint(4, 8))) for _ in users]
    line = rnd.choice(["", "userlist: ", "auth_file line: "]) + " ".join(f'"{u}" "{p}"' for u, p in zip(users, pws, strict=True))
    out = redact(line)
    assert not [p for p in pws if p in out], out
    name = f"gw-worker-{rnd.randint(1, 99)}"
    monitor = f'{rnd.randint(1_600_000_000, 1_900_000_000)}.{rnd.randint(0, 999_999):06d} [0 10.0.0.{rnd.randint(2, 250)}:6379] "HELLO" "3" "SETNAME" "{name}"'
    assert name in redact(monitor)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_redis_auth_keeps_its_user_and_loses_its_password(seed: int) -> None:
    """redis.io AUTH/HELLO/MIGRATE: `AUTH [username] password`, `HELLO protover [AUTH username password] [SETNAME
    name]`, `AUTH2 username password`: of two arguments the first is WHO logs in. The name rule read MONITOR's
    `"AUTH" "default"` as a secret's name and value and redacted the user too (re-read r15); logins.py's `auth <key>`
    marking the password first made the Redis rule take the user for the password. Generated: MONITOR echoes (upper
    and lower case, HELLO with and without SETNAME), redis-py argument tuples, AUTH2; carried as JSON and a
    traceback. Twin: AUTH with ONE argument - that argument is the password and goes."""
    r = random.Random(f"redis-auth-user-{seed}")
    for _ in range(12):
        user = _user(r) + r.choice(["", "-" + str(r.randint(1, 99)), "_ro"])
        pw = password(r) + str(r.randint(10, 99))  # a digit in it: a credential, whatever else password() drew
        stamp = f"{r.randint(1_600_000_000, 1_900_000_000)}.{r.randint(0, 999_999):06d} [0 10.0.0.{r.randint(2, 250)}:6379]"
        auth = r.choice(["AUTH", "auth"])
        hello = f'"{"HELLO" if auth.isupper() else "hello"}" "3" '
        tail = r.choice(["", f' "SETNAME" "gw-worker-{r.randint(1, 9)}"'])
        b = r.choice(["b", ""])
        vector = r.choice([f'{stamp} "{auth}" "{user}" "{pw}"', f'{stamp} {hello}"{auth}" "{user}" "{pw}"{tail}',
                           f"args=({b}'AUTH', {b}'{user}', {b}'{pw}')",
                           f'{stamp} "MIGRATE" "10.0.0.9" "6379" "" "0" "5000" "AUTH2" "{user}" "{pw}" "KEYS" "k1"'])
        for line in _carried(r, vector):
            out = redact(line)
            assert pw not in out and user in out, (line, out)
        single = f'{stamp} "{auth}" "{pw}"'
        assert pw not in redact(single), single
