"""Round 7 part 2 (held-out 9 as development data): the classes it lost or leaked, each generated both ways
(kept / redacted) with the real library that prints the carrier where one does (urllib.parse, PyJWT's JWK
export, cryptography keys)."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import urllib.parse

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from sidecar.redaction import redact

SEEDS = range(6)
AN = string.ascii_letters + string.digits
B64URL = AN + "-_"


def rnd(r: random.Random, chars: str, n: int) -> str:
    return "".join(r.choice(chars) for _ in range(n))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_value_in_a_list_after_an_identifier_name_stays(seed: int) -> None:
    """parse_qs gives a dict of lists ({'code_challenge': ['<v>']}); JSON carries the same: the name before the
    '[' announces the value as it does without one (RFC 7636 code_challenge is a digest, client_id an id)."""
    r = random.Random(seed)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(r.randbytes(32)).digest()).decode().rstrip("=")
    client = rnd(r, AN, 32)
    verifier = rnd(r, B64URL, 43)
    query = urllib.parse.urlencode({"response_type": "code", "client_id": client, "code_challenge": challenge,
                                    "code_challenge_method": "S256"})
    form = urllib.parse.parse_qs(query)
    for line in (f"DEBUG authorize form={form}", f"authorize {json.dumps(form)}"):
        out = redact(line)
        assert challenge in out and client in out, out
    # the verifier is the secret of the pair (RFC 7636 4.1), and a secret name's list value still goes
    for line in (f"token form={urllib.parse.parse_qs('code_verifier=' + verifier)}",
                 f"token {json.dumps({'client_secret': [verifier]})}"):
        assert verifier not in redact(line), line


@pytest.mark.parametrize("seed", SEEDS)
def test_a_jwks_public_members_stay_its_private_members_go(seed: int) -> None:
    r = random.Random(seed)
    if seed % 2:
        key = rsa.generate_private_key(public_exponent=65537, key_size=1024 + 512 * (seed % 3))
        jwk = json.loads(RSAAlgorithm.to_jwk(key))
        public, private = ("n", "e"), ("d", "p", "q", "dp", "dq", "qi")
    else:
        key = ec.derive_private_key(r.randrange(1, 2**255), ec.SECP256R1())
        jwk = json.loads(ECAlgorithm.to_jwk(key))
        public, private = ("x", "y"), ("d",)
    jwk["kid"] = rnd(r, "0123456789abcdef", 16)
    pub = {k: v for k, v in jwk.items() if k not in private}
    line = f"fetched https://idp.example.com/.well-known/jwks.json {json.dumps({'keys': [pub]})}"
    out = redact(line)
    assert all(pub[k] in out for k in public), out
    out = redact(f"loaded signing key {json.dumps(jwk)}")
    assert not any(jwk[k] in out for k in private if len(jwk[k]) >= 20), out
    # outside a JWK, a one-letter name announces nothing
    loose = rnd(r, AN, 40)
    assert loose not in redact(f'{{"n": "{loose}", "mode": "x"}}')


@pytest.mark.parametrize("seed", SEEDS)
def test_mapbox_public_tokens_stay_whole_secret_tokens_go(seed: int) -> None:
    r = random.Random(seed)
    payload = base64.urlsafe_b64encode(json.dumps({"u": rnd(r, string.ascii_lowercase, 8), "a": rnd(r, AN, 12)})
                                       .encode()).decode().rstrip("=")
    tail = rnd(r, B64URL, 22)
    name = r.choice(["MAPBOX_PUBLIC_TOKEN", "mapboxgl.accessToken", "access_token", "token"])
    public, secret = f"pk.{payload}.{tail}", f"sk.{payload}.{tail}"
    for sep in ("=", ": ", " = '"):
        assert public in redact(f"rendered map config {name}{sep}{public}")
        assert f"sk.{payload}" not in redact(f"rendered map config {name}{sep}{secret}")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_captcha_site_key_stays_its_secret_goes(seed: int) -> None:
    r = random.Random(seed)
    site = r.choice(["6L" + rnd(r, B64URL, 38), "0x4AAAAAAA" + rnd(r, B64URL, 12)])
    secret = "6L" + rnd(r, B64URL, 38)
    name = r.choice(["sitekey", "site_key", "data-sitekey", "siteKey", "RECAPTCHA_SITE_KEY", "turnstile_site_key"])
    out = redact(f"captcha widget failed to load {name}={site} domain=app.example.com")
    assert site in out, out
    out = redact(f'{{"{name}": "{site}", "secret": "{secret}"}}')
    assert site in out and secret not in out, out
    assert secret not in redact(f"siteverify secret={secret} response=abc")


@pytest.mark.parametrize("seed", SEEDS)
def test_an_api_key_named_appid_in_a_query_goes_an_app_id_stays(seed: int) -> None:
    """OpenWeatherMap's key parameter is `appid` (32 hex); other APIs' `appid` is a public app id (WeChat `wx` +
    16 hex, Baidu digits). Carriers: urllib3's request line, requests' HTTPError, a JSON log whose encoder writes
    `&` as `\\u0026` (Go's encoding/json)."""
    r = random.Random(seed)
    key = rnd(r, "0123456789abcdef", 32)
    path = r.choice(["/data/2.5/weather", "/data/3.0/onecall", "/geo/1.0/direct", "/data/2.5/forecast"])
    params = [("q", r.choice(["Berlin", "Paris", "São Paulo"])), ("appid", key), ("units", "metric")]
    r.shuffle(params)
    url = f"https://api.openweathermap.org{path}?{urllib.parse.urlencode(params)}"
    request_line = f'https://api.openweathermap.org:443 "GET {path}?{urllib.parse.urlencode(params)} HTTP/1.1" 401 107'
    for text in (f"DEBUG urllib3.connectionpool: {request_line}",
                 f"requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: {url}",
                 json.dumps({"log": f"DEBUG:urllib3.connectionpool:{request_line}\n"}).replace("&", "\\u0026")):
        out = redact(text)
        assert key not in out and "api.openweathermap.org" in out and "units=metric" in out, out
    for app_id in ("wx" + rnd(r, "0123456789abcdef", 16), str(r.randrange(10**13, 10**14))):
        text = f"GET https://api.example.cn/cgi-bin/token?grant_type=client_credential&appid={app_id} 200"
        assert app_id in redact(text)


# (password word, a phrase of the same script after it: glued for the languages written without blanks)
NATIVE_PHRASES = [
    ("كلمة المرور", " إلى "), ("كلمة المرور", " الجديدة هي "), ("كلمة السر", " غير صحيحة "),
    ("รหัสผ่าน", "ใหม่คือ "), ("รหัสผ่าน", "ไม่ถูกต้อง "), ("密码", "已重置为 "), ("パスワード", "は次のとおりです "),
    ("пароль", " изменён на "), ("رمز عبور", " جدید "), ("पासवर्ड", " बदलकर "), ("סיסמה", " חדשה "),
]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_password_after_its_word_and_a_phrase_in_the_same_script_goes(seed: int) -> None:
    r = random.Random(seed)
    for word, phrase in NATIVE_PHRASES:
        symbols = "#*.-$!_+@%"
        pw = "".join(r.choice(string.ascii_letters + (symbols if seed % 2 else symbols + string.digits))
                     for _ in range(r.randrange(12, 20)))
        pw = r.choice(string.ascii_lowercase) + pw + r.choice(string.ascii_uppercase) + r.choice(symbols)
        prefix = r.choice(["", "تم تعيين ", "WARNING src.i18n.ops: ", "ResetError: "])
        out = redact(f"{prefix}{word}{phrase}{pw}")
        assert pw not in out, out
        # the same phrase before an identifier, a header or config name, a path, a word: prose, kept
        for kept in ("Content-Type", "X-Request-Id", "auth.passwordMinLength", "/etc/shadow", "ERR_PASSWORD_EXPIRED",
                     "OpenAI-Organization", "admin", "2026-12-06T05:53:53"):
            assert kept in redact(f"{prefix}{word}{phrase}{kept}"), (word, phrase, kept)


@pytest.mark.parametrize("seed", SEEDS)
def test_redis_sentinel_passwords_go_master_names_and_users_stay(seed: int) -> None:
    """sentinel.conf / SENTINEL SET syntax (redis.io Sentinel docs): the master's name sits between the directive
    and the password (`sentinel auth-pass <master> <pw>`) or before it (`SENTINEL SET <master> auth-pass <pw>`)."""
    r = random.Random(seed)
    master = r.choice(["mymaster", "gw-cache", "redis-primary-eu1", "cache_main", "sessions"])
    pw = rnd(r, AN + "+/=!_-", r.randrange(12, 32))
    lines = [f"sentinel auth-pass {master} {pw}", f"SENTINEL SET {master} auth-pass {pw}",
             f"sentinel sentinel-pass {pw}", f"SENTINEL CONFIG SET sentinel-pass {pw}"]
    for line in lines:
        for text in (f"INFO sentinel.conf rendered:\nsentinel monitor {master} 10.0.4.{seed} 6379 2\n{line}",
                     json.dumps({"log": line + "\n", "stream": "stderr"}),
                     f"redis-cli -p 26379 {line}"):
            out = redact(text)
            assert pw not in out and json.dumps(pw)[1:-1] not in out, out
            if master in line:
                assert master in out, out
            assert '\\n"' in out or "\\n" not in text, out  # the JSON escape after the value stays
    user = r.choice(["replica", "sentinel-user", "default"])
    assert user in redact(f"sentinel auth-user {master} {user}")
    for ref in ("${REDIS_PASSWORD}", "{{ .Values.auth.password }}", "<password>"):
        assert ref.split()[0] in redact(f"sentinel auth-pass {master} {ref}")


def _conninfo_value(v: str) -> str:
    """libpq's quoting of a conninfo value (every value quoted, as pg_basebackup -R writes primary_conninfo)."""
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_conninfo_password_inside_a_quoted_setting_goes(seed: int) -> None:
    """postgresql.auto.conf / ALTER SYSTEM: the conninfo is itself a single-quoted string, so each value's quotes
    are doubled (`password=''<v>''`, postgresql.conf's "write two quotes")."""
    r = random.Random(seed)
    pw = rnd(r, AN + "$_!#%", r.randrange(10, 24))
    params = {"user": "replicator", "password": pw, "channel_binding": "prefer", "host": f"db-primary-{seed}",
              "port": "5432", "sslmode": r.choice(["prefer", "require", "verify-full"])}
    conninfo = " ".join(f"{k}={_conninfo_value(v)}" for k, v in params.items())
    setting = "'" + conninfo.replace("'", "''") + "'"
    for text in (f"INFO postgresql.auto.conf: primary_conninfo = {setting}",
                 json.dumps({"log": f"primary_conninfo = {setting}\n", "stream": "stderr"}),
                 f"LOG:  statement: ALTER SYSTEM SET primary_conninfo = {setting}"):
        out = redact(text)
        assert pw not in out and f"db-primary-{seed}" in out and "replicator" in out, out
    # an empty password in the same setting takes nothing after it
    empty = "'" + conninfo.replace(_conninfo_value(pw), "''").replace("'", "''") + "'"
    assert redact(f"primary_conninfo = {empty}").count("[REDACTED") == 0


SESSION_COOKIES = ["_gitlab_session", "_myshop_session", "_session_id", "laravel_session", "ci_session", "PHPSESSID",
                   "JSESSIONID", "connect.sid", "ASP.NET_SessionId", "rack.session"]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_framework_session_cookie_goes_in_a_cookie_jar_dict(seed: int) -> None:
    """requests' cookie jar as a dict (`requests.utils.dict_from_cookiejar`), logged as JSON or a repr: the
    frameworks' session cookie names (Rails, Laravel, CodeIgniter, PHP, servlets, express-session, ASP.NET, Rack)
    name a bearer credential; other cookies and session counters/objects stay."""
    import requests

    r = random.Random(seed)
    name = SESSION_COOKIES[seed % len(SESSION_COOKIES)] if seed < len(SESSION_COOKIES) else r.choice(SESSION_COOKIES)
    value = r.choice([rnd(r, "0123456789abcdef", 32), "s%3A" + rnd(r, B64URL, 32) + "." + rnd(r, B64URL, 27),
                      rnd(r, AN, 26)])
    jar = requests.cookies.RequestsCookieJar()
    jar.set(name, value, domain="gitlab.example.com")
    jar.set("known_sign_in", "true", domain="gitlab.example.com")
    cookies = requests.utils.dict_from_cookiejar(jar)
    for text in (json.dumps({"message": "redirect loop", "cookies": cookies}),
                 f"requests.exceptions.TooManyRedirects: Exceeded 30 redirects. (cookies: {cookies})"):
        out = redact(text)
        assert value not in out and "known_sign_in" in out and name in out, out
    for kept in ("self._http_session = <aiohttp.client.ClientSession object at 0x7f3a2c1d>", "_db_session=None",
                 f'{{"session_count": "{r.randrange(1000)}", "user_session": "active"}}'):
        assert redact(kept) == kept


@pytest.mark.parametrize("seed", SEEDS)
def test_botocore_signature_line_goes_its_string_to_sign_stays(seed: int) -> None:
    """botocore.auth's debug lines (SigV4Auth.add_auth: 'CanonicalRequest:\\n%s', 'StringToSign:\\n%s',
    'Signature:\\n%s'): the signature, an HMAC-SHA256 of the string to sign, is the line after its label."""
    import hmac

    r = random.Random(seed)
    string_to_sign = ("AWS4-HMAC-SHA256\n20261206T054657Z\n20261206/eu-west-1/s3/aws4_request\n"
                      + hashlib.sha256(r.randbytes(16)).hexdigest())
    sig = hmac.new(r.randbytes(32), string_to_sign.encode(), hashlib.sha256).hexdigest()
    v2 = base64.b64encode(hmac.new(r.randbytes(20), b"GET\n\n\n", hashlib.sha1).digest()).decode()
    for value in (sig, v2):
        raw = (f"2026-12-06 05:46:57,026 DEBUG botocore.auth: StringToSign:\n{string_to_sign}\n"
               f"2026-12-06 05:46:57,026 DEBUG botocore.auth: Signature:\n{value}")
        for text in (raw, json.dumps({"log": f"DEBUG botocore.auth Signature:\n{value}\n", "stream": "stderr"})):
            out = redact(text)
            assert value not in out, out
        assert string_to_sign.splitlines()[-1] in redact(raw)
    # a label of another kind, or a signature line that is prose, stays
    for kept in (f"X-Amz-Content-SHA256:\n{sig}", "Signature:\nmissing", f"CanonicalRequest:\nGET\n/\n\nhost:s3\n{sig}"):
        assert redact(kept) == kept
