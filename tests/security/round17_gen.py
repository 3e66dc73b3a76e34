"""Seeded plantings of round 17's classes (issue 18): set 18's spent spec-out leak and must-keep losses widened to
their classes, with twins that share each carrier. Sources are cited next to each mechanism
(sidecar/redaction/basicuser.py: CLASSES19.md B37; webhooksigs.py: the senders' signature grammars; keep.py's Vault
`accessor`; formats.py's Twilio Account SID note; references.py's kustomize secretGenerator names).

Each class varies the vendor's key shape, the carrier, the field spelling, the dummy password and the log shape
(classes11_gen.shape: a text record, json.dumps, a Docker json-file record a line, the bare text).

    PYTHONPATH=$PWD python -m tests.security.round17_gen --seeds 1700-1702 [--show BASIC_USER]
"""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
from collections.abc import Callable

from .classes11_gen import shape
from .secret_gen import AN, HEX, class_plantings, class_report, class_value_failed, rnd

Planting = tuple[str, str]
_B64 = AN + "+/"


def _api_key(r: random.Random) -> str:
    """A key a vendor puts in the Basic user-id: Dropbox Sign 64 hex, Recurly/Close 32 hex, Chargebee-style
    `live_`/`test_` + alnum, Freshdesk 20 alnum, a UUID (Codecov-like), PrestaShop 32 upper alnum."""
    return r.choice([lambda: rnd(r, HEX, 64), lambda: rnd(r, HEX, 32), lambda: r.choice(["live_", "test_"]) + rnd(r, AN, 30) + "7",
                     lambda: rnd(r, AN, r.randrange(18, 26)) + "4", lambda: str(uuid.UUID(int=r.getrandbits(128))),
                     lambda: rnd(r, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 31) + "9"])()


def _login(r: random.Random) -> str:
    """A user-id that names a person or a service (CLASSES19.md D50, CLASSES13 D23): kept even beside no password."""
    return r.choice(["admin", "deploy-bot", "svc-payments-prod-01", "gateway.service.account", "ci_runner_2024",
                     "ops-automation-user", f"tenant-{r.randrange(100, 999)}-readonly", "apiuser", "root"])


def _empty(r: random.Random, quote: str) -> str:
    return r.choice(["None", f"{quote}{quote}", f"{quote}X{quote}", f"{quote}x{quote}"])


def _basic_carrier(r: random.Random, user: str, pw: str | None, carriers: tuple[int, ...] = tuple(range(7))) -> str:
    """The pair in one of B37's carriers; `pw` None: an empty or dummy password in the carrier's own spelling."""
    q = r.choice(["'", '"'])
    host = r.choice(["api.hellosign.com/v3", "acme.chargebee.com/api/v2", "acme.recurly.com", "api.close.com/api/v1",
                     "acme.freshdesk.com/api/v2", "shop.example.com/api"])
    dummy = r.choice(["", "X", "x"])
    k = r.choice(carriers)
    if k == 0:
        p = _empty(r, "'") if pw is None else repr(pw)
        return (f"sdk configuration\nConfiguration(host='https://{host}', username='{user}', password={p}, "
                f"access_token=None)")
    if k == 1:
        p = _empty(r, "'") if pw is None else repr(pw)
        return f"session auth: BasicAuth(login='{user}', password={p}, encoding='latin1')"
    if k == 2:
        p = _empty(r, q) if pw is None else q + pw + q
        fn = r.choice(["auth=(", "HTTPBasicAuth(", "requests.auth.HTTPBasicAuth("])
        return f"retrying GET https://{host}/customers with {fn}{q}{user}{q}, {p})"
    if k == 3:
        tool = r.choice(["+ curl -sS -u ", "$ curl --user ", "+ curl -fsS --user="] if 2 not in carriers else
                        ["+ curl -sS -u ", "$ curl --user ", "+ curl -fsS --user=", "+ http -a ", "+ http --auth "])
        wrap = r.choice(["", "'", '"'])
        return f"{tool}{wrap}{user}:{dummy if pw is None else pw}{wrap} https://{host}/account"
    if k == 4:
        return f"POST https://{user}:{dummy if pw is None else pw}@{host}/invoices -> 401"
    if k == 5:
        p = '""' if pw is None else f'"{pw}"'
        return f'{{"base_url": "https://{host}", "username": "{user}", "password": {p}}}'
    p = "null" if pw is None else f'"{pw}"'
    return f'client settings {{"host": "https://{host}", "user": "{user}", "password": {p}, "timeout": 30}}'


def basic_user(r: random.Random) -> Planting:
    """B37 grammars 1 and 2: the API key is the Basic user-id, the password empty or a dummy."""
    v = _api_key(r)
    return shape(r, _basic_carrier(r, v, None)), v


def keep_basic_login(r: random.Random) -> Planting:
    """The same carriers around a login (no password), or around a public id beside a real password (grammar 4:
    `site_id:api_key`, the id stays)."""
    if r.random() < 0.5:
        # (not the positional pair nor HTTPie's `--auth`, here and below: there listed.py / names.py still take the
        # user-id beside an empty password, and a JSON-escaped pair whole, erring toward redacting - round 17 left it)
        v = _login(r)
        return shape(r, _basic_carrier(r, v, None, (0, 1, 3, 4, 5, 6))), v
    v = rnd(r, HEX, 20)
    return shape(r, _basic_carrier(r, v, rnd(r, AN, 28) + "3", (0, 1, 3, 4, 5, 6))), v


def _signature(r: random.Random) -> tuple[str, str]:
    """(header name, value) of one delivery's signature, in each sender's documented grammar (webhooksigs.py)."""
    ts = str(r.randrange(1_700_000_000, 1_900_000_000))
    b64 = base64.b64encode(r.randbytes(32)).decode()
    k = r.randrange(6)
    if k == 0:
        extra = " v1a," + base64.b64encode(r.randbytes(64)).decode() if r.random() < 0.3 else ""
        return r.choice(["webhook-signature", "svix-signature", "Svix-Signature", "Webhook-Signature"]), f"v1,{b64}{extra}"
    if k == 1:
        extra = ",v0=" + rnd(r, HEX, 64) if r.random() < 0.5 else ""
        return "Stripe-Signature", f"t={ts},v1={rnd(r, HEX, 64)}{extra}"
    if k == 2:
        return "Paddle-Signature", f"ts={ts};h1={rnd(r, HEX, 64)}"
    if k == 3:
        return "X-Slack-Signature", f"v0={rnd(r, HEX, 64)}"
    if k == 4:
        return "X-Hub-Signature-256", f"sha256={rnd(r, HEX, 64)}"
    return "X-Hub-Signature", f"sha1={rnd(r, HEX, 40)}"


def _header_line(r: random.Random, name: str, value: str) -> str:
    q = r.choice(["'", '"'])
    return r.choice([f"{name}: {value}", f"headers={{{q}{name}{q}: {q}{value}{q}}}", f'"{name}": "{value}"'])


def keep_webhook_signature(r: random.Random) -> Planting:
    name, v = _signature(r)
    why = r.choice(["signature timestamp outside tolerance;", "signature mismatch, rejecting delivery", "inbound webhook"])
    return shape(r, f"{why} {_header_line(r, name, v)}"), v


def signing_secret_beside(r: random.Random) -> Planting:
    """The signing secret the twin's MAC was made with, in the same record: it still goes."""
    name, sig = _signature(r)
    v = r.choice(["whsec_" + base64.b64encode(r.randbytes(24)).decode(), rnd(r, AN, 32) + "8"])
    label = r.choice(["STRIPE_WEBHOOK_SECRET=", "webhook_secret: ", "signing_secret=", "SVIX_SECRET="])
    return shape(r, f"verify failed {_header_line(r, name, sig)} using {label}{v}"), v


def keep_vault_accessor(r: random.Random) -> Planting:
    """Vault token/mount accessors (Vault docs, "Token accessors"): 24 base62 (or `hmac-sha256:` in audit logs)."""
    v = rnd(r, AN, 24) if r.random() < 0.8 else "auth_" + r.choice(["approle", "userpass", "kubernetes"]) + "_" + rnd(r, HEX, 8)
    name = r.choice(["accessor: ", "token_accessor       ", "token_accessor=", "mount_accessor=", '"accessor": "'])
    tail = '"' if name.endswith('"') else ""
    return shape(r, f"renewed token {name}{v}{tail} ttl={r.randrange(1, 800)}h"), v


def keep_twilio_account_sid(r: random.Random) -> Planting:
    """Twilio's Account SID, `AC` + 32 hex: the public half (Twilio docs: "like a username")."""
    v = "AC" + rnd(r, HEX, 32)
    return shape(r, r.choice([f"sms channel ready account_sid={v} from=+15555550199", f"TWILIO_ACCOUNT_SID={v}",
                              f'{{"account_sid": "{v}", "status": "queued"}}',
                              f"POST https://api.twilio.com/2010-04-01/Accounts/{v}/Messages.json -> 201"])), v


_KUSTOMIZE_MAP = str.maketrans("013ae", "ghkmt")  # kustomize api/hasher/hasher.go `encode`


def _kustomize_name(r: random.Random) -> str:
    base = r.choice(["db-creds", "gateway-secrets", "api-token", "openai-key", "tls-cert", "app.env", "redis-auth"])
    return f"{base}-{hashlib.sha256(r.randbytes(16)).hexdigest()[:10].translate(_KUSTOMIZE_MAP)}"


def _secret_kind_slot(r: random.Random, name: str) -> str:
    """The Secret kind word before a name, as kubelet, the API server and kubectl print it."""
    return r.choice([f'MountVolume.SetUp failed for volume "creds" : secret "{name}" not found',
                     f'Error from server (NotFound): secrets "{name}" not found',
                     f"+ kubectl get secret {name} -n gateway -o yaml", f"$ kubectl describe secret {name}",
                     f'Error: secret "{name}" not found'])


def keep_kustomize_name(r: random.Random) -> Planting:
    """A kustomize secretGenerator name in the Secret kind's slot: a name, kept (references.py)."""
    v = _kustomize_name(r)
    return shape(r, _secret_kind_slot(r, v)), v


def outside_kustomize_grammar(r: random.Random) -> Planting:
    """The same slots around a value outside kustomize's grammar (a generated password, a suffix with a vowel or of
    another length), or a kustomize-shaped value in a password's slot: still redacted."""
    k = r.randrange(3)
    if k == 0:
        v = rnd(r, AN, 14) + "9#"
        return shape(r, _secret_kind_slot(r, v)), v
    if k == 1:
        v = r.choice(["db-creds-", "api-token-"]) + rnd(r, AN, r.choice([9, 11, 12])) + "A1"
        return shape(r, _secret_kind_slot(r, v)), v
    v = _kustomize_name(r)
    return shape(r, r.choice([f"password: {v}", f"DB_PASSWORD={v}", f'{{"token": "{v}"}}'])), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "BASIC_USER": basic_user, "SIGNING_SECRET_BESIDE": signing_secret_beside,
    "OUTSIDE_KUSTOMIZE_GRAMMAR": outside_kustomize_grammar}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "KEEP_BASIC_LOGIN": keep_basic_login, "KEEP_WEBHOOK_SIGNATURE": keep_webhook_signature,
    "KEEP_VAULT_ACCESSOR": keep_vault_accessor, "KEEP_TWILIO_ACCOUNT_SID": keep_twilio_account_sid,
    "KEEP_KUSTOMIZE_NAME": keep_kustomize_name}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("r17", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    return class_value_failed(SECRET_CLASSES, fn, cls, text, v)


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "1700-1702")


if __name__ == "__main__":
    main()
