"""Seeded generators of values that look like secrets and must stay: the must-keep taxonomy of
sidecar/redaction/keep.py, by class (masked, public by design, announced identifiers), each drawn from
the real library that prints it where one is installed (pydantic, httpx, websockets, cryptography with keys
derived from the seed, uuid, hashlib), in the carriers a log uses (log line, JSON record, header dict/tuple repr, YAML, argv).

A case is (class, planted text, the substring that must survive redaction unchanged).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import uuid
from collections.abc import Callable
from typing import Any

AN = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
Case = tuple[str, str, str]


def rnd(r: random.Random, chars: str, n: int) -> str:
    return "".join(r.choice(chars) for _ in range(n))


def _in_carrier(r: random.Random, name: str, value: str, sep: str | None = None) -> str:
    """`name`/`value` the way a log carries a header or field."""
    pick = r.randrange(8)
    if pick == 0:
        return f"2026-12-05 10:00:00,123 DEBUG app.http: {name}{sep or ': '}{value}"
    if pick == 1:
        return json.dumps({"level": "debug", "msg": "response", name: value})
    if pick == 2:
        return repr({"method": "GET", "headers": {name: value}})
    if pick == 3:
        return repr([(name.encode(), value.encode()), (b"accept", b"*/*")])
    if pick == 4:
        return f"{name}={value}"
    if pick == 5:
        return f"  {name}: {value}\n"
    if pick == 6:
        return json.dumps({"log": json.dumps({name: value}) + "\n", "stream": "stderr"})
    return f"< {name}: {value}"


# -- 1. masked by the library that printed it ----------------------------------------------------------
def _masked(r: random.Random) -> Case:
    from pydantic import BaseModel, SecretBytes, SecretStr

    pick = r.randrange(8)
    field = r.choice(["api_key", "password", "client_secret", "token", "db_password", "kimi_api_key"])
    if pick == 0:
        model = type("Settings", (BaseModel,), {"__annotations__": {field: SecretStr, "model": str}})
        obj = model(**{field: rnd(r, AN, 30), "model": "kimi-k2"})
        return ("masked:pydantic", f"settings loaded: {obj!r}", "SecretStr('**********')")
    if pick == 1:
        model = type("Creds", (BaseModel,), {"__annotations__": {field: SecretBytes}})
        obj = model(**{field: rnd(r, AN, 30).encode()})
        return ("masked:pydantic", f"{obj}", "SecretBytes(b'**********')")
    if pick == 2:
        import httpx

        headers = httpx.Headers({r.choice(["Authorization", "Proxy-Authorization"]): "Bearer " + rnd(r, AN, 40),
                                 "Accept": "application/json"})
        return ("masked:httpx", f"request headers {headers!r}", "'[secure]'")
    if pick == 3:  # SQLAlchemy URL.__repr__ / render_as_string(hide_password=True) (sqlalchemy/engine/url.py)
        scheme = r.choice(["postgresql+asyncpg", "postgresql+psycopg", "mysql+pymysql", "sqlite+aiosqlite"])
        url = f"{scheme}://{r.choice(['app', 'postgres', 'svc'])}:***@db.internal:5432/app"
        return ("masked:sqlalchemy", f"Engine({url})", url)
    if pick == 4:  # OpenAI's 401: prefix, asterisks, last four (the SDK quotes the server's message)
        prefix = r.choice(["sk-proj-", "sk-", "sk-svcacct-", "sk-ant-api03-"])
        masked = prefix + "*" * r.randint(20, 60) + rnd(r, AN, 4)
        return ("masked:openai", f"Error code: 401 - {{'error': {{'message': 'Incorrect API key provided: {masked}. "
                                 f"You can find your API key at https://platform.openai.com/account/api-keys.', "
                                 f"'type': 'invalid_request_error', 'code': 'invalid_api_key'}}}}", masked)
    if pick == 5:
        masked = r.choice(["sk_live_", "sk-", "AKIA", ""]) + "*" * r.randint(4, 24) + rnd(r, AN, 4)
        return ("masked:partial", f"{field}={masked}", masked)
    if pick == 6:  # terraform plan/output, helm diff
        text = r.choice(["(sensitive value)", "(sensitive)"])
        return ("masked:terraform", f'      + {field} = {text}', text)
    literal = r.choice(["[REDACTED]", "[FILTERED]", "[secure]", "<redacted>", "***", "********", "<sensitive>"])
    return ("masked:filter", _in_carrier(r, field, literal), literal)


# -- 2. public by design --------------------------------------------------------------------------------
def _public(r: random.Random) -> Case:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    pick = r.randrange(8)
    if pick == 0:
        key = ed25519.Ed25519PrivateKey.from_private_bytes(r.randbytes(32)) if r.random() < 0.5 else _ec_key(r)
        line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
        blob = line.split()[1]
        return ("public:ssh_key", f"Accepted key {line} deploy@ci for user git", blob)
    if pick == 1:
        key = _ec_key(r)
        pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        body = pem.splitlines()[1]
        return ("public:pem_public_key", r.choice([pem, json.dumps({"jwks_pem": pem})]), body)
    if pick == 2:
        return ("public:certificate", *_certificate(r))
    if pick == 3:
        key = r.choice(["pk_live_", "pk_test_"]) + rnd(r, AN, r.choice([24, 99]))
        name = r.choice(["STRIPE_PUBLISHABLE_KEY", "publishableKey", "stripe.public_key", "NEXT_PUBLIC_STRIPE_KEY"])
        return ("public:stripe_publishable", _in_carrier(r, name, key), key)
    if pick == 4:
        key = "sb_publishable_" + rnd(r, AN + "_-", 31)
        name = r.choice(["SUPABASE_ANON_KEY", "supabaseKey", "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY", "apikey"])
        return ("public:supabase_publishable", _in_carrier(r, name, key), key)
    if pick == 5:  # Langfuse's public key names the project; its `sk-lf-` twin is the secret
        key = "pk-lf-" + str(uuid.UUID(bytes=r.randbytes(16)))
        return ("public:langfuse_public", _in_carrier(r, r.choice(["LANGFUSE_PUBLIC_KEY", "publicKey", "api_key"]), key), key)
    if pick == 6:  # PostHog's project API key: write-only, documented as safe in public apps
        key = "phc_" + rnd(r, AN, 43)
        return ("public:posthog_project", _in_carrier(r, r.choice(["POSTHOG_KEY", "posthog_api_key", "token"]), key), key)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(r.randbytes(32)).digest()).decode().rstrip("=")
    return ("public:pkce_challenge", f"GET /authorize?response_type=code&client_id=gw&code_challenge={challenge}"
            "&code_challenge_method=S256 302", challenge)


def _ec_key(r: random.Random) -> Any:
    """A P-256 key from the seeded generator (keys, hence public keys and certificate bodies, reproduce)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.derive_private_key(r.randrange(1, 2**255), ec.SECP256R1())


def _certificate(r: random.Random) -> tuple[str, str]:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.x509.oid import NameOID

    key = ed25519.Ed25519PrivateKey.from_private_bytes(r.randbytes(32))  # deterministic signatures (RFC 8032)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{rnd(r, string.ascii_lowercase, 8)}.example.com")])
    now = datetime.datetime(2026, 12, 5, tzinfo=datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(r.getrandbits(64)).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, None))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    body = pem.splitlines()[r.randrange(1, len(pem.splitlines()) - 1)]
    return r.choice([f"ssl: loaded CA bundle\n{pem}", json.dumps({"ca_cert": pem})]), body


# -- 3. identifiers, digests, nonces, cursors announced by their name ------------------------------------------
def _uuid(r: random.Random) -> str:
    version = r.choice([1, 3, 4, 5, 6, 7, 8])
    return str(uuid.UUID(int=r.getrandbits(128), version=version if version <= 5 else 4)) if version <= 5 else \
        _uuid_v(r, version)


def _uuid_v(r: random.Random, version: int) -> str:
    """UUIDv6/v7/v8 (RFC 9562) by setting the version and variant bits of a random 128-bit value."""
    n = r.getrandbits(128)
    n = (n & ~(0xF << 76)) | (version << 76)
    n = (n & ~(0x3 << 62)) | (0x2 << 62)
    return str(uuid.UUID(int=n))


def _identifier(r: random.Random) -> Case:
    raw = r.randbytes(r.choice([16, 20, 32]))
    pick = r.randrange(14)
    if pick == 0:
        name, value = r.choice(["x-request-id", "X-Request-ID", "request_id", "requestId", "x-correlation-id",
                                "X-Amzn-RequestId", "apim-request-id", "conversation_id", "trace_id"]), \
            r.choice([_uuid(r), rnd(r, HEX, 32), rnd(r, AN, 24), "req_" + rnd(r, AN, 24)])
    elif pick == 1:
        name, value = "cf-ray", rnd(r, HEX, 16) + "-" + r.choice(["SJC", "FRA", "NRT", "LHR"])
    elif pick == 2:
        name, value = r.choice(["ETag", "etag"]), r.choice(['"' + hashlib.md5(raw).hexdigest() + '"',
                                                            'W/"' + base64.b64encode(raw).decode() + '"'])
    elif pick == 3:
        name, value = r.choice(["Content-MD5", "content-md5"]), base64.b64encode(hashlib.md5(raw).digest()).decode()
    elif pick == 4:
        algo = r.choice(["sha256", "sha1", "crc32c"])
        digest = base64.b64encode(hashlib.new("sha256" if algo == "crc32c" else algo, raw).digest()).decode()
        name, value = f"x-amz-checksum-{algo}", digest
    elif pick == 5:
        name, value = "Digest", "sha-256=" + base64.b64encode(hashlib.sha256(raw).digest()).decode()
    elif pick == 6:
        from websockets.utils import accept_key

        key = base64.b64encode(r.randbytes(16)).decode()
        name, value = r.choice([("Sec-WebSocket-Key", key), ("Sec-WebSocket-Accept", accept_key(key))])
    elif pick == 7:
        name, value = r.choice(["Idempotency-Key", "idempotency_key", "idempotencyKey"]), \
            r.choice([_uuid(r), rnd(r, AN, 24)])
    elif pick == 8:
        cursor = base64.urlsafe_b64encode(json.dumps({"id": r.randint(1, 10**6), "created_at": "2026-12-05T10:00:00Z"})
                                          .encode()).decode().rstrip("=")
        name, value = r.choice(["next_cursor", "cursor", "nextPageToken", "page_token", "NextToken",
                                "continuationToken", "starting_after"]), r.choice([cursor, rnd(r, AN, 40)])
    elif pick == 9:
        name, value = r.choice(["commit", "sha", "revision", "HEAD is now at"]), hashlib.sha1(raw).hexdigest()
    elif pick == 10:
        name, value = r.choice(["--hash", "checksum", "digest", "sha256"]), "sha256:" + hashlib.sha256(raw).hexdigest()
    elif pick == 11:
        name, value = r.choice(["checksum", "x-goog-hash", "integrity", "content_hash"]), \
            r.choice(["sha512-", "md5=", ""]) + base64.b64encode(hashlib.sha256(raw).digest()).decode()
    elif pick == 12:
        name, value = r.choice(["traceparent", "trace_id", "span_id", "x-b3-traceid"]), \
            r.choice([f"00-{rnd(r, HEX, 32)}-{rnd(r, HEX, 16)}-01", rnd(r, HEX, 32), rnd(r, HEX, 16)])
    else:
        name, value = r.choice([("secret", f"projects/{rnd(r, string.ascii_lowercase, 8)}/secrets/db-password/versions/"
                                           f"{r.choice(['latest', '3'])}"),
                                ("secret_id", f"arn:aws:secretsmanager:us-east-1:{rnd(r, string.digits, 12)}:secret:"
                                              f"prod/db-{rnd(r, AN, 6)}"),
                                ("password_updated_at", "2026-11-30T08:12:44Z"), ("token_type", "Bearer"),
                                ("model", r.choice(["moonshotai/Kimi-K2-Instruct-0905", "kimi-k2-thinking-turbo",
                                                    "glm-4.5v"]))])
    sep = " " if name == "HEAD is now at" else None
    if r.random() < 0.15:
        return _number_enum_class(r)
    return (f"identifier:{name.lower()}", _in_carrier(r, name, value, sep), value)


def _number_enum_class(r: random.Random) -> Case:
    """Values after a secret-like name that are a hex number, an enum constant or a class name (as ZooKeeper,
    Hadoop and Java retry policies print them)."""
    pick = r.randrange(3)
    if pick == 0:
        value = "0x" + rnd(r, HEX, r.randint(8, 15))
        return ("number:hex", f"Closed socket connection for client /10.0.0.{r.randint(1, 254)}:{r.randint(1024, 65535)} "
                              f"which had sessionid {value}", value)
    if pick == 1:
        value = r.choice(["SIMPLE", "KERBEROS", "TOKEN", "DIGEST", "BEARER", "OPAQUE", "NONE"])
        name = r.choice(["auth", "token_type", "secret_type", "auth_method"])
        return ("enum", f"Auth successful for job_{rnd(r, '0123456789', 13)}_0020 ({name}:{value})", value)
    words = ["Retry", "Up", "To", "Maximum", "Count", "With", "Fixed", "Sleep", "Exponential", "Backoff", "Token",
             "Bucket", "Secret", "Provider", "Credential", "Session", "Manager", "Factory"]
    value = "".join(r.choice(words) for _ in range(r.randint(4, 7)))
    return ("class name", f"retry policy is {value}(maxRetries=10, sleepTime=1000 MILLISECONDS)", value)


CLASSES: list[tuple[str, Callable[[random.Random], Case]]] = [
    ("masked", _masked), ("public", _public), ("identifier", _identifier)]


def keep_cases(seed: int, per_class: int) -> list[Case]:
    r = random.Random(seed)
    return [gen(r) for _, gen in CLASSES for _ in range(per_class)]
