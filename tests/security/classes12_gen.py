"""Seeded plantings of tests/data/secrets/CLASSES12.md's classes (round 10), for measuring leaked/lost per class.

CLASSES12.md was written by the set-12 writer, who never read the redactor. Each class draws its value, its name
spelling, its producer and its log shape (classes11_gen.shape: text record, json.dumps line, Docker record per line, or
as printed) at random. Real libraries print the carrier where one is installed: urllib.parse, http.cookies,
http.cookiejar, multidict, httpx, aiohttp's RequestInfo, starlette's QueryParams, base64, zlib.

Not sampled (no generator, said here as CLASSES12.md's notes ask): A35 carriage-return redraws and overstrike (the
value is re-drawn in pieces), C24 ROT13/reversed strings (no mechanism can tell them from text), B15 homoglyph
names (confusable tables are not installed).

    PYTHONPATH=$PWD python -m tests.security.classes12_gen --seeds 1200-1203 [--show A28]
"""

from __future__ import annotations

import base64
import http.cookiejar
import http.cookies
import json
import random
import string
import urllib.parse
import zlib
from collections.abc import Callable

from .classes11_gen import key, pw, shape
from .secret_gen import AN, HEX, URLSAFE, class_plantings, class_report, class_value_failed, rnd

Planting = tuple[str, str]
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B36 = string.ascii_lowercase + string.digits
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
NAMES = ["api_key", "apiKey", "password", "token", "secret", "ApiKey", "db_password", "accessToken", "client_secret"]


def value(r: random.Random) -> str:
    return r.choice([key, pw])(r)


def _name(r: random.Random) -> str:
    return r.choice(NAMES)


def a28(r: random.Random) -> Planting:
    v, n = value(r), _name(r)
    forms = [f"config: {{{n.title().replace('_', '')}:{v} Timeout:30s}}", f'main.Config{{{n}:"{v}", Timeout:30}}',
             f'Config {{ {n}: "{v}", timeout: 30 }}', f"Config{{{n}='{v}', timeout=30}}", f"Config({n}={v}, timeout=30)",
             f"Config[{n}={v}, timeout=30]", f'{{"{n}"=>"{v}", "timeout"=>30}}', f'#<struct Config {n}="{v}">',
             f'%{{{n}: "{v}", timeout: 30}}', f"Array\n(\n    [{n}] => {v}\n    [timeout] => 30\n)",
             f'array(2) {{\n  ["{n}"]=>\n  string({len(v)}) "{v}"\n}}', f"{{ {n}: '{v}', timeout: 30 }}",
             f"$VAR1 = {{\n          '{n}' => '{v}',\n        }};"]
    return shape(r, "loaded settings " + r.choice(forms)), v


def a29(r: random.Random) -> Planting:
    v = value(r)
    forms = [f"AxiosError: Request failed with status code 401\n  config: {{\n    headers: {{ Authorization: 'Bearer {v}' }},"
             f"\n    url: '/v1/chat'\n  }}",
             f'Get "https://api.example.net/v1/models?key={v}": context deadline exceeded',
             f'Error {{ kind: Request, url: Url {{ scheme: "https", host: Some(Domain("api.example.net")), path: "/v1", '
             f'query: Some("key={v}"), fragment: None }} }}',
             f"Method: POST, RequestUri: 'https://api.example.net/v1', Version: 1.1, Headers: {{ Authorization: Bearer {v} }}",
             f"--> POST https://api.example.net/v1/chat\nContent-Type: application/json\nAuthorization: Bearer {v}"]
    return shape(r, r.choice(forms)), v


def a30(r: random.Random) -> Planting:
    import httpx
    import multidict
    import yarl
    from aiohttp.client_reqrep import RequestInfo
    from starlette.datastructures import QueryParams

    v = value(r)
    k = r.randrange(4)
    if k == 0:
        hdr = multidict.CIMultiDictProxy(multidict.CIMultiDict({"Authorization": f"Bearer {v}", "Accept": "*/*"}))
        text = repr(RequestInfo(yarl.URL("https://api.example.net/v1"), "POST", hdr, yarl.URL("https://api.example.net/v1")))
    elif k == 1:
        v = urllib.parse.quote(v, safe="")  # the userinfo as the URL carries it (percent-encoded)
        text = repr(httpx.Request("GET", f"https://svc:{v}@api.example.net/v1"))
    elif k == 2:
        text = repr(QueryParams(f"{r.choice(['token', 'key', 'access_token'])}={v}&page=2"))
    else:
        text = "send: " + repr(f"POST /v1/chat HTTP/1.1\r\nHost: api.example.net\r\nAuthorization: Bearer {v}\r\n\r\n".encode())
    return shape(r, f"upstream failed: {text}"), v


def a31(r: random.Random) -> Planting:
    v = value(r).replace("%", "x")
    k = r.randrange(5)
    if k == 0:
        text = repr(urllib.parse.urlsplit(f"https://api.example.net/cb?{r.choice(['token', 'code', 'sig'])}={v}"))
    elif k == 1:
        text = repr(urllib.parse.parse_qs(f"token={v}&page=1"))
    elif k == 2:
        text = repr(urllib.parse.parse_qsl(f"api_key={v}&page=1"))
    elif k == 3:
        c: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
        c[r.choice(["session", "sid", "auth"])] = v
        text = repr(c)
    else:
        text = repr(http.cookiejar.Cookie(0, r.choice(["session", "sid"]), v, None, False, "example.net", False, False,
                                          "/", False, True, None, False, None, None, {}))
    return shape(r, f"request state {text}"), v


def a32(r: random.Random) -> Planting:
    v = key(r)
    forms = [f"Task proj.tasks.sync[{rnd(r, HEX, 8)}-4a1b-9c2d-{rnd(r, HEX, 12)}] received argsrepr=\"('{v}', 30)\"",
             f"default: proj.tasks.sync('{v}', 30) ({rnd(r, HEX, 32)})",
             f"Message(queue_name='default', actor_name='sync', args=('{v}',), kwargs={{}}, options={{}})",
             f"{rnd(r, HEX, 32)}:proj.sync('{v}')"]
    return shape(r, r.choice(forms)), v


def a33(r: random.Random) -> Planting:
    v, n = value(r), _name(r)
    forms = [f"(Pdb) p cfg.{n}\n'{v}'", f">>> os.environ['{n.upper()}']\n'{v}'", f"In [3]: settings.{n}\nOut[3]: '{v}'",
             f"(gdb) p cfg->{n}\n$1 = \"{v}\"", f"> process.env.{n.upper()}\n'{v}'", f"irb(main):001> ENV['{n.upper()}']\n=> \"{v}\""]
    return shape(r, r.choice(forms)), v


def a34(r: random.Random) -> Planting:
    v, n = value(r), _name(r)
    forms = [f"{n}: >-\n  {v}", f"{n}: |\n  {v}", f'{n} = """\n{v}"""', f"[db]\n{n} =\n    {v}",
             f"cat <<EOF > .env\n{n.upper()}=\\\n{v}\nEOF", f"curl https://api.example.net \\\n  -H 'Authorization: Bearer \\\n{v}'"]
    return shape(r, r.choice(forms)), v


def a35(r: random.Random) -> Planting:
    v = key(r)
    if r.random() < 0.5:
        text = f"\x1b]8;;https://app.example.net/login?token={v}\x1b\\Open dashboard\x1b]8;;\x1b\\"
    else:
        text = f"\x1b]52;c;{base64.b64encode(v.encode()).decode()}\x07copied"
    return shape(r, text), v


def a36(r: random.Random) -> Planting:
    v = pw(r)
    n = r.choice(["ApiKey", "ClearTextPassword", "db.password", "api_key", "SmtpPassword"])
    forms = [f'<add key="{n}" value="{v}" />', f"<server><id>nexus</id><username>ci</username><password>{v}</password></server>",
             f'<user username="admin" password="{v}" roles="manager-gui"/>', f'<entry key="{n}">{v}</entry>',
             f'<string name="{n}">{v}</string>']
    return shape(r, "config: " + r.choice(forms)), v


def a37(r: random.Random) -> Planting:
    v, n = value(r), _name(r)
    old = value(r)
    forms = [f"@@ -3,3 +3,3 @@\n-{n.upper()}={old}\n+{n.upper()}={v}", f'  ~ {n} = "{old}" -> "{v}"',
             f"{n}: [-{old}-]{{+{v}+}}", f"--- before\n+++ after\n@@ -1 +1 @@\n-{n}: {old}\n+{n}: {v}"]
    return shape(r, r.choice(forms)), v


def a38(r: random.Random) -> Planting:
    v, n = value(r), _name(r).upper()
    forms = [json.dumps({"Config": {"Env": ["PATH=/usr/bin", f"{n}={v}", "LANG=C"]}}),
             repr(f"PATH=/usr/bin\x00{n}={v}\x00HOME=/root\x00".encode()),
             f'Environment=LANG=C "{n}={v}" TZ=UTC', f'declare -x {n}="{v}"']
    return shape(r, r.choice(forms)), v


def a39(r: random.Random) -> Planting:
    v = key(r)
    forms = [f"http_requests,host=gw-1,token={v} count=3i 1733475723000000000", f"gw.requests:1|c|#env:prod,api_key:{v}",
             json.dumps({"streams": [{"stream": {"app": "gw"}, "values": [["1733475723000000000", f"auth ok token={v}"]]}]})]
    return shape(r, r.choice(forms)), v


def a40(r: random.Random) -> Planting:
    v = key(r)
    forms = [json.dumps({"request": {"headers": [{"name": "Authorization", "value": f"Bearer {v}"}]}}),
             f"interactions:\n- request:\n    headers:\n      Authorization:\n      - Bearer {v}",
             json.dumps({"auth": {"type": "bearer", "bearer": [{"key": "token", "value": v, "type": "string"}]}}),
             json.dumps({"values": [{"key": r.choice(["apiKey", "token", "password"]), "value": v, "enabled": True}]})]
    return shape(r, r.choice(forms)), v


def a41(r: random.Random) -> Planting:
    v = pw(r)
    forms = [f"STATEMENT:  CREATE ROLE app LOGIN PASSWORD '{v}'", f"ALTER ROLE app WITH PASSWORD '{v}'",
             f"CREATE USER 'app'@'%' IDENTIFIED BY '{v}'",
             f"CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '{v}')",
             f"SELECT dblink_connect('host=db.internal dbname=app user=app password={v}')",
             f"select vault.create_secret('{v}', 'stripe_key')"]
    return shape(r, r.choice(forms)), v


def b14(r: random.Random) -> Planting:
    v, n = value(r), _name(r).upper()
    forms = [f"env:\n- name: {n}\n  value: {v}", json.dumps({"environment": [{"name": n, "value": v}]}),
             json.dumps([{"name": n, "slotSetting": False, "value": v}]), json.dumps({"key": n, "value": v, "type": "encrypted"})]
    return shape(r, r.choice(forms)), v


def b15(r: random.Random) -> Planting:
    v = value(r)
    name = r.choice(["ｐａｓｓｗｏｒｄ", "pass\u200bword", "api\u00adkey", "\U0001F511", "\U0001F511\ufe0f", "ｔｏｋｅｎ"])
    return shape(r, f"{name}{r.choice(['=', ': ', '＝'])}{v}"), v


def b16(r: random.Random) -> Planting:
    v = pw(r)
    forms = [f"sshpass -p {v} ssh ops@gw-1", f"mysql -uroot -p{v} -h db", f"redis-cli -a {v} ping",
             f"ipmitool -I lanplus -H 10.0.0.9 -U admin -P {v} power status", f"openssl pkcs12 -in k.p12 -passin pass:{v}",
             f"zip -P {v} out.zip a.txt", f"7z a -p{v} out.7z dir", f"keytool -list -keystore ks.jks -storepass {v}",
             f"java -Djavax.net.ssl.keyStorePassword={v} -jar app.jar", f"kcat -b k:9092 -X sasl.password={v} -L",
             f"http POST api.example.net/v1 Authorization:'Bearer {v}'", f"gpg --batch --passphrase {v} -d f.gpg"]
    return shape(r, r.choice(forms)), v


def b17(r: random.Random) -> Planting:
    v = rnd(r, URLSAFE, r.randint(32, 64))
    p = r.choice(["client_assertion", "assertion", "subject_token", "actor_token", "code", "code_verifier",
                  "device_code", "logout_token", "SAMLResponse"])
    forms = [f"POST /oauth/token grant_type=authorization_code&{p}={v}&client_id=gw", f"GET /cb?{p}={v}&state=xyz 302",
             f"Location: https://app.example.net/cb#{p}={v}&token_type=bearer"]
    return shape(r, r.choice(forms)), v


def b18(r: random.Random) -> Planting:
    v, n = value(r), _name(r)
    forms = [repr({n.encode(): v.encode(), b"user": b"app"}), repr(json.dumps({n: v}).encode()),
             repr(f"{n}={v}&x=1".encode()), f"bytearray({(n + '=' + v).encode()!r})"]
    return shape(r, "body " + r.choice(forms)), v


def b19(r: random.Random) -> Planting:
    v = value(r)
    n = r.choice(["sk", "SecretKey", "AccessKeySecret", "SecretId", "corpsecret", "appSecret", "strPassword",
                  "m_apiKey", "_password", "__secret", "tk", "pwd"])
    forms = [f"{n}={v}", f'"{n}": "{v}"', f"GET /cgi-bin/gettoken?corpid=ww1&{n}={v}"]
    return shape(r, r.choice(forms)), v


def c18(r: random.Random) -> Planting:
    forms = [lambda: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + rnd(r, AN + "+/", 200),
             lambda: "b3BlbnNzaC1rZXktdjEAAAAA" + rnd(r, AN + "+/", 160),
             lambda: base64.b64encode(bytes(r.getrandbits(8) for _ in range(32))).decode()]
    v = r.choice(forms)()
    n = r.choice(["private_key: ", "PrivateKey = ", "key=", '"d": "', "seed "])
    return shape(r, f"{n}{v}"), v


def c19(r: random.Random) -> Planting:
    v = r.choice([base64.b64encode(bytes(r.getrandbits(8) for _ in range(32))).decode().rstrip("="), rnd(r, HEX.upper(), 22)])
    forms = [f'<Properties action="U" userName="svc" cpassword="{v}"/>', f" username admin password 7 {v}",
             f"[remote]\ntype = sftp\npass = {v}", f'<Pass encoding="base64">{v}</Pass>']
    return shape(r, r.choice(forms)), v


def c20(r: random.Random) -> Planting:
    v = rnd(r, B32, r.choice([16, 32]))
    forms = [f"otpauth://totp/GW:ops@example.net?secret={v}&issuer=GW",
             f"otpauth-migration://offline?data={urllib.parse.quote(base64.b64encode(v.encode()).decode())}",
             " ".join(v[i:i + 4] for i in range(0, len(v), 4)).lower()]
    text = r.choice(forms)
    return shape(r, f"2fa setup: {text}"), v if "migration" not in text else text.split("data=")[1]


def c21(r: random.Random) -> Planting:
    forms = [lambda: "5" + r.choice("HJK") + rnd(r, B58, 49), lambda: "xprv9s21ZrQH143K" + rnd(r, B58, 95), lambda: "0x" + rnd(r, HEX, 64),
             lambda: "nsec1" + rnd(r, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)]
    v = r.choice(forms)()
    return shape(r, f"{r.choice(['wallet', 'signer', 'deployer'])} {r.choice(['key', 'loaded', 'is'])} {v}"), v


def c22(r: random.Random) -> Planting:
    forms = [lambda: "SWMTKN-1-" + rnd(r, B36, 50) + "-" + rnd(r, B36, 25), lambda: "K10" + rnd(r, HEX, 64) + "::server:" + rnd(r, HEX, 32),
             lambda: "fo1_" + rnd(r, URLSAFE, 43), lambda: "napi_" + rnd(r, B36, 64), lambda: "tskey-client-" + rnd(r, AN, 30),
             lambda: "ory_pat_" + rnd(r, AN, 32), lambda: "apify_api_" + rnd(r, AN, 36), lambda: "doo_v1_" + rnd(r, HEX, 64),
             lambda: "pscale_oauth_" + rnd(r, URLSAFE, 43), lambda: "AKLT" + rnd(r, AN, 40)]
    v = r.choice(forms)()
    return shape(r, f"{r.choice(['join', 'deploy', 'connect'])} with {v} failed"), v


def c23(r: random.Random) -> Planting:
    v = rnd(r, HEX, 64) if r.random() < 0.5 else rnd(r, URLSAFE, 40)
    forms = [f"https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature={v}",
             f"https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature={v}",
             f"https://d1.cloudfront.net/v.mp4?Expires=1733475723&Signature={v}&Key-Pair-Id=K2JCJMDEHXQW5F",
             f"https://hooks.zapier.com/hooks/catch/123456/{v[:12]}/", f"https://script.google.com/macros/s/{v}/exec",
             f"https://chat.googleapis.com/v1/spaces/AAA/messages?key=AIza{rnd(r, AN, 35)}&token={v}",
             f"https://grafana.example.net/dashboard/snapshot/{v[:32]}"]
    text = r.choice(forms)
    return shape(r, f"GET {text} -> 403"), v[:12] if "zapier" in text else v[:32] if "snapshot" in text else v


def c24(r: random.Random) -> Planting:
    v = key(r)
    forms = ["".join(f"\\u{ord(c):04x}" for c in v), "".join(f"&#{ord(c)};" for c in v),
             base64.b32encode(v.encode()).decode(), ":".join(f"{b:02x}" for b in v.encode()),
             base64.b64encode(zlib.compress(json.dumps({"api_key": v}).encode())).decode()]
    return shape(r, f"api_key_enc={r.choice(forms)}"), v


# -- (d) must-keep ---------------------------------------------------------------------------------------------------
def d15(r: random.Random) -> Planting:
    k = rnd(r, AN, 4)
    fp, kid = f"SHA256:{rnd(r, AN + '+/', 43)}", rnd(r, HEX, 40)
    # the kept value is the fingerprint / key id itself (was the fixed label "SHA256:" / "private_key_id", which
    # survives whatever is done to the value: those twins could not fail)
    forms = [(f"Incorrect API key provided: sk-proj-****{k}", f"sk-proj-****{k}"), (f"key ending in {k}", k),
             (f"fingerprint {fp}", fp), (f'"private_key_id": "{kid}"', kid)]
    t, v = r.choice(forms)
    return shape(r, t), v


def d16(r: random.Random) -> Planting:
    v = r.choice(["0x" + rnd(r, HEX, 40), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + rnd(r, AN, 43),
                  "age1" + rnd(r, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58), "npub1" + rnd(r, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)])
    return shape(r, f"{r.choice(['recipient', 'address', 'public key', 'from'])} {v}"), v


def d17(r: random.Random) -> Planting:
    v = r.choice([f"op://prod/{r.choice(['kimi', 'db'])}/credential", "{{resolve:secretsmanager:prod/db:SecretString:password}}",
                  f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-{rnd(r, AN, 6)}",
                  f"projects/gw-prod/secrets/kimi-key/versions/{r.randint(1, 9)}", "${{ secrets.KIMI_API_KEY }}"])
    return shape(r, f"secret source {v} not found"), v


def d18(r: random.Random) -> Planting:
    p = r.choice(["state", "nonce", "code_challenge", "client_id", "RelayState"])
    v = rnd(r, URLSAFE, 43)
    return shape(r, f"GET /authorize?response_type=code&{p}={v}&redirect_uri=https%3A%2F%2Fapp.example.net%2Fcb 302"), v


def d19(r: random.Random) -> Planting:
    v = r.choice([f"00-{rnd(r, HEX, 32)}-{rnd(r, HEX, 16)}-01", f"sha256:{rnd(r, HEX, 64)}", rnd(r, B36, 25)])
    return shape(r, f"{r.choice(['traceparent', 'image', 'node'])} {v} failed"), v


def d20(r: random.Random) -> Planting:
    v = r.choice(["${API_KEY}", "{{apiKey}}", "<YOUR_API_KEY>", "changeme", "$(API_KEY)", "%API_KEY%"])
    return shape(r, f"api_key={v} rejected: template not rendered"), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "A28": a28, "A29": a29, "A30": a30, "A31": a31, "A32": a32, "A33": a33, "A34": a34, "A35": a35, "A36": a36,
    "A37": a37, "A38": a38, "A39": a39, "A40": a40, "A41": a41, "B14": b14, "B15": b15, "B16": b16, "B17": b17,
    "B18": b18, "B19": b19, "C18": c18, "C19": c19, "C20": c20, "C21": c21, "C22": c22, "C23": c23, "C24": c24}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "D15": d15, "D16": d16, "D17": d17, "D18": d18, "D19": d19, "D20": d20}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("c12", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    return class_value_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1200-1203")


if __name__ == "__main__":
    main()
