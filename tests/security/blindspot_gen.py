"""Seeded plantings of the classes the gitleaks-shape generator lacked (issue 18, round 8 part 1).

Where the class list comes from: the round-7 closing note (/work/team/r7/note.md, #18, "Why the gitleaks-shape
generator did not predict them"): list/JWKS carriers, phrases in other scripts, directive-name-value, nested
quotes, label-then-next-line, names with no secret word, providers gitleaks lacks. The spellings inside each class
come from the carriers' own documentation and source: RFC 7517/7518 (JWK members; `oct` keys carry `k`), redis.conf
/ keepalived.conf / haproxy.cfg / BIND named.conf / strongSwan ipsec.secrets / wpa_supplicant.conf / mosquitto.conf
(directives), the web frameworks' session cookie names (Django `sessionid`, Express `connect.sid`, CodeIgniter
`ci_session`, Flask `session`, Rack `rack.session`, ASP.NET `.ASPXAUTH`), AWS SigV4 / GCS V4 / Azure SAS / CloudFront
signed URLs (`X-Amz-Signature`, `X-Goog-Signature`, `sig`, `Signature`), BIP-39 (mnemonic phrases), and providers'
key docs for prefixes gitleaks has no rule for (HubSpot `pat-na1-`, Tencent Cloud `AKID`, AWS Bedrock `ABSK`, Google
OAuth refresh tokens `1//`, Baidu Qianfan `bce-v3/ALTAK-`).

Each class has a SECRET side (the value must not survive) and a KEEP side (a lookalike in the same carrier that must
survive). Carriers are built with the real libraries where one prints them (json, repr, urllib.parse, PyYAML,
logging's %-format).

    PYTHONPATH=$PWD python -m tests.security.blindspot_gen --seeds 100-103    # leak/loss share per class
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import string
import urllib.parse
import uuid
from collections.abc import Callable

import yaml

from .secret_gen import AN, HEX, URLSAFE, leaked, password, rnd

Planting = tuple[str, str]  # (text, the value that must not survive / must survive)
LOWER_D = string.ascii_lowercase + string.digits


def token(r: random.Random) -> str:
    """A generated credential of one of the usual charsets (base62, base64url, hex, lowercase+digits)."""
    kind = r.randrange(4)
    if kind == 0:
        return rnd(r, AN, r.randint(24, 48))
    if kind == 1:
        return rnd(r, URLSAFE, r.randint(32, 64))
    if kind == 2:
        return rnd(r, HEX, r.choice([32, 40, 64]))
    return rnd(r, LOWER_D, r.randint(24, 40))


def secret_value(r: random.Random) -> str:
    return token(r) if r.random() < 0.6 else password(r)


# -- 1. a list after a secret name ---------------------------------------------------------------------------
LIST_NAMES = ["api_keys", "apiKeys", "API_KEYS", "tokens", "secrets", "passwords", "client_secrets", "accessTokens",
              "keys", "fallback_api_keys", "ROTATED_SECRETS", "bearer_tokens"]


def list_secret(r: random.Random) -> Planting:
    name, vals = r.choice(LIST_NAMES), [secret_value(r) for _ in range(r.randint(1, 3))]
    shape = r.randrange(6)
    if shape == 0:
        return json.dumps({name: vals, "model": "kimi-k2"}), vals[-1]
    if shape == 1:
        return f"settings loaded: {({name: vals, 'retries': 3})!r}", vals[-1]
    if shape == 2:
        return f"config:\n{yaml.safe_dump({'upstream': {name: vals}}, default_flow_style=False)}", vals[-1]
    if shape == 3:
        return f"{name.upper()}={','.join(vals)}", vals[-1]
    if shape == 4:
        return f"parsed {urllib.parse.parse_qs(urllib.parse.urlencode({name: vals}, doseq=True))}", vals[-1]
    return f"{name}=({' '.join(repr(v) for v in vals)})", vals[-1]  # a bash array


def list_keep(r: random.Random) -> Planting:
    shape = r.randrange(5)
    if shape == 0:
        ids = [str(uuid.UUID(int=r.getrandbits(128), version=4)) for _ in range(2)]
        return json.dumps({"request_ids": ids, "tokens": [r.randint(10, 4000), r.randint(10, 4000)]}), ids[-1]
    if shape == 1:
        names = r.sample(["OPENAI_API_KEY", "KIMI_API_KEY", "STRIPE_SECRET_KEY", "DATABASE_PASSWORD"], 2)
        return f"missing settings: {({'secret_keys': names})!r}", names[-1]
    if shape == 2:
        models = ["kimi-k2-0905-preview", "moonshot-v1-128k", "glm-4.5-air"]
        return json.dumps({"api_keys": [], "models": models}), models[-1]
    if shape == 3:
        shas = [rnd(r, HEX, 40) for _ in range(2)]
        return f"{yaml.safe_dump({'commits': shas})}", shas[-1]
    return json.dumps({"token_counts": [r.randint(1, 999) for _ in range(3)], "keys": ["id", "name", "email"]}), "email"


# -- 2. JWK / JWKS members ------------------------------------------------------------------------------------
def _b64u(r: random.Random, n: int) -> str:
    return base64.urlsafe_b64encode(r.randbytes(n)).decode().rstrip("=")


def jwk_secret(r: random.Random) -> Planting:
    shape = r.randrange(3)
    if shape == 0:  # a symmetric key (RFC 7518 6.4: `k` is the key itself)
        k = _b64u(r, r.choice([32, 48, 64]))
        jwk = {"kty": "oct", "kid": rnd(r, HEX, 8), "alg": r.choice(["HS256", "HS512", "A256GCM"]), "k": k}
        return f"jwks: {json.dumps({'keys': [jwk]})}", k
    if shape == 1:  # an OKP private key (RFC 8037: `d`)
        d = _b64u(r, 32)
        return json.dumps({"kty": "OKP", "crv": "Ed25519", "x": _b64u(r, 32), "d": d}), d
    d = _b64u(r, 32)
    return f"loaded key {({'kty': 'EC', 'crv': 'P-256', 'x': _b64u(r, 32), 'y': _b64u(r, 32), 'd': d})!r}", d


def jwk_keep(r: random.Random) -> Planting:
    x = _b64u(r, 32)
    shape = r.randrange(3)
    if shape == 0:
        return json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": rnd(r, HEX, 8), "x": x}]}), x
    if shape == 1:
        t = _b64u(r, 20)
        return json.dumps({"keys": [{"kty": "RSA", "kid": rnd(r, AN, 12), "x5t": t, "e": "AQAB",
                                     "n": _b64u(r, 128)}]}), t
    return f"jwk thumbprint {x} kid={rnd(r, HEX, 16)}", x


# -- 3. phrases in other scripts -----------------------------------------------------------------------------
FOREIGN_PHRASES = ["新密码为 {v}", "您的密码是：{v}", "パスワードは {v} です", "初期パスワード：{v}", "임시 비밀번호는 {v} 입니다",
                   "Ваш новый пароль: {v}", "пароль пользователя admin — {v}", "Das neue Passwort lautet {v}",
                   "le mot de passe temporaire est {v}", "la nueva contraseña es {v}", "Sua senha temporária é {v}",
                   "API 密钥已生成：{v}", "新しいトークン: {v}", "Ваш токен доступа: {v}", "访问令牌 {v} 已创建"]
FOREIGN_PROSE = ["密码错误，请重试 (user={v})", "パスワードの有効期限が切れました user={v}", "неверный пароль для {v}",
                 "Passwort abgelaufen für Benutzer {v}", "contraseña incorrecta para {v}", "令牌已过期 request_id={v}"]


def foreign_secret(r: random.Random) -> Planting:
    v = secret_value(r)
    return f"INFO mailer: {r.choice(FOREIGN_PHRASES).format(v=v)}", v


def foreign_keep(r: random.Random) -> Planting:
    v = r.choice([r.choice(["mario", "zhang.wei", "tanaka", "ivanov"]), str(uuid.UUID(int=r.getrandbits(128)))])
    return f"WARNING auth: {r.choice(FOREIGN_PROSE).format(v=v)}", v


# -- 4. directive name value ----------------------------------------------------------------------------------
def directive_secret(r: random.Random) -> Planting:
    v = r.choice([rnd(r, AN, r.randint(12, 32)), password(r)])
    shape = r.randrange(9)
    if shape == 0:
        return f"redis.conf:1042 masterauth {v}", v
    if shape == 1:
        return f"keepalived: vrrp_instance VI_1 {{ authentication {{ auth_type PASS auth_pass {v} }} }}", v
    if shape == 2:
        return f"[ALERT] haproxy.cfg:12 : 'stats auth admin:{v}'", v
    if shape == 3:
        k = base64.b64encode(r.randbytes(32)).decode()
        return f'named.conf: key "xfer" {{ algorithm hmac-sha256; secret "{k}"; }};', k
    if shape == 4:
        kind = r.choice(["PSK", "EAP", "XAUTH"])
        user = "" if kind == "PSK" else r.choice(["carol ", "dave@example.com "])
        return f'+ cat /etc/ipsec.secrets\n10.0.0.1 10.0.0.2 : {kind} {user}"{v}"\n', v
    if shape == 5:
        return f'wpa_supplicant.conf: network={{ ssid="office" psk="{v}" }}', v
    if shape == 6:
        return f"mosquitto.conf: bridge_remote_password {v}", v
    if shape == 7:
        return f"haproxy: userlist admins user ops insecure-password {v}", v
    return f"nginx: proxy_set_header X-Upstream-Auth {v};", v


def directive_keep(r: random.Random) -> Planting:
    path = r.choice(["/etc/nginx/.htpasswd", "/etc/ssl/private/app.key", "/run/secrets/redis_pass",
                     "/etc/mosquitto/passwd"])
    shape = r.randrange(4)
    if shape == 0:
        return f"nginx: auth_basic_user_file {path};", path
    if shape == 1:
        return f"nginx: ssl_certificate_key {path};", path
    if shape == 2:
        return f"mosquitto.conf: password_file {path}", path
    n = str(r.randint(1, 255))
    return f"keepalived: vrrp_instance VI_1 {{ state MASTER virtual_router_id {n} auth_type PASS }}", n


# -- 5. nested quotes -----------------------------------------------------------------------------------------
NESTED_NAMES = ["password", "api_key", "token", "client_secret", "secretKey", "DB_PASSWORD"]


def nested_secret(r: random.Random) -> Planting:
    name, v = r.choice(NESTED_NAMES), secret_value(r)
    shape = r.randrange(6)
    if shape == 0:  # JSON in a JSON string in a JSON log
        return json.dumps({"msg": "request", "body": json.dumps({name: v})}), v
    if shape == 1:  # three levels
        return json.dumps({"log": json.dumps({"body": json.dumps({name: v})}) + "\n"}), v
    if shape == 2:  # a Python repr of a JSON text
        return f"payload={json.dumps({name: v})!r}", v
    if shape == 3:  # CSV's doubled quotes
        return f'row 14: "{{""{name}"": ""{v}""}}",ok', v
    if shape == 4:  # shell single quotes around a JSON text
        return f"+ curl -d '{json.dumps({name: v})}' https://api.example.com/v1", v
    return f"{name}='\"{v}\"'", v


def nested_keep(r: random.Random) -> Planting:
    v = r.choice([str(uuid.UUID(int=r.getrandbits(128))), "kimi-k2-0905-preview", rnd(r, HEX, 40)])
    name = r.choice(["request_id", "model", "commit"])
    return json.dumps({"msg": "request", "body": json.dumps({name: v, "max_tokens": 512})}), v


# -- 6. a label, then the value on the next line -------------------------------------------------------------
LABELS = ["Password:", "Your new password:", "API key", "Secret Access Key:", "Access token:", "Token:",
          "Generated secret", "Client secret:", "Root password for the database:"]


def next_line_secret(r: random.Random) -> Planting:
    v = secret_value(r)
    sep = r.choice(["\n", "\n    ", "\n\n", "\r\n"])
    text = f"{r.choice(LABELS)}{sep}{v}\n"
    return (json.dumps({"log": text}) if r.random() < 0.3 else text), v


def next_line_keep(r: random.Random) -> Planting:
    v = r.choice(["(not set)", "expired", "********", "<none>", "rotated"])
    follow = r.choice(["Retrying in 5 seconds", "ConnectionRefusedError: [Errno 111] Connection refused",
                       "See https://docs.example.com/auth"])
    return f"{r.choice(LABELS)}\n    {v}\n{follow}\n", follow


# -- 7. names with no secret word ----------------------------------------------------------------------------
COOKIE_NAMES = ["sessionid", "connect.sid", "ci_session", "session", "rack.session", ".ASPXAUTH", "sid", "_gh_sess",
                "koa.sess", "express:sess", "wordpress_logged_in_" + "5c2e", "__Host-sid"]


def wordless_secret(r: random.Random) -> Planting:
    shape = r.randrange(5)
    if shape == 0:
        v = rnd(r, r.choice([AN, LOWER_D, URLSAFE + "%"]), r.randint(24, 48))
        return f"Set-Cookie: {r.choice(COOKIE_NAMES)}={v}; Path=/; HttpOnly", v
    if shape == 1:
        sig = rnd(r, HEX, 64)
        q = urllib.parse.urlencode({"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Date": "20261206T093700Z",
                                    "X-Amz-Expires": "3600", "X-Amz-SignedHeaders": "host", "X-Amz-Signature": sig})
        return f"GET https://bucket.s3.amazonaws.com/report.pdf?{q} 403", sig
    if shape == 2:
        sig = base64.b64encode(r.randbytes(32)).decode()
        q = urllib.parse.urlencode({"sv": "2022-11-02", "se": "2026-12-07T00:00:00Z", "sr": "b", "sp": "r",
                                    "sig": sig})
        return f"BlobClient url=https://acct.blob.core.windows.net/c/b.bin?{q}", urllib.parse.quote(sig, safe="")
    if shape == 3:
        words = ["abandon", "ability", "able", "about", "above", "absent", "absorb", "abstract", "absurd", "abuse",
                 "access", "accident", "account", "accuse", "achieve", "acid", "acoustic", "acquire", "across", "act"]
        phrase = " ".join(r.choice(words) for _ in range(12))
        return f"{r.choice(['MNEMONIC', 'seed_phrase', 'WALLET_SEED', 'recovery phrase'])}={phrase!r}", phrase
    sig = rnd(r, URLSAFE, 40) + "~" + rnd(r, URLSAFE, 30)
    return f"cloudfront url ...?Expires=1796550000&Signature={sig}&Key-Pair-Id=K2JCJMDEHXQW5F", sig


def wordless_keep(r: random.Random) -> Planting:
    shape = r.randrange(4)
    if shape == 0:
        return "Set-Cookie: csrftoken_set=1; Path=/; SameSite=Lax", "SameSite=Lax"
    if shape == 1:
        v = "K" + rnd(r, string.ascii_uppercase + string.digits, 13)
        return f"cloudfront url ...?Expires=1796550000&Key-Pair-Id={v}", v
    if shape == 2:
        v = "20261206T093700Z"
        return f"GET https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Date={v}&X-Amz-Expires=3600 403", v
    v = str(uuid.UUID(int=r.getrandbits(128)))
    return f"session={v[:8]} started sid_count=3 trace={v}", v


# -- 8. providers gitleaks has no rule for ---------------------------------------------------------------------
def provider_secret(r: random.Random) -> Planting:
    shape = r.randrange(5)
    if shape == 0:
        v = "pat-" + r.choice(["na1", "eu1", "na2"]) + "-" + str(uuid.UUID(int=r.getrandbits(128), version=4))
    elif shape == 1:
        v = "AKID" + rnd(r, AN, 32)
    elif shape == 2:
        v = "ABSK" + base64.b64encode(("BedrockAPIKey-" + rnd(r, LOWER_D, 4) + "-at-" + str(r.randint(10**11, 10**12))
                                       + ":" + rnd(r, AN, 40)).encode()).decode()
    elif shape == 3:
        v = "1//0" + rnd(r, AN[:52], 1) + rnd(r, URLSAFE, 98)
    else:
        v = "bce-v3/ALTAK-" + rnd(r, AN, 21) + "/" + rnd(r, HEX, 40)
    carrier = r.choice(["client init failed key={v}", "Authorization: Bearer {v}", "{{\"credential\": \"{v}\"}}",
                        "upstream 401 for {v}", "using {v}"])
    return carrier.format(v=v), v


def provider_keep(r: random.Random) -> Planting:
    shape = r.randrange(3)
    if shape == 0:
        v = "pat-na1"
        return f"hubspot portal region={v} portal_id={r.randint(10**6, 10**8)}", v
    if shape == 1:
        v = str(uuid.UUID(int=r.getrandbits(128), version=4))
        return f"hubspot correlationId={v} status=401", v
    v = "AKIDX"
    return f"tencentcloud error code=AuthFailure.SecretIdNotFound hint={v}", v


CLASSES: dict[str, tuple[Callable[[random.Random], Planting], Callable[[random.Random], Planting]]] = {
    "list": (list_secret, list_keep),
    "jwk": (jwk_secret, jwk_keep),
    "foreign_phrase": (foreign_secret, foreign_keep),
    "directive": (directive_secret, directive_keep),
    "nested_quotes": (nested_secret, nested_keep),
    "next_line": (next_line_secret, next_line_keep),
    "wordless_name": (wordless_secret, wordless_keep),
    "provider": (provider_secret, provider_keep),
}


def plantings(cls: str, seed: int, n: int, keep: bool = False) -> list[Planting]:
    r = random.Random(f"{cls}:{seed}:{'keep' if keep else 'secret'}")
    make = CLASSES[cls][1 if keep else 0]
    return [make(r) for _ in range(n)]


def shares(fn: Callable[[str], str], seeds: range, n: int = 40) -> dict[str, tuple[int, int, int, int]]:
    """Per class: (leaked, planted, lost, kept-planted)."""
    out = {}
    for cls in CLASSES:
        sec = [p for s in seeds for p in plantings(cls, s, n)]
        kp = [p for s in seeds for p in plantings(cls, s, n, keep=True)]
        out[cls] = (sum(leaked(v, fn(t)) for t, v in sec), len(sec), sum(v not in fn(t) for t, v in kp), len(kp))
    return out


def report(fn: Callable[[str], str], seeds: range, label: str) -> None:
    for cls, (lk, n, lost, nk) in shares(fn, seeds).items():
        print(f"{label}: {cls:16} leaked {lk:4}/{n} ({lk / n:6.1%})   lost {lost:4}/{nk} ({lost / nk:6.1%})")


def _seeds(spec: str) -> range:
    lo, _, hi = spec.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def main() -> None:
    from sidecar.redaction import redact

    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="100-103")
    ap.add_argument("--show", default="", help="print the leaked/lost texts of this class")
    ap.add_argument("--baseline-rev", default=None, help="also the redactor at this git revision, per class")
    args = ap.parse_args()
    seeds = _seeds(args.seeds)
    report(redact, seeds, "this tree")
    if args.baseline_rev:
        import sys
        from pathlib import Path
        sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
        from redaction import old_redactor  # type: ignore[import-not-found]

        old = old_redactor(args.baseline_rev)
        report(lambda t: old(t, None), seeds, args.baseline_rev)
    if args.show:
        for s in seeds:
            for t, v in plantings(args.show, s, 40):
                if leaked(v, out := redact(t)):
                    print("LEAK", repr(out))
            for t, v in plantings(args.show, s, 40, keep=True):
                if v not in (out := redact(t)):
                    print("LOST", repr(out))


if __name__ == "__main__":
    main()
