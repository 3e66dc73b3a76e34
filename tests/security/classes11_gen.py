"""Seeded plantings of tests/data/secrets/CLASSES11.md's classes (round 9), for measuring before/after per class.

CLASSES11.md was written by the set-11 writer, who never read the redactor. Each class draws its value (a provider key,
a generated token, a password), its wording and its producer at random, and goes through one of the log shapes
(text record, json.dumps line, Docker json-file record, or as printed). Real libraries print the carrier where one is
installed: email.header (RFC 2047), quopri, base64, urllib.parse, cryptography's Fernet, logging's LogRecord, h11.

Not sampled (no generator): A18 hex dumps and C17 transport cuts (a credential cut across rows/records: every
fragment would have to be a secret by itself), A16 debug annotations in a Docker record per line (the value line
alone), A22's last-applied annotation (sampled as describe/helm only).

    PYTHONPATH=$PWD python -m tests.security.classes11_gen --seeds 1100-1103 [--show A17]
"""

from __future__ import annotations

import base64
import json
import random
import string
import urllib.parse
from collections.abc import Callable

from .secret_gen import AN, HEX, URLSAFE, class_failed, class_plantings, class_report, rnd

Planting = tuple[str, str]
K8S = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand SafeEncodeString: pod names' random parts


def key(r: random.Random) -> str:
    """A credential of a random documented or generated shape."""
    return r.choice([lambda: "sk-" + rnd(r, AN, 48), lambda: "ghp_" + rnd(r, AN, 36), lambda: rnd(r, AN, 32),
                     lambda: "gsk_" + rnd(r, AN, 52), lambda: rnd(r, URLSAFE, 40) + "9",
                     lambda: r.choice(string.ascii_uppercase) + rnd(r, AN + "!#%*-_", 14) + r.choice("0123456789")])()


def pw(r: random.Random) -> str:
    return r.choice(string.ascii_uppercase) + rnd(r, string.ascii_lowercase, 3) + rnd(r, AN + "!#%*", 10) + \
        r.choice(string.digits)


def shape(r: random.Random, text: str) -> str:
    k = r.randrange(4)
    if k == 0:
        return f"2026-12-06 11:02:0{r.randrange(10)},412 {r.choice(['DEBUG', 'ERROR', 'INFO'])} " \
               f"{r.choice(['gw.upstream', 'ops.cli', 'app.worker'])}: {text}"
    if k == 1:
        return json.dumps({"ts": "2026-12-06T11:02:03Z", "level": "debug", "msg": text})
    if k == 2:
        return "\n".join(json.dumps({"log": line + "\n", "stream": "stderr", "time": "2026-12-06T11:02:03.5Z"},
                                    separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")
                         .replace("&", "\\u0026") for line in text.split("\n"))
    return text


# -- (a) carriers --------------------------------------------------------------------------------------------------
def a16(r: random.Random) -> Planting:
    v = key(r)
    name = r.choice(["cred", "upstream", "k", "value"])
    if r.random() < 0.5:
        code = f"    client = Client({name})"
        return shape(r, f"{code}\n    │             └ '{v}'\n    └ <class 'gw.Client'>"), v
    return f"{name:<10} = '{v}'\nretries    = 3", v


def a17(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(4)
    if k == 0:
        resp = f"*3\r\n$4\r\nAUTH\r\n$7\r\ndefault\r\n${len(v)}\r\n{v}\r\n"
        return shape(r, f'write(7, {json.dumps(resp)[:-1]}", {len(resp)}) = {len(resp)}'), v
    if k == 1:
        msg = b"p" + (len(v) + 5).to_bytes(4, "big") + v.encode() + b"\x00"
        return shape(r, f"send: {msg!r}"), v
    if k == 2:
        b = base64.b64encode(f"\0gw@example.com\0{v}".encode()).decode()
        return shape(r, f"send: b'AUTH PLAIN {b}\\r\\n'"), b
    return shape(r, f"C: a001 LOGIN gw {v}\r\nS: a001 NO [AUTHENTICATIONFAILED]"), v


def a19(r: random.Random) -> Planting:
    v = key(r)
    name = r.choice(["authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie"])
    val = f"Bearer {v}" if name == "authorization" else (f"session={v}" if name == "cookie" else v)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"receive_response_headers.complete return_value=(b'HTTP/1.1', 401, b'Unauthorized', "
                        f"[(b'content-type', b'application/json'), (b'{name}', b'{val}')])"), v
    if k == 1:
        return shape(r, f"Request(method=b'POST', target=b'/v1/chat', headers=<Headers([(b'host', b'api.x.ai'), "
                        f"(b'{name}', b'{val}')])>, http_version=b'1.1')"), v
    if k == 2:
        return shape(r, f"> GET /ws HTTP/1.1\n> Host: rt.example.com\n> {name.title()}: {val}\n> Upgrade: websocket"), v
    return shape(r, f"'headers': [(b'host', b'gw'), (b'{name}', b'{val}')]"), v


def a20(r: random.Random) -> Planting:
    v = key(r)
    if r.random() < 0.5:
        name = r.choice(["x-api-key", "x-goog-api-key", "Ocp-Apim-Subscription-Key", "apikey"])
        return shape(r, f"Request options: {{'method': 'post', 'url': '/chat/completions', 'headers': "
                        f"{{'api-key': '<redacted>', '{name}': '{v}'}}}}"), v
    return shape(r, "send: " + json.dumps({"topic": "realtime:room", "event": "phx_join", "payload": {
        "access_token": "<redacted>", "config": {"broadcast": {"self": False}, "token": v}}})), v


def a21(r: random.Random) -> Planting:
    v = key(r)
    if r.random() < 0.5:
        return shape(r, str({"name": "gw.auth", "msg": "login with %s for %s", "args": (v, "svc"), "levelname": "ERROR"})), v
    return ("--- Logging error ---\nTraceback (most recent call last):\n  File \"/usr/lib/python3.11/logging/__init__.py\", "
            "line 1110, in emit\nTypeError: not all arguments converted during string formatting\nCall stack:\n"
            f"  File \"/app/gw/auth.py\", line 31, in login\nMessage: 'upstream login'\nArguments: ('{v}',)"), v


def a22(r: random.Random) -> Planting:
    v = key(r)
    name = r.choice(["UPSTREAM", "GW_CRED", "OPENAI_API_KEY", "CONN"])
    if r.random() < 0.5:
        return shape(r, f"    Environment:\n      POD_NAME:   gw-7d9f (v1:metadata.name)\n      {name}:  {v}\n"
                        f"      DB_PASS:    <set to the key 'password' in secret 'db'>  Optional: false"), v
    return shape(r, f"USER-SUPPLIED VALUES:\nupstreams:\n  kimi:\n    apiKey: {v}\n    timeout: 30"), v


def a23(r: random.Random) -> Planting:
    from email.header import Header
    v = key(r)
    k = r.randrange(3)
    if k == 0:
        enc = Header(f"api_key={v}", "utf-8").encode()
        return shape(r, f"X-Gw-Note: {enc}"), v
    if k == 1:
        import quopri
        body = quopri.encodestring(f"password={v}\n".encode()).decode().strip()
        return shape(r, f"Content-Transfer-Encoding: quoted-printable\n\n{body}"), v
    return shape(r, f"send: b'AUTH LOGIN {base64.b64encode(b'gw').decode()}\\r\\n'\nreply: b'334 UGFzc3dvcmQ6\\r\\n'\n"
                    f"send: b'{base64.b64encode(v.encode()).decode()}\\r\\n'"), base64.b64encode(v.encode()).decode()


def a24(r: random.Random) -> Planting:
    v = key(r)
    name = r.choice(["api_key", "db.password", "upstream.token", "client_secret"])
    k = r.randrange(4)
    if k == 0:
        return shape(r, json.dumps({"attributes": [{"key": "http.method", "value": {"stringValue": "POST"}},
                                                   {"key": name, "value": {"stringValue": v}}]})), v
    if k == 1:
        return shape(r, json.dumps({"version": "1.1", "host": "gw", "short_message": "auth", f"_{name}": v})), v
    if k == 2:
        return shape(r, f'<EventData><Data Name="TargetUserName">svc</Data><Data Name="{name}">{v}</Data></EventData>'), v
    return shape(r, f"CEF:0|gw|sidecar|1.0|401|auth failed|5|cs1Label={name} cs1={v} src=10.0.0.5"), v


def a25(r: random.Random) -> Planting:
    v = r.choice(string.ascii_letters) + rnd(r, AN, 8) + "+" + rnd(r, AN, 6) + "'" + rnd(r, AN, 4) + "9"
    esc = v.replace("+", "\\u002B").replace("'", "\\u0027")
    return shape(r, '{"password":"' + esc + '","user":"svc"}'), esc


def a26(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(2)
    if k == 0:
        return shape(r, "GetPassWarning: Can not control echo on the terminal.\nWarning: Password input may be echoed.\n"
                        f"Password: {v}"), v
    return shape(r, f"npm login\nUsername: ci-bot\nPassword: {v}\nEmail: (this IS public) ci@example.com"), v


def a27(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(3)
    if k == 0:
        return shape(r, "LOG:  execute <unnamed>: UPDATE users SET pw_hash = crypt($2, gen_salt('bf')) WHERE name = $1\n"
                        f"DETAIL:  parameters: $1 = 'svc', $2 = '{v}'"), v
    if k == 1:
        return shape(r, json.dumps({"jsonrpc": "2.0", "method": r.choice(["auth.login", "user.authenticate"]),
                                    "params": ["svc", v], "id": 7})), v
    return shape(r, json.dumps({"query": "mutation Login($u: String!, $p: String!) { login(user: $u, password: $p) "
                                         "{ ok } }", "variables": {"u": "svc", "p": v}})), v


# -- (b) names -----------------------------------------------------------------------------------------------------
def b9(r: random.Random) -> Planting:
    v = key(r)
    name = r.choice(["prod/db", "SLACK_HOOK", "cred-7", "UPSTREAM"])
    cmd = r.choice([f"gh secret set {name} --body {v}", f"aws secretsmanager put-secret-value --secret-id {name} "
                    f"--secret-string {v}", f"aws ssm put-parameter --name /gw/{name} --type SecureString --value {v}",
                    f"az keyvault secret set --vault-name kv1 --name {name} --value {v}", f"vault kv put secret/gw conn={v}",
                    f"fly secrets set {name}={v}", f"heroku config:set {name}={v} -a gw"])
    return shape(r, f"+ {cmd}"), v


def b10(r: random.Random) -> Planting:
    v = key(r)
    k = r.randrange(3)
    if k == 0:
        return shape(r, json.dumps({"Parameter": {"Name": "/gw/upstream", "Type": "SecureString", "Value": v,
                                                  "Version": 3}})), v
    if k == 1:
        return shape(r, json.dumps([{"ParameterKey": "UpstreamCred", "ParameterValue": v}])), v
    return shape(r, json.dumps({"variables": {"upstream_cred": {"value": v}}})), v


def b11(r: random.Random) -> Planting:
    v = base64.b64encode(r.randbytes(32)).decode()
    k = r.randrange(3)
    if k == 0:
        return shape(r, json.dumps({"CiphertextBlob": base64.b64encode(r.randbytes(184)).decode(), "Plaintext": v,
                                    "KeyId": "arn:aws:kms:eu-west-1:111122223333:key/1234"})), v
    if k == 1:
        return shape(r, json.dumps({"keyData": {"typeUrl": "type.googleapis.com/google.crypto.tink.AesGcmKey",
                                                "value": v, "keyMaterialType": "SYMMETRIC"}})), v
    return shape(r, f"{r.choice(['dek', 'kek', 'mac_key', 'signing_key', 'seed'])}={v}"), v


def b12(r: random.Random) -> Planting:
    v = pw(r)
    cmd = r.choice([f"rabbitmqctl add_user gw {v}", f"rabbitmqctl change_password gw {v}",
                    f"mosquitto_passwd -b /etc/mosquitto/passwd gw {v}", f"echo 'gw:{v}' | chpasswd",
                    f"auth = aiohttp.BasicAuth('gw', '{v}')"])
    return shape(r, cmd), v


def b13(r: random.Random) -> Planting:
    v = key(r)
    k = r.randrange(4)
    if k == 0:
        return shape(r, f"GET /app/home;jsessionid={v}?x=1 302"), v
    if k == 1:
        return shape(r, f"pip install git+https://{v}@github.com/acme/gw-plugins.git@v1.2"), v
    if k == 2:
        return shape(r, f"redirect to https://app.example.com/cb?next={urllib.parse.quote('/v1?token=' + v, safe='')}"), v
    return shape(r, f"open myapp://oauth/callback?code={v}&state=xyz"), v


# -- (c) values ----------------------------------------------------------------------------------------------------
def c9(r: random.Random) -> Planting:
    v = "sk-" + rnd(r, AN, 40)
    b = ("key=" + v).encode()
    k = r.randrange(3)
    if k == 0:
        return shape(r, "<Buffer " + " ".join(f"{x:02x}" for x in b[:50]) + f" ... {len(b) - 50} more bytes>"), \
            " ".join(f"{x:02x}" for x in b[4:40])
    if k == 1:
        return shape(r, f"payload={list(b)}"), ", ".join(map(str, b[4:40]))
    return shape(r, "".join(f"\\x{x:02x}" for x in b)), "".join(f"\\x{x:02x}" for x in b[4:40])


def c10(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(3)
    if k == 0:
        blob = base64.urlsafe_b64encode(json.dumps({"username": "ci", "password": v, "serveraddress": "ghcr.io"}).encode())
        return shape(r, f"X-Registry-Auth: {blob.decode()}"), blob.decode()
    if k == 1:
        tok = base64.b64encode(f"AWS:{v}".encode()).decode()
        return shape(r, json.dumps({"authorizationData": [{"authorizationToken": tok, "proxyEndpoint": "https://1.dkr.ecr"}]})), tok
    enc = base64.b64encode(v.encode()).decode()
    return shape(r, f"//registry.npmjs.org/:_password={enc}"), enc


def c11(r: random.Random) -> Planting:
    v = key(r)
    k = r.randrange(2)
    if k == 0:
        enc = urllib.parse.quote(json.dumps({"api_key": v}), safe="")
        return shape(r, f"GET /cb?state={enc} 400"), urllib.parse.quote(v, safe="")
    enc = "".join(f"%{x:02x}" for x in v.encode())
    return shape(r, f"POST /login body=password%3D{enc}"), enc


def c12(r: random.Random) -> Planting:
    k = r.randrange(3)
    if k == 0:
        from cryptography.fernet import Fernet
        # built from the seed with the library's own encoder (key, time and IV drawn from `r`): reproducible
        key_bytes = base64.urlsafe_b64encode(bytes(r.getrandbits(8) for _ in range(32)))
        iv = bytes(r.getrandbits(8) for _ in range(16))
        v = Fernet(key_bytes)._encrypt_from_parts(b'{"user": "svc", "scope": "admin"}', 1733475600 + r.randrange(86400),
                                                  iv).decode()
    elif k == 1:
        v = r.choice(["v2.local.", "v4.local.", "v4.public."]) + rnd(r, URLSAFE, 120)
    else:
        v = "Fe26.2**" + rnd(r, HEX, 64) + "*" + rnd(r, URLSAFE, 22) + "*" + rnd(r, URLSAFE, 43) + "**" + rnd(r, HEX, 64) + "*" + rnd(r, URLSAFE, 43)
    return shape(r, f"{r.choice(['session', 'X-Gw-Ticket', 'ticket'])}: {v}"), v


def _b64j(d: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")


def c13(r: random.Random) -> Planting:
    payload = _b64j({"sub": "svc", "role": "admin", "exp": 2049036000})
    k = r.randrange(3)
    if k == 0:
        v = f"{_b64j({'typ': 'JWT', 'alg': 'HS256'})}.{payload}.{rnd(r, URLSAFE, 43)}"
        return shape(r, f"token accepted {v}"), v
    if k == 1:
        v = f"{_b64j({'alg': 'none', 'typ': 'JWT'})}.{payload}."
        return shape(r, f"unsigned jwt seen: {v}"), v[:-1]
    sess = "base64-" + base64.b64encode(json.dumps({"access_token": rnd(r, URLSAFE, 60)}).encode()).decode()
    half = len(sess) // 2
    return shape(r, f"Cookie: sb-abcdefghijklmnopqrst-auth-token.0={sess[:half]}; sb-abcdefghijklmnopqrst-auth-token.1={sess[half:]}"), sess[half:half + 30]


def c14(r: random.Random) -> Planting:
    k = r.randrange(3)
    if k == 0:
        v = rnd(r, HEX, 32)
        return shape(r, f"gw:1001:aad3b435b51404eeaad3b435b51404ee:{v}:::"), v
    if k == 1:
        v = rnd(r, HEX, 64)
        return shape(r, f"network={{\n\tssid=\"gw-lab\"\n\tpsk={v}\n}}"), v
    v = rnd(r, HEX, 64)
    return shape(r, f"   2 HTTP/gw.internal@EXAMPLE.COM (aes256-cts-hmac-sha1-96)  (0x{v})"), v


def c15(r: random.Random) -> Planting:
    k = r.randrange(3)
    if k == 0:
        v = rnd(r, string.ascii_lowercase + string.digits, 16)
        return shape(r, f"data:\n  token-id: {rnd(r, 'abcdef0123456789', 6)}\n  token-secret: {v}"), v
    if k == 1:
        v = rnd(r, HEX, 64)
        return shape(r, f"CF-Access-Client-Id: {rnd(r, HEX, 32)}.access\nCF-Access-Client-Secret: {v}"), v
    v = rnd(r, HEX, 64)
    return shape(r, f"CONVEX_DEPLOY_KEY=prod:happy-otter-123|{v}"), v


def c16(r: random.Random) -> Planting:
    v = r.choice([lambda: "phx_" + rnd(r, AN, 40), lambda: r.choice(["tr_dev_", "tr_prod_", "tr_pat_"]) + rnd(r, AN, 24),
                  lambda: r.choice(["signkey-prod-", "signkey-test-"]) + rnd(r, HEX, 64),
                  lambda: "dckr_oat_" + rnd(r, URLSAFE, 32), lambda: "hvr." + rnd(r, AN, 24),
                  lambda: "glffct-" + rnd(r, URLSAFE, 20), lambda: "glimt-" + rnd(r, AN, 25)])()
    return shape(r, r.choice([f"client created with {v}", f"upstream rejected {v}", json.dumps({"cfg": v})])), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "A16": a16, "A17": a17, "A19": a19, "A20": a20, "A21": a21, "A22": a22, "A23": a23, "A24": a24, "A25": a25,
    "A26": a26, "A27": a27, "B9": b9, "B10": b10, "B11": b11, "B12": b12, "B13": b13, "C9": c9, "C10": c10,
    "C11": c11, "C12": c12, "C13": c13, "C14": c14, "C15": c15, "C16": c16}


# -- (d) must-keep ---------------------------------------------------------------------------------------------------
def d9(r: random.Random) -> Planting:
    k = r.randrange(3)
    v = [lambda: "phc_" + rnd(r, AN, 40), lambda: rnd(r, HEX, 32) + ".access", lambda: "0x4AAAAAAA" + rnd(r, AN, 12)][k]()
    return shape(r, [f"posthog project key {v}", f"CF-Access-Client-Id: {v}", f"turnstile sitekey={v}"][k]), v


def d10(r: random.Random) -> Planting:
    msg = r.choice(["retry 3 of 5 after 429", "pool exhausted", "GET /v1/models 200"])
    k = r.randrange(3)
    if k == 0:
        v = " ".join(f"{x:02x}" for x in msg.encode())
        return shape(r, f"<Buffer {v}>"), v
    if k == 1:
        v = base64.b64encode(json.dumps({"page": 2, "q": msg}).encode()).decode()
        return shape(r, f"state={v}"), v
    v = urllib.parse.quote(json.dumps({"msg": msg}), safe="")
    return shape(r, f"GET /cb?state={v} 400"), v


def d11(r: random.Random) -> Planting:
    v = r.choice(["'api-key': '<redacted>'", '"access_token":"<redacted>"', "password:  16 bytes", "(sensitive value)",
                  '"Type": "SecureString"', "${DB_PASSWORD}"])
    return shape(r, f"debug dump {v} model=kimi-k2"), v


def d12(r: random.Random) -> Planting:
    v = r.choice(["GET session:42", "user=gateway_rw database=app", "* Connected to api.moonshot.cn (1.2.3.4) port 443",
                  ":path: /v1/chat/completions"])
    return shape(r, f"trace {v}"), v


def d13(r: random.Random) -> Planting:
    v = r.choice(["Password for user app:", "Enter passphrase for key '/root/.ssh/id_ed25519':", "Login Succeeded",
                  "Warning: Password input may be echoed."])
    return shape(r, v), v


def d14(r: random.Random) -> Planting:
    k = r.randrange(3)
    if k == 0:
        v = f"ENC[AES256_GCM,data:{rnd(r, AN + '+/', 24)}=,iv:{rnd(r, AN + '+/', 43)}=,tag:{rnd(r, AN + '+/', 22)}==,type:str]"
        return shape(r, f"password: {v}"), v
    if k == 1:
        v = rnd(r, HEX, 80)
        return shape(r, f"$ANSIBLE_VAULT;1.1;AES256\n{v}"), v
    v = "AgB" + rnd(r, AN + "+/", 120)
    return shape(r, json.dumps({"kind": "SealedSecret", "spec": {"encryptedData": {"password": v}}})), v


def a27_twin(r: random.Random) -> Planting:
    """A27's near-misses: parameters bound to no secret name, a JSON-RPC method that logs nobody in, a GraphQL id."""
    v = r.choice(["acme-prod-7f3k9q2m", "u_" + rnd(r, AN, 16), "hello there", "kimi-k2-0905-preview"])
    k = r.randrange(3)
    if k == 0:
        return shape(r, "LOG:  execute <unnamed>: SELECT * FROM users WHERE name = $1 AND tenant = $2\n"
                        f"DETAIL:  parameters: $1 = 'svc', $2 = '{v}'"), v
    if k == 1:
        return shape(r, json.dumps({"jsonrpc": "2.0", "method": "chat.send", "params": ["svc", v], "id": 1})), v
    return shape(r, json.dumps({"query": "query Q($id: ID!) { user(id: $id) { name } }", "variables": {"id": v}})), v


def a21_twin(r: random.Random) -> Planting:
    """A21's near-miss: logging args that are a model, a request id, a host, a user."""
    v = r.choice(["kimi-k2-0905-preview", "req_" + rnd(r, AN, 20), "api.moonshot.cn", "gateway_rw", rnd(r, HEX, 32)])
    if r.random() < 0.5:
        return shape(r, str({"name": "gw.up", "msg": "retry %d for %s", "args": (3, v), "levelname": "ERROR"})), v
    return "--- Logging error ---\nCall stack:\n  File \"/app/gw/up.py\", line 9, in call\nMessage: 'upstream %s %s'\n" \
           f"Arguments: ({v!r}, 'x', 'y')", v


def a16_a22_twin(r: random.Random) -> Planting:
    """A16/A22's near-misses: debug annotations, showlocals and describe's Environment lines of non-credentials."""
    v = r.choice(["kimi-k2-0905-preview", "https://api.moonshot.cn/v1", "req_" + rnd(r, AN, 20), "eu-west-1",
                  f"gw-{rnd(r, K8S, 10)}-{rnd(r, K8S, 5)}", rnd(r, HEX, 24)])
    k = r.randrange(3)
    if k == 0:
        return shape(r, f"    client = Client(model)\n    │             └ '{v}'\n    └ <class 'gw.Client'>"), v
    if k == 1:
        return f"model      = '{v}'\nretries    = 3", v
    return shape(r, f"    Environment:\n      POD_NAME:   gw-7d9f (v1:metadata.name)\n      GW_TARGET:  {v}\n"), v


KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "A16-keep": a16_a22_twin, "A21-keep": a21_twin, "A27-keep": a27_twin, "D9": d9, "D10": d10, "D11": d11, "D12": d12, "D13": d13, "D14": d14}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("c11", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    return class_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1100-1103")


if __name__ == "__main__":
    main()
