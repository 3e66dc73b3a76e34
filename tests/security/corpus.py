"""A generated secret corpus: every kind and spelling the redactor must catch, built from the formats
in gitleaks' rules and detect-secrets' plugins (random values, a fixed seed), and the shapes a
secret takes in a log (traceback line, message, JSON field, context line).

The case writer's corpus (tests/data/secrets/corpus_dev.yaml) is read too when it exists.
"""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "secrets"
_R = random.Random(18)
A, U, L, D, H = string.ascii_letters, string.ascii_uppercase, string.ascii_lowercase, string.digits, "0123456789abcdef"


def rnd(chars: str, n: int) -> str:
    return "".join(_R.choice(chars) for _ in range(n))


def _b64(d: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")


def generated() -> list[tuple[str, str, str]]:
    """(kind, text with the secret, the secret) for >= 60 kinds and spellings."""
    an = A + D
    pw = rnd(A + D, 6) + "!" + rnd(D, 3)
    letters = "correcthorsebatterystaple"
    provider = {
        "openai": "sk-proj-" + rnd(an, 48), "openai_legacy": "sk-" + rnd(an, 48),
        "anthropic": "sk-ant-api03-" + rnd(an + "-_", 90), "stripe_live": "sk_live_" + rnd(an, 24),
        "stripe_restricted": "rk_live_" + rnd(an, 24), "google": "AIza" + rnd(an + "_-", 35),
        "google_oauth": "ya29." + rnd(an + "_-", 60), "aws_key_id": "AKIA" + rnd(U + D, 16),
        "aws_sts": "ASIA" + rnd(U + D, 16), "github_pat": "ghp_" + rnd(an, 36),
        "github_fine": "github_pat_" + rnd(an, 22) + "_" + rnd(an, 59), "gitlab": "glpat-" + rnd(an + "_-", 20),
        "slack_bot": "xoxb-" + rnd(D, 12) + "-" + rnd(D, 12) + "-" + rnd(an, 24),
        "slack_user": "xoxp-" + rnd(D, 12) + "-" + rnd(D, 12) + "-" + rnd(an, 32),
        "sendgrid": "SG." + rnd(an + "_-", 22) + "." + rnd(an + "_-", 43), "twilio": "SK" + rnd(H, 32),
        "npm": "npm_" + rnd(an, 36), "pypi": "pypi-AgEIcHlwaS5vcmc" + rnd(an + "_-", 70),
        "huggingface": "hf_" + rnd(A, 34), "digitalocean": "dop_v1_" + rnd(H, 64),
        "shopify": "shpat_" + rnd(H, 32), "databricks": "dapi" + rnd(H, 32), "doppler": "dp.pt." + rnd(an, 43),
        "linear": "lin_api_" + rnd(an, 40), "grafana": "glsa_" + rnd(an, 32) + "_" + rnd(H, 8),
        "postman": "PMAK-" + rnd(H, 24) + "-" + rnd(H, 34), "mailgun": "key-" + rnd(H, 32),
        "groq": "gsk_" + rnd(an, 52), "supabase_secret": "sb_secret_" + rnd(an, 32),
        "zai": rnd(H, 32) + "." + rnd(an, 16), "square": "sq0atp-" + rnd(an + "_-", 22),
        "azure_ad": rnd(an, 3) + "8Q~" + rnd(an + "_~.-", 34), "age": "AGE-SECRET-KEY-1" + rnd("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
        "jwt": "eyJhbGciOiJIUzI1NiJ9." + _b64({"sub": rnd(D, 8), "exp": 1}) + "." + rnd(an + "_-", 43),
        "supabase_service": "eyJhbGciOiJIUzI1NiJ9." + _b64({"iss": "supabase", "role": "service_role"}) + "." + rnd(an, 43),
        "discord_bot": "M" + rnd(an, 25) + "." + rnd(an, 6) + "." + rnd(an + "_-", 38),
        "high_entropy_b64": rnd(an, 40),
    }
    out = [(k, f"calling upstream with {v} failed", v) for k, v in provider.items()]
    hook = {
        "slack_webhook": "https://hooks.slack.com/services/T" + rnd(U + D, 8) + "/B" + rnd(U + D, 10) + "/" + rnd(an, 24),
        "slack_workflow": "https://hooks.slack.com/workflows/T" + rnd(U + D, 8) + "/A" + rnd(U + D, 10) + "/" + rnd(D, 18) + "/" + rnd(an, 24),
        "discord_webhook": "https://discord.com/api/webhooks/" + rnd(D, 18) + "/" + rnd(an + "_-", 68),
        "discordapp_webhook": "https://discordapp.com/api/webhooks/" + rnd(D, 18) + "/" + rnd(an + "_-", 68),
        "teams_webhook": "https://contoso.webhook.office.com/webhookb2/" + rnd(H, 8) + "-" + rnd(H, 4) + "@" + rnd(H, 8) + "/IncomingWebhook/" + rnd(H, 32) + "/" + rnd(H, 8),
        "teams_workflow": "https://prod-12.westus.logic.azure.com:443/workflows/" + rnd(H, 32) + "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + rnd(an + "-_", 43),
    }
    for k, url in hook.items():
        secret = url.split("/", 3)[3] if "sig=" not in url else url.rsplit("sig=", 1)[1]
        out.append((k, f"POST {url} -> 404", secret))
    db = rnd(an, 14)
    out += [
        ("url_userinfo_pg", f"connect postgresql://app:{pw}@db.internal:5432/app", pw),
        ("url_userinfo_redis", f"redis://:{db}@redis:6379/0 refused", db),
        ("url_userinfo_amqp", f"amqp://guest:{pw}X@rabbit/", pw + "X"),
    ]
    qv = rnd(an, 24)
    out += [(f"query_{p}", f"GET /cb?state=1&{p}={qv}{i} 302", f"{qv}{i}") for i, p in
            enumerate(["access_token", "token", "api_key", "key", "sig", "code", "X-Amz-Signature", "password"])]
    names = ["password", "PASSWORD", "passwd", "pwd", "pass", "DB_PASS", "PGPASSWORD", "MYSQL_ROOT_PASSWORD",
             "secret", "client_secret", "clientSecret", "SECRET_KEY", "secretKey", "token", "accessToken",
             "access_token", "refreshToken", "AUTH_TOKEN", "authToken", "api_key", "apiKey", "x-api-key", "APIKEY",
             "AccountKey", "private_key", "privateKey", "credentials", "credential", "auth", "authorization",
             "session_cookie", "passphrase", "AWS_SECRET_ACCESS_KEY", "SLACK_SIGNING_SECRET", "dbPassword",
             "Kimi-Api-Key", "OPENAI_API_KEY"]
    seps = ["{n}={v}", "{n}: {v}", "{n} {v}", '"{n}": "{v}"', "{n}='{v}'", "{n} = {v}"]
    for i, n in enumerate(names):
        value = letters if i % 5 == 0 else rnd(an, 10 + i % 14) + rnd(D, 2)
        sep = seps[i % len(seps)]
        out.append((f"name:{n}:{sep}", "config: " + sep.format(n=n, v=value) + " loaded", value))
    out += [
        ("bearer_lower", "authorization: bearer " + letters + "abcdefghij", letters + "abcdefghij"),
        ("bearer_mixed", "Authorization: Bearer " + rnd(an, 32), ""),
        ("basic_auth", "Authorization: Basic " + base64.b64encode(f"u:{pw}".encode()).decode(), base64.b64encode(f"u:{pw}".encode()).decode()),
        ("pem_rsa", "key:\n-----BEGIN RSA PRIVATE KEY-----\n" + rnd(an + "+/", 64) + "\n" + rnd(an + "+/", 64) + "\n-----END RSA PRIVATE KEY-----", ""),
        ("pem_openssh", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + rnd(an + "+/", 70) + "\n-----END OPENSSH PRIVATE KEY-----", ""),
        ("azure_conn", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + rnd(an + "+/", 86) + "==;EndpointSuffix=core.windows.net", ""),
    ]
    fixed = []
    for kind, text, secret in out:
        if not secret:  # the secret is the last whitespace/`=`-separated run of the planted value
            secret = text.split("-----")[2].strip() if "-----" in text else text.rsplit(" ", 1)[-1].split("AccountKey=")[-1].split(";")[0]
        fixed.append((kind, text, secret))
    return fixed


def shapes(text: str) -> dict[str, str]:
    """The same secret text planted four ways a log carries it."""
    return {
        "message": f"2026-12-05 10:00:00 ERROR app.worker: {text}",
        "traceback": ("Traceback (most recent call last):\n  File \"/app/worker.py\", line 12, in run\n"
                      f"    client.call()\nRuntimeError: {text}"),
        "json_field": json.dumps({"level": "error", "msg": "upstream failed", "detail": text}),
        "context": f"2026-12-05 09:59:59 INFO app.setup: {text}",
    }


def case_writer_corpus(name: str) -> list[tuple[str, str, str]]:
    """(kind, planted text, secret) for every context of every entry of the case writer's file
    (`entries: [{kind, secret, contexts}]`), or [] when it has not landed."""
    path = DATA / name
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text()) or {}
    return [(str(e["kind"]), str(c), str(e["secret"])) for e in raw.get("entries", []) for c in e.get("contexts", [])]


def must_keep(name: str = "must_keep.yaml") -> list[tuple[str, str]]:
    """(text that must survive, the line it is in) from a must-keep file, or []."""
    path = DATA / name
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text()) or {}
    return [(str(e["text"]), str(e["context"])) for e in raw.get("must_keep", [])]
