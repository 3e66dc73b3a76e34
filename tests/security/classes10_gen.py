"""Seeded plantings of the classes in tests/data/secrets/CLASSES10.md (issue 18, round 8 part 2).

Where the class list comes from: CLASSES10.md, written by the set-10 writer who never read the redactor (carriers
A1-A15, name spellings B1-B8, value shapes C1-C8, must-keep lookalikes D1-D8). Each class's spellings come from the
sources that file names; the carriers are printed by the real library where one is installed (traceback for
ExceptionGroup and chained tracebacks, pprint, reprlib, textwrap, pydantic, prometheus_client, opentelemetry-sdk,
urllib3, yarl, shlex, html, base64, json); rich/tabulate/gunicorn/structlog are not installed, so their outputs are
written as their sources print them. Each planting goes through one of the four log shapes CLASSES10.md names (a
text record, a json.dumps line, a Docker json-file record, inside a traceback) at random.

Not sampled (no generator here): A14 Sentry events are sampled as their JSON only (no SDK transport), C3's asymmetric
service_role JWT is a JWT like any other to the redactor (sampled as one), C4's Zoom webhook URL (its id is no secret
alone; the verification token is sampled).

    PYTHONPATH=$PWD python -m tests.security.classes10_gen --seeds 500-503 [--baseline-rev REV] [--show B2]
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import pprint
import random
import reprlib
import shlex
import string
import textwrap
import traceback
import urllib.parse
import uuid
from collections.abc import Callable

from .secret_gen import AN, HEX, URLSAFE, class_plantings, leaked, pin_created, rnd

Planting = tuple[str, str]
LOWER_D = string.ascii_lowercase + string.digits
NAMES = ["api_key", "API_KEY", "apiKey", "password", "DB_PASSWORD", "secret", "client_secret", "token",
         "access_token", "X-Api-Key", "upstream_token"]


def token(r: random.Random) -> str:
    kind = r.randrange(5)
    if kind == 0:
        return rnd(r, AN, r.randint(24, 48))
    if kind == 1:
        return "sk-" + rnd(r, AN, 40)
    if kind == 2:
        return rnd(r, HEX, r.choice([32, 40, 64]))
    if kind == 3:
        return rnd(r, LOWER_D, r.randint(24, 40))
    return rnd(r, URLSAFE, r.randint(32, 48))


def pw(r: random.Random) -> str:
    return r.choice(string.ascii_letters) + rnd(r, AN + "!#$%*-_", r.randint(9, 18)) + r.choice(string.digits)


def value(r: random.Random) -> str:
    return token(r) if r.random() < 0.7 else pw(r)


def shape(r: random.Random, text: str) -> str:
    """One of the four log shapes of sets 3-9."""
    k = r.randrange(3)
    if k == 0:
        return f"2026-12-06 10:15:0{r.randrange(10)},123 ERROR gateway.upstream: {text}"
    if k == 1:
        return json.dumps({"ts": "2026-12-06T10:15:03Z", "level": "error", "msg": text})
    return json.dumps({"log": text + "\n", "stream": "stderr", "time": "2026-12-06T10:15:03.123456789Z"})


def _formatted(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def _raise(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as e:  # noqa: BLE001 - the generator needs the exception with its traceback
        return e


def named_message(r: random.Random, v: str) -> str:
    name = r.choice(NAMES)
    return r.choice([f"upstream rejected {name}={v}", f"auth failed ({name}: {v})", f"invalid {name} '{v}'",
                     f"Authorization: Bearer {v}"])


# -- (a) carriers --------------------------------------------------------------------------------------------
def a1_exception_group(r: random.Random) -> Planting:
    v = value(r)
    subs: list[Exception] = [ConnectionError("upstream 10.0.3.7:443 refused"), ValueError(named_message(r, v)),
                             TimeoutError("read timed out after 30s")]
    r.shuffle(subs)
    eg = _raise(ExceptionGroup("unhandled errors in a TaskGroup", subs))
    return _formatted(eg), v


def a2_chained(r: random.Random) -> Planting:
    v = value(r)
    try:
        try:
            raise PermissionError(named_message(r, v))
        except PermissionError as inner:
            if r.random() < 0.5:
                raise RuntimeError("provider call failed") from inner
            raise RuntimeError("provider call failed")  # noqa: B904 - the implicit chain is the carrier
    except RuntimeError as e:
        return _formatted(e), v
    raise AssertionError


def a3_nested_repr(r: random.Random) -> Planting:
    v = value(r)
    exc = RuntimeError(f"can't authenticate: {r.choice(NAMES)}='{v}'")
    k = r.randrange(3)
    if k == 0:
        text = (f"Task exception was never retrieved\nfuture: <Task finished name='Task-{r.randint(2, 90)}' "
                f"coro=<call_upstream() done, defined at /app/gw.py:88> exception={exc!r}>")
    elif k == 1:
        text = f"errors={[exc, TimeoutError('t')]!r}"
    else:
        text = f"result={({'status': 401, 'error': str(exc)})!r}"
    return shape(r, text), v


def a4_pprint(r: random.Random) -> Planting:
    v = value(r)
    data = {"headers": {"Authorization": f"Bearer {v}", "Accept": "application/json"},
            "note": f"the api key in use is {v} for tenant acme-prod-eu"}
    return pprint.pformat(data, width=r.choice([40, 60, 80])), v


def a5_truncated(r: random.Random) -> Planting:
    v = rnd(r, AN, r.randint(48, 80))
    k = r.randrange(4)
    if k == 0:
        shown = reprlib.repr(v)  # 'head...tail'
        frag = shown.strip("'").split("...")[0]
        return shape(r, f"upstream key {shown} rejected"), frag
    if k == 1:
        text = textwrap.shorten(f"token {v} rejected by upstream after retry", width=len(v) + 20)
        return shape(r, text), v  # shorten cuts at blanks: the token is shown whole, the sentence after it is cut
    if k == 2:
        frag = v[:r.randint(16, 24)]
        return shape(r, "using credential %.*s" % (len(frag), v)), frag  # noqa: UP031 - logging's %.Ns is the carrier
    from .gitleaks_gen import pydantic_cut_report
    report = pydantic_cut_report(r.choice(["value", "item", "credential"]), v)
    return report, v[:18]


def a6_table(r: random.Random) -> Planting:
    v = value(r)
    name = r.choice(["api_key", "API Key", "Secret", "token"])
    w = max(len(v), len(name)) + 2
    if r.random() < 0.5:
        rows = [f"┏━━━━━━━━━━┳{'━' * w}┓", f"┃ provider ┃ {name:<{w - 2}} ┃", f"┡━━━━━━━━━━╇{'━' * w}┩",
                f"│ moonshot │ {v:<{w - 2}} │", f"└──────────┴{'─' * w}┘"]
    else:
        rows = [f" provider | {name}", f"----------+{'-' * w}", f" moonshot | {v}", "(1 row)"]
    return "\n".join(rows), v


def a7_ansi(r: random.Random) -> Planting:
    v = value(r)
    name = r.choice(NAMES)
    text = f"\x1b[2m2026-12-06 10:15:03\x1b[0m [\x1b[31merror\x1b[0m] upstream failed \x1b[36m{name}\x1b[0m=\x1b[35m{v}\x1b[0m"
    return (text if r.random() < 0.5 else json.dumps({"log": text + "\n", "stream": "stdout"})), v


def a8_otel(r: random.Random) -> Planting:
    v = value(r)
    k = r.randrange(3)
    attrs: dict[str, object]
    if k == 0:
        attrs = {"http.request.header.authorization": [f"Bearer {v}"], "http.request.method": "POST"}
    elif k == 1:
        attrs = {"http.request.header.x-api-key": [v], "server.address": "api.moonshot.cn"}
    else:
        attrs = {"url.full": f"https://api.example.com/v1/chat?api_key={v}", "http.response.status_code": 401}
    span = {"name": "POST /v1/chat/completions", "context": {"trace_id": "0x" + rnd(r, HEX, 32)}, "attributes": attrs}
    return json.dumps(span, indent=4), v


def a9_prometheus(r: random.Random) -> Planting:
    from prometheus_client import CollectorRegistry, Counter, generate_latest

    v = value(r)
    reg = CollectorRegistry()
    label = r.choice(["api_key", "token", "upstream", "target"])
    c = Counter("upstream_failures", "Upstream failures", [label, "model"], registry=reg)
    val = v if label != "target" else f"https://svc:{v}@api.example.com/v1"
    child = c.labels(val, "kimi-k2")
    child.inc()
    pin_created(child)
    return generate_latest(reg).decode(), v


def a10_syslog(r: random.Random) -> Planting:
    v = value(r)
    name = r.choice(["token", "apikey", "password", "secret"])
    return f'<134>1 2026-12-06T10:15:03Z gw01 gateway 812 AUTH [auth@32473 user="svc" {name}="{v}"] denied', v


def a11_conversion(r: random.Random) -> Planting:
    v = token(r)
    exc = r.choice([lambda: int(v), lambda: float(v)])
    try:
        exc()
    except ValueError as e:
        msg = f"ValueError: {e}"
    else:
        raise AssertionError
    if r.random() < 0.3:
        import ipaddress
        try:
            ipaddress.ip_address(v)
        except ValueError as e:
            msg = f"ValueError: {e}"
    return shape(r, f"settings: PORT could not be parsed: {msg}"), v


def a12_gunicorn(r: random.Random) -> Planting:
    v = value(r)
    name = r.choice(["OPENAI_API_KEY", "KIMI_API_KEY", "DATABASE_PASSWORD", "SECRET_KEY"])
    lines = ["Current configuration:", "  config: ./gunicorn.conf.py", "  bind: ['0.0.0.0:8000']",
             f"  raw_env: ['DEBUG=0', '{name}={v}', 'REGION=eu']", "  keyfile: None", "  certfile: None"]
    return "\n".join(lines), v


def a13_nginx(r: random.Random) -> Planting:
    v = value(r)
    body = json.dumps({r.choice(["api_key", "password", "token"]): v, "model": "kimi-k2"})
    if r.random() < 0.5:
        esc = "".join(f"\\x{ord(c):02X}" if c in '"\\' else c for c in body)
    else:
        esc = body.replace("\\", "\\\\").replace('"', '\\"')
    return f'10.0.0.5 - - [06/Dec/2026:10:15:03 +0000] "POST /v1/chat HTTP/1.1" 401 53 "{esc}"', v


def a14_sentry(r: random.Random) -> Planting:
    v = value(r)
    k = r.randrange(3)
    if k == 0:
        ev = {"exception": {"values": [{"stacktrace": {"frames": [{"function": "call", "vars": {
            r.choice(["upstream", "creds", "cfg_value", "bearer"]): repr(v), "retries": "3"}}]}}]}}
    elif k == 1:
        ev = {"request": {"headers": {"X-Upstream-Credential": v, "Accept": "*/*"}}}
    else:
        ev = {"breadcrumbs": {"values": [{"category": "httplib", "data": {
            "url": f"https://api.example.com/v1/models?key={v}", "status_code": 401}}]}}
    return json.dumps(ev), v


def a15_url_objects(r: random.Random) -> Planting:
    v = pw(r)
    if r.random() < 0.5:
        from urllib3.util import parse_url
        return f"pool for {parse_url(f'https://svc:{urllib.parse.quote(v)}@db.internal:5432/app')!r}", \
            urllib.parse.quote(v)
    from yarl import URL
    return f"connecting {URL.build(scheme='https', user='svc', password=v, host='api.internal', path='/v1')!r}", \
        urllib.parse.quote(v, safe="!$&'()*+,;=")


# -- (b) names --------------------------------------------------------------------------------------------------
def b1_environ(r: random.Random) -> Planting:
    v = value(r)
    name = r.choice(["HTTP_AUTHORIZATION", "HTTP_X_API_KEY", "HTTP_PROXY_AUTHORIZATION", "HTTP_COOKIE",
                     "HTTP_X_UPSTREAM_TOKEN"])
    val = f"Bearer {v}" if "AUTH" in name else (f"sessionid={v}" if "COOKIE" in name else v)
    env = {"REQUEST_METHOD": "POST", "PATH_INFO": "/v1/chat", name: val, "SERVER_NAME": "gw"}
    return shape(r, f"environ={env!r}"), v


def b2_value_first(r: random.Random) -> Planting:
    v = token(r)
    text = r.choice([f"{v} is the upstream api key for tenant acme", f"using {v} as bearer token",
                     f"{v} (service token for tenant acme-eu) was revoked", f"{v} rejected: invalid api key",
                     f"key {v} belongs to project gw-prod"])
    return shape(r, text), v


def b3_header_row(r: random.Random) -> Planting:
    v = value(r)
    k = r.randrange(2)
    if k == 0:
        text = f"name,api_key,created\nmoonshot,{v},2026-11-02\n"
    else:
        text = f"   name   |  token  \n----------+---------\n moonshot | {v}\n(1 row)\n"
    if r.random() < 0.5:  # one Docker record per line: the header is not in view
        return "\n".join(json.dumps({"log": line + "\n", "stream": "stdout"}) for line in text.splitlines()), v
    return text, v


B4_PHRASES = ["токен доступа: {v}", "ключ API: {v}", "ключ доступу: {v}", "clave de API: {v}", "chave da API: {v}",
              "chiave API: {v}", "klucz API: {v}", "API anahtarı: {v}", "API 키: {v}", "APIキー: {v}",
              "アクセストークン: {v}", "секрет клиента: {v}", "secreto del cliente: {v}", "токен: {v}"]


def b4_key_words(r: random.Random) -> Planting:
    v = value(r)
    text = r.choice(B4_PHRASES).format(v=v)
    return (json.dumps({"msg": text}) if r.random() < 0.5 else text), v


B5_WORDS = ["گذرواژه", "parolă", "lozinka", "slaptažodis", "parole", "parool", "contrasenya", "kata laluan", "heslo",
            "ПАРОЛЬ", "LOZINKA", "PAROLĂ", "mima", "parol", "lykilorð", "лозинка"]


def b5_password_words(r: random.Random) -> Planting:
    v = pw(r)
    text = f"{r.choice(B5_WORDS)}{r.choice([': ', '=', ' = '])}{v}"
    return (json.dumps({"msg": text}) if r.random() < 0.5 else text), v


def b6_provider_name(r: random.Random) -> Planting:
    v = token(r)
    prov = r.choice(["openrouter", "fireworks", "deepseek", "moonshot", "groq", "together", "anthropic", "value",
                     "data", "credential", "arg"])
    k = r.randrange(4)
    if k == 0:
        return json.dumps({prov: v}), v
    if k == 1:
        return f"{prov.upper()}={v}", v
    if k == 2:
        return f"upstreams:\n  {prov}: {v}\n", v
    return f"providers[{prov!r}] = {v!r}", v


def b7_settings_names(r: random.Random) -> Planting:
    v = value(r)
    k = r.randrange(4)
    if k == 0:
        return f"GATEWAY__PROVIDERS__{r.randint(0, 3)}__API_KEY={v}", v
    if k == 1:
        return f"PROVIDERS='{json.dumps([{'name': 'kimi', 'api_key': v}])}'", v
    if k == 2:
        return f"--set providers[{r.randint(0, 3)}].apiKey={v}", v
    return f"GW_UPSTREAM__SECRET__VALUE={v}", v


def b8_headers(r: random.Random) -> Planting:
    v = value(r)
    name = r.choice(["X-Honeycomb-Team", "DPoP", "X-Goog-Iap-Jwt-Assertion", "Cf-Access-Jwt-Assertion"])
    if r.random() < 0.3:
        return f"Set-Cookie: {r.choice(['_oauth2_proxy', 'remember_web_59ba36addc2b2f94'])}={v}; Path=/; HttpOnly", v
    import httpx
    return f"request headers: {httpx.Headers({name: v, 'accept': '*/*'})!r}", v


# -- (c) values ---------------------------------------------------------------------------------------------------
def c1_ai_keys(r: random.Random) -> Planting:
    k = r.randrange(9)
    v = [lambda: rnd(r, HEX, 40), lambda: "e2b_" + rnd(r, HEX, 40), lambda: "llx-" + rnd(r, AN, 48),
         lambda: "sk_car_" + rnd(r, AN, 32), lambda: "bb_live_" + rnd(r, URLSAFE, 27), lambda: "rpa_" + rnd(r, AN.upper(), 48),
         lambda: "m0-" + rnd(r, AN, 40), lambda: "flp_" + rnd(r, AN, 40), lambda: str(uuid.UUID(int=r.getrandbits(128), version=4))][k]()
    carrier = "Authorization: Token {v}" if k == 0 else ("x-api-key: {v}" if k == 8 else r.choice(
        ["client created with {v}", "Authorization: Bearer {v}", "{{\"key\": \"{v}\"}}"]))
    return shape(r, carrier.format(v=v)), v


def c2_cloud_keys(r: random.Random) -> Planting:
    k = r.randrange(4)
    if k == 0:
        v = rnd(r, AN, 64)
        return shape(r, f"hcloud: using token {v}"), v
    if k == 1:
        v = str(uuid.UUID(int=r.getrandbits(128), version=4))
        return shape(r, f"SCW_ACCESS_KEY=SCW{rnd(r, string.ascii_uppercase + string.digits, 17)} SCW_SECRET_KEY={v}"), v
    if k == 2:
        v = str(uuid.UUID(int=r.getrandbits(128), version=4))
        return shape(r, f'vault write auth/approle/login role_id={uuid.UUID(int=r.getrandbits(128))} secret_id={v}'), v
    v = str(uuid.UUID(int=r.getrandbits(128), version=4))
    return shape(r, f"SNYK_TOKEN={v}"), v


def c3_supabase(r: random.Random) -> Planting:
    ak, sk = rnd(r, HEX, 32), rnd(r, HEX, 64)
    v = r.choice([ak, sk])
    return shape(r, f"s3 client endpoint=https://x.supabase.co/storage/v1/s3 aws_access_key_id={ak} "
                    f"aws_secret_access_key={sk}"), v


def c4_notification(r: random.Random) -> Planting:
    k = r.randrange(3)
    if k == 0:
        v = "o." + rnd(r, AN, 32)
        return shape(r, f"pushbullet headers {{'Access-Token': '{v}'}}"), v
    v = rnd(r, AN + "._-", 15)
    if k == 1:
        return shape(r, f"POST https://gotify.example.com/message?token={v} 401"), v
    return shape(r, f"gotify headers {{'X-Gotify-Key': '{v}'}}"), v


def c5_nonascii(r: random.Random) -> Planting:
    k = r.randrange(3)
    if k == 0:
        v = r.choice(["пароль", "Straße", "密码测试", "contraseña", "ÅngströmÆ"]) + str(r.randint(10, 99)) + r.choice("!#$🔑")
    elif k == 1:
        v = " ".join(r.choice(["correct", "horse", "battery", "staple", "violet", "orbit", "lantern"]) for _ in range(4))
    else:
        v = r.choice(["naïve", "crème", "smörgås"]) + "-" + rnd(r, AN, 8)
    name = r.choice(["password", "DB_PASSWORD", "passphrase"])
    text = json.dumps({name: v}) if r.random() < 0.5 else f"{name}={v!r}"
    return shape(r, text), v


def c6_escaped(r: random.Random) -> Planting:
    v = pw(r)
    k = r.randrange(5)
    name = r.choice(["password", "api_key", "token"])
    if k == 0:
        raw = v[:4] + "'" + v[4:]
        q = shlex.quote(raw)
        return f"+ psql --{name}={q} -h db", q[1:-1].split("'")[0]
    if k == 1:
        raw = v[:4] + "'" + v[4:]
        return f"{name}: '{raw.replace(chr(39), chr(39) * 2)}'", raw.replace("'", "''")
    if k == 2:
        raw = v[:3] + '"<&' + v[3:]
        return f"<p>{html.escape(f'{name}={raw}')}</p>", html.escape(raw)
    if k == 3:
        enc = urllib.parse.quote(urllib.parse.quote(v + "/=", safe=""), safe="")
        return f"GET /v1/cb?{name}={enc} 401", enc
    return f'<config {name}=&quot;{v}&quot; />', v


def c7_wrapped_base64(r: random.Random) -> Planting:
    env = "\n".join([f"APP_NAME=gw-{rnd(r, LOWER_D, 6)}", f"OPENAI_API_KEY=sk-{rnd(r, AN, 48)}",
                     f"DATABASE_URL=postgres://app:{pw(r)}@db:5432/app", f"SECRET_KEY={rnd(r, AN, 50)}"])
    blob = base64.encodebytes(env.encode()).decode() if r.random() < 0.5 else "\n".join(
        textwrap.wrap(base64.b64encode(env.encode()).decode(), 64))
    lines = blob.splitlines()
    return "kubectl get secret gw-env -o yaml\ndata:\n  .env: |\n" + "\n".join("    " + x for x in lines), lines[1]


def c8_bytes_key(r: random.Random) -> Planting:
    key = r.randbytes(24)
    shown = repr(key)
    name = r.choice(["SECRET_KEY", "app.secret_key", "hmac key", "signer key"])
    return shape(r, f"{name} = {shown}"), shown[2:-1]


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "A1": a1_exception_group, "A2": a2_chained, "A3": a3_nested_repr, "A4": a4_pprint, "A5": a5_truncated,
    "A6": a6_table, "A7": a7_ansi, "A8": a8_otel, "A9": a9_prometheus, "A10": a10_syslog, "A11": a11_conversion,
    "A12": a12_gunicorn, "A13": a13_nginx, "A14": a14_sentry, "A15": a15_url_objects,
    "B1": b1_environ, "B2": b2_value_first, "B3": b3_header_row, "B4": b4_key_words, "B5": b5_password_words,
    "B6": b6_provider_name, "B7": b7_settings_names, "B8": b8_headers,
    "C1": c1_ai_keys, "C2": c2_cloud_keys, "C3": c3_supabase, "C4": c4_notification, "C5": c5_nonascii,
    "C6": c6_escaped, "C7": c7_wrapped_base64, "C8": c8_bytes_key,
}


# -- (d) must-keep ---------------------------------------------------------------------------------------------------
def _jwt(payload: dict[str, object], r: random.Random) -> str:
    def enc(d: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
    return f"{enc({'alg': 'HS256', 'typ': 'JWT'})}.{enc(payload)}.{rnd(r, URLSAFE, 43)}"


def d1_anon_jwt(r: random.Random) -> Planting:
    v = _jwt({"iss": "supabase", "ref": rnd(r, string.ascii_lowercase, 20), "role": "anon", "iat": 1733460000,
              "exp": 2049036000}, r)
    return shape(r, r.choice([f"SUPABASE_KEY={v}", f"headers {{'apikey': '{v}'}}", f"supabase anon key: {v}"])), v


def d2_hashes_ids(r: random.Random) -> Planting:
    k = r.randrange(4)
    if k == 0:
        v = rnd(r, HEX, 64)
        return shape(r, f"litellm auth failed key_hash={v} team=gw"), v
    if k == 1:
        v = rnd(r, HEX, 64)
        return shape(r, json.dumps({"hashed_token": v, "spend": 0.12})), v
    if k == 2:
        v = "key_" + rnd(r, AN, 24)
        return shape(r, f"token_id={v} revoked"), v
    v = r.choice(["prod-kimi-primary", "gw-fallback-eu", "team-a-key"])
    return shape(r, f"key_alias={v} key_name=sk-...Ab12 rate limited"), v


def d3_labels(r: random.Random) -> Planting:
    from prometheus_client import CollectorRegistry, Counter, generate_latest

    reg = CollectorRegistry()
    c = Counter("http_requests", "Requests", ["model", "route", "status_code"], registry=reg)
    model = r.choice(["kimi-k2-0905-preview", "moonshot-v1-128k", "glm-4.5-air"])
    child = c.labels(model, "/v1/chat/completions", "429")
    child.inc()
    pin_created(child)
    if r.random() < 0.5:
        return generate_latest(reg).decode(), model
    tid = rnd(r, HEX, 32)
    return json.dumps({"attributes": {"http.request.header.user-agent": ["OpenAI/Python 1.109.1"],
                                      "http.request.header.content-type": ["application/json"],
                                      "trace_id": tid}}, indent=2), tid


def d4_conversion(r: random.Random) -> Planting:
    bad = r.choice(["80a", "yes", "1.2.3", "30s", "localhost:5432", "true"])
    try:
        int(bad)
    except ValueError as e:
        return shape(r, f"settings: PORT could not be parsed: ValueError: {e}"), bad
    raise AssertionError


def d5_traceback_neighbours(r: random.Random) -> Planting:
    rid = "req_" + rnd(r, AN, 24)
    url = f"https://api.moonshot.cn/v1/chat/completions?request_id={rid}"
    eg = _raise(ExceptionGroup("unhandled errors in a TaskGroup", [
        ConnectionError(f"POST {url} failed: 503"), TimeoutError("Task-12 call_upstream() timed out")]))
    return _formatted(eg), rid


def d6_table_neighbours(r: random.Random) -> Planting:
    n = str(r.randint(1000, 99999))
    return f"   KEY   | TOKEN_COUNT | SECRET NAME\n---------+-------------+------------\n kimi    | {n} | kimi-prod\n", n


def d7_public_ids(r: random.Random) -> Planting:
    k = r.randrange(3)
    if k == 0:
        v = rnd(r, HEX, 64)
        return shape(r, f"discord interactions public_key={v} verify failed"), v
    if k == 1:
        v = "A0" + rnd(r, string.ascii_uppercase + string.digits, 9)
        return shape(r, json.dumps({"app_id": v, "team_id": "T0" + rnd(r, string.ascii_uppercase, 8)})), v
    v = "msg_" + rnd(r, AN, 24)
    return shape(r, f"webhook-id: {v} webhook-timestamp: 1733460000"), v


def d8_coloured(r: random.Random) -> Planting:
    rid = rnd(r, HEX, 32)
    text = f"\x1b[36mmodel\x1b[0m=\x1b[35mkimi-k2\x1b[0m \x1b[36mrequest_id\x1b[0m=\x1b[35m{rid}\x1b[0m"
    return (text if r.random() < 0.5 else json.dumps({"log": text})), rid


KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "D1": d1_anon_jwt, "D2": d2_hashes_ids, "D3": d3_labels, "D4": d4_conversion, "D5": d5_traceback_neighbours,
    "D6": d6_table_neighbours, "D7": d7_public_ids, "D8": d8_coloured,
}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("c10", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    out = fn(text)
    return leaked(v, out) if cls in SECRET_CLASSES else v not in out


def report(fn: Callable[[str], str], seeds: range, label: str, n: int = 25) -> None:
    for cls in (*SECRET_CLASSES, *KEEP_CLASSES):
        ps = [p for s in seeds for p in plantings(cls, s, n)]
        bad = sum(failed(fn, cls, t, v) for t, v in ps)
        what = "leaked" if cls in SECRET_CLASSES else "lost"
        print(f"{label}: {cls:4} {what} {bad:4}/{len(ps)} ({bad / len(ps):6.1%})")


def main() -> None:
    from sidecar.redaction import redact

    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="500-503")
    ap.add_argument("--show", default="")
    ap.add_argument("--baseline-rev", default=None)
    args = ap.parse_args()
    lo, _, hi = args.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    if args.show:
        for s in seeds:
            for t, v in plantings(args.show, s, 25):
                if failed(redact, args.show, t, v):
                    print(repr(redact(t))[:400], "||", v)
        return
    report(redact, seeds, "this tree")
    if args.baseline_rev:
        import sys
        from pathlib import Path
        sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
        from redaction import old_redactor  # type: ignore[import-not-found]

        old = old_redactor(args.baseline_rev)
        report(lambda t: old(t, None), seeds, args.baseline_rev)


if __name__ == "__main__":
    main()
