"""Seeded must-keep values of three classes set 17 showed lost, with the secrets each class's rule exists for:

- a secret's NAME where a value would be (CLASSES17.md D43; sidecar/redaction/secret_names.names_a_secret): a
  Kubernetes `secretKeyRef` / `configMapKeyRef` key, a Helm chart's `existingSecretPasswordKey`, an env var's name
  after a name that only says key or token. Twins: a real value in the same slots (generated, or a passphrase).
- a vendor key pair's id half (D42; clientkeys.py): LiveKit's API key `API<12>`. Twins: the API secret beside it, an
  `API<12>`-shaped value under a secret name.
- a resource id after an administered collection in a path (D42/D45; entropy.COLLECTIONS): Fastly
  `/service/<id>/purge_all`, AIP-122 `projects/<id>`. Twins: a random segment after a capability carrier (`hooks`,
  `webhooks`, `share`, `invite`) and after no noun.

Names, words, values and carriers vary with the seed (classes11_gen.shape: a logger line, a JSON record, Docker
json-file records, bare)."""

from __future__ import annotations

import json
import random

from .classes11_gen import shape
from .secret_gen import AN, rnd

Case = tuple[str, str, str]

_VENDORS = ["ANTHROPIC", "OPENAI", "AZURE_OPENAI", "GROQ", "MISTRAL", "KIMI", "STRIPE", "SENDGRID", "GITHUB", "SLACK"]
_SECRET_WORDS = ["API_KEY", "API_TOKEN", "SECRET_KEY", "PASSWORD", "CLIENT_SECRET", "AUTH_TOKEN", "WEBHOOK_SECRET"]


def _env_name(r: random.Random) -> str:
    name = f"{r.choice(_VENDORS)}_{r.choice(_SECRET_WORDS)}"
    return name + r.choice(["", "", "_PROD", "_V2", "_PRIMARY"])


def _map_key(r: random.Random) -> str:
    """A Secret data key as charts and manifests spell it (`[-._a-zA-Z0-9]+`)."""
    words = [r.choice(["postgres", "redis", "db", "admin", "gateway", "provider", "openai", "smtp"]),
             r.choice(["password", "api-key", "token", "secret", "client-secret", "root-password"])]
    return r.choice(["-", ".", "_"]).join(words) if r.random() < 0.7 else _env_name(r)


def _reference(r: random.Random, key: str) -> str:
    secret = r.choice(["gw-provider-keys", "app-secrets", "db-credentials", "llm-keys"])
    k = r.randrange(5)
    if k == 0:
        return f"container env {_env_name(r)} from secretKeyRef: {{name: {secret}, key: {key}}}"
    if k == 1:
        return f"  - name: {_env_name(r)}\n    valueFrom:\n      secretKeyRef:\n        name: {secret}\n        key: {key}"
    if k == 2:
        return json.dumps({"valueFrom": {"secretKeyRef": {"name": secret, "key": key, "optional": False}}})
    if k == 3:
        return f"auth:\n  existingSecret: {secret}\n  {r.choice(['existingSecretPasswordKey', 'passwordKey'])}: {key}"
    return f"{r.choice(['api_key', 'token', 'key'])}={_env_name(r)} (literal env var name, not its value)"


def _livekit_key(r: random.Random) -> str:
    return "API" + rnd(r, AN, 12)


def _path(r: random.Random, noun: str, segment: str) -> str:
    k = r.randrange(3)
    if k == 0:
        return f"POST https://api.{r.choice(['fastly', 'example', 'cdn'])}.com/{noun}/{segment}/purge_all -> 200"
    if k == 1:
        return f"purge queued for {noun}/{segment} (docs.gw.example.test)"
    return f"GET /v1/{noun}/{segment}/{r.choice(['status', 'settings', 'members'])} 404"


def kept_cases(seed: int, n: int) -> list[Case]:
    """(kind, text, value that must survive) for each class, `n` of each."""
    r = random.Random(seed)
    out: list[Case] = []
    for _ in range(n):
        key = _map_key(r)
        text = _reference(r, key)
        value = key if key in text else text.split("=", 1)[1].split(" ", 1)[0]
        out.append(("secret-name", shape(r, text), value))
        lk = _livekit_key(r)
        out.append(("livekit-key-id", shape(r, r.choice([
            f"room token minted with api key {lk} for identity agent-{r.randrange(9)} ttl=6h",
            f"LIVEKIT_API_KEY={lk}", json.dumps({"api_key": lk, "room": "support"})])), lk))
        seg = rnd(r, AN, r.randrange(20, 26))
        out.append(("resource-id", shape(r, _path(r, r.choice(["service", "projects", "zones", "apps", "accounts"]),
                                                 seg)), seg))
    return out


def secret_twins(seed: int, n: int) -> list[Case]:
    """(kind, text, secret that must go) in the same slots and carriers."""
    r = random.Random(seed + 11)
    out: list[Case] = []
    for _ in range(n):
        v = rnd(r, AN, r.randrange(20, 40))
        out.append(("secretkeyref-slot-value", shape(r, r.choice([f"key: {v}", f"passwordKey: {v}",
                                                                   f"{_env_name(r)}={v}"])), v))
        phrase = "-".join(r.choice(["correct", "horse", "battery", "staple", "purple", "monkey"]) for _ in range(4))
        out.append(("passphrase", shape(r, f"{r.choice(['SECRET_KEY', 'DB_PASSWORD', 'jwt_secret'])}={phrase}"),
                    phrase))
        secret = rnd(r, AN, 43)
        lk = _livekit_key(r)
        out.append(("livekit-secret", shape(r, f"LIVEKIT_API_KEY={lk} LIVEKIT_API_SECRET={secret}"), secret))
        out.append(("livekit-shaped-secret", shape(r, f"{r.choice(['LIVEKIT_API_SECRET', 'password'])}={lk}"), lk))
        seg = rnd(r, AN, r.randrange(24, 32))
        out.append(("capability-path", shape(r, _path(r, r.choice(["hooks", "webhooks", "share", "invite", "v1"]),
                                                     seg)), seg))
    return out
