"""Seeded generators of fake secrets by CLASS, in every spelling a log carries them (issue 18, round 2).

Written from the formats' own documentation (gitleaks' config/gitleaks.toml rule regexes, detect-secrets'
plugins, RFC 9110 / RFC 6265 / libpq / netrc / curl docs), not from the redactor's patterns: each class
draws random values, random name spellings (casing, separators, prefixes), random assignment shapes
(quoting, escaping, URL-encoding) and random carriers (log line, traceback, JSON record, Python repr).
A case is (class, planted text, the secret that must not survive).
"""

from __future__ import annotations

import json
import random
import string
import urllib.parse
import uuid
from collections.abc import Callable

AN = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = AN + "+/"
URLSAFE = AN + "-_"
UPPER_D = string.ascii_uppercase + string.digits

Case = tuple[str, str, str]


# prometheus_client stamps each counter child with `_created = time.time()` (metrics.py `_metric_init`) and prints it
# (`<name>_created{...} 1.7e+09`): pinned, so a class generator's planting is the same for the same seed.
CREATED = 1733475600.0


def pin_created(child: object) -> None:
    """Give a prometheus_client metric child a fixed creation time (the exposition stays reproducible)."""
    if hasattr(child, "_created"):
        child._created = CREATED  # no public setter; the exposition prints it


def rnd(r: random.Random, chars: str, n: int) -> str:
    return "".join(r.choice(chars) for _ in range(n))


def password(r: random.Random) -> str:
    """A human or generated password: starts with a letter or digit, may hold symbols."""
    kind = r.randrange(5)
    if kind == 0:  # letters only (correcthorsebatterystaple style)
        return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(8, 24)))
    if kind == 1:
        return r.choice(string.ascii_letters) + rnd(r, AN, r.randint(7, 20))
    if kind == 2:
        # Never a `...` run: a short value holding one reads as a library's mask (`sk-...abcd`, keep.is_masked),
        # on purpose. The redraw happens only on such draws, so every other seed keeps its value.
        while "..." in (v := r.choice(AN) + rnd(r, AN + "!#$%^*-_+~.@", r.randint(8, 20)) + r.choice(AN)):
            pass
        return v
    if kind == 3:  # word + digits + symbol (Summer2024!)
        return r.choice(["Summer", "winter", "Hunter", "dragon", "Monkey", "letmein"]) + rnd(r, string.digits, 4) + r.choice("!#$")
    return rnd(r, URLSAFE, r.randint(16, 40))


# -- (a) formats: prefix + body, from the rule corpora's documented shapes -----------------------------
FORMATS: list[tuple[str, Callable[[random.Random], str]]] = [
    ("github_pat", lambda r: "ghp_" + rnd(r, AN, 36)),
    ("github_oauth", lambda r: "gho_" + rnd(r, AN, 36)),
    ("github_user_to_server", lambda r: "ghu_" + rnd(r, AN, 36)),
    ("github_server_to_server", lambda r: "ghs_" + rnd(r, AN, 36)),
    ("github_refresh", lambda r: "ghr_" + rnd(r, AN, 36)),
    ("github_fine_grained", lambda r: "github_pat_" + rnd(r, AN, 22) + "_" + rnd(r, AN, 59)),
    ("gitlab_pat", lambda r: "glpat-" + rnd(r, URLSAFE, 20)),
    ("gitlab_deploy", lambda r: "gldt-" + rnd(r, URLSAFE, 20)),
    ("gitlab_runner", lambda r: "glrt-" + rnd(r, URLSAFE, 20)),
    ("gitlab_trigger", lambda r: "glptt-" + rnd(r, HEX, 40)),
    ("slack_bot", lambda r: "xoxb-" + rnd(r, string.digits, 12) + "-" + rnd(r, string.digits, 13) + "-" + rnd(r, AN, 24)),
    ("slack_user", lambda r: "xoxp-" + "-".join(rnd(r, string.digits, 12) for _ in range(3)) + "-" + rnd(r, HEX, 32)),
    ("slack_app", lambda r: "xoxa-2-" + rnd(r, AN, 40)),
    ("slack_refresh", lambda r: "xoxr-" + rnd(r, AN, 40)),
    ("slack_app_level", lambda r: "xapp-1-A" + rnd(r, UPPER_D, 10) + "-" + rnd(r, string.digits, 13) + "-" + rnd(r, HEX, 64)),
    ("stripe_secret_live", lambda r: "sk_live_" + rnd(r, AN, r.choice([24, 99]))),
    ("stripe_secret_test", lambda r: "sk_test_" + rnd(r, AN, 24)),
    ("stripe_restricted", lambda r: "rk_live_" + rnd(r, AN, 24)),
    ("stripe_webhook_secret", lambda r: "whsec_" + rnd(r, AN, 32)),
    ("aws_akia", lambda r: "AKIA" + rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    ("aws_asia", lambda r: "ASIA" + rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    ("aws_agpa", lambda r: "AGPA" + rnd(r, UPPER_D, 16)),
    ("aws_aroa", lambda r: "AROA" + rnd(r, UPPER_D, 16)),
    ("gcp_api_key", lambda r: "AIza" + rnd(r, URLSAFE, 35)),
    ("google_oauth_access", lambda r: "ya29." + rnd(r, URLSAFE, 80)),
    ("google_oauth_client_secret", lambda r: "GOCSPX-" + rnd(r, URLSAFE, 28)),
    ("anthropic_api", lambda r: "sk-ant-api03-" + rnd(r, URLSAFE, 93) + "AA"),
    ("anthropic_admin", lambda r: "sk-ant-admin01-" + rnd(r, URLSAFE, 93) + "AA"),
    ("openai_project", lambda r: "sk-proj-" + rnd(r, URLSAFE, 74) + "T3BlbkFJ" + rnd(r, URLSAFE, 74)),
    ("openai_legacy", lambda r: "sk-" + rnd(r, AN, 20) + "T3BlbkFJ" + rnd(r, AN, 20)),
    ("openai_svcacct", lambda r: "sk-svcacct-" + rnd(r, URLSAFE, 58) + "T3BlbkFJ" + rnd(r, URLSAFE, 58)),
    ("moonshot_key", lambda r: "sk-" + rnd(r, AN, 48)),
    ("openrouter_key", lambda r: "sk-or-v1-" + rnd(r, HEX, 64)),
    ("huggingface", lambda r: "hf_" + rnd(r, string.ascii_letters, 34)),
    ("huggingface_org", lambda r: "api_org_" + rnd(r, string.ascii_letters, 34)),
    ("groq", lambda r: "gsk_" + rnd(r, AN, 52)),
    ("xai", lambda r: "xai-" + rnd(r, AN, 80)),
    ("perplexity", lambda r: "pplx-" + rnd(r, AN, 48)),
    ("replicate", lambda r: "r8_" + rnd(r, AN, 37)),
    ("vault_service", lambda r: "hvs." + rnd(r, URLSAFE, 95)),
    ("vault_batch", lambda r: "hvb." + rnd(r, URLSAFE, 140)),
    ("digitalocean_pat", lambda r: "dop_v1_" + rnd(r, HEX, 64)),
    ("digitalocean_oauth", lambda r: "doo_v1_" + rnd(r, HEX, 64)),
    ("shopify_access", lambda r: "shpat_" + rnd(r, HEX, 32)),
    ("shopify_shared_secret", lambda r: "shpss_" + rnd(r, HEX, 32)),
    ("npm", lambda r: "npm_" + rnd(r, AN, 36)),
    ("pypi", lambda r: "pypi-AgEIcHlwaS5vcmc" + rnd(r, URLSAFE, 70)),
    ("sendgrid", lambda r: "SG." + rnd(r, URLSAFE, 22) + "." + rnd(r, URLSAFE, 43)),
    ("databricks", lambda r: "dapi" + rnd(r, HEX, 32)),
    ("linear", lambda r: "lin_api_" + rnd(r, AN, 40)),
    ("doppler", lambda r: "dp.pt." + rnd(r, AN, 43)),
    ("postman", lambda r: "PMAK-" + rnd(r, HEX, 24) + "-" + rnd(r, HEX, 34)),
    ("grafana_sa", lambda r: "glsa_" + rnd(r, AN, 32) + "_" + rnd(r, HEX, 8)),
    ("grafana_cloud", lambda r: "glc_" + rnd(r, AN + "+/", 60)),
    ("sentry_user", lambda r: "sntryu_" + rnd(r, HEX, 64)),
    ("atlassian", lambda r: "ATATT3" + rnd(r, URLSAFE + "=", 186)),
    ("heroku_v2", lambda r: "HRKU-AA" + rnd(r, URLSAFE, 58)),
    ("alibaba", lambda r: "LTAI" + rnd(r, AN, 20)),
    ("twilio_api_key", lambda r: "SK" + rnd(r, HEX, 32)),
    ("mailgun", lambda r: "key-" + rnd(r, HEX, 32)),
    ("square", lambda r: "sq0atp-" + rnd(r, URLSAFE, 22)),
    ("age", lambda r: "AGE-SECRET-KEY-1" + rnd(r, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
    ("telegram_bot", lambda r: str(r.randint(10**8, 10**10 - 1)) + ":AA" + rnd(r, URLSAFE, 33)),
    ("planetscale", lambda r: "pscale_tkn_" + rnd(r, URLSAFE, 43)),
    ("pulumi", lambda r: "pul-" + rnd(r, HEX, 40)),
    ("sonarqube", lambda r: r.choice(["squ_", "sqp_", "sqa_"]) + rnd(r, HEX, 40)),
    ("braintree", lambda r: "access_token$" + r.choice(["production", "sandbox"]) + "$" + rnd(r, HEX + "ghjkmnpqrstvwxyz", 16)
     + "$" + rnd(r, HEX, 32)),
    ("baidu_bce", lambda r: "bce-v3/ALTAK-" + rnd(r, AN, 20) + "/" + rnd(r, HEX, 40)),
    ("nexus_npm", lambda r: "NpmToken." + str(uuid.UUID(bytes=r.randbytes(16)))),
    ("dynatrace", lambda r: "dt0c01." + rnd(r, UPPER_D, 24) + "." + rnd(r, AN, 64)),
    ("notion", lambda r: "ntn_" + rnd(r, string.digits, 11) + rnd(r, AN, 35)),
    ("sourcegraph", lambda r: "sgp_" + rnd(r, HEX, 40)),
    ("tailscale", lambda r: "tskey-auth-k" + rnd(r, AN, 10) + "CNTRL-" + rnd(r, AN, 33)),
    ("supabase_secret", lambda r: "sb_secret_" + rnd(r, URLSAFE, 32)),
    ("zhipu", lambda r: rnd(r, HEX, 32) + "." + rnd(r, AN, 16)),
    ("azure_ad_client_secret", lambda r: rnd(r, AN, 3) + str(r.randint(0, 9)) + "Q~" + rnd(r, AN + "_~.-", 34)),
    ("jwt_hs256", lambda r: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + rnd(r, URLSAFE, 60) + "." + rnd(r, URLSAFE, 43)),
    ("jwt_unsigned", lambda r: "eyJhbGciOiJub25lIn0.eyJ" + rnd(r, URLSAFE, 40) + "."),
    ("airtable_pat", lambda r: "pat" + rnd(r, AN, 14) + "." + rnd(r, HEX, 64)),
    ("cerebras", lambda r: "csk-" + rnd(r, string.ascii_lowercase + string.digits, 48)),
    ("honeycomb_v2", lambda r: r.choice(["hcaik_", "hcxik_", "hcamk_", "hcxmk_"])
     + rnd(r, string.ascii_lowercase + string.digits, 58)),
    ("axiom", lambda r: r.choice(["xaat-", "xapt-"]) + str(uuid.UUID(bytes=r.randbytes(16)))),
    ("resend", lambda r: "re_" + r.choice(string.ascii_uppercase) + rnd(r, AN, 7) + "_" + r.choice(string.digits)
     + rnd(r, AN, 23)),
    ("mattermost_webhook", lambda r: "https://" + r.choice(["chat.example.org", "mm.corp.internal:8065", "team.acme.io/mm"])
     + "/hooks/" + rnd(r, "ybndrfg8ejkmcpqxot1uwisza345h769", 26)),
    ("rocketchat_webhook", lambda r: "https://rc.example.org/hooks/" + rnd(r, AN, 17) + "/" + rnd(r, AN, 48)),
    ("asana_pat", lambda r: r.choice("12") + "/" + str(r.randint(10**12, 10**16)) + "/" + str(r.randint(10**12, 10**16))
     + ":" + rnd(r, HEX, 32)),
    ("deepl_free", lambda r: str(uuid.UUID(bytes=r.randbytes(16))) + ":fx"),
    ("nuget", lambda r: "oy2" + rnd(r, string.ascii_lowercase + string.digits, 43)),
    ("discord_bot", lambda r: r.choice("MNO") + rnd(r, AN, 25) + "." + rnd(r, URLSAFE, 6) + "." + rnd(r, URLSAFE, 38)),
]


def _pem(r: random.Random) -> tuple[str, str]:
    label = r.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY",
                      "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY"])
    lines = [rnd(r, B64, 64) for _ in range(r.randint(2, 5))]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----", lines[0]


# -- (b) structural carriers ------------------------------------------------------------------------
SCHEMES = ["postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "amqp",
           "amqps", "https", "http", "ftp", "sftp", "smtp", "smtps", "ldap", "nats", "kafka", "mssql",
           "clickhouse", "jdbc:postgresql", "postgresql+asyncpg", "mysql+pymysql", "sqlserver", "s3"]
AUTH_SCHEMES = ["Bearer", "bearer", "BEARER", "Basic", "basic", "Token", "token", "ApiKey", "Api-Key",
                "JWT", "OAuth", "Negotiate", "SSWS", "Splunk", "GenieKey", "DSN", "Key", "MAC"]


def _structural(r: random.Random) -> Case:
    pw = password(r).replace("@", "x").replace("/", "x")
    kind = r.randrange(17)
    if kind == 0:
        scheme = r.choice(SCHEMES)
        user = r.choice(["app", "postgres", "admin", "svc_reader", "", "default"])
        host = r.choice(["db.internal", "10.0.3.7", "redis-master.prod.svc.cluster.local", "[::1]", "db"])
        return ("url_userinfo", f"{scheme}://{user}:{pw}@{host}:{r.randint(1000, 65000)}/app?sslmode=require", pw)
    if kind == 1:
        tok = rnd(r, AN, r.randint(24, 40))
        host = r.choice(["github.com", "gitlab.example.com", "o1234.ingest.sentry.io"])
        return ("url_user_token", f"https://{tok}@{host}/org/repo.git", tok)
    if kind == 2:
        name = r.choice(["access_token", "token", "api_key", "apikey", "key", "sig", "signature", "X-Amz-Signature",
                         "X-Amz-Security-Token", "client_secret", "password", "auth", "code", "refresh_token",
                         "private_token", "id_token", "secret", "jwt", "X-Goog-Signature"])
        val = rnd(r, URLSAFE + "%", r.randint(16, 48))
        return ("query_param", f"GET /v1/cb?state=xyz&{name}={val}&lang=en HTTP/1.1", val)
    if kind == 3:
        scheme = r.choice(AUTH_SCHEMES)
        cred = rnd(r, AN + "._~+/-", r.randint(12, 60)) + r.choice(["", "=", "=="])
        header = r.choice(["Authorization", "authorization", "AUTHORIZATION", "Proxy-Authorization"])
        shape = r.choice([f"{header}: {scheme} {cred}", f"map[{header}:[{scheme} {cred}] Accept:[*/*]]",
                          repr([(header, f"{scheme} {cred}"), ("Accept", "*/*")]),
                          f'{{"{header}"=>"{scheme} {cred}"}}', json.dumps({"headers": {header: f"{scheme} {cred}"}}),
                          f"-H '{header}: {scheme} {cred}'", f"{header}={scheme} {cred}",
                          f"{r.choice(['Auth', 'X-Auth', 'x-auth-token', 'Api-Key', 'proxy_auth'])}: {scheme} {cred}"])
        return ("auth_header", shape, cred)
    if kind == 4:
        resp = rnd(r, HEX, 32)
        return ("auth_digest", f'Authorization: Digest username="bob", realm="api", nonce="{rnd(r, HEX, 16)}", '
                               f'uri="/x", response="{resp}", qop=auth', resp)
    if kind == 5:
        sig = rnd(r, HEX, 64)
        return ("auth_aws4", f"Authorization: AWS4-HMAC-SHA256 Credential=AKIA{rnd(r, UPPER_D, 16)}/20251205/us-east-1/"
                             f"s3/aws4_request, SignedHeaders=host;x-amz-date, Signature={sig}", sig)
    if kind == 6:
        val = rnd(r, URLSAFE, r.randint(20, 48))
        name = r.choice(["sessionid", "session", "_gh_sess", "JSESSIONID", "connect.sid", "PHPSESSID", "auth",
                         "remember_token", "__Secure-next-auth.session-token", "sid", "_session_id"])
        header = r.choice(["Cookie", "cookie", "Set-Cookie", "set-cookie"])
        tail = "; Path=/; HttpOnly; Secure" if "set" in header.lower() else "; theme=dark; lang=en"
        return ("cookie", f"{header}: {name}={val}{tail}", val)
    if kind == 7:
        return ("libpq_conninfo", f"connection to server failed: host=db port=5432 dbname=app user=app "
                                  f"password={pw} sslmode=require", pw)
    if kind == 8:
        return ("netrc", f"machine api.example.com login deploy password {pw}", pw)
    if kind == 9:
        flag = r.choice(["-u", "--user", "-u", "--user="])
        sep = "" if flag.endswith("=") else " "
        return ("curl_user", f"curl -sS {flag}{sep}deploy:{pw} https://api.example.com/v1/x", pw)
    if kind == 10:
        pem, line = _pem(r)
        return ("pem", pem, line)
    if kind == 11:
        host = r.choice(["db.internal", "localhost", "*", "10.0.0.5"])
        return ("pgpass", f"{host}:{r.choice(['5432', '*', '6432'])}:{r.choice(['app', '*'])}:app:{pw}", pw)
    if kind == 12:
        url = f"{r.choice(SCHEMES)}://app:{pw}@db.internal:5432/app"
        return ("percent_encoded_url", "GET /login?next=" + urllib.parse.quote(url, safe="") + "&x=1", pw)
    if kind == 13:
        name = r.choice(["token", "access_token", "api_key", "password", "sig"])
        tok = rnd(r, AN, 24)
        return ("json_unicode_escaped", f"https://api.example.com/cb?a=1\\u0026{name}\\u003d{tok}", tok)
    if kind == 14:
        import base64
        name = r.choice(["password", "auth", "token", "client_secret"])
        blob = base64.b64encode(json.dumps({"user": "svc", name: pw}).encode()).decode()
        return ("base64_json", f"decoded config blob {blob} rejected", blob)
    if kind == 15:  # code and command lines that carry a password positionally
        shape = r.choice([f'dsn="app:{pw}@tcp(db:3306)/app"', f"requests.get(url, auth=('svc', '{pw}'))",
                          f"HTTPBasicAuth('svc', '{pw}')", f"smtp.login('svc', '{pw}')",
                          f"ALTER USER app WITH PASSWORD '{pw}'", f"CREATE USER app IDENTIFIED BY '{pw}'",
                          f"docker login -u svc -p {pw} registry.example.com", f"AuthenticationError: AUTH {pw} invalid"])
        return ("positional_password", shape, pw)
    env = r.choice(["export ", "declare -x ", "", "ENV ", "set "])
    name = r.choice(["DATABASE_PASSWORD", "AWS_SECRET_ACCESS_KEY", "REDIS_PASSWORD", "GITHUB_TOKEN", "SECRET_KEY_BASE",
                     "KIMI_API_KEY", "SLACK_SIGNING_SECRET", "JWT_SECRET", "DJANGO_SECRET_KEY", "MYSQL_PWD"])
    sep = "" if env == "ENV " and r.random() < 0.5 else "="
    return ("env_dump", f"{env}{name}{sep or ' '}{pw}", pw)


# -- (c) key-name carriers ---------------------------------------------------------------------------
BASE_NAMES = [["password"], ["pass", "word"], ["passwd"], ["pwd"], ["pass"], ["passphrase"], ["secret"],
              ["client", "secret"], ["api", "key"], ["apikey"], ["access", "token"], ["auth", "token"],
              ["refresh", "token"], ["secret", "key"], ["private", "key"], ["access", "key"], ["account", "key"],
              ["credentials"], ["credential"], ["auth"], ["token"], ["session", "token"], ["signing", "secret"],
              ["master", "key"], ["encryption", "key"], ["webhook", "secret"], ["bearer", "token"], ["id", "token"],
              ["secret", "access", "key"], ["db", "password"], ["api", "secret"], ["app", "secret"]]
PREFIXES = [[], [], ["db"], ["x"], ["kimi"], ["stripe"], ["aws"], ["my"], ["app"], ["redis"], ["smtp"], ["prod"]]


def spell(words: list[str], style: str) -> str:
    if style == "snake":
        return "_".join(words)
    if style == "upper":
        return "_".join(w.upper() for w in words)
    if style == "camel":
        return words[0] + "".join(w.title() for w in words[1:])
    if style == "pascal":
        return "".join(w.title() for w in words)
    if style == "kebab":
        return "-".join(words)
    if style == "train":
        return "-".join(w.title() for w in words)
    if style == "dotted":
        return ".".join(words)
    return "".join(words).upper()  # allcaps run: PGPASSWORD style


STYLES = ["snake", "upper", "camel", "pascal", "kebab", "train", "dotted", "run"]


def assignment(r: random.Random, name: str, val: str) -> tuple[str, str]:
    """(text, the exact secret text to look for) for one assignment shape."""
    shape = r.randrange(23)
    if shape == 0:
        return f"{name}={val}", val
    if shape == 1:
        return f"{name} = {val}", val
    if shape == 2:
        return f"{name}: {val}", val
    if shape == 3:
        return json.dumps({name: val}), val
    if shape == 4:
        return repr({name: val}), val
    if shape == 5:
        return f"{name}={val!r}", val
    if shape == 6:
        return f"{name} => {val!r}", val
    if shape == 7:
        return f"{name} := \"{val}\"", val
    if shape == 8:
        return f"<{name}>{val}</{name}>", val
    if shape == 9:
        enc = urllib.parse.quote(val, safe="")
        return f"{urllib.parse.quote(name)}={enc}", enc
    if shape == 10:
        inner = json.dumps({name: val})
        return json.dumps({"body": inner})[1:-1], val
    if shape == 11:
        return urllib.parse.quote(json.dumps({name: val}), safe=""), urllib.parse.quote(val, safe="")
    if shape == 12:
        return f"{name}: \"{val}\"", val
    if shape == 13:
        return f"--{name}={val}", val
    if shape == 14:
        return f"{name}:{val}", val
    if shape == 15:
        val += str(r.randrange(10))
        return repr([(name, val), ("user", "svc")]), val
    if shape == 16:
        return f"{name}: {val}\n", val
    if shape == 17:  # Kubernetes env / ECS: the name and the value in two fields
        return json.dumps([{"name": name, "value": val}]), val
    if shape == 18:
        return f"env:\n  - name: {name}\n    value: {val}\n", val
    if shape == 20:  # nginx/bind-style statement
        return f'{name} "{val}";', val
    if shape == 21:  # a comparison, value first
        return f'if "{val}" == {name}:', val
    if shape == 19:  # YAML block scalar
        return f"{name}: {r.choice(['|', '>-', '|-', '>'])}\n  {val}\n", val
    return f"{name} {val}", val


def _named(r: random.Random) -> Case:
    words = r.choice(PREFIXES) + r.choice(BASE_NAMES)
    style = r.choice(STYLES)
    name = spell(words, style)
    val = password(r)
    text, secret = assignment(r, name, val)
    return (f"name:{style}", text, secret)


# -- (d) entropy: a bare random token ----------------------------------------------------------------
def _entropy(r: random.Random) -> Case:
    n = r.randint(24, 64)
    while True:
        tok = r.choice(AN) + rnd(r, r.choice([AN, B64, URLSAFE]), n - 2) + r.choice(AN)
        if any(c.isupper() for c in tok) and any(c.islower() for c in tok) and any(c.isdigit() for c in tok):
            return ("high_entropy", f"upstream rejected credential {tok} for tenant 42", tok)


def carriers(text: str, r: random.Random) -> str:
    """Plant `text` where a log carries it: a log line, a traceback's last line, a JSON record, a Python repr."""
    pick = r.randrange(5)
    if pick == 0:
        return f"2026-12-05 10:00:00,123 ERROR app.worker [req-7]: call failed: {text}"
    if pick == 1:
        return ("Traceback (most recent call last):\n  File \"/app/worker.py\", line 12, in run\n"
                f"    client.call()\nRuntimeError: {text}")
    if pick == 2:
        return json.dumps({"level": "error", "logger": "app.http", "msg": "request failed", "detail": text})
    if pick == 3:
        return repr({"event": "upstream_error", "detail": text, "attempt": 2})
    return f"{text}"


def cases(seed: int, per_class: int) -> list[Case]:
    """`per_class` random cases of each class, planted in random carriers."""
    r = random.Random(seed)
    out: list[Case] = []
    for _ in range(per_class):
        kind, gen = r.choice(FORMATS)
        secret = gen(r)
        out.append((f"format:{kind}", carriers(f"calling upstream with {secret} failed", r), secret))
    for _ in range(per_class):
        kind, text, secret = _structural(r)
        out.append((f"struct:{kind}", carriers(text, r), secret))
    for _ in range(per_class):
        kind, text, secret = _named(r)
        out.append((kind, carriers(f"loaded config {text} from env", r), secret))
    for _ in range(per_class):
        kind, text, secret = _entropy(r)
        out.append((kind, carriers(text, r), secret))
    return out


def leaked(secret: str, out: str) -> bool:
    """The secret survives as written, JSON-escaped, or repr-escaped."""
    return any(v and v in out for v in {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1]})


def class_plantings(tag: str, classes: tuple[dict[str, Callable[[random.Random], tuple[str, str]]], ...], cls: str,
                    seed: int, n: int) -> list[tuple[str, str]]:
    """`n` plantings of class `cls` (looked up in `classes` in order), drawn from a generator seeded by the tag,
    the class and the seed: one class's plantings do not move when another class is added."""
    r = random.Random(f"{tag}:{cls}:{seed}")
    make = next(group[cls] for group in classes if cls in group)
    return [make(r) for _ in range(n)]


def class_failed(secret_classes: dict[str, Callable[[random.Random], tuple[str, str]]], fn: Callable[[str], str],
                 cls: str, text: str, v: str) -> bool:
    """A secret class fails when its value survives (`leaked`); a must-keep twin fails when its text changes at all
    (the twin shares the carrier and holds no secret: any change is a false redaction, value kept or not)."""
    out = fn(text)
    return leaked(v, out) if cls in secret_classes else out != text


def class_value_failed(secret_classes: dict[str, Callable[[random.Random], tuple[str, str]]],
                       fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    """As `class_failed`, but a must-keep twin fails only when its value is gone (raw, JSON-escaped, or as Docker's
    json-file escapes `<`, `>`, `&`): for twins whose carrier may legitimately lose something else."""
    out = fn(text)
    if cls in secret_classes:
        return leaked(v, out)
    docker = json.dumps(v)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return v not in out and json.dumps(v)[1:-1] not in out and docker not in out


def class_report(classes: tuple[dict[str, Callable[[random.Random], tuple[str, str]]], ...],
                 plantings: Callable[[str, int, int], list[tuple[str, str]]],
                 failed: Callable[[Callable[[str], str], str, str, str], bool], default_seeds: str) -> None:
    """The command line of a class generator (classes11_gen, set10_classes_gen, round9_gen): leaked (secret classes,
    the first dict) or lost (must-keep classes) per class over `--seeds A-B`, 25 plantings a seed; `--show CLASS`
    prints that class's failures."""
    import argparse

    from sidecar.redaction import redact

    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default=default_seeds)
    ap.add_argument("--show", default="")
    args = ap.parse_args()
    lo, _, hi = args.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    names = [c for group in classes for c in group]
    width = max(map(len, names))
    for cls in names:
        if args.show and cls != args.show:
            continue
        ps = [p for s in seeds for p in plantings(cls, s, 25)]
        bad = [(t, v) for t, v in ps if failed(redact, cls, t, v)]
        print(f"{cls:{width}} {'leaked' if cls in classes[0] else 'lost'} {len(bad):4}/{len(ps)}")
        for t, v in bad[:8] if args.show else []:
            print("   ", repr(redact(t))[:400], "||", v)


# -- what must survive: ids, codes, names a diagnosis needs -------------------------------------------
def _camel_error(r: random.Random) -> str:
    words = ["Connection", "Token", "Auth", "Secret", "Key", "Password", "Timeout", "Read", "Pool", "Invalid",
             "Expired", "Http", "Client", "Server", "Signature", "Credentials", "Session", "Rate", "Limit", "Api"]
    return "".join(r.choice(words) for _ in range(r.randint(2, 4))) + r.choice(["Error", "Exception", "Timeout"])


MODELS = ["gpt-4o-mini-2024-07-18", "claude-3-5-sonnet-20241022", "kimi-k2-0905-preview", "moonshot-v1-128k",
          "glm-4.6", "glm-4.5-flash", "kimi-k2-turbo-preview", "gpt-4.1-nano", "o3-mini-2025-01-31",
          "claude-sonnet-4-5-20250929", "deepseek-chat", "Qwen2.5-72B-Instruct", "Kimi-K2-Instruct"]


def benign(r: random.Random) -> str:
    """A log line holding no secret, with the ids and words a redactor is tempted to hide."""
    pick = r.randrange(22)
    if pick == 0:
        import uuid
        return f"request {uuid.UUID(int=r.getrandbits(128), version=4)} failed after 3 retries"
    if pick == 1:
        return f"deployed commit {rnd(r, HEX, r.choice([7, 12, 40]))} to prod"
    if pick == 2:
        return f"traceparent: 00-{rnd(r, HEX, 32)}-{rnd(r, HEX, 16)}-01"
    if pick == 3:
        return f"Using model: {r.choice(MODELS)} via provider"
    if pick == 4:
        return f"app.errors.{_camel_error(r)}: upstream said no"
    if pick == 5:
        return (f"CompletionUsage(completion_tokens={r.randint(1, 4096)}, prompt_tokens={r.randint(1, 9999)}, "
                f"total_tokens={r.randint(1, 99999)})")
    if pick == 6:
        name = r.choice(["KIMI_API_KEY", "OPENAI_API_KEY", "GLM_API_KEY", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY"])
        return r.choice([f"{name} is not set", f"Missing required setting {name}; provider disabled",
                         f"secret_env: {name}", f"KeyError: '{name.lower()}'", f"environment variable {name} missing"])
    if pick == 7:
        return f"image ghcr.io/acme/gateway@sha256:{rnd(r, HEX, 64)} pulled"
    if pick == 8:
        return f"pod gateway-{rnd(r, HEX, 10)}-{rnd(r, string.ascii_lowercase + string.digits, 5)} OOMKilled"
    if pick == 9:
        return f"id=chatcmpl-{rnd(r, AN, 29)} finish_reason=length"
    if pick == 10:
        return f"anthropic request_id=req_011CV{rnd(r, AN, 20)} message msg_01{rnd(r, AN, 22)}"
    if pick == 11:
        return f"GET https://api.moonshot.ai/v1/files/{rnd(r, string.ascii_lowercase + string.digits, 20)}/content 404"
    if pick == 12:
        return f"File \"/usr/lib/python3.11/site-packages/{r.choice(['aiohttp', 'httpx', 'openai'])}/_client.py\", line {r.randint(1, 2000)}, in send"
    if pick == 13:
        return r.choice(["password authentication failed for user \"sidecar\"", "token expired", "JWT expired",
                         "invalid api key provided", "Signature has expired", "authorization header missing",
                         "Authorization: failed", "token refresh failed, retrying", "api key ending eedd rejected",
                         "the secret was rotated at 10:00", "x-ratelimit-remaining-tokens: 0",
                         "auth_type=bearer scope=read", "password reset requested for user 42",
                         "password complexity requirements not met", "token bucket empty, waiting",
                         "key rotation scheduled for tenant 7", "secret manager unavailable (503)",
                         "DB_PASSWORD environment variable missing", "the API key was revoked by the owner",
                         "token: refreshing in 30s", "session expired, please log in again",
                         "Authorization Token非法，请确认Authorization Token正确传递。", "cookie jar cleared",
                         "Set-Cookie header missing", "curl: (7) Failed to connect to api.example.com port 443"])
    if pick == 14:
        return f"SQLSTATE {r.choice(['42P01', '23505', '57014', '40001'])} {r.choice(['PGRST204', 'PGRST301'])} code {r.randint(1000, 1999)}"
    if pick == 15:
        return f"connect to {r.randint(10, 250)}.{r.randint(0, 255)}.0.{r.randint(1, 254)}:{r.randint(1024, 65535)} refused"
    if pick == 16:
        return f"https://{rnd(r, string.ascii_lowercase, 20)}.supabase.co/rest/v1/conversation_files?select=*&limit=10 500"
    if pick == 17:
        return f"cache key=model:{r.choice(MODELS)}:v2 miss"
    if pick == 18:
        return f"file_id=file-{rnd(r, AN, 24)} uploaded ({r.randint(1, 999)} KB)"
    if pick == 19:
        return f"org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 on {rnd(r, string.ascii_lowercase, 8)}"
    if pick == 20:
        return f"version 1.{r.randint(0, 30)}.{r.randint(0, 9)} (build {rnd(r, HEX, 8)}) sha256={rnd(r, HEX, 8)}"
    return f"ssh://git@github.com/acme/{rnd(r, string.ascii_lowercase, 8)}.git fetch failed"


def benign_lines(seed: int, n: int) -> list[str]:
    r = random.Random(seed)
    return [benign(r) for _ in range(n)]
